using Coordination.Contracts.Members;
using Coordination.Hosting;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Intake.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Members;

/// <summary>
/// <c>Intake.dll bootstrap-admin --name N --email E --handle H</c>: creates the first admin once (refused when a
/// current admin exists) and prints their token once. Reads the same Postgres and Auth settings as the service
/// and applies its migrations first.
/// </summary>
public static class BootstrapAdminCommand
{
    public const string Verb = "bootstrap-admin";

    public static bool IsRequested(string[] args) => args.Contains(Verb);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseOptions(args[(Array.IndexOf(args, Verb) + 1)..]);
        var request = new MemberRequest(options.GetValueOrDefault("name"), options.GetValueOrDefault("email"), options.GetValueOrDefault("handle"), Roles.Admin);
        var errors = MemberValidator.Validate(request);
        if (errors.Count > 0)
        {
            foreach (var (field, messages) in errors)
                await Console.Error.WriteLineAsync($"{Verb}: --{(field == "publicHandle" ? "handle" : field)} {string.Join("; ", messages)}");
            await Console.Error.WriteLineAsync($"usage: {Verb} --name NAME --email EMAIL --handle HANDLE");
            return 2;
        }

        var config = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var connectionString = config["Postgres:ConnectionString"];
        var signingKey = config["Auth:SigningKey"];
        if (string.IsNullOrWhiteSpace(connectionString))
            return await Fail("configuration error: Postgres:ConnectionString is required.");
        AuthOptions auth = new() { SigningKey = signingKey ?? "" };
        try
        {
            if (auth.KeyBytes().Length < 32) return await Fail("configuration error: Auth:SigningKey must decode to at least 32 bytes.");
        }
        catch (FormatException)
        {
            return await Fail("configuration error: Auth:SigningKey is required (base64, at least 32 bytes).");
        }

        try
        {
            return await CreateAdminAsync(connectionString, auth, request);
        }
        catch (MigrationFailedException e)
        {
            return await Fail($"{e.Message}. Nothing was changed.");
        }
        catch (PostgresException e)
        {
            return await Fail($"the database refused it (PostgreSQL error {e.SqlState}). Nothing was changed.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return await Fail($"configuration error: Postgres:ConnectionString: cannot reach the database ({e.Message}). Nothing was changed.");
        }
    }

    private static async Task<int> CreateAdminAsync(string connectionString, AuthOptions auth, MemberRequest request)
    {
        DapperSetup.Configure();
        var service = IntakeExtensions.Service;
        MigrationRunner.Apply(connectionString, service.Schema, typeof(ServiceDefaultsExtensions).Assembly, typeof(IntakeExtensions).Assembly);

        var cs = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = service.Schema }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await MemberStore.LockMembershipAsync(conn, tx);
        if (await MemberStore.CountCurrentAdminsAsync(conn, tx) > 0)
            return await Fail("an admin already exists; ask them to add members (POST /members). Nothing was changed.");

        var time = TimeProvider.System;
        var now = time.GetUtcNow();
        var admin = new Member(Guid.NewGuid(), request.Name!.Trim(), request.Email!.Trim(), request.PublicHandle!, Roles.Admin, now);
        if (!await MemberStore.TryInsertAsync(conn, tx, admin))
            return await Fail("a current member already has this email or handle. Nothing was changed.");
        var issuer = new TokenIssuer(new MemberTokenCodec(Options.Create(auth)), time);
        var token = await issuer.IssueAsync(conn, tx, admin, null, null);
        await AuditLog.AppendAsync(conn, tx, new Actor(admin.Id, admin.Name), "member.bootstrapped", now, detail: new { memberId = admin.Id, token.TokenId });
        await Outbox.PublishAsync(conn, tx, new MemberJoined(admin.Id, admin.Name, admin.PublicHandle, admin.Role, now));
        await tx.CommitAsync();

        Console.WriteLine($"{service.Name}: admin {admin.PublicHandle} ({admin.Id}) created. Their token, shown only this once:");
        Console.WriteLine(token.Token);
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var name = args[i][2..];
            var eq = name.IndexOf('=');
            if (eq > 0) options[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < args.Length) options[name] = args[++i];
        }
        return options;
    }

    private static async Task<int> Fail(string message)
    {
        await Console.Error.WriteLineAsync($"{IntakeExtensions.Service.Name}: {Verb}: {message}");
        return 1;
    }
}
