using System.Text;

namespace DownstreamNotifier.Registry;

/// <summary>
/// RFC 4180 CSV, small on purpose: quoted fields may hold commas, quotes ("") and line breaks (armored keys).
/// (CsvHelper 34, the version served here, is a rewrite with a different API; this is all the import needs.)
/// </summary>
public static class Rfc4180
{
    /// <exception cref="FormatException">an unterminated quoted field, naming the record.</exception>
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
                        break;
                    }
                    field.Append(text[i++]);
                }
                continue;
            }
            if (c == ',') { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                fields.Add(field.ToString());
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
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }

    public static string Line(IEnumerable<string?> fields) =>
        string.Join(',', fields.Select(f => f is null ? "" : f.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{f.Replace("\"", "\"\"")}\"" : f)) + "\r\n";
}
