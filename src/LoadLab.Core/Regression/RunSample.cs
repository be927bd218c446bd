using LoadLab.Core.Results;

namespace LoadLab.Core.Regression;

/// <summary>
/// What a regression check needs from one run: its headline value per metric (SLO metric names, e.g.
/// <c>produce.p99</c>) and, where the run has them, the per-second values of the measured window that show how
/// much the metric moves within the run (the noise).
/// </summary>
/// <param name="RunId">The run's id (its results folder name).</param>
/// <param name="Headline">Whole-run value per metric; a metric the run could not measure (e.g. an unrecovered fault's recovery) is absent.</param>
/// <param name="Intervals">Per-second values of the measured window per metric, in time order; only metrics with a per-second series.</param>
public sealed record RunSample(
    string RunId,
    IReadOnlyDictionary<string, double> Headline,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Intervals)
{
    private static readonly (string Metric, string Column)[] LatencyColumns = [("produce", "produce"), ("service", "service"), ("schedule-delay", "scheduleDelay"), ("e2e", "e2e")];
    private static readonly (string Suffix, string Column)[] Statistics = [("p50", "P50"), ("p90", "P90"), ("p99", "P99"), ("p999", "P999"), ("max", "Max")];

    /// <summary>
    /// The sample of a results folder: headline numbers from <c>summary.json</c>, per-second values of the measured
    /// window from <c>series.csv</c>.
    /// </summary>
    public static RunSample From(RunResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var summary = results.Summary;
        var series = results.Series;
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
        return new RunSample(summary.RunId, HeadlineOf(summary), intervals);
    }

    private static double[] Values(IReadOnlyList<double> column, List<int> rows) =>
        [.. rows.Select(i => column[i]).Where(double.IsFinite).Select(v => Math.Round(v, 3))];

    private static SortedDictionary<string, double> HeadlineOf(RunSummary summary)
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
