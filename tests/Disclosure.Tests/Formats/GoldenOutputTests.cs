using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Disclosure.Rendering;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

/// <summary>
/// Each golden draft's records as reviewed and committed under Golden/. A renderer change shows up as a diff
/// there; regenerate with UPDATE_GOLDEN=1 and review the diff before committing it.
/// </summary>
public sealed class GoldenOutputTests
{
    public static TheoryData<string> Drafts => GoldenDrafts.Names;

    [Theory, MemberData(nameof(Drafts))]
    public void Records_match_the_reviewed_golden_files(string draft)
    {
        var d = GoldenDrafts.Get(draft);
        var meta = GoldenDrafts.Public(2);
        Check($"{draft}.osv.json", OsvRenderer.Render(d, meta));
        if (CveRenderer.Render(d, meta) is { } cve) Check($"{draft}.cve.json", cve);
        Check($"{draft}.csaf.json", CsafRenderer.Render(d, meta));
        Check($"{draft}.preview.csaf.json", CsafRenderer.Render(d, GoldenDrafts.Preview));
    }

    private static void Check(string file, JsonNode rendered, [CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "..", "Golden", file);
        var text = rendered.ToJsonString(RecordJson.Options) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(path, text);
        Assert.True(File.Exists(path), $"{file} missing: run with UPDATE_GOLDEN=1 and review it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), text.ReplaceLineEndings("\n"));
    }
}
