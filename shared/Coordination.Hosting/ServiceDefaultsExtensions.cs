using System.Reflection;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Hosting.Health;
using Coordination.Hosting.Telemetry;
using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Scalar.AspNetCore;

namespace Coordination.Hosting;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// What every Coordination service has: validated settings, telemetry, the PostgreSQL data source on the
    /// service's own schema, the bus, member-token authentication, problem details, health and OpenAPI.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(
        this WebApplicationBuilder builder,
        ServiceInfo service,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureRabbit = null)
    {
        var services = builder.Services;
        DapperSetup.Configure();
        services.AddSingleton(service);
        services.AddSingleton(TimeProvider.System);

        services.AddValidatedOptions<PostgresOptions>(PostgresOptions.Section);
        services.AddSingleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>();
        services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PostgresOptions>>().Value.CreateDataSource(service.Schema));

        builder.AddCoordinationTelemetry(service.Name);
        services.AddCoordinationBus(service, configureBus, configureRabbit);
        services.AddHostedService<OutboxDispatcher>();
        services.AddHostedService<InboxRetention>();

        services.AddSingleton<MemberTokenCodec>();
        services.AddSingleton<RevocationStore>();
        services.AddHostedService<RevocationResyncRequest>();
        services.AddAuthentication(MemberTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, MemberTokenAuthenticationHandler>(MemberTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Member, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));

        services.AddProblemDetails();
        services.AddExceptionHandler<Http.DatabaseUnavailableExceptionHandler>();
        // A body, query or route value the endpoint cannot bind is a 400 naming the field (not a bare 400, and not a
        // 500 with a stack trace in Development, where the framework throws by default).
        services.AddExceptionHandler<Http.BadRequestExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new Http.ExplicitOffsetConverter());
            Http.StrictJson.Apply(o.SerializerOptions);
        });
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Builds the service and checks every setting before anything uses one (mapping health checks already builds the
    /// bus). Building makes the web server, whose options may read the service's settings (intake's body limit and
    /// trusted proxies): a wrong setting then fails inside Build already. Either way a wrong setting ends the process
    /// with one line naming it and exit code 2, not a stack trace.
    /// </summary>
    public static WebApplication BuildService(this WebApplicationBuilder builder)
    {
        WebApplication app;
        try
        {
            app = builder.Build();
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (SettingsFailures(e) is { Count: > 0 } failures)
        {
            var service = builder.Services.Select(d => d.ImplementationInstance).OfType<ServiceInfo>().First();
            Console.Error.WriteLine($"{service.Name}: configuration error: {string.Join("; ", failures)}");
            Environment.Exit(2);
            throw; // not reached
        }
        return app;
    }

    /// <summary>Health, API reference, authentication and error handling for every service.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapGet("/whoami", WhoAmI).RequireAuthorization(Policies.Member).WithName("WhoAmI");
        return app;
    }

    /// <summary>Any service answers who a token belongs to; a revoked token gets 401 here as everywhere.</summary>
    private static Ok<WhoAmIResponse> WhoAmI(ClaimsPrincipal user, ServiceInfo service) =>
        TypedResults.Ok(new WhoAmIResponse(user.MemberId(), user.MemberName(), user.FindFirstValue(ClaimTypes.Role) ?? "", service.Name));

    /// <summary>
    /// The wrong settings an exception stands for: validation failures (of one settings section, or of several at once)
    /// or the binder's failure to convert a value; none for any other exception.
    /// </summary>
    private static IReadOnlyList<string> SettingsFailures(Exception e) => e switch
    {
        OptionsValidationException v => v.Failures.Distinct().ToList(),
        AggregateException all => all.InnerExceptions.OfType<OptionsValidationException>().SelectMany(v => v.Failures).Distinct().ToList(),
        InvalidOperationException b when b.TargetSite?.DeclaringType == typeof(ConfigurationBinder) => [ConversionFailure(b)],
        _ => [],
    };

    /// <summary>"RabbitMq:Port: not a valid Int32" from the binder's message, which also quotes the value.</summary>
    internal static string ConversionFailure(InvalidOperationException e) =>
        Regex.Match(e.Message, "at '(?<key>[^']*)' to type '(?:[^']*\\.)?(?<type>[^'.]*)'", RegexOptions.RightToLeft) is { Success: true } m
            ? $"{m.Groups["key"].Value}: not a valid {m.Groups["type"].Value}"
            : e.Message;

    /// <summary>
    /// Validates every setting, applies the service's migrations, then runs. A wrong setting, an unreachable
    /// database or a migration the database refuses ends the process with one line saying which, and exit code 2.
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app)
    {
        var service = app.Services.GetRequiredService<ServiceInfo>();
        var postgres = app.Services.GetRequiredService<IOptions<PostgresOptions>>().Value;
        var migrated = await MigrateWithRetryAsync(service, postgres, Assembly.GetEntryAssembly()!);
        if (!migrated) return 2;

        await app.RunAsync();
        return 0;
    }

    private static async Task<bool> MigrateWithRetryAsync(ServiceInfo service, PostgresOptions options, Assembly serviceAssembly)
    {
        var deadline = DateTime.UtcNow.AddSeconds(options.StartupWaitSeconds);
        while (true)
        {
            try
            {
                var applied = MigrationRunner.Apply(options.ConnectionString, service.Schema, [typeof(ServiceDefaultsExtensions).Assembly, serviceAssembly],
                    () => Console.WriteLine($"{service.Name}: waiting for another instance applying the migrations of schema \"{service.Schema}\""));
                Console.WriteLine($"{service.Name}: schema \"{service.Schema}\" up to date ({applied.Count} migration(s) applied now)");
                return true;
            }
            catch (MigrationFailedException e)
            {
                await Console.Error.WriteLineAsync($"{service.Name}: {e.Message}; nothing of it was applied, schema \"{service.Schema}\" is as before it");
                return false;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"{service.Name}: configuration error: Postgres:ConnectionString: cannot reach the database ({e.Message})");
                return false;
            }
        }
    }
}
