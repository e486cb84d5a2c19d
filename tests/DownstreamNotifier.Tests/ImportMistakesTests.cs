using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Coordination.Testing;
using DownstreamNotifier.Packages;
using DownstreamNotifier.Registry;
using DownstreamNotifier.Tests.Support;
using Npgsql;

namespace DownstreamNotifier.Tests;

/// <summary>
/// Mistakes a hand-made or converted registry file makes (a misspelt column or property, a comma left unquoted, a
/// contact given twice) are refused and named, never read as something else: a key column no field reads would have
/// every contact of the file get plain mail.
/// </summary>
public sealed class ImportMistakesTests
{
    [Fact]
    public async Task CSV_columns_are_matched_however_spaced_and_a_column_no_field_reads_is_a_400_naming_it()
    {
        await using var h = await NotifierHarness.StartAsync();
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("ops@fedora.test");

        var spaced = await h.Http.PostAsync("import", Csv($"Project,Name,E-mail,Time Zone,Public Key\r\nFedora,Ops,ops@fedora.test,Europe/Berlin,{Rfc4180Cell(key)}\r\n"));
        Assert.Equal(1, await ImportedAsync(spaced));
        var contact = Assert.Single((await h.Http.GetFromJsonAsync<JsonElement>("contacts")).EnumerateArray());
        Assert.Equal(JsonValueKind.Object, contact.GetProperty("key").ValueKind);
        Assert.Equal("Europe/Berlin", contact.GetProperty("timeZone").GetString());

        var misspelt = await h.Http.PostAsync("import", Csv($"project,name,email,pgp key\r\nDebian,Sec,sec@debian.test,{Rfc4180Cell(key)}\r\n"));
        var text = await AssertBodyRefusedAsync(misspelt);
        Assert.Contains("\"pgp key\"", JsonDocument.Parse(text).RootElement.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Single((await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray()); // Debian not imported

        await AssertBodyRefusedAsync(await h.Http.PostAsync("import", Csv("project,email,e-mail\r\nX,a@x.test,b@x.test\r\n")));

        // What a GET answers may be sent back: its read-only fields are accepted and ignored.
        var project = (await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray().Single();
        var edited = project.GetRawText().Replace("\"Fedora\"", "\"Fedora Linux\"");
        var put = await h.Http.PutAsync($"projects/{project.GetProperty("id").GetString()}", Json(edited));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_CSV_line_with_more_cells_than_columns_or_a_contact_without_an_address_rejects_its_row_only()
    {
        await using var h = await NotifierHarness.StartAsync();
        var csv = "project,email,name,role,,\r\n" +                // trailing commas, as a spreadsheet saves
                  "Good,good@x.test,Good,security\r\n" +
                  "Shifted,j@x.test,Smith, John,maint\r\n" +   // an unquoted comma
                  "No address,,,security\r\n" +                // a role, but no contact to hold it
                  "Trailing,t@x.test,T,ops,,\r\n";             // empty cells under no name
        var report = await (await h.Http.PostAsync("import", Csv(csv))).Content.ReadFromJsonAsync<JsonElement>();

        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["imported", "rejected", "rejected", "imported"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Contains("5 values for 4 named columns", results[1].GetProperty("errors").GetProperty("row")[0].GetString());
        Assert.True(results[2].GetProperty("errors").TryGetProperty("contacts[0].email", out _), results[2].GetRawText());
        Assert.Equal(["Good", "Trailing"], (await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task A_property_no_field_reads_is_a_400_naming_it_in_an_import_a_contact_and_a_package()
    {
        await using var h = await NotifierHarness.StartAsync();
        var import = await h.Http.PostAsync("import", Json("""[{"name":"Fine","contacts":[{"email":"f@x.test","name":"F"}]},{"name":"Keyed","contacts":[{"email":"k@x.test","name":"K","public_key":"x"}]}]"""));
        Assert.Contains("$[1].contacts[0].public_key", await AssertBodyRefusedAsync(import));
        Assert.Equal(0, (await h.Http.GetFromJsonAsync<JsonElement>("projects")).GetArrayLength());

        var project = await h.CreateProjectAsync("Fedora", ["pkg:pypi/urllib3"]);
        var contact = await h.Http.PostAsync($"projects/{project}/contacts", Json("""{"name":"Ops","email":"ops@x.test","public_key":"x"}"""));
        await RegistryInputTests.AssertRefusedAsync(contact, "public_key");
        var package = await h.Http.PostAsync("projects", Json("""{"name":"Debian","packages":[{"purl":"pkg:pypi/urllib3","relaton":"ships"}]}"""));
        await RegistryInputTests.AssertRefusedAsync(package, "packages[0]");
        var channels = await h.Http.PostAsync("projects", Json("""{"name":"Gentoo","channel":["distros"]}"""));
        await RegistryInputTests.AssertRefusedAsync(channels, "channel");
        Assert.Single((await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray());
        Assert.Equal(0, (await h.Http.GetFromJsonAsync<JsonElement>("contacts")).GetArrayLength());
    }

    [Fact]
    public async Task A_contact_an_earlier_row_of_the_import_gave_for_the_same_project_is_rejected_and_the_first_stands()
    {
        await using var h = await NotifierHarness.StartAsync();
        var csv = "project,name,email,role\r\n" +
                  "Fedora,Alice,a@fedora.test,security\r\n" +
                  "Fedora,Bob,A@fedora.test,\r\n" +           // the same contact again, otherwise described
                  "Debian,Alice,a@fedora.test,security\r\n";  // the same address in another project: a contact of its own
        var report = await (await h.Http.PostAsync("import", Csv(csv))).Content.ReadFromJsonAsync<JsonElement>();

        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["imported", "rejected", "imported"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Contains("row 1", results[1].GetProperty("errors").GetProperty("contacts[0].email")[0].GetString());
        var contacts = (await h.Http.GetFromJsonAsync<JsonElement>("contacts")).EnumerateArray().ToList();
        Assert.Equal(2, contacts.Count);
        Assert.All(contacts, c => Assert.Equal(("Alice", "security"), (c.GetProperty("name").GetString(), c.GetProperty("role").GetString())));
    }

    [Fact]
    public async Task Two_imports_at_once_updating_the_same_projects_in_opposite_orders_both_land_every_row()
    {
        await using var h = await NotifierHarness.StartAsync();
        var rows = Enumerable.Range(0, 300).Select(p => new { name = $"Mirror {p}", packages = new[] { "pkg:pypi/urllib3" } }).ToArray();
        Assert.Equal(300, await ImportedAsync(await h.Http.PostAsJsonAsync("import", rows)));

        // Each row of an existing project updates (and locks) it to the commit: the two would wait on each other.
        var homepages = rows.Select(r => new { r.name, homepage = "https://example.org/" + r.name.Replace(' ', '-') }).ToArray();
        var imports = await Task.WhenAll(h.Http.PostAsJsonAsync("import", homepages), h.Http.PostAsJsonAsync("import", homepages.Reverse().ToArray()));

        foreach (var response in imports) Assert.Equal(300, await ImportedAsync(response));
    }

    [Fact]
    public async Task A_project_deleted_while_an_import_row_names_it_is_made_again_with_the_rows_contacts()
    {
        await using var h = await NotifierHarness.StartAsync();
        var row = new[] { new { name = "Gentoo python", contacts = new[] { new { name = "Bob", email = "bob@gentoo.test" } } } };
        Assert.Equal(1, await ImportedAsync(await h.Http.PostAsJsonAsync("import", row)));
        var gone = await Db.ScalarAsync<Guid>(h, "SELECT id FROM notifier.projects WHERE name = 'Gentoo python'");

        // DELETE /projects/{id} in progress when the import looks the project up; it commits while the row waits.
        await using var deleting = new NpgsqlConnection(h.Isolation.ConnectionString);
        await deleting.OpenAsync();
        await using var tx = await deleting.BeginTransactionAsync();
        await using (var delete = new NpgsqlCommand("DELETE FROM notifier.projects WHERE id = $1", deleting, tx) { Parameters = { new() { Value = gone } } })
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        var importing = h.Http.PostAsJsonAsync("import", row);
        for (var deadline = DateTime.UtcNow.AddSeconds(30);
             await Db.ScalarAsync<long>(h, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0;
             await Task.Delay(50))
            Assert.True(DateTime.UtcNow < deadline, "the import never waited for the deletion");
        await tx.CommitAsync();

        var result = JsonDocument.Parse(await (await importing).Content.ReadAsStringAsync()).RootElement.GetProperty("results")[0];
        Assert.Equal("imported", result.GetProperty("status").GetString());
        var contacts = await h.Http.GetFromJsonAsync<JsonElement>($"projects/{result.GetProperty("projectId").GetGuid()}/contacts");
        Assert.Equal("bob@gentoo.test", Assert.Single(contacts.EnumerateArray()).GetProperty("email").GetString());
    }

    [Fact]
    public void A_name_or_role_with_a_line_break_and_a_key_past_its_limit_are_refused_naming_the_field()
    {
        var now = DateTimeOffset.UtcNow;
        var errors = new Dictionary<string, string[]>();
        Assert.Null(RegistryValidation.Contact(new("Alice\n\nThe embargo was lifted", "a@x.test", "sec\rurity", null, null), now, errors));
        Assert.Contains("one line", Assert.Single(errors["name"]));
        Assert.Contains("one line", Assert.Single(errors["role"]));

        errors.Clear();
        Assert.Null(RegistryValidation.Contact(new("Alice", "a@x.test", null, new string('A', RegistryValidation.MaxPublicKeyLength + 1), null), now, errors));
        Assert.Contains("export-minimal", Assert.Single(errors["publicKey"]));

        errors.Clear();
        Assert.Null(RegistryValidation.Project(new("Fedora\tpython3", null, null, null, null), errors));
        Assert.Contains("one line", Assert.Single(errors["name"]));

        errors.Clear(); // control: the same without them
        Assert.NotNull(RegistryValidation.Contact(new("Alice Émilie", "a@x.test", "security", null, null), now, errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("pkg:maven/org.apache.logging.log4j/@2.17.1")]
    [InlineData("pkg:npm/@2.0.0")]
    public void A_purl_whose_name_is_empty_before_its_version_is_refused(string text)
    {
        Assert.False(PackageUrl.TryParse(text, out _, out var why));
        Assert.Contains("name", why);
        Assert.True(PackageUrl.TryParse("pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", out var control, out _));
        Assert.Equal("log4j-core", control.Name);
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static string Rfc4180Cell(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";

    private static async Task<int> ImportedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("imported").GetInt32();
    }

    private static Task<string> AssertBodyRefusedAsync(HttpResponseMessage response) => RegistryInputTests.AssertRefusedAsync(response, "body");
}
