using System.Text.Json;
using HdrHistogram;

namespace LoadLab.Core.Results;

/// <summary>
/// Everything a results folder (<c>results/&lt;run-id&gt;/</c>, see <c>results/README.md</c>) holds, read and
/// checked. <c>summary.json</c> and <c>series.csv</c> are required; the other files are optional (a run
/// that crashed may not have them) and their absence is listed in <see cref="Missing"/>. A file that is
/// present but corrupt is always an error.
/// </summary>
public sealed class RunResults
{
    private RunResults(
        string directory,
        RunSummary summary,
        SeriesTable series,
        IReadOnlyList<PartitionSample>? partitions,
        IReadOnlyList<RunEvent> events,
        IReadOnlyDictionary<string, IReadOnlyList<HistogramInterval>> histograms,
        IReadOnlyDictionary<string, HistogramBase> measuredHistograms,
        string? scenarioYaml,
        CostDocument? cost,
        IReadOnlyList<string> missing)
    {
        Directory = directory;
        Summary = summary;
        Series = series;
        Partitions = partitions;
        Events = events;
        Histograms = histograms;
        MeasuredHistograms = measuredHistograms;
        ScenarioYaml = scenarioYaml;
        Cost = cost;
        Missing = missing;
        Faults = FaultWindow.From(summary, events);
    }

    /// <summary>The folder the results were read from (full path).</summary>
    public string Directory { get; }

    public RunSummary Summary { get; }

    public SeriesTable Series { get; }

    /// <summary>Per-second, per-partition rows; null when <c>partitions.csv</c> is absent.</summary>
    public IReadOnlyList<PartitionSample>? Partitions { get; }

    public IReadOnlyList<RunEvent> Events { get; }

    /// <summary>HdrHistogram interval logs by metric (file name without <c>.hlog</c>), sorted by metric.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HistogramInterval>> Histograms { get; }

    /// <summary>
    /// The measured messages' whole-run histograms by metric (<see cref="RunFiles.MeasuredHistogramsFolder"/>): what the
    /// summary's percentiles and counts describe. Empty for runs written before LoadLab kept them.
    /// </summary>
    public IReadOnlyDictionary<string, HistogramBase> MeasuredHistograms { get; }

    /// <summary>The scenario as run; null when <c>scenario.yaml</c> is absent.</summary>
    public string? ScenarioYaml { get; }

    /// <summary>The cost estimate (<c>loadlab cost</c> on this folder); null when <c>cost.json</c> is absent.</summary>
    public CostDocument? Cost { get; }

    /// <summary>Fault windows from <c>summary.faults</c> (or the markers in <c>events.jsonl</c>), by start time.</summary>
    public IReadOnlyList<FaultWindow> Faults { get; }

    /// <summary>Optional files that were absent, with what the report leaves out because of it.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Reads a results folder; throws <see cref="RunResultsException"/> with the file and the fix when it cannot.</summary>
    public static RunResults Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new RunResultsException($"Results folder '{directory}' does not exist. Pass a folder written by 'loadlab run', e.g. results/<run-id>.");
        }

        var summaryPath = Path.Combine(full, RunFiles.Summary);
        if (!File.Exists(summaryPath))
        {
            throw new RunResultsException(
                $"'{directory}' has no {RunFiles.Summary}, so it is not a results folder (or the run was killed before it wrote one). " +
                "Pass a folder written by 'loadlab run'.");
        }

        var summary = ReadSummary(summaryPath);
        var seriesPath = Path.Combine(full, RunFiles.Series);
        if (!File.Exists(seriesPath))
        {
            throw new RunResultsException($"'{directory}' has no {RunFiles.Series}; the per-second series is needed for every chart.");
        }

        var series = SeriesTable.Read(seriesPath);
        var missing = new List<string>();

        IReadOnlyList<PartitionSample>? partitions = null;
        var partitionsPath = Path.Combine(full, RunFiles.Partitions);
        if (File.Exists(partitionsPath))
        {
            partitions = PartitionSample.Read(partitionsPath);
        }
        else
        {
            missing.Add($"{RunFiles.Partitions}: no per-partition heatmaps");
        }

        IReadOnlyList<RunEvent> events = [];
        var eventsPath = Path.Combine(full, RunFiles.Events);
        if (File.Exists(eventsPath))
        {
            events = RunEvent.Read(eventsPath);
        }
        else
        {
            missing.Add($"{RunFiles.Events}: fault revert times only from summary.json");
        }

        var histograms = new SortedDictionary<string, IReadOnlyList<HistogramInterval>>(StringComparer.Ordinal);
        var histogramsPath = Path.Combine(full, RunFiles.HistogramsFolder);
        if (System.IO.Directory.Exists(histogramsPath))
        {
            foreach (var file in System.IO.Directory.GetFiles(histogramsPath, "*" + RunFiles.HistogramExtension).Order(StringComparer.Ordinal))
            {
                histograms[Path.GetFileNameWithoutExtension(file)] = HistogramLog.Read(file);
            }
        }

        var measured = new SortedDictionary<string, HistogramBase>(StringComparer.Ordinal);
        var measuredPath = Path.Combine(full, RunFiles.MeasuredHistogramsFolder);
        if (System.IO.Directory.Exists(measuredPath))
        {
            foreach (var file in System.IO.Directory.GetFiles(measuredPath, "*" + RunFiles.HistogramExtension).Order(StringComparer.Ordinal))
            {
                if (HistogramInterval.Merge(HistogramLog.Read(file)) is { } histogram)
                {
                    measured[Path.GetFileNameWithoutExtension(file)] = histogram;
                }
            }
        }

        if (histograms.Count == 0)
        {
            missing.Add($"{RunFiles.HistogramsFolder}/*.hlog: no latency distribution chart");
        }

        string? scenarioYaml = null;
        var scenarioPath = Path.Combine(full, RunFiles.Scenario);
        if (File.Exists(scenarioPath))
        {
            scenarioYaml = File.ReadAllText(scenarioPath).ReplaceLineEndings("\n");
        }
        else
        {
            missing.Add($"{RunFiles.Scenario}: the scenario as run is not shown");
        }

        var costPath = Path.Combine(full, RunFiles.Cost);
        var cost = File.Exists(costPath) ? CostDocument.Read(costPath) : null;

        return new RunResults(full, summary, series, partitions, events, histograms, measured, scenarioYaml, cost, missing);
    }

    private static RunSummary ReadSummary(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), ResultsJson.Indented)
                ?? throw new RunResultsException($"{RunFiles.Summary} holds 'null' instead of a run summary.");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" line {line + 1}" : "";
            var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            throw new RunResultsException(
                $"{RunFiles.Summary}{where}{at}: {e.Message} The file does not match schemas/summary.schema.json; it is corrupt or from another tool.", e);
        }
    }
}
