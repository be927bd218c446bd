namespace LoadLab.Core.Results;

/// <summary>One second of a run, as written to <c>series.csv</c> (see results/README.md).</summary>
public sealed record SeriesRow
{
    public required int Second { get; init; }
    public required double TargetRate { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Failed { get; init; }
    public required long Consumed { get; init; }
    public required long QueueFull { get; init; }
    /// <summary>Average value size of the messages sent in this second; null when none was sent.</summary>
    public double? AvgPayloadBytes { get; init; }
    /// <summary>Per latency metric (in <c>LatencyMetrics.All</c> order) the second's percentiles; null when no sample.</summary>
    public required IReadOnlyList<Percentiles?> Latency { get; init; }
    public long RssBytes { get; init; }
    public long GcHeapBytes { get; init; }
    /// <summary>Per consumer group (in summary order): lag in messages and in seconds.</summary>
    public required IReadOnlyList<(long Messages, double Seconds)> Lag { get; init; }
    /// <summary>Per consumer group (in summary order): the second's end-to-end percentiles of the group; null when it read nothing.</summary>
    public IReadOnlyList<Percentiles?> GroupEndToEnd { get; init; } = [];
}

/// <summary>One second × partition, as written to <c>partitions.csv</c>.</summary>
public sealed record PartitionRow(int Second, string Topic, int Partition, long Produced, long Bytes, long LagMessages);
