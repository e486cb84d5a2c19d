using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;

namespace DownstreamNotifier.Tests;

public sealed class RecipientTests
{
    [Fact]
    public async Task Recipients_follow_shipped_packages_transitively_up_to_the_depth_survive_cycles_and_honour_overrides()
    {
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__MaxDepth"] = "3" });
        // cpython <- Debian python3.12 (ships deb python3.12) <- Ubuntu tools (ships deb ubuntu-tools) <- Mint (ships mint-x) <- TooFar
        var debian = await h.CreateProjectAsync("Debian python3.12", ["pkg:generic/cpython", new { purl = "pkg:deb/debian/python3.12", relation = "ships" }]);
        var ubuntu = await h.CreateProjectAsync("Ubuntu tools", ["pkg:deb/debian/Python3.12@3.12.1", new { purl = "pkg:deb/ubuntu/ubuntu-tools", relation = "ships" }]);
        var mint = await h.CreateProjectAsync("Mint", ["pkg:deb/ubuntu/ubuntu-tools", new { purl = "pkg:generic/mint-x", relation = "ships" }]);
        var tooFar = await h.CreateProjectAsync("Too far", ["pkg:generic/mint-x"]);
        // A cycle: Debian also depends on what Mint ships.
        await h.Http.PutAsJsonAsync($"projects/{debian}", new { name = "Debian python3.12", packages = new object[] { "pkg:generic/cpython", "pkg:generic/mint-x", new { purl = "pkg:deb/debian/python3.12", relation = "ships" } } });
        var pypi = await h.CreateProjectAsync("Requests", ["pkg:pypi/Zope_Interface"]);
        var unrelated = await h.CreateProjectAsync("Unrelated", ["pkg:npm/left-pad"]);
        await h.CreateContactAsync(debian, "sec@debian.test");
        await h.CreateContactAsync(ubuntu, "sec@ubuntu.test");
        await h.CreateContactAsync(ubuntu, "SEC@debian.test"); // same person twice: once
        await h.CreateContactAsync(mint, "sec@mint.test");
        await h.CreateContactAsync(tooFar, "sec@toofar.test");
        await h.CreateContactAsync(pypi, "sec@requests.test");
        await h.CreateContactAsync(unrelated, "sec@unrelated.test");

        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "cpython", "pkg:generic/cpython"), NotifierHarness.Affected("PyPI", "zope.interface", ""));
        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var byEmail = preview.GetProperty("recipients").EnumerateArray().ToDictionary(r => r.GetProperty("email").GetString()!.ToLowerInvariant(),
            r => r.GetProperty("path").EnumerateArray().Select(p => p.GetString()!).ToList());
        Assert.Equal(["sec@debian.test", "sec@mint.test", "sec@requests.test", "sec@ubuntu.test"], byEmail.Keys.Order());
        // The affected packages as matching reads them: the entry without a purl by its ecosystem and PEP 503 name.
        Assert.Equal(["pkg:generic/cpython", "pkg:pypi/zope-interface"], preview.GetProperty("affectedPackages").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["Debian python3.12", "depends on pkg:generic/cpython"], byEmail["sec@debian.test"]);
        Assert.Equal(["Mint", "depends on pkg:deb/ubuntu/ubuntu-tools", "Ubuntu tools", "depends on pkg:deb/debian/python3.12",
            "Debian python3.12", "depends on pkg:generic/cpython"], byEmail["sec@mint.test"]);

        var overrides = await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { include = new[] { unrelated }, exclude = new[] { ubuntu } });
        overrides.EnsureSuccessStatusCode();
        var after = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var emails = after.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("email").GetString()!).Order().ToList();
        // Excluding Ubuntu leaves out its contacts, not Mint, which still depends on cpython through it.
        Assert.Equal(["sec@debian.test", "sec@mint.test", "sec@requests.test", "sec@unrelated.test"], emails);

        var bad = await h.Http.PutAsJsonAsync($"cases/{caseId}/recipients/overrides", new { include = new[] { Guid.NewGuid() } });
        Assert.Contains("include[0]", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_address_that_is_a_contact_of_several_projects_is_told_as_safely_as_any_of_them_requires()
    {
        await using var h = await NotifierHarness.StartAsync();
        using var gpg = new Coordination.Testing.Gpg();
        var key = await gpg.NewCurve25519KeyAsync("sec@team.test");
        var app = await h.CreateProjectAsync("Alpha app", ["pkg:pypi/pillow"]);
        var distro = await h.CreateProjectAsync("Beta distro", ["pkg:pypi/pillow"], ["distros"]);
        await h.CreateContactAsync(app, "sec@team.test"); // keyless here, shortest path
        await h.CreateContactAsync(distro, "SEC@team.test", key);
        await h.CreateContactAsync(app, "ops@team.test"); // keyless in both; Beta distro requires encryption
        await h.CreateContactAsync(distro, "ops@team.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow"));

        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var modes = preview.GetProperty("recipients").EnumerateArray()
            .ToDictionary(r => r.GetProperty("email").GetString()!.ToLowerInvariant(), r => r.GetProperty("mode").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["sec@team.test"] = "encrypted", ["ops@team.test"] = "link_only" }, modes);

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        var notices = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        Assert.Equal(["encrypted", "link_only"], notices.Notices.OrderBy(n => n.Mode).Select(n => n.Mode));
        Assert.All(h.Sink.Messages(), f => Assert.DoesNotContain("frobnicator", File.ReadAllText(f)));
    }

    [Fact]
    public async Task Packages_whose_names_need_percent_encoding_are_matched_and_notified()
    {
        await using var h = await NotifierHarness.StartAsync();
        // "@x" and "?y" stored decoded ("pkg:generic/@x") could not be parsed again.
        var at = await h.CreateProjectAsync("At", ["pkg:generic/%40x", new { purl = "pkg:generic/%3Fy", relation = "ships" }]);
        var question = await h.CreateProjectAsync("Question", ["pkg:generic/%3Fy"]);
        await h.CreateContactAsync(at, "sec@at.test");
        await h.CreateContactAsync(question, "sec@question.test");

        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("Generic", "@x", "pkg:generic/%40x"));
        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var byEmail = preview.GetProperty("recipients").EnumerateArray().ToDictionary(r => r.GetProperty("email").GetString()!,
            r => r.GetProperty("path").EnumerateArray().Select(p => p.GetString()!).ToList());
        Assert.Equal(["pkg:generic/%40x"], preview.GetProperty("affectedPackages").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["At", "depends on pkg:generic/%40x"], byEmail["sec@at.test"]);
        Assert.Equal(["Question", "depends on pkg:generic/%3Fy", "At", "depends on pkg:generic/%40x"], byEmail["sec@question.test"]);

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
    }

    [Fact]
    public async Task Of_projects_shipping_the_same_package_the_path_names_the_first_by_name_whichever_was_registered_first()
    {
        await using var h = await NotifierHarness.StartAsync();
        // Registered in the opposite order to their names; the database returns them in no set order.
        foreach (var name in new[] { "Zeta distro", "Yankee distro", "Mike distro", "Alpha distro" })
            await h.CreateProjectAsync(name, ["pkg:generic/cpython", new { purl = "pkg:generic/libpython", relation = "ships" }]);
        var downstream = await h.CreateProjectAsync("Embedder", ["pkg:generic/libpython"]);
        await h.CreateContactAsync(downstream, "sec@embedder.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "cpython", "pkg:generic/cpython"));

        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var path = preview.GetProperty("recipients").EnumerateArray().Single().GetProperty("path").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(["Embedder", "depends on pkg:generic/libpython", "Alpha distro", "depends on pkg:generic/cpython"], path);
    }

    [Fact]
    public async Task A_dependent_is_found_by_the_name_its_registry_treats_as_the_same_package()
    {
        await using var h = await NotifierHarness.StartAsync();
        var crate = await h.CreateProjectAsync("Crate user", ["pkg:cargo/Foo_Bar"]);
        var crateLookalike = await h.CreateProjectAsync("Other crate user", ["pkg:cargo/foobar"]);
        var go = await h.CreateProjectAsync("Go user", ["pkg:golang/github.com/Sirupsen/logrus@v1.0.0"]);
        var goTwin = await h.CreateProjectAsync("Other Go user", ["pkg:golang/github.com/sirupsen/logrus"]);
        var npmTwin = await h.CreateProjectAsync("Express user", ["pkg:npm/express"]);
        await h.CreateContactAsync(crate, "sec@crate.test");
        await h.CreateContactAsync(crateLookalike, "sec@foobar.test");
        await h.CreateContactAsync(go, "sec@go.test");
        await h.CreateContactAsync(goTwin, "sec@gotwin.test");
        await h.CreateContactAsync(npmTwin, "sec@express.test");

        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected(" crates.io ", "foo-bar", ""),
            NotifierHarness.Affected("Go", "github.com/Sirupsen/logrus", ""), NotifierHarness.Affected("npm", "Express", "pkg:npm/Express"),
            NotifierHarness.Affected("Hackage", "aeson", ""));
        var preview = await h.Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/recipients");
        var byEmail = preview.GetProperty("recipients").EnumerateArray().ToDictionary(r => r.GetProperty("email").GetString()!,
            r => r.GetProperty("path").EnumerateArray().Select(p => p.GetString()!).ToList());
        // The Go and npm case variants are told too (see PackageUrl.Normalise); the crate without the '_' is not.
        Assert.Equal(["sec@crate.test", "sec@express.test", "sec@go.test", "sec@gotwin.test"], byEmail.Keys.Order());
        Assert.Equal(["Crate user", "depends on pkg:cargo/foo_bar"], byEmail["sec@crate.test"]);
        // A package no purl type stands for matches nobody: the preview says so, for that package alone.
        var warning = Assert.Single(preview.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.StartsWith("affected package Hackage aeson has no purl", warning);
    }
}
