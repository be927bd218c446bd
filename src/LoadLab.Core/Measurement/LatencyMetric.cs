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
}

/// <summary>File and column names of the latency metrics.</summary>
public static class LatencyMetrics
{
    /// <summary>All metrics in report order.</summary>
    public static IReadOnlyList<LatencyMetric> All { get; } =
        [LatencyMetric.Produce, LatencyMetric.Service, LatencyMetric.ScheduleDelay, LatencyMetric.EndToEnd];

    /// <summary>Name of the metric's HdrHistogram log (<c>histograms/&lt;name&gt;.hlog</c>).</summary>
    public static string LogName(this LatencyMetric metric) => metric switch
    {
        LatencyMetric.Produce => "produce",
        LatencyMetric.Service => "service",
        LatencyMetric.ScheduleDelay => "scheduleDelay",
        LatencyMetric.EndToEnd => "endToEnd",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>Prefix of the metric's columns in <c>series.csv</c>.</summary>
    public static string ColumnPrefix(this LatencyMetric metric) => metric switch
    {
        LatencyMetric.EndToEnd => "e2e",
        _ => metric.LogName(),
    };
}
