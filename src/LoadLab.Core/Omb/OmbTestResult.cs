namespace LoadLab.Core.Omb;

/// <summary>
/// An OpenMessaging Benchmark result, field for field as OMB writes it
/// (openmessaging/benchmark, <c>benchmark-framework/src/main/java/io/openmessaging/benchmark/TestResult.java</c>,
/// filled by <c>WorkloadGenerator.printAndCollectStats</c>): one entry per 10-second period of the measured window,
/// then aggregates over the whole window. Publish and end-to-end latencies are in milliseconds, publish delay in
/// whole microseconds, rates in messages (errors) per second, backlog in messages.
/// </summary>
public sealed record OmbTestResult
{
    /// <summary>The period of OMB's series: <c>printAndCollectStats</c> sleeps 10 s between samples, and <c>bin/create_charts.py</c> plots entry i at 10·i seconds.</summary>
    public const int PeriodSeconds = 10;

    public required string Workload { get; init; }
    public required string Driver { get; init; }
    public required long MessageSize { get; init; }
    public required int Topics { get; init; }
    /// <summary>Partitions per topic.</summary>
    public required int Partitions { get; init; }
    public required int ProducersPerTopic { get; init; }
    /// <summary>Consumers per subscription (OMB fills it from <c>consumerPerSubscription</c>).</summary>
    public required int ConsumersPerTopic { get; init; }

    public required IReadOnlyList<double> PublishRate { get; init; }
    public required IReadOnlyList<double> PublishErrorRate { get; init; }
    public required IReadOnlyList<double> ConsumeRate { get; init; }
    public required IReadOnlyList<long> Backlog { get; init; }

    /// <summary>Per period, milliseconds.</summary>
    public required IReadOnlyList<OmbLatencyStats> PublishLatency { get; init; }
    /// <summary>Per period, microseconds (OMB's percentiles and max are whole numbers, the average is not).</summary>
    public required IReadOnlyList<OmbLatencyStats> PublishDelayLatency { get; init; }
    /// <summary>Per period, milliseconds.</summary>
    public required IReadOnlyList<OmbLatencyStats> EndToEndLatency { get; init; }

    public required OmbLatencyStats AggregatedPublishLatency { get; init; }
    public required OmbLatencyStats AggregatedPublishDelayLatency { get; init; }
    public required OmbLatencyStats AggregatedEndToEndLatency { get; init; }

    /// <summary>Percentile → milliseconds, from HdrHistogram's percentile iteration with 100 ticks per half distance (OMB: <c>percentiles(100)</c>).</summary>
    public required IReadOnlyList<KeyValuePair<double, double>> AggregatedPublishLatencyQuantiles { get; init; }
    /// <summary>Percentile → whole microseconds.</summary>
    public required IReadOnlyList<KeyValuePair<double, double>> AggregatedPublishDelayLatencyQuantiles { get; init; }
    /// <summary>Percentile → milliseconds.</summary>
    public required IReadOnlyList<KeyValuePair<double, double>> AggregatedEndToEndLatencyQuantiles { get; init; }
}

/// <summary>The statistics OMB keeps of one latency histogram: average, p50, p75, p95, p99, p99.9, p99.99 and max.</summary>
public sealed record OmbLatencyStats(double Avg, double P50, double P75, double P95, double P99, double P999, double P9999, double Max)
{
    /// <summary>What OMB records for a period without samples: HdrHistogram's mean, percentiles and max of an empty histogram are 0.</summary>
    public static OmbLatencyStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
}
