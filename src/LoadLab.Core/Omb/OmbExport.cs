using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Omb;

/// <summary>An OMB result made from a LoadLab run, and what the reader of it should know.</summary>
/// <param name="Result">The result in OMB's fields.</param>
/// <param name="Notes">How LoadLab's numbers fill OMB's fields, and what stays in <c>summary.json</c> only.</param>
public sealed record OmbExportResult(OmbTestResult Result, IReadOnlyList<string> Notes);

/// <summary>
/// Turns a results folder into OMB's result format so that OMB's chart script (<c>bin/create_charts.py</c>) draws a
/// LoadLab run beside OMB runs of the same workload. Each number comes from the run's own files, read through
/// <see cref="RunResults"/>: rates, errors and backlog from <c>series.csv</c>, latencies from the interval histograms
/// in <c>histograms/*.hlog</c> merged per 10-second period, so percentiles are of the period's values, never
/// averages of per-second percentiles. Only the measured window (after the warm-up) is exported, as OMB resets its
/// statistics after its warm-up.
/// </summary>
public static class OmbExport
{
    /// <summary>Percentile iteration steps per halving of the distance to 100 % (OMB: <c>percentiles(100)</c>).</summary>
    private const int QuantileTicksPerHalfDistance = 100;

    /// <summary>Builds the OMB result of <paramref name="results"/>.</summary>
    /// <param name="results">The run's folder, read.</param>
    /// <param name="workload">OMB's workload name to file the run under (OMB's chart script groups by it); default the scenario name.</param>
    /// <param name="driver">The legend of the run in OMB's charts; default <c>LoadLab &lt;environment&gt;</c>.</param>
    /// <exception cref="RunResultsException">The folder lacks what the format needs (the interval histograms, a measured second).</exception>
    public static OmbExportResult FromRun(RunResults results, string? workload = null, string? driver = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var summary = results.Summary;
        var notes = new List<string>();
        var publish = Intervals(results, LatencyMetric.Service);
        var delay = Intervals(results, LatencyMetric.ScheduleDelay);
        var endToEnd = Intervals(results, LatencyMetric.EndToEnd);

        var series = results.Series;
        var first = (int)Math.Ceiling(summary.WarmupSeconds);
        var end = (int)Math.Ceiling(summary.WarmupSeconds + summary.DurationSeconds);
        var rows = Enumerable.Range(0, series.Count)
            .Where(i => series.Seconds[i] >= first && series.Seconds[i] < end)
            .OrderBy(i => series.Seconds[i])
            .ToList();
        if (rows.Count == 0)
        {
            throw new RunResultsException(
                $"series.csv has no second of the measured window ({first} s to {end} s after the start): the run ended during its warm-up, so there is nothing to export.");
        }

        if (summary.Outcome != RunOutcome.Completed)
        {
            notes.Add($"The run is {summary.Outcome.Name()}: the result covers the {rows.Count} measured second(s) it has.");
        }

        var acked = series.Column("acked");
        var failed = series.Column("failed");
        var consumed = series.Column("consumed");
        var lagColumns = series.Groups.Select(g => series.Column(SeriesTable.LagMessagesColumn(g))).ToList();
        var periods = rows.Chunk(OmbTestResult.PeriodSeconds).ToList();
        var publishRate = new List<double>(periods.Count);
        var errorRate = new List<double>(periods.Count);
        var consumeRate = new List<double>(periods.Count);
        var backlog = new List<long>(periods.Count);
        var publishStats = new List<OmbLatencyStats>(periods.Count);
        var delayStats = new List<OmbLatencyStats>(periods.Count);
        var endToEndStats = new List<OmbLatencyStats>(periods.Count);
        foreach (var period in periods)
        {
            var seconds = period.Select(i => (int)series.Seconds[i]).ToHashSet();
            publishRate.Add(Sum(acked, period) / period.Length);
            errorRate.Add(Sum(failed, period) / period.Length);
            consumeRate.Add(Sum(consumed, period) / period.Length);
            backlog.Add(lagColumns.Sum(column => (long)Value(column[period[^1]])));
            publishStats.Add(Stats(Merge(publish, seconds), microsPerUnit: 1000));
            delayStats.Add(Stats(Merge(delay, seconds), microsPerUnit: 1));
            endToEndStats.Add(Stats(Merge(endToEnd, seconds), microsPerUnit: 1000));
        }

        if (periods[^1].Length < OmbTestResult.PeriodSeconds)
        {
            notes.Add($"The last period holds {periods[^1].Length} s, not {OmbTestResult.PeriodSeconds}: its rates are per second of those {periods[^1].Length} s.");
        }

        var measured = rows.Select(i => (int)series.Seconds[i]).ToHashSet();
        var publishAll = Merge(publish, measured);
        var delayAll = Merge(delay, measured);
        var endToEndAll = Merge(endToEnd, measured);
        var (producersPerTopic, consumersPerTopic, topics, partitions) = Shape(results, notes);

        notes.Add("publishLatency* is LoadLab's service latency (acknowledgement - actual send), which is what OMB measures; " +
            "LoadLab's produce latency (from the intended send time, corrected for coordinated omission) has no OMB field and stays in summary.json.");
        notes.Add("publishDelayLatency* is LoadLab's schedule delay (actual - intended send time), OMB's definition.");
        notes.Add("endToEndLatency* is LoadLab's end-to-end latency from the intended send time on one monotonic clock; " +
            "OMB measures from the record's send timestamp with millisecond wall clocks, so OMB's includes no schedule delay and LoadLab's does.");
        notes.Add("backlog is the lag summed over the consumer groups at the end of each period (OMB: subscriptions x messages sent - messages received).");
        notes.Add("Faults, recovery times, the delivery audit, SLOs and the cost estimate have no place in OMB's format; they stay in summary.json and the report.");

        var result = new OmbTestResult
        {
            Workload = string.IsNullOrWhiteSpace(workload) ? summary.Scenario : workload,
            Driver = string.IsNullOrWhiteSpace(driver) ? DefaultDriver(summary.Environment) : driver,
            MessageSize = summary.Payload is { } payload ? (long)Math.Round(payload.AverageBytes) : 0,
            Topics = topics,
            Partitions = partitions,
            ProducersPerTopic = producersPerTopic,
            ConsumersPerTopic = consumersPerTopic,
            PublishRate = publishRate,
            PublishErrorRate = errorRate,
            ConsumeRate = consumeRate,
            Backlog = backlog,
            PublishLatency = publishStats,
            PublishDelayLatency = delayStats,
            EndToEndLatency = endToEndStats,
            AggregatedPublishLatency = Stats(publishAll, microsPerUnit: 1000),
            AggregatedPublishDelayLatency = Stats(delayAll, microsPerUnit: 1),
            AggregatedEndToEndLatency = Stats(endToEndAll, microsPerUnit: 1000),
            AggregatedPublishLatencyQuantiles = Quantiles(publishAll, microsPerUnit: 1000),
            AggregatedPublishDelayLatencyQuantiles = Quantiles(delayAll, microsPerUnit: 1),
            AggregatedEndToEndLatencyQuantiles = Quantiles(endToEndAll, microsPerUnit: 1000),
        };
        return new OmbExportResult(result, notes);
    }

    /// <summary><c>LoadLab &lt;kind&gt;</c>, with the platform when the environment names one (<c>LoadLab docker redpanda</c>).</summary>
    private static string DefaultDriver(EnvironmentSummary environment) =>
        environment.Details.TryGetValue("platform", out var platform) && platform.Length > 0
            ? $"LoadLab {environment.Kind} {platform}"
            : $"LoadLab {environment.Kind}";

    private static Dictionary<int, HistogramInterval> Intervals(RunResults results, LatencyMetric metric)
    {
        if (!results.Histograms.TryGetValue(metric.LogName(), out var intervals))
        {
            throw new RunResultsException(
                $"{RunFiles.Histogram(metric)} is missing: OMB's latency fields are made from the run's interval histograms.");
        }

        // Interval n starts n seconds after the run's start (results/README.md); logs written before the header's
        // StartTime was whole milliseconds place it up to a millisecond early.
        var bySecond = new Dictionary<int, HistogramInterval>();
        foreach (var interval in intervals)
        {
            bySecond[(int)Math.Round(interval.StartSeconds)] = interval;
        }

        return bySecond;
    }

    private static HistogramBase Merge(Dictionary<int, HistogramInterval> intervals, IReadOnlySet<int> seconds)
    {
        var merged = LatencyRecorders.CreateHistogram();
        foreach (var second in seconds)
        {
            if (intervals.TryGetValue(second, out var interval))
            {
                interval.AddTo(merged);
            }
        }

        return merged;
    }

    /// <summary>OMB's statistics of a histogram of microseconds, in units of <paramref name="microsPerUnit"/> µs (1000: ms).</summary>
    private static OmbLatencyStats Stats(HistogramBase histogram, double microsPerUnit)
    {
        if (histogram.TotalCount == 0)
        {
            return OmbLatencyStats.Empty;
        }

        double At(double percentile) => histogram.GetValueAtPercentile(percentile) / microsPerUnit;
        return new OmbLatencyStats(
            histogram.GetMean() / microsPerUnit,
            At(50), At(75), At(95), At(99), At(99.9), At(99.99),
            histogram.GetMaxValue() / microsPerUnit);
    }

    private static List<KeyValuePair<double, double>> Quantiles(HistogramBase histogram, double microsPerUnit)
    {
        // OMB puts the pairs into a TreeMap<Double, …>: ordered by percentile, a repeated percentile keeps the last value.
        var quantiles = new SortedDictionary<double, double>();
        if (histogram.TotalCount > 0)
        {
            foreach (var step in histogram.Percentiles(QuantileTicksPerHalfDistance))
            {
                quantiles[step.Percentile] = step.ValueIteratedTo / microsPerUnit;
            }
        }

        return [.. quantiles];
    }

    /// <summary>Producers per topic, consumers per subscription, topics and partitions per topic of the run.</summary>
    private static (int Producers, int Consumers, int Topics, int Partitions) Shape(RunResults results, List<string> notes)
    {
        var summary = results.Summary;
        var partitionsByTopic = summary.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var partitions = partitionsByTopic.Count == 0 ? 0 : partitionsByTopic.Values.Max();
        if (partitionsByTopic.Values.Distinct().Count() > 1)
        {
            notes.Add($"partitions is the largest partition count of the run's topics ({string.Join(", ", partitionsByTopic.Select(t => $"{t.Key}: {t.Value}"))}); OMB's workloads give every topic the same.");
        }

        var consumers = summary.Consume.Groups.Count == 0 ? 0 : summary.Consume.Groups.Max(g => g.Instances);
        var producers = 0;
        var scenario = results.ScenarioYaml is { } yaml ? ScenarioLoader.Parse(yaml, RunFiles.Scenario).Scenario : null;
        if (scenario is null)
        {
            notes.Add($"producersPerTopic is 0: the folder has no readable {RunFiles.Scenario} to count the producers from.");
        }
        else
        {
            var perTopic = scenario.Traffic.GroupBy(s => s.Topic, StringComparer.Ordinal).Select(g => g.Sum(s => s.Producers)).ToList();
            producers = perTopic.Max();
            if (perTopic.Distinct().Count() > 1)
            {
                notes.Add("producersPerTopic is the largest number of producers on one topic; the run's topics had different numbers.");
            }
        }

        return (producers, consumers, partitionsByTopic.Count, partitions);
    }

    private static double Sum(IReadOnlyList<double> column, int[] rows) => rows.Sum(i => Value(column[i]));

    private static double Value(double cell) => double.IsNaN(cell) ? 0 : cell;
}
