using System.Text.Json;

namespace LoadLab.Core.Results;

/// <summary>One line item of a platform's monthly cost estimate, as charted by the cost breakdown.</summary>
/// <param name="Platform">Platform architecture, e.g. <c>kafka</c>, <c>redpanda</c>, <c>automq</c>.</param>
/// <param name="LineItem">What the money pays for, e.g. <c>broker compute</c>.</param>
/// <param name="MonthlyUsd">US dollars per month.</param>
public sealed record CostLine(string Platform, string LineItem, double MonthlyUsd)
{
    private sealed record CostFile(IReadOnlyList<CostRow>? Rows);

    private sealed record CostRow(string? Platform, string? LineItem, string? Label, double MonthlyUsd);

    /// <summary>
    /// Reads the flat <c>rows</c> list of <c>cost.json</c> (written by <c>loadlab cost</c>):
    /// <c>{"rows": [{"platform", "lineItem", "label", "monthlyUsd"}]}</c>; the label, when present, names the line item.
    /// </summary>
    internal static IReadOnlyList<CostLine> Read(string path)
    {
        const string DisplayName = RunFiles.Cost;
        CostFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CostFile>(File.ReadAllText(path), ResultsJson.Indented);
        }
        catch (JsonException e)
        {
            throw new RunResultsException($"{DisplayName} line {e.LineNumber + 1}, path {e.Path}: {e.Message}", e);
        }

        if (file?.Rows is null)
        {
            throw new RunResultsException($"{DisplayName}: expected an object with a 'rows' array of {{platform, lineItem, monthlyUsd}}.");
        }

        var lines = new List<CostLine>(file.Rows.Count);
        foreach (var (row, index) in file.Rows.Select((row, index) => (row, index)))
        {
            var item = string.IsNullOrWhiteSpace(row.Label) ? row.LineItem : row.Label;
            if (string.IsNullOrWhiteSpace(row.Platform) || string.IsNullOrWhiteSpace(item))
            {
                throw new RunResultsException($"{DisplayName}: rows[{index}] needs a non-empty 'platform' and 'lineItem'.");
            }

            if (!double.IsFinite(row.MonthlyUsd) || row.MonthlyUsd < 0)
            {
                throw new RunResultsException($"{DisplayName}: rows[{index}].monthlyUsd must be a finite, non-negative number.");
            }

            lines.Add(new CostLine(row.Platform, item, row.MonthlyUsd));
        }

        return lines;
    }
}
