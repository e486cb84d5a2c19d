using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordination.Testing;
using DownstreamNotifier.Tests.Support;

namespace DownstreamNotifier.Tests;

public sealed class RegistryInputTests
{
    [Fact]
    public async Task The_CSV_export_puts_an_apostrophe_before_formulas_and_imports_back_to_the_same_values()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("formula@x.test");
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("=SUM(1+2)", ["pkg:pypi/six"]);
        var created = await h.Http.PostAsJsonAsync($"projects/{project}/contacts",
            new { name = "@cmd", email = "=1+2@x.org", role = "+role", timeZone = "-05:00", publicKey = key });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await h.CreateProjectAsync("'=already quoted", ["pkg:pypi/six"]);
        var before = await ProjectsAndContactsAsync(h);

        var exported = await h.Http.GetStringAsync("export?format=csv");
        Assert.Contains("\r\n'=SUM(1+2),PyPI,,pkg:pypi/six,,'@cmd,'=1+2@x.org,'+role,'-05:00,\"'-----BEGIN PGP PUBLIC KEY BLOCK-----", exported);
        Assert.Contains("\r\n''=already quoted,", exported);

        foreach (var p in (await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray())
            (await h.Http.DeleteAsync($"projects/{p.GetProperty("id").GetString()}")).EnsureSuccessStatusCode();
        var import = await h.Http.PostAsync("import", new StringContent(exported, Encoding.UTF8, "text/csv"));
        var report = await import.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        Assert.Equal(before, await ProjectsAndContactsAsync(h));
    }

    [Fact]
    public async Task An_import_that_only_adds_contacts_leaves_an_existing_projects_packages_and_channels_as_they_are()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Debian python3-urllib3", [new { purl = "pkg:deb/debian/python3-urllib3", relation = "ships" }, "pkg:pypi/urllib3"], ["distros"]);
        var before = await h.Http.GetStringAsync($"projects/{project}");

        var csv = await h.Http.PostAsync("import", new StringContent("project,name,email\r\nDebian python3-urllib3,New,new@x.test\r\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(1, (await csv.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        var json = await h.Http.PostAsJsonAsync("import", new[] { new { name = "Debian python3-urllib3", contacts = new[] { new { name = "Other", email = "other@x.test" } } } });
        Assert.Equal(1, (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());

        var after = await h.Http.GetFromJsonAsync<JsonElement>($"projects/{project}");
        var expected = JsonDocument.Parse(before).RootElement;
        foreach (var field in new[] { "ecosystem", "channels", "packages" })
            Assert.Equal(expected.GetProperty(field).GetRawText(), after.GetProperty(field).GetRawText());
        var contacts = await h.Http.GetFromJsonAsync<JsonElement>($"projects/{project}/contacts");
        Assert.Equal(["new@x.test", "other@x.test"], contacts.EnumerateArray().Select(c => c.GetProperty("email").GetString()).Order());

        // Nor does a CSV whose project cells are empty (a sheet giving them on one line of the project only): losing
        // "distros" would send its keyless contacts the details in plain mail.
        var blank = await h.Http.PostAsync("import", new StringContent(
            "project,ecosystem,homepage,packages,channels,name,email\r\nDebian python3-urllib3,, ,,\" , \",New,new@x.test\r\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(1, (await blank.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        var kept = await h.Http.GetFromJsonAsync<JsonElement>($"projects/{project}");
        foreach (var field in new[] { "ecosystem", "homepage", "channels", "packages" })
            Assert.Equal(expected.GetProperty(field).GetRawText(), kept.GetProperty(field).GetRawText());

        // A property that is given replaces the field, empty or not.
        var emptied = await h.Http.PostAsJsonAsync("import", new[] { new { name = "Debian python3-urllib3", channels = Array.Empty<string>() } });
        Assert.Equal(1, (await emptied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        var replaced = await h.Http.GetStringAsync($"projects/{project}");
        Assert.True(JsonDocument.Parse(replaced).RootElement.GetProperty("channels").GetArrayLength() == 0, replaced);
    }

    [Fact]
    public async Task Two_imports_at_once_creating_the_same_new_projects_both_land_every_row()
    {
        await using var h = await NotifierHarness.StartAsync();
        var rows = Enumerable.Range(0, 1000).Select(p => new
        {
            name = $"Mirror {p}", packages = new[] { "pkg:pypi/urllib3" },
            contacts = Enumerable.Range(0, 3).Select(c => new { name = $"C{c}", email = $"c{c}@mirror{p}.test" }).ToArray(),
        }).ToArray();
        // Each import's transaction inserts "Mirror 0" first; the other's insert of it waits for that commit.
        var imports = await Task.WhenAll(h.Http.PostAsJsonAsync("import", rows), h.Http.PostAsJsonAsync("import", rows));
        foreach (var response in imports)
        {
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(report.GetProperty("imported").GetInt32() == 1000, report.GetRawText()[..Math.Min(2000, report.GetRawText().Length)]);
        }
        Assert.Equal(1000, (await h.Http.GetFromJsonAsync<JsonElement>("projects")).GetArrayLength());
        Assert.Equal(3000, (await h.Http.GetFromJsonAsync<JsonElement>("contacts")).GetArrayLength());
    }

    [Fact]
    public async Task A_time_zone_that_is_a_zoneinfo_folder_is_refused_and_in_an_import_only_its_row_is()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Zones", ["pkg:pypi/six"]);
        var refused = await h.Http.PostAsJsonAsync($"projects/{project}/contacts", new { name = "Z", email = "z@x.test", timeZone = "Europe" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("timeZone", out _));

        var csv = new StringBuilder("project,packages,name,email,time_zone\r\n");
        for (var i = 0; i < 50; i++) csv.Append($"Zone {i},pkg:pypi/six,P{i},p{i}@x.test,{(i == 20 ? "posix" : "Europe/Berlin")}\r\n");
        var response = await h.Http.PostAsync("import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(49, report.GetProperty("imported").GetInt32());
        var rejected = report.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("status").GetString() == "rejected");
        Assert.Equal(21, rejected.GetProperty("row").GetInt32());
        Assert.True(rejected.GetProperty("errors").TryGetProperty("contacts[0].timeZone", out _));
    }

    [Fact]
    public async Task Text_the_database_cannot_hold_is_a_400_naming_the_field_and_in_an_import_rejects_only_its_row()
    {
        await using var h = await NotifierHarness.StartAsync();
        var longPurl = "pkg:generic/" + new string('a', 4000);
        (object Body, string Field)[] projects =
        [
            (new { name = "a\0b" }, "name"),
            (new { name = "P", ecosystem = "Py\0PI" }, "ecosystem"),
            (new { name = "P", homepage = "http://a/\0b" }, "homepage"),
            (new { name = "P", packages = new[] { "pkg:pypi/a%00b" } }, "packages[0]"),
            (new { name = "P", packages = new[] { "pkg:pypi/a\0b" } }, "packages[0]"),
            (new { name = "P", packages = new[] { "pkg:pypi/six", longPurl } }, "packages[1]"),
        ];
        foreach (var (body, field) in projects)
            await AssertRefusedAsync(await h.Http.PostAsJsonAsync("projects", body), field);
        var project = await h.CreateProjectAsync("Holds", ["pkg:pypi/six"]);
        (object Body, string Field)[] contacts =
        [
            (new { name = "N\0", email = "n@x.test" }, "name"),
            (new { name = "N", email = "n\0@x.test" }, "email"),
            (new { name = "N", email = "n@x.test", role = "r\0" }, "role"),
            (new { name = "N", email = "n@x.test", publicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\0" }, "publicKey"),
        ];
        foreach (var (body, field) in contacts)
            await AssertRefusedAsync(await h.Http.PostAsJsonAsync($"projects/{project}/contacts", body), field);

        var rows = new object[]
        {
            new { name = "Good 1", packages = new[] { "pkg:pypi/six" }, contacts = new[] { new { name = "A", email = "a@x.test" } } },
            new { name = "Bad role", contacts = new[] { new { name = "B", email = "b@x.test", role = "r\0" } } },
            new { name = "Bad purl", packages = new[] { longPurl } },
            new { name = "Good 2", packages = new[] { "pkg:pypi/six" } },
            new { name = "Bad\0name" },
        };
        var report = await (await h.Http.PostAsJsonAsync("import", rows)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["imported", "rejected", "rejected", "imported", "rejected"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.True(results[1].GetProperty("errors").TryGetProperty("contacts[0].role", out _));
        Assert.True(results[2].GetProperty("errors").TryGetProperty("packages[0]", out _));
        Assert.True(results[4].GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task A_bad_channel_after_a_repeated_one_is_named_by_its_own_index()
    {
        await using var h = await NotifierHarness.StartAsync();
        await AssertRefusedAsync(await h.Http.PostAsJsonAsync("projects", new { name = "P", channels = new[] { "distros", "distros", "Bad!" } }), "channels[2]");
    }

    [Fact]
    public async Task A_homepage_channels_or_a_purl_as_stored_beyond_its_limit_is_a_400_naming_the_field()
    {
        await using var h = await NotifierHarness.StartAsync();
        await AssertRefusedAsync(await h.Http.PostAsJsonAsync("projects", new { name = "P", homepage = "https://x.test/" + new string('a', 1_986) }), "homepage");
        var channels = Enumerable.Range(0, 101).Select(i => $"c{i}").ToArray();
        await AssertRefusedAsync(await h.Http.PostAsJsonAsync("projects", new { name = "P", channels }), "channels");
        // 812 bytes as sent, 2,412 as stored ("é" is stored percent-encoded): a GET → PUT of it would be refused.
        var response = await h.Http.PostAsJsonAsync("projects", new { name = "P", packages = new[] { "pkg:generic/" + new string('é', 400) } });
        await AssertRefusedAsync(response, "packages[0]");
        Assert.Contains("as stored", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_import_row_with_two_contacts_of_one_address_is_rejected_whole_naming_the_duplicate()
    {
        await using var h = await NotifierHarness.StartAsync();
        var rows = new object[]
        {
            new { name = "Twice", packages = new[] { "pkg:pypi/six" }, contacts = new[] { new { name = "A", email = "dup@example.org" }, new { name = "B", email = "DUP@example.org" } } },
            new { name = "Once", packages = new[] { "pkg:pypi/six" }, contacts = new[] { new { name = "C", email = "dup@example.org" } } },
        };
        var report = await (await h.Http.PostAsJsonAsync("import", rows)).Content.ReadFromJsonAsync<JsonElement>();

        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["rejected", "imported"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("duplicates contacts[0]", results[0].GetProperty("errors").GetProperty("contacts[1].email")[0].GetString());
        Assert.Equal(["Once"], (await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_CSV_quote_that_RFC_4180_does_not_allow_is_a_400_naming_the_record_and_nothing_is_imported()
    {
        await using var h = await NotifierHarness.StartAsync();
        foreach (var (line, record) in new[] { ("\"csvq3\"junk\"more,Q,q@x.test", "record 3"), ("cs\"vq2,Q,q@x.test", "record 3") })
        {
            var csv = $"project,name,email\r\nFine,F,f@x.test\r\n{line}\r\n";
            var response = await h.Http.PostAsync("import", new StringContent(csv, Encoding.UTF8, "text/csv"));
            await AssertRefusedAsync(response, "body");
            Assert.Contains(record, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, (await h.Http.GetFromJsonAsync<JsonElement>("projects")).GetArrayLength());
    }

    [Fact]
    public async Task A_JSON_import_with_a_property_given_twice_is_a_400_saying_so_and_nothing_is_imported()
    {
        await using var h = await NotifierHarness.StartAsync();
        var json = """[{"name":"Fine","contacts":[{"email":"f@x.test"}]},{"name":"Twice","contacts":[{"email":"a@x.test","Email":"b@x.test"}]}]""";
        var response = await h.Http.PostAsync("import", new StringContent(json, Encoding.UTF8, "application/json"));
        await AssertRefusedAsync(response, "body");
        Assert.Contains("more than once ($[1].contacts[0].Email", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await h.Http.GetFromJsonAsync<JsonElement>("projects")).GetArrayLength());
    }

    [Theory]
    [InlineData("purl")]
    [InlineData("relation")]
    public async Task A_package_object_giving_a_property_twice_is_a_400_and_the_project_is_not_created(string property)
    {
        await using var h = await NotifierHarness.StartAsync();
        var twice = property == "purl"
            ? "{\"purl\":\"pkg:pypi/urllib3\",\"PURL\":\"pkg:pypi/six\"}"
            : "{\"purl\":\"pkg:pypi/urllib3\",\"relation\":\"ships\",\"relation\":\"depends\"}";
        var json = $$"""{"name":"Gentoo dev-python/urllib3","packages":[{{twice}}]}""";
        var response = await h.Http.PostAsync("projects", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateObject().ToList();
        Assert.Contains(errors, e => e.Name.StartsWith("packages", StringComparison.Ordinal) && e.Value.ToString().Contains("more than once"));
        Assert.Equal(0, (await h.Http.GetFromJsonAsync<JsonElement>("projects")).GetArrayLength());
    }

    /// <returns>the problem details' text.</returns>
    internal static async Task<string> AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {text}");
        return text;
    }

    private static async Task<List<string>> ProjectsAndContactsAsync(NotifierHarness h)
    {
        var projects = await h.Http.GetFromJsonAsync<JsonElement>("projects");
        var contacts = await h.Http.GetFromJsonAsync<JsonElement>("contacts");
        var names = projects.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("name").GetString()!);
        return projects.EnumerateArray().Select(p => $"project {p.GetProperty("name")} {p.GetProperty("packages")}")
            .Concat(contacts.EnumerateArray().Select(c => $"contact of {names[c.GetProperty("projectId").GetString()!]}: {c.GetProperty("name")} " +
                $"{c.GetProperty("email")} {c.GetProperty("role")} {c.GetProperty("timeZone")} {c.GetProperty("key")}"))
            .Order(StringComparer.Ordinal).ToList();
    }
}

public sealed class ContactAddressTests
{
    [Fact]
    public void A_non_ASCII_local_part_is_refused_naming_the_field_and_an_international_domain_is_accepted()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(DownstreamNotifier.Registry.RegistryValidation.Contact(new("Jürgen", "jürgen@example.org", null, null, null), DateTimeOffset.UtcNow, errors));
        Assert.Contains("ASCII", Assert.Single(errors["email"]));

        errors.Clear();
        Assert.NotNull(DownstreamNotifier.Registry.RegistryValidation.Contact(new("Ops", "ops@bücher.example", null, null, null), DateTimeOffset.UtcNow, errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void An_international_domain_written_in_punycode_is_accepted_as_written()
    {
        var errors = new Dictionary<string, string[]>();
        var contact = DownstreamNotifier.Registry.RegistryValidation.Contact(new("Ops", "ops@xn--bcher-kva.example", null, null, null), DateTimeOffset.UtcNow, errors);
        Assert.Empty(errors);
        Assert.Equal("ops@xn--bcher-kva.example", contact?.Email);
    }
}
