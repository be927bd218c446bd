using System.Text.Json;

namespace LoadLab.Reporting.Results;

/// <summary>One line item of a platform's monthly cost estimate, as charted by the cost breakdown.</summary>
/// <param name="Platform">Platform architecture, e.g. <c>kafka</c>, <c>redpanda</c>, <c>automq</c>.</param>
/// <param name="LineItem">What the money pays for, e.g. <c>broker compute</c>.</param>
/// <param name="MonthlyUsd">US dollars per month.</param>
public sealed record CostLine(string Platform, string LineItem, double MonthlyUsd)
{
    private sealed record CostFile(IReadOnlyList<CostLine>? Lines);

    /// <summary>Reads <c>cost.json</c>: <c>{"lines": [{"platform", "lineItem", "monthlyUsd"}]}</c>.</summary>
    internal static IReadOnlyList<CostLine> Read(string path)
    {
        const string DisplayName = "cost.json";
        CostFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CostFile>(File.ReadAllText(path), ResultsJson.Options);
        }
        catch (JsonException e)
        {
            throw new RunResultsException($"{DisplayName} line {e.LineNumber + 1}, path {e.Path}: {e.Message}", e);
        }

        if (file?.Lines is null)
        {
            throw new RunResultsException($"{DisplayName}: expected an object with a 'lines' array of {{platform, lineItem, monthlyUsd}}.");
        }

        foreach (var (line, index) in file.Lines.Select((line, index) => (line, index)))
        {
            if (string.IsNullOrWhiteSpace(line.Platform) || string.IsNullOrWhiteSpace(line.LineItem))
            {
                throw new RunResultsException($"{DisplayName}: lines[{index}] needs a non-empty 'platform' and 'lineItem'.");
            }

            if (!double.IsFinite(line.MonthlyUsd) || line.MonthlyUsd < 0)
            {
                throw new RunResultsException($"{DisplayName}: lines[{index}].monthlyUsd must be a finite, non-negative number.");
            }
        }

        return file.Lines;
    }
}
