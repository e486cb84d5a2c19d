using Coordination.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Tests;

/// <summary>
/// The binder skips a list's or dictionary's entry it cannot convert; the settings check names it instead, in a nested
/// section too. (Every service's own sections are covered end to end by ConfigurationErrorTests.)
/// </summary>
public sealed class SettingsEntryTests
{
    public sealed class Outer
    {
        public Inner Inner { get; set; } = new();
    }

    public sealed class Inner
    {
        public int[] Offsets { get; set; } = [];
        public Dictionary<string, bool> Flags { get; set; } = new();
    }

    [Theory]
    [InlineData("Test:Inner:Offsets:0", "abc")]
    [InlineData("Test:Inner:Flags:distros", "maybe")]
    public void An_entry_of_a_nested_section_that_does_not_convert_is_named(string key, string value)
    {
        using var provider = Provider(new() { [key] = value });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Outer>>().Value);
        Assert.Contains(key, Assert.Single(e.Failures));
    }

    [Fact]
    public void Entries_that_convert_are_bound()
    {
        using var provider = Provider(new() { ["Test:Inner:Offsets:0"] = "5", ["Test:Inner:Flags:distros"] = "true" });

        var inner = provider.GetRequiredService<IOptions<Outer>>().Value.Inner;
        Assert.Equal([5], inner.Offsets);
        Assert.True(inner.Flags["distros"]);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddValidatedOptions<Outer>("Test");
        return services.BuildServiceProvider();
    }
}
