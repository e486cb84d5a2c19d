using System.Text.Json;
using Coordination.Contracts.Advisories;

namespace Disclosure.Data;

/// <summary>How a draft is kept in draft_revisions.draft.</summary>
public static class DraftJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(AdvisoryDraft draft) => JsonSerializer.Serialize(draft, Options);

    public static AdvisoryDraft Deserialize(string json) => JsonSerializer.Deserialize<AdvisoryDraft>(json, Options)!;
}
