using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coordination.Hosting;

public static class OptionsRegistration
{
    /// <summary>
    /// Binds a section, validates its data annotations (nested sections' too) at start, and words each failure as
    /// "Section:Setting: rule" (e.g. "Disclosure:Publisher:Category: ..."), so a wrong setting stops the service
    /// with one line naming it.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(sp => new SectionAnnotationsValidator<T>(section, sp.GetRequiredService<IConfiguration>()));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>The data annotation failures of a settings object and of every settings object below it.</summary>
    private static IReadOnlyList<string> AnnotationFailures(object options, string section)
    {
        var failures = new List<string>();
        Collect(options, section, failures, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return failures;
    }

    // Validator.TryValidateObject checks only the object's own properties, never an object one of them holds.
    private static void Collect(object options, string path, List<string> failures, HashSet<object> seen)
    {
        if (!seen.Add(options)) return;
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            failures.AddRange(results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0) continue;
            var at = $"{path}:{property.Name}";
            switch (property.GetValue(options))
            {
                case IDictionary entries:
                    foreach (DictionaryEntry entry in entries) Nested(entry.Value, $"{at}:{entry.Key}", failures, seen);
                    break;
                case string:
                    break;
                case IEnumerable items:
                    var index = 0;
                    foreach (var item in items) Nested(item, $"{at}:{index++}", failures, seen);
                    break;
                case { } value:
                    Nested(value, at, failures, seen);
                    break;
            }
        }
    }

    private static void Nested(object? value, string path, List<string> failures, HashSet<object> seen)
    {
        if (value is not null && IsSettingsClass(value.GetType())) Collect(value, path, failures, seen);
    }

    // A class of ours holding settings (a nested section), not one of the framework's (string, collections, ...).
    private static bool IsSettingsClass(Type type) =>
        type is { IsClass: true, Namespace: { } ns } && !ns.StartsWith("System", StringComparison.Ordinal) && !ns.StartsWith("Microsoft", StringComparison.Ordinal);

    /// <summary>
    /// The entries of the section's dictionaries and lists that do not convert. Binding a dictionary or a list (T[],
    /// List&lt;T&gt;, ...), the binder skips an entry it cannot convert instead of failing
    /// ("Notifier:Channels:distros:RequireEncryption=maybe" left the channel as it was, "Embargo:ReminderOffsets:0=abc"
    /// left no reminders at all); bound on its own, the entry fails with the binder's message.
    /// </summary>
    private static IEnumerable<string> EntryFailures(Type type, IConfigurationSection section, int depth = 0)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (EntryType(property.PropertyType) is not { } entryType)
            {
                // A nested section's own dictionaries and lists (depth-limited: a settings class may refer to its own type).
                if (depth < 8 && IsSettingsClass(property.PropertyType))
                    foreach (var failure in EntryFailures(property.PropertyType, section.GetSection(property.Name), depth + 1)) yield return failure;
                continue;
            }
            foreach (var entry in section.GetSection(property.Name).GetChildren())
            {
                string? failure = null;
                try { entry.Get(entryType); }
                catch (InvalidOperationException e) { failure = ServiceDefaultsExtensions.ConversionFailure(e); }
                if (failure is not null) yield return failure;
            }
        }
    }

    /// <summary>The type of a dictionary's values or of a list's items; null for anything else (a string is no list).</summary>
    private static Type? EntryType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        var generic = type.GetInterfaces().Append(type).Where(i => i.IsGenericType).ToList();
        if (generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dictionary)
            return dictionary.GetGenericArguments()[1];
        return generic.FirstOrDefault(i => i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private sealed class SectionAnnotationsValidator<T>(string section, IConfiguration configuration) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            EntryFailures(typeof(T), configuration.GetSection(section)).Concat(AnnotationFailures(options, section)).ToList() is { Count: > 0 } failures
                ? ValidateOptionsResult.Fail(failures)
                : ValidateOptionsResult.Success;
    }
}
