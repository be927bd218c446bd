using LoadLab.Core.Regression;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Baselines;

/// <summary>Reads what a regression check needs from a results folder: headline numbers and per-second values of the measured window.</summary>
internal static class RunSamples
{
    private static readonly (string Metric, string Column)[] LatencyColumns = [("produce", "produce"), ("service", "service"), ("schedule-delay", "scheduleDelay"), ("e2e", "e2e")];
    private static readonly (string Suffix, string Column)[] Statistics = [("p50", "P50"), ("p90", "P90"), ("p99", "P99"), ("p999", "P999"), ("max", "Max")];

    /// <summary>Loads a results folder; throws <see cref="RunResultsException"/> with the file and the fix.</summary>
    public static (RunSample Sample, RunSummary Summary) Load(string runDirectory)
    {
        var results = RunResults.Load(runDirectory);
        return (From(results.Summary, results.Series), results.Summary);
    }

    public static RunSample From(RunSummary summary, SeriesTable series)
    {
        var start = summary.WarmupSeconds;
        var end = summary.WarmupSeconds + summary.DurationSeconds;
        var measured = Enumerable.Range(0, series.Count).Where(i => series.Seconds[i] >= start && series.Seconds[i] < end).ToList();
        var intervals = new SortedDictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        foreach (var (metric, column) in LatencyColumns)
        {
            foreach (var (suffix, statistic) in Statistics)
            {
                var name = SeriesTable.LatencyColumn(column, statistic);
                if (series.HasColumn(name))
                {
                    intervals[$"{metric}.{suffix}"] = Values(series.Column(name), measured);
                }
            }
        }

        intervals["rate.achieved"] = Values(series.Column("acked"), measured);
        return new RunSample(summary.RunId, Headline(summary), intervals);
    }

    private static double[] Values(IReadOnlyList<double> column, List<int> rows) =>
        [.. rows.Select(i => column[i]).Where(double.IsFinite).Select(v => Math.Round(v, 3))];

    private static SortedDictionary<string, double> Headline(RunSummary summary)
    {
        var headline = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var latency = summary.LatencyMs;
        foreach (var (metric, percentiles) in new[] { ("produce", latency.Produce), ("service", latency.Service), ("schedule-delay", latency.ScheduleDelay), ("e2e", latency.EndToEnd) })
        {
            if (percentiles.Count == 0)
            {
                continue;
            }

            headline[$"{metric}.p50"] = percentiles.P50;
            headline[$"{metric}.p90"] = percentiles.P90;
            headline[$"{metric}.p99"] = percentiles.P99;
            headline[$"{metric}.p999"] = percentiles.P999;
            headline[$"{metric}.p9999"] = percentiles.P9999;
            headline[$"{metric}.max"] = percentiles.Max;
        }

        headline["rate.achieved"] = summary.Rate.Achieved;
        // An unrecovered fault has no recovery time; leaving it out makes the rule report it rather than guess.
        if (summary.Faults.Count > 0 && summary.Faults.All(f => f.RecoverySeconds is not null))
        {
            headline["recovery"] = summary.Faults.Max(f => f.RecoverySeconds!.Value);
        }

        if (summary.Audit is { } audit)
        {
            headline["lost"] = audit.Lost;
            headline["duplicated"] = audit.Duplicated;
            headline["reordered"] = audit.Reordered;
        }

        return headline;
    }
}
