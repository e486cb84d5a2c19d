using System.Text;

namespace Coordination.Hosting.Csv;

/// <summary>
/// RFC 4180 CSV, small on purpose: quoted fields may hold commas, quotes ("") and line breaks (armored keys).
/// (CsvHelper 34, the version served here, is a rewrite with a different API; this is all the notifier's import and
/// export and intake's public team list need.)
/// A cell a spreadsheet would take for a formula (starting with = + - @, tab or CR) is written with a "'" before it,
/// and read back without it, so that an export opened in a spreadsheet runs nothing and imports as it was.
/// </summary>
public static class Rfc4180
{
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <exception cref="FormatException">an unterminated quoted field, anything but a separator after its closing quote, or a
    /// quote inside an unquoted field, naming the record.</exception>
    public static async IAsyncEnumerable<string[]> ReadAsync(TextReader reader)
    {
        var text = await reader.ReadToEndAsync();
        var fields = new List<string>();
        var field = new StringBuilder();
        var record = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException($"record {record}: a quoted field is not closed");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                            throw new FormatException($"record {record}: a quoted field goes on after its closing quote (a quote inside one is written \"\")");
                        break;
                    }
                    field.Append(text[i++]);
                }
                continue;
            }
            if (c == '"') throw new FormatException($"record {record}: a quote inside an unquoted field (quote the field and write the quote \"\")");
            if (c == ',') { fields.Add(Unguard(field.ToString())); field.Clear(); i++; continue; }
            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                fields.Add(Unguard(field.ToString()));
                field.Clear();
                if (!(fields.Count == 1 && fields[0].Length == 0)) yield return fields.ToArray();
                fields.Clear();
                record++;
                continue;
            }
            field.Append(c);
            i++;
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(Unguard(field.ToString()));
            yield return fields.ToArray();
        }
    }

    public static string Line(IEnumerable<string?> fields) =>
        string.Join(',', fields.Select(f => f is null ? "" : Quote(Guard(f)))) + "\r\n";

    private static string Quote(string f) => f.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{f.Replace("\"", "\"\"")}\"" : f;

    // "'" before every cell that starts with a formula character after any "'"s: then stripping one "'" on reading
    // gives back every value, also one that itself started with "'=".
    private static string Guard(string f) => LooksLikeFormula(f) ? "'" + f : f;

    private static string Unguard(string f) => f.StartsWith('\'') && LooksLikeFormula(f[1..]) ? f[1..] : f;

    private static bool LooksLikeFormula(string f) => f.TrimStart('\'') is { Length: > 0 } rest && FormulaStarts.Contains(rest[0]);
}
