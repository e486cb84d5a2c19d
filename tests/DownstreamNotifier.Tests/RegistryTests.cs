using Coordination.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DownstreamNotifier.Tests.Support;

namespace DownstreamNotifier.Tests;

public sealed class RegistryTests
{
    [Fact]
    public async Task Keys_are_checked_on_upload_and_bulk_import_reports_bad_rows_and_keeps_the_good_ones_whole()
    {
        using var gpg = new Gpg();
        var signOnly = await gpg.NewRsaKeyAsync("signonly@x.test", withEncryptionSubkey: false);
        var good = await gpg.NewCurve25519KeyAsync("good@x.test");
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Gentoo dev-python/urllib3", ["pkg:pypi/urllib3"]);

        var refused = await h.Http.PostAsJsonAsync($"projects/{project}/contacts", new { name = "S", email = "signonly@x.test", publicKey = signOnly });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("encryption", problem.GetProperty("errors").GetProperty("publicKey")[0].GetString());
        var garbage = await h.Http.PostAsJsonAsync($"projects/{project}/contacts", new { name = "G", email = "g@x.test", publicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nnope\n" });
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var accepted = await h.Http.PostAsJsonAsync($"projects/{project}/contacts", new { name = "K", email = "good@x.test", publicKey = good });
        var contact = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((await gpg.FingerprintAsync("good@x.test")).ToUpperInvariant(), contact.GetProperty("key").GetProperty("fingerprint").GetString());
        Assert.Equal((await gpg.EncryptionSubkeyFingerprintAsync("good@x.test")).ToUpperInvariant(), contact.GetProperty("key").GetProperty("encryptionSubkey").GetString());
        var badPurl = await h.Http.PostAsJsonAsync("projects", new { name = "Bad", packages = new[] { "pkg:pypi/ok", "not-a-purl" } });
        Assert.Equal(HttpStatusCode.BadRequest, badPurl.StatusCode);
        Assert.Contains("packages[1]", await badPurl.Content.ReadAsStringAsync());

        var csv = new StringBuilder("project,ecosystem,homepage,packages,channels,name,email,role,time_zone,public_key\r\n");
        for (var i = 0; i < 10_000; i++) csv.Append($"Bulk {i % 500},PyPI,https://bulk.test,pkg:pypi/six ships:pkg:deb/debian/six-{i % 500},distros,Person {i},p{i}@bulk.test,security,,\r\n");
        csv.Append("Bulk bad 1,PyPI,,pkg:pypi/six,,Nobody,not-an-address,,,\r\n");
        csv.Append("Bulk bad 2,PyPI,,pkg:pypi/six,,Someone,s@bulk.test,,Mars/Olympus,\r\n");
        csv.Append($"Bulk bad 3,PyPI,,pkg:pypi/six,,Keyed,k@bulk.test,,,\"{signOnly}\"\r\n");
        var response = await h.Http.PostAsync("import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10_000, report.GetProperty("imported").GetInt32());
        Assert.Equal(3, report.GetProperty("rejected").GetInt32());
        var rejected = report.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("status").GetString() == "rejected").ToList();
        Assert.Equal([10_001, 10_002, 10_003], rejected.Select(r => r.GetProperty("row").GetInt32()));
        Assert.True(rejected[0].GetProperty("errors").TryGetProperty("contacts[0].email", out _));
        Assert.True(rejected[1].GetProperty("errors").TryGetProperty("contacts[0].timeZone", out _));
        Assert.True(rejected[2].GetProperty("errors").TryGetProperty("contacts[0].publicKey", out _));

        var contacts = await h.Http.GetFromJsonAsync<JsonElement>("contacts");
        Assert.Equal(10_001, contacts.GetArrayLength());
        var projects = await h.Http.GetFromJsonAsync<JsonElement>("projects");
        Assert.DoesNotContain(projects.EnumerateArray(), p => p.GetProperty("name").GetString()!.StartsWith("Bulk bad", StringComparison.Ordinal));

        var exported = await h.Http.GetStringAsync("export?format=csv");
        Assert.Equal(10_002, exported.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var json = await h.Http.GetFromJsonAsync<JsonElement>("export?format=json");
        Assert.Equal(501, json.GetArrayLength());
    }

    [Fact]
    public async Task An_import_that_gives_no_key_for_a_known_contact_keeps_its_key_and_role()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("keyed@x.test");
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Fedora python-urllib3", ["pkg:pypi/urllib3"]);
        var created = await (await h.Http.PostAsJsonAsync($"projects/{project}/contacts",
            new { name = "Keyed", email = "keyed@x.test", role = "security", publicKey = key })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();

        // A list kept by hand: no key or role column; the same address in another letter case, a new name.
        var csv = "project,name,email\r\nFedora python-urllib3,Keyed Person,Keyed@X.test\r\n";
        var report = await (await h.Http.PostAsync("import", new StringContent(csv, Encoding.UTF8, "text/csv"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, report.GetProperty("imported").GetInt32());
        // And the JSON form, a contact without publicKey.
        var json = new[] { new { name = "Fedora python-urllib3", contacts = new[] { new { name = "Keyed Person", email = "keyed@x.test" } } } };
        Assert.Equal(1, (await (await h.Http.PostAsJsonAsync("import", json)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());

        var contact = await h.Http.GetFromJsonAsync<JsonElement>($"contacts/{id}");
        Assert.Equal("Keyed Person", contact.GetProperty("name").GetString());
        Assert.Equal("security", contact.GetProperty("role").GetString());
        Assert.Equal((await gpg.FingerprintAsync("keyed@x.test")).ToUpperInvariant(), contact.GetProperty("key").GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task An_export_reimported_after_a_stored_key_expired_lands_whole_and_keeps_the_key_but_a_new_expired_key_is_refused()
    {
        using var gpg = new Gpg();
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Lapsing distro", ["pkg:pypi/urllib3"]);
        var key = await gpg.NewCurve25519KeyAsync("lapsing@x.test", expiry: "seconds=6");
        var id = await h.CreateContactAsync(project, "lapsing@x.test", key);
        await h.CreateContactAsync(project, "plain@x.test");
        var json = await h.Http.GetStringAsync("export?format=json");
        var csv = await h.Http.GetStringAsync("export?format=csv");
        var other = await gpg.NewCurve25519KeyAsync("other@x.test", expiry: "seconds=1");
        await Task.Delay(TimeSpan.FromSeconds(7));

        foreach (var (body, type) in new[] { (json, "application/json"), (csv, "text/csv") })
        {
            var report = await (await h.Http.PostAsync("import", new StringContent(body, Encoding.UTF8, type))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(report.GetProperty("rejected").GetInt32() == 0, report.ToString());
        }
        var contact = await h.Http.GetFromJsonAsync<JsonElement>($"contacts/{id}");
        Assert.Equal((await gpg.FingerprintAsync("lapsing@x.test")).ToUpperInvariant(), contact.GetProperty("key").GetProperty("fingerprint").GetString());

        // Another key, expired, for the same contact is checked and refused.
        var changed = new[] { new { name = "Lapsing distro", contacts = new[] { new { name = "Lapsing", email = "lapsing@x.test", publicKey = other } } } };
        var refused = await (await h.Http.PostAsJsonAsync("import", changed)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, refused.GetProperty("rejected").GetInt32());
        Assert.Contains("expired", refused.GetProperty("results")[0].GetProperty("errors").GetProperty("contacts[0].publicKey")[0].GetString());
    }

    [Fact]
    public async Task A_later_import_row_giving_a_project_field_other_than_the_first_row_is_rejected_not_silently_dropped()
    {
        await using var h = await NotifierHarness.StartAsync();
        var json = new object[]
        {
            new { name = "Alpine py3-urllib3", packages = new[] { "pkg:pypi/urllib3" }, channels = new[] { "distros" }, contacts = new[] { new { name = "A", email = "a@alpine.test" } } },
            new { name = "Alpine py3-urllib3", contacts = new[] { new { name = "B", email = "b@alpine.test" } } },
            new { name = "alpine PY3-urllib3", packages = new[] { "pkg:pypi/urllib3", "pkg:pypi/requests" }, contacts = new[] { new { name = "C", email = "c@alpine.test" } } },
            new { name = "Alpine py3-urllib3", packages = new[] { "pkg:pypi/URLLIB3" }, channels = new[] { "Distros" }, contacts = new[] { new { name = "D", email = "d@alpine.test" } } },
            new { name = "Alpine py3-urllib3", channels = Array.Empty<string>(), contacts = new[] { new { name = "E", email = "e@alpine.test" } } },
            new { name = "Alpine py3-urllib3", ecosystem = "Alpine", contacts = new[] { new { name = "F", email = "f@alpine.test" } } },
        };
        var report = await (await h.Http.PostAsJsonAsync("import", json)).Content.ReadFromJsonAsync<JsonElement>();
        var statuses = report.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()).ToList();
        Assert.Equal(["imported", "imported", "rejected", "imported", "rejected", "rejected"], statuses);
        var why = report.GetProperty("results")[2].GetProperty("errors").GetProperty("packages")[0].GetString();
        Assert.Contains("differs from row 1", why);
        Assert.Contains("differs from row 1", report.GetProperty("results")[4].GetProperty("errors").GetProperty("channels")[0].GetString());
        Assert.Contains("not given by row 1", report.GetProperty("results")[5].GetProperty("errors").GetProperty("ecosystem")[0].GetString());

        // A CSV whose first row of a project leaves the packages empty and a later one gives them.
        var csv = "project,packages,name,email\r\nWolfi urllib3,,A,a@wolfi.test\r\nWolfi urllib3,pkg:pypi/urllib3,B,b@wolfi.test\r\n";
        var csvReport = await (await h.Http.PostAsync("import", new StringContent(csv, Encoding.UTF8, "text/csv"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["imported", "rejected"], csvReport.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()));

        var projects = await h.Http.GetFromJsonAsync<List<JsonElement>>("projects");
        var alpine = projects!.Single(p => p.GetProperty("name").GetString() == "Alpine py3-urllib3");
        Assert.Equal(["pkg:pypi/urllib3"], alpine.GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("purl").GetString()));
    }

    [Fact]
    public async Task A_row_giving_the_stored_key_is_rejected_when_the_contact_went_before_it_was_written_rather_than_stored_without_a_key()
    {
        using var gpg = new Gpg();
        var key = await gpg.NewCurve25519KeyAsync("keyed@x.test");
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Keyed distro", ["pkg:pypi/urllib3"]);
        await h.CreateContactAsync(project, "keyed@x.test", key);
        var export = await h.Http.GetStringAsync("export?format=json");
        // The contact is deleted after the import read the stored keys and before it writes the row (here by a trigger
        // on the project's update, in the import's own transaction).
        await Db.ScalarAsync<object>(h, """
            CREATE FUNCTION notifier.delete_keyed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN DELETE FROM notifier.contacts WHERE email = 'keyed@x.test'; RETURN NULL; END $$;
            CREATE TRIGGER delete_keyed AFTER UPDATE ON notifier.projects FOR EACH ROW EXECUTE FUNCTION notifier.delete_keyed();
            """);

        var report = await (await h.Http.PostAsync("import", new StringContent(export, Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(report.GetProperty("rejected").GetInt32() == 1, report.ToString());
        Assert.True(report.GetProperty("results")[0].GetProperty("errors").TryGetProperty("contacts[0].publicKey", out _), report.ToString());
        Assert.Equal(0L, await Db.ScalarAsync<long>(h, "SELECT count(*) FROM notifier.contacts WHERE public_key IS NULL"));
    }

    [Theory]
    [InlineData("iso-8859-1")]
    [InlineData("Latin1")]
    public async Task A_csv_labelled_iso_8859_1_is_read_as_windows_1252_as_browsers_read_it(string label)
    {
        await using var h = await NotifierHarness.StartAsync();
        // 0x92 is ’ in Windows-1252 (a spreadsheet's apostrophe) and a C1 control in ISO-8859-1 proper.
        var bytes = System.Text.Encoding.Latin1.GetBytes("project,name,email\r\nDistro,O\u0092Brien,o@distro.test\r\n");

        var response = await h.Http.PostAsync("import", new ByteArrayContent(bytes) { Headers = { { "Content-Type", $"text/csv; charset={label}" } } });

        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(report.GetProperty("imported").GetInt32() == 1, report.ToString());
        var project = Assert.Single((await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray());
        var contacts = await h.Http.GetFromJsonAsync<JsonElement>($"projects/{project.GetProperty("id").GetGuid()}/contacts");
        Assert.Equal("O\u2019Brien", Assert.Single(contacts.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_csv_import_is_read_in_the_charset_it_names_and_bytes_that_are_not_utf8_are_refused_when_it_names_none()
    {
        await using var h = await NotifierHarness.StartAsync();
        var latin = System.Text.Encoding.Latin1.GetBytes("project,name,email\r\nCaf\u00e9 distro,Andr\u00e9,a@cafe.test\r\n"); // as Excel saves it on Windows

        var unnamed = await h.Http.PostAsync("import", new ByteArrayContent(latin) { Headers = { { "Content-Type", "text/csv" } } });
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("charset", (await unnamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("body")[0].GetString());
        var unknown = await h.Http.PostAsync("import", new ByteArrayContent(latin) { Headers = { { "Content-Type", "text/csv; charset=x-no-such" } } });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unknown.StatusCode);
        Assert.Equal(0, (await h.Http.GetFromJsonAsync<JsonElement>("projects")).GetArrayLength());

        var named = await h.Http.PostAsync("import", new ByteArrayContent(latin) { Headers = { { "Content-Type", "text/csv; charset=windows-1252" } } });
        Assert.Equal(1, (await named.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        var project = Assert.Single((await h.Http.GetFromJsonAsync<JsonElement>("projects")).EnumerateArray());
        Assert.Equal("Caf\u00e9 distro", project.GetProperty("name").GetString());
    }
}
