using System.Net.Http.Json;
using System.Text.Json;
using DownstreamNotifier.Packages;
using DownstreamNotifier.Tests.Support;
using Npgsql;

namespace DownstreamNotifier.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migration_0006_lowercases_the_NuGet_keys_stored_before_so_they_match_again_keeping_one_of_case_twins()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Dotnet app", ["pkg:nuget/Newtonsoft.Json", "pkg:pypi/six"]);
        await h.CreateContactAsync(project, "sec@dotnet.test");
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        // As the keys were made before NuGet names were lowercased, a package listed twice in two cases.
        await ExecuteAsync(conn, $"""
            SET search_path TO notifier;
            UPDATE project_packages SET package_key = 'nuget//Newtonsoft.Json' WHERE package_key = 'nuget//newtonsoft.json';
            INSERT INTO project_packages (project_id, purl, package_key, relation)
            VALUES ('{project}', 'pkg:nuget/NEWTONSOFT.JSON', 'nuget//NEWTONSOFT.JSON', 'depends');
            """);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("NuGet", "Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json"));
        Assert.Empty(await RecipientsAsync(h, caseId));

        var assembly = typeof(PackageUrl).Assembly;
        using var script = new StreamReader(assembly.GetManifestResourceStream(
            assembly.GetManifestResourceNames().Single(n => n.EndsWith(".0006_nuget_keys_lowercase.sql", StringComparison.Ordinal)))!);
        await ExecuteAsync(conn, await script.ReadToEndAsync());

        Assert.Equal(["sec@dotnet.test"], await RecipientsAsync(h, caseId));
        await using var keys = new NpgsqlCommand("SELECT package_key FROM project_packages ORDER BY package_key", conn);
        var stored = new List<string>();
        await using (var reader = await keys.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        Assert.Equal(["nuget//newtonsoft.json", "pypi//six"], stored);
    }

    [Fact]
    public async Task Migration_0008_folds_the_cargo_keys_stored_before_as_crates_io_does_keeping_one_of_spelling_twins()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Rust app", ["pkg:cargo/foo-bar", "pkg:pypi/six"]);
        await h.CreateContactAsync(project, "sec@rust.test");
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        // As the keys were made before crate names were folded: a crate listed twice in two spellings, and a namespaced key.
        await ExecuteAsync(conn, $"""
            SET search_path TO notifier;
            UPDATE project_packages SET package_key = 'cargo//Foo-Bar' WHERE package_key = 'cargo//foo_bar';
            INSERT INTO project_packages (project_id, purl, package_key, relation) VALUES
              ('{project}', 'pkg:cargo/FOO_BAR', 'cargo//FOO_BAR', 'depends'),
              ('{project}', 'pkg:cargo/Some-Ns/Baz-Qux', 'cargo/Some-Ns/Baz-Qux', 'ships');
            """);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("crates.io", "foo_bar", ""));
        Assert.Empty(await RecipientsAsync(h, caseId));

        var sql = await MigrationScriptAsync("0008_cargo_keys_canonical.sql");
        await ExecuteAsync(conn, "SET search_path TO notifier; " + sql);
        await ExecuteAsync(conn, "SET search_path TO notifier; " + sql); // idempotent

        Assert.Equal(["sec@rust.test"], await RecipientsAsync(h, caseId));
        await using var keys = new NpgsqlCommand("SELECT package_key FROM notifier.project_packages", conn);
        var stored = new List<string>();
        await using (var reader = await keys.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        // What the code makes of the same purls now.
        Assert.Equal([PackageUrl.Parse("pkg:cargo/Foo-Bar").Key, PackageUrl.Parse("pkg:cargo/Some-Ns/Baz-Qux").Key, "pypi//six"],
            stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Migration_0012_lowercases_the_alpm_oci_and_bitnami_keys_stored_before_keeping_one_of_case_twins()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Arch python", ["pkg:alpm/arch/python-urllib3", "pkg:oci/python", "pkg:pypi/six"]);
        await h.CreateContactAsync(project, "sec@arch.test");
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        // As the keys were made before these names were lowercased: written as given, one package twice in two cases.
        await ExecuteAsync(conn, $"""
            SET search_path TO notifier;
            UPDATE project_packages SET package_key = 'alpm/Arch/Python-Urllib3' WHERE package_key = 'alpm/arch/python-urllib3';
            UPDATE project_packages SET package_key = 'oci//Python' WHERE package_key = 'oci//python';
            INSERT INTO project_packages (project_id, purl, package_key, relation)
            VALUES ('{project}', 'pkg:alpm/arch/PYTHON-URLLIB3', 'alpm/arch/PYTHON-URLLIB3', 'depends');
            """);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("Arch Linux", "python-urllib3", "pkg:alpm/arch/python-urllib3"));
        Assert.Empty(await RecipientsAsync(h, caseId));

        var sql = await MigrationScriptAsync("0012_alpm_oci_bitnami_keys_lowercase.sql");
        await ExecuteAsync(conn, "SET search_path TO notifier; " + sql);
        await ExecuteAsync(conn, "SET search_path TO notifier; " + sql); // idempotent

        Assert.Equal(["sec@arch.test"], await RecipientsAsync(h, caseId));
        await using var keys = new NpgsqlCommand("SELECT package_key FROM notifier.project_packages", conn);
        var stored = new List<string>();
        await using (var reader = await keys.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        Assert.Equal(["alpm/arch/python-urllib3", "oci//python", "pypi//six"], stored.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Migration_0013_lowercases_the_npm_golang_and_pub_keys_stored_as_written()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Node distro", ["pkg:npm/left-pad", "pkg:golang/github.com/sirupsen/logrus", "pkg:pub/http"]);
        await h.CreateContactAsync(project, "sec@node.test");
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        await ExecuteAsync(conn, $"""
            SET search_path TO notifier;
            UPDATE project_packages SET package_key = 'npm//Left-Pad' WHERE package_key = 'npm//left-pad';
            UPDATE project_packages SET package_key = 'golang/github.com/Sirupsen/logrus' WHERE package_key = 'golang/github.com/sirupsen/logrus';
            UPDATE project_packages SET package_key = 'pub//HTTP' WHERE package_key = 'pub//http';
            INSERT INTO project_packages (project_id, purl, package_key, relation) VALUES ('{project}', 'pkg:npm/LEFT-PAD', 'npm//LEFT-PAD', 'depends');
            """);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("npm", "left-pad", "pkg:npm/left-pad"));
        Assert.Empty(await RecipientsAsync(h, caseId));

        var sql = await MigrationScriptAsync("0013_case_insensitive_keys_lowercase.sql");
        await ExecuteAsync(conn, "SET search_path TO notifier; " + sql);
        await ExecuteAsync(conn, "SET search_path TO notifier; " + sql); // idempotent

        Assert.Equal(["sec@node.test"], await RecipientsAsync(h, caseId));
        await using var keys = new NpgsqlCommand("SELECT package_key FROM notifier.project_packages", conn);
        var stored = new List<string>();
        await using (var reader = await keys.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        Assert.Equal(["golang/github.com/sirupsen/logrus", "npm//left-pad", "pub//http"], stored.Order(StringComparer.Ordinal));
    }

    private static async Task<string> MigrationScriptAsync(string name)
    {
        var assembly = typeof(PackageUrl).Assembly;
        using var script = new StreamReader(assembly.GetManifestResourceStream(
            assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + name, StringComparison.Ordinal)))!);
        return await script.ReadToEndAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> RecipientsAsync(NotifierHarness h, Guid caseId) =>
        (await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients")).GetProperty("recipients").EnumerateArray()
        .Select(r => r.GetProperty("email").GetString()!).ToList();
}
