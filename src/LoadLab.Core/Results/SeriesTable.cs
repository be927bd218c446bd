namespace LoadLab.Core.Results;

/// <summary>
/// <c>series.csv</c>: one row per second of the run. Columns are looked up by their contract names
/// (<c>results/README.md</c>); an empty cell (no sample in that second) reads as <see cref="double.NaN"/>.
/// </summary>
public sealed class SeriesTable
{
    private readonly Dictionary<string, double[]> _columns;

    internal SeriesTable(IReadOnlyList<string> columnNames, Dictionary<string, double[]> columns, IReadOnlyList<string> groups)
    {
        ColumnNames = columnNames;
        _columns = columns;
        Groups = groups;
        Seconds = columns["second"];
    }

    /// <summary>Whole seconds since the run started (warm-up included).</summary>
    public IReadOnlyList<double> Seconds { get; }

    public int Count => Seconds.Count;

    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Consumer groups found in the <c>lag:&lt;group&gt;:messages</c> columns, in column order.</summary>
    public IReadOnlyList<string> Groups { get; }

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>The values of a column; throws <see cref="RunResultsException"/> naming the missing column.</summary>
    public IReadOnlyList<double> Column(string name) =>
        _columns.TryGetValue(name, out var values)
            ? values
            : throw new RunResultsException(
                $"series.csv has no column '{name}' (it has: {string.Join(", ", ColumnNames)}). " +
                "The run was written by an engine that does not follow results/README.md.");

    /// <summary>Per-second percentile column name, e.g. <c>e2eP99Ms</c> for (<c>e2e</c>, <c>P99</c>).</summary>
    public static string LatencyColumn(string metric, string statistic) => $"{metric}{statistic}Ms";

    public static string LagMessagesColumn(string group) => $"lag:{group}:messages";

    public static string LagSecondsColumn(string group) => $"lag:{group}:seconds";

    /// <summary>A consumer group's per-second end-to-end percentile column, e.g. <c>e2e:scorers:P99Ms</c>.</summary>
    public static string GroupLatencyColumn(string group, string statistic) => $"e2e:{group}:{statistic}Ms";

    internal static SeriesTable Read(string path)
    {
        const string DisplayName = RunFiles.Series;
        var (header, rows) = CsvFile.Read(path, DisplayName);
        string[] required = ["second", "targetRate", "sent", "acked", "failed", "consumed", "queueFull", "avgPayloadBytes"];
        var missing = required.Where(name => !header.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new RunResultsException(
                $"{DisplayName}: missing column(s) {string.Join(", ", missing)} in the header row. " +
                "Expected the columns listed in results/README.md.");
        }

        var duplicate = header.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new RunResultsException($"{DisplayName}: column '{duplicate.Key}' appears more than once in the header row.");
        }

        var columns = header.ToDictionary(name => name, _ => new double[rows.Count], StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            var (line, fields) = rows[r];
            for (var c = 0; c < header.Count; c++)
            {
                columns[header[c]][r] = CsvFile.ParseDouble(fields[c], DisplayName, line, header[c]);
            }

            if (double.IsNaN(columns["second"][r]))
            {
                throw new RunResultsException($"{DisplayName} line {line}: the 'second' cell is empty.");
            }
        }

        var groups = header
            .Where(name => name.StartsWith("lag:", StringComparison.Ordinal) && name.EndsWith(":messages", StringComparison.Ordinal))
            .Select(name => name["lag:".Length..^":messages".Length])
            .ToList();
        return new SeriesTable(header, columns, groups);
    }
}
