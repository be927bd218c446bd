namespace LoadLab.Cli.Terminal;

/// <summary>
/// A table of plain text whose columns are as wide as their widest cell, whatever the terminal's width: a number or
/// a name is never wrapped or cut, so a CI log (output redirected, no width at all) reads the same as a terminal.
/// Columns are separated by two spaces; numeric columns are right-aligned.
/// </summary>
internal sealed class PlainTable
{
    private const string Gap = "  ";
    private readonly string[] _headers;
    private readonly bool[] _numeric;
    private readonly List<string[]> _rows = [];

    /// <param name="columns">Each column's header; a header starting with <c>&gt;</c> marks a right-aligned numeric column (the mark is not printed).</param>
    public PlainTable(params string[] columns)
    {
        _numeric = [.. columns.Select(c => c.StartsWith('>'))];
        _headers = [.. columns.Select(c => c.TrimStart('>'))];
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"{cells.Length} cells for {_headers.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Writes the header (when any column has one) and the rows, each line starting with <paramref name="indent"/>.</summary>
    public void Write(TextWriter output, string indent = "  ")
    {
        var lines = _headers.Any(h => h.Length > 0) ? _rows.Prepend(_headers).ToList() : _rows;
        var widths = Enumerable.Range(0, _headers.Length).Select(c => lines.Max(row => row[c].Length)).ToArray();
        foreach (var row in lines)
        {
            var cells = row.Select((cell, c) => _numeric[c] ? cell.PadLeft(widths[c]) : c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            output.WriteLine((indent + string.Join(Gap, cells)).TrimEnd());
        }
    }
}
