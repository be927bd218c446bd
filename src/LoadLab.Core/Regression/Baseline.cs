using System.Text.Json;
using LoadLab.Core.Results;

namespace LoadLab.Core.Regression;

/// <summary>
/// A committed baseline (<c>results/baselines/&lt;name&gt;.json</c>): the headline numbers and the per-second values
/// of one or more runs of a scenario — what a regression check needs, not the whole run.
/// </summary>
public sealed record Baseline
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Name { get; init; }
    public required string Scenario { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Environment kind of the runs (e.g. <c>embedded</c>, <c>docker</c>): comparing across kinds compares platforms, not builds.</summary>
    public required string Environment { get; init; }
    public required IReadOnlyList<RunSample> Runs { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, ResultsJson.Indented) + "\n";

    /// <summary>Reads a baseline; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Baseline FromJson(string json, string displayName)
    {
        Baseline? baseline;
        try
        {
            baseline = JsonSerializer.Deserialize<Baseline>(json, ResultsJson.Indented);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" line {line + 1}" : "";
            throw new InvalidDataException($"{displayName}{where}: not a LoadLab baseline ({e.Message}). Write one with 'loadlab baseline save <run-dir>'.", e);
        }

        if (baseline is null || baseline.Runs is null || baseline.Runs.Count == 0)
        {
            throw new InvalidDataException($"{displayName}: the baseline holds no runs. Write one with 'loadlab baseline save <run-dir>'.");
        }

        if (baseline.FormatVersion != CurrentFormatVersion)
        {
            throw new InvalidDataException($"{displayName}: baseline format version {baseline.FormatVersion} is not supported (only {CurrentFormatVersion}). Save the baseline again with this version of LoadLab.");
        }

        return baseline;
    }
}
