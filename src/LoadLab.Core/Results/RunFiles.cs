using LoadLab.Core.Measurement;

namespace LoadLab.Core.Results;

/// <summary>
/// The names of the files in a results folder (<c>results/README.md</c>), shared by <see cref="ResultsWriter"/> and
/// <see cref="RunResults"/> and everything else that reads or writes the folder.
/// </summary>
public static class RunFiles
{
    /// <summary>The run's summary (<see cref="RunSummary"/>, <c>schemas/summary.schema.json</c>).</summary>
    public const string Summary = "summary.json";

    /// <summary>One row per second (<see cref="SeriesRow"/>).</summary>
    public const string Series = "series.csv";

    /// <summary>One row per second and partition (<see cref="PartitionRow"/>).</summary>
    public const string Partitions = "partitions.csv";

    /// <summary>One JSON object per line: run milestones, fault markers, rebalances, errors (<see cref="RunEventTypes"/>).</summary>
    public const string Events = "events.jsonl";

    /// <summary>The scenario file as run.</summary>
    public const string Scenario = "scenario.yaml";

    /// <summary>The cost estimate written by <c>loadlab cost</c>.</summary>
    public const string Cost = "cost.json";

    /// <summary>The folder of the HdrHistogram interval logs, one per latency metric.</summary>
    public const string HistogramsFolder = "histograms";

    /// <summary>The extension of an HdrHistogram interval log.</summary>
    public const string HistogramExtension = ".hlog";

    /// <summary>
    /// The folder of the measured messages' whole-run histograms (one interval each): the distribution the summary's
    /// percentiles and counts describe — messages intended after the warm-up, whenever they were acknowledged or
    /// consumed — which the per-second logs cannot give, since they hold what was recorded in each second.
    /// </summary>
    public const string MeasuredHistogramsFolder = HistogramsFolder + "/measured";

    /// <summary>The measured messages' histogram of the log named <paramref name="logName"/>, e.g. <c>histograms/measured/produce.hlog</c>.</summary>
    public static string MeasuredHistogram(string logName) => $"{MeasuredHistogramsFolder}/{logName}{HistogramExtension}";

    /// <summary>The interval log of <paramref name="metric"/>, relative to the run folder, e.g. <c>histograms/produce.hlog</c>.</summary>
    public static string Histogram(LatencyMetric metric) => Histogram(metric.LogName());

    /// <summary>The interval log named <paramref name="logName"/> (a metric's or a split run's own), relative to the run folder.</summary>
    public static string Histogram(string logName) => $"{HistogramsFolder}/{logName}{HistogramExtension}";

    /// <summary>A consumer group's own log of a metric (<see cref="LatencyMetrics.GroupLogName"/>).</summary>
    public static string GroupHistogram(LatencyMetric metric, string group) => Histogram(metric.GroupLogName(group));
}
