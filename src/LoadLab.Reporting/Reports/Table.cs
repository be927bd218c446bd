using System.Net;
using System.Text;

namespace LoadLab.Reporting.Reports;

/// <summary>
/// A table built once and written as HTML or GitHub-flavoured Markdown, so both reports show the same
/// numbers. Cells are plain text; a cell can be emphasised (best value, failed SLO).
/// </summary>
internal sealed class Table
{
    private readonly List<Cell[]> _rows = [];

    public Table(string title, params string[] header)
    {
        Title = title;
        Header = header;
    }

    public string Title { get; }

    public IReadOnlyList<string> Header { get; }

    /// <summary>Columns of words rather than numbers: left-aligned. Default: the first column only.</summary>
    public IReadOnlySet<int> TextColumns { get; init; } = new HashSet<int> { 0 };

    /// <summary>Shown under the title, e.g. what "best" means.</summary>
    public string? Note { get; init; }

    public Table Add(params string[] cells) => Add(cells.Select(c => new Cell(c)).ToArray());

    public Table Add(params Cell[] cells)
    {
        if (cells.Length != Header.Count)
        {
            throw new ArgumentException($"Table '{Title}' has {Header.Count} columns; got {cells.Length} cells.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public void WriteMarkdown(StringBuilder markdown)
    {
        markdown.Append("### ").Append(Title).Append("\n\n");
        if (Note is not null)
        {
            markdown.Append(Note).Append("\n\n");
        }

        markdown.Append("| ").AppendJoin(" | ", Header.Select(EscapeMarkdown)).Append(" |\n");
        markdown.Append('|').AppendJoin('|', Header.Select((_, i) => TextColumns.Contains(i) ? "---" : "---:")).Append("|\n");
        foreach (var row in _rows)
        {
            markdown.Append("| ")
                .AppendJoin(" | ", row.Select(cell => cell.Kind switch
                {
                    CellKind.Best => $"**{EscapeMarkdown(cell.Text)}** ★",
                    CellKind.Bad => $"**{EscapeMarkdown(cell.Text)}**",
                    _ => EscapeMarkdown(cell.Text),
                }))
                .Append(" |\n");
        }

        markdown.Append('\n');
    }

    public void WriteHtml(StringBuilder html)
    {
        html.Append("<section>\n<h2>").Append(WebUtility.HtmlEncode(Title)).Append("</h2>\n");
        if (Note is not null)
        {
            html.Append("<p class=\"note\">").Append(WebUtility.HtmlEncode(Note)).Append("</p>\n");
        }

        html.Append("<table>\n<thead><tr>");
        foreach (var (column, index) in Header.Select((c, i) => (c, i)))
        {
            html.Append(TextColumns.Contains(index) ? "<th>" : "<th class=\"num\">").Append(WebUtility.HtmlEncode(column)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in _rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                var classes = (TextColumns.Contains(i) ? "" : "num") + row[i].Kind switch
                {
                    CellKind.Best => " best",
                    CellKind.Bad => " bad",
                    CellKind.Good => " good",
                    _ => "",
                };
                html.Append(classes.Trim().Length == 0 ? "<td>" : $"<td class=\"{classes.Trim()}\">")
                    .Append(WebUtility.HtmlEncode(row[i].Text))
                    .Append(row[i].Kind == CellKind.Best ? " ★" : "")
                    .Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static string EscapeMarkdown(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
}

internal enum CellKind { Plain, Best, Good, Bad }

internal readonly record struct Cell(string Text, CellKind Kind = CellKind.Plain)
{
    /// <summary>A count of something that should not happen (lost, duplicated, fenced…): marked bad unless it is zero.</summary>
    public static Cell Anomalies(long count) => new(Format.Count(count), count > 0 ? CellKind.Bad : CellKind.Plain);
}
