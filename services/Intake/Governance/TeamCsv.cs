using System.Globalization;
using System.Text;

namespace Intake.Governance;

/// <summary>The public member list as RFC 4180 CSV (header name,public_handle,role,since).</summary>
public static class TeamCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Write(IEnumerable<TeamEntry> entries)
    {
        var sb = new StringBuilder("name,public_handle,role,since\r\n");
        foreach (var e in entries)
            sb.Append(Field(e.Name)).Append(',').Append(Field(e.PublicHandle)).Append(',').Append(Field(e.Role)).Append(',')
              .Append(e.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("\r\n");
        return sb.ToString();
    }

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    // A name a spreadsheet would take for a formula (the list is public) gets a "'" before it, as the notifier's export does.
    private static string Field(string value)
    {
        if (value.TrimStart('\'') is { Length: > 0 } rest && FormulaStarts.Contains(rest[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
