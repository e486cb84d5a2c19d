using System.Globalization;
using System.Text;
using Coordination.Hosting.Csv;

namespace Intake.Governance;

/// <summary>The public member list as RFC 4180 CSV (header name,public_handle,role,since); a name a spreadsheet would
/// take for a formula is written with a "'" before it (the list is public).</summary>
public static class TeamCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Write(IEnumerable<TeamEntry> entries)
    {
        var sb = new StringBuilder(Rfc4180.Line(["name", "public_handle", "role", "since"]));
        foreach (var e in entries)
            sb.Append(Rfc4180.Line([e.Name, e.PublicHandle, e.Role, e.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)]));
        return sb.ToString();
    }
}
