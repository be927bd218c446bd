namespace LoadLab.Core.Measurement;

/// <summary>The latencies a run records (DESIGN.md, "Measurement definitions").</summary>
public enum LatencyMetric
{
    /// <summary>Acknowledgement − intended send time (corrected for coordinated omission).</summary>
    Produce,
    /// <summary>Acknowledgement − actual send time.</summary>
    Service,
    /// <summary>Actual send − intended send time: how far the generator fell behind.</summary>
    ScheduleDelay,
    /// <summary>Consume time − intended send time.</summary>
    EndToEnd,
    /// <summary>Commit acknowledged − intended send time of a transaction's first message (committed transactions only).</summary>
    Transaction,
}

/// <summary>File and column names of the latency metrics.</summary>
public static class LatencyMetrics
{
    /// <summary>All metrics in report order.</summary>
    public static IReadOnlyList<LatencyMetric> All { get; } =
        [LatencyMetric.Produce, LatencyMetric.Service, LatencyMetric.ScheduleDelay, LatencyMetric.EndToEnd, LatencyMetric.Transaction];

    /// <summary>Name of the metric's HdrHistogram log (<c>histograms/&lt;name&gt;.hlog</c>).</summary>
    public static string LogName(this LatencyMetric metric) => metric switch
    {
        LatencyMetric.Produce => "produce",
        LatencyMetric.Service => "service",
        LatencyMetric.ScheduleDelay => "scheduleDelay",
        LatencyMetric.EndToEnd => "endToEnd",
        LatencyMetric.Transaction => "transaction",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>
    /// Name of a consumer group's own log of a metric (<c>histograms/endToEnd.&lt;group&gt;.hlog</c>,
    /// <c>histograms/transaction.&lt;group&gt;.hlog</c>): the group id escaped as in a URI, so any Kafka group id makes a
    /// valid file name on every platform.
    /// </summary>
    public static string GroupLogName(this LatencyMetric metric, string group) => $"{metric.LogName()}.{Uri.EscapeDataString(group)}";

    /// <summary>Prefix of the metric's columns in <c>series.csv</c>.</summary>
    public static string ColumnPrefix(this LatencyMetric metric) => metric switch
    {
        LatencyMetric.EndToEnd => "e2e",
        LatencyMetric.Transaction => "txn",
        _ => metric.LogName(),
    };
}
