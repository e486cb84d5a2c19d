using System.Text.Json.Nodes;
using Spectre.Console;

namespace Coord.Output;

/// <summary>Spectre tables over JSON arrays, every cell escaped (markup and terminal controls: TerminalText).</summary>
public static class Tables
{
    public static Table Of(JsonNode? rows, params (string Header, Func<JsonNode, string?> Cell)[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, _) in columns) table.AddColumn(header);
        foreach (var row in rows as JsonArray ?? [])
            if (row is not null)
                table.AddRow(columns.Select(c => Markup.Escape(TerminalText.Safe(c.Cell(row) ?? ""))).ToArray());
        return table;
    }

    public static Grid Fields(params (string Name, string? Value)[] fields)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in fields) grid.AddRow($"[grey]{Markup.Escape(name)}[/]", Markup.Escape(TerminalText.Safe(value ?? "—")));
        return grid;
    }

    public static string S(this JsonNode? node, string name) => node?[name]?.ToString() ?? "";

    public static string List(this JsonNode? node, string name, string separator = ", ") =>
        node?[name] is JsonArray a ? string.Join(separator, a.Select(x => x?.ToString())) : "";

    public static string Utc(this JsonNode? node, string name) =>
        node?[name] is { } v && DateTimeOffset.TryParse(v.ToString(), out var t) ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'") : "";
}
