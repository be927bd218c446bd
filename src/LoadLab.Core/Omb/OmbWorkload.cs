namespace LoadLab.Core.Omb;

/// <summary>
/// An OpenMessaging Benchmark workload, field for field as OMB declares it
/// (openmessaging/benchmark, <c>benchmark-framework/src/main/java/io/openmessaging/benchmark/Workload.java</c>).
/// OMB's defaults apply to absent keys: key distributor <c>NO_KEY</c>, one minute of warm-up, a backlog drain
/// ratio of 1, zero for every other number.
/// </summary>
public sealed record OmbWorkload
{
    /// <summary>OMB's <c>name</c>; OMB's result files carry it as <c>workload</c>, and its chart script groups runs by it.</summary>
    public string? Name { get; init; }
    public int Topics { get; init; }
    public int PartitionsPerTopic { get; init; }
    public OmbKeyDistributor KeyDistributor { get; init; } = OmbKeyDistributor.NoKey;
    /// <summary>Bytes per message.</summary>
    public int MessageSize { get; init; }
    public bool UseRandomizedPayloads { get; init; }
    public double RandomBytesRatio { get; init; }
    public int RandomizedPayloadPoolSize { get; init; }
    public string? PayloadFile { get; init; }
    public int SubscriptionsPerTopic { get; init; }
    public int ProducersPerTopic { get; init; }
    public int ConsumerPerSubscription { get; init; }
    /// <summary>Messages per second over all producers and topics; 0 asks OMB to search the highest sustainable rate.</summary>
    public int ProducerRate { get; init; }
    public long ConsumerBacklogSizeGB { get; init; }
    public double BacklogDrainRatio { get; init; } = 1.0;
    public int TestDurationMinutes { get; init; }
    public int WarmupDurationMinutes { get; init; } = 1;
}

/// <summary>
/// OMB's key distributors (<c>utils/distributor/KeyDistributorType.java</c>); the keyed ones draw from 10,000
/// random keys (<c>KeyDistributor.UNIQUE_COUNT</c>).
/// </summary>
public enum OmbKeyDistributor
{
    /// <summary><c>NO_KEY</c>: messages without a key.</summary>
    NoKey,
    /// <summary><c>KEY_ROUND_ROBIN</c>: the keys in turn.</summary>
    KeyRoundRobin,
    /// <summary><c>RANDOM_NANO</c>: a key chosen by <c>System.nanoTime() % 10000</c>, about uniform.</summary>
    RandomNano,
}
