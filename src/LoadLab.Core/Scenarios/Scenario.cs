namespace LoadLab.Core.Scenarios;

/// <summary>
/// A validated scenario: what load to generate, against which topics, which faults to inject and which
/// promises (SLOs) to check. Built only by <c>ScenarioLoader</c>, so every instance is valid.
/// </summary>
public sealed record Scenario
{
    /// <summary>Scenario format version; only 1 exists.</summary>
    public int Version { get; init; } = 1;
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Measured duration (after warm-up).</summary>
    public required TimeSpan Duration { get; init; }
    /// <summary>Load runs but is not measured; default 0.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
    /// <summary>Seed of every random choice (keys, payloads, Poisson gaps, random fault targets).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>After the load stops, how long consumers may catch up before the audit; default 15 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(15);
    public required IReadOnlyList<TopicSpec> Topics { get; init; }
    public required IReadOnlyList<TrafficStream> Traffic { get; init; }
    public IReadOnlyList<ConsumerGroupSpec> Consumers { get; init; } = [];
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];
    public IReadOnlyList<SloSpec> Slos { get; init; } = [];
    /// <summary>Regression rules for <c>loadlab baseline check</c>; <see cref="RegressionSpec.Default"/> without a <c>regression:</c> block.</summary>
    public RegressionSpec Regression { get; init; } = RegressionSpec.Default;
    /// <summary>The file the scenario was read from, when it came from a file.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Warm-up plus measured duration.</summary>
    public TimeSpan TotalDuration => Warmup + Duration;
}

/// <summary>A topic the environment creates before the run.</summary>
/// <param name="Name">Kafka topic name.</param>
/// <param name="Partitions">Partition count.</param>
/// <param name="ReplicationFactor">Replicas per partition.</param>
/// <param name="Retention">How long the topic keeps data (<c>retention.ms</c> where LoadLab creates the topic; priced by <c>loadlab cost</c>); null: the cluster's default.</param>
public sealed record TopicSpec(string Name, int Partitions, int ReplicationFactor, TimeSpan? Retention = null);

/// <summary>One independent stream of messages: a rate profile, keys and payloads to one topic.</summary>
public sealed record TrafficStream
{
    public required string Name { get; init; }
    public required string Topic { get; init; }
    /// <summary>Base rate in messages per second before phases apply.</summary>
    public required double Rate { get; init; }
    /// <summary>Rate changes over the run, applied in order.</summary>
    public IReadOnlyList<RatePhase> Phases { get; init; } = [];
    /// <summary>How messages are spaced at a given rate.</summary>
    public ArrivalProcess Arrivals { get; init; } = ArrivalProcess.Uniform;
    /// <summary>Independent producer instances sharing the stream's rate; default 1.</summary>
    public int Producers { get; init; } = 1;
    public PayloadSpec Payload { get; init; } = new();
    public KeySpec Keys { get; init; } = new();
    /// <summary>librdkafka producer settings, passed through unchanged (e.g. <c>acks</c>, <c>linger.ms</c>).</summary>
    public IReadOnlyDictionary<string, string> ProducerConfig { get; init; } = new Dictionary<string, string>();
    /// <summary>Produce in transactions (LoadLab owns the transactional ids); null: no transactions.</summary>
    public TransactionSpec? Transactions { get; init; }
}

/// <summary>
/// How a producer groups its messages into transactions: a transaction ends after <see cref="Messages"/> messages or
/// <see cref="Duration"/> after its first message (exactly one of the two), and <see cref="AbortShare"/> of them are
/// aborted on purpose (chosen with the scenario seed) instead of committed.
/// </summary>
public sealed record TransactionSpec
{
    /// <summary>Messages per transaction; null when transactions are bounded by <see cref="Duration"/>.</summary>
    public int? Messages { get; init; }
    /// <summary>How long a transaction lasts from its first message's intended send time; null when bounded by <see cref="Messages"/>.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Share of transactions aborted on purpose, 0 to 1; default 0.</summary>
    public double AbortShare { get; init; }
}

/// <summary>Spacing of messages at a given rate.</summary>
public enum ArrivalProcess
{
    /// <summary>Evenly spaced, like a uniform rate limiter.</summary>
    Uniform,
    /// <summary>Exponential gaps with the same mean rate (independent arrivals).</summary>
    Poisson,
}

/// <summary>A change of the rate from <see cref="At"/> (offset from the start of the run, warm-up included).</summary>
public abstract record RatePhase(TimeSpan At);

/// <summary>From <c>At</c> on, the base rate becomes <see cref="Rate"/> (NBomber: inject).</summary>
public sealed record StepPhase(TimeSpan At, double Rate) : RatePhase(At);

/// <summary>Linear change from the current rate to <see cref="To"/> over <see cref="Duration"/>, then stays (NBomber: ramping inject).</summary>
public sealed record RampPhase(TimeSpan At, TimeSpan Duration, double To) : RatePhase(At);

/// <summary>The rate is multiplied by <see cref="Multiplier"/> for <see cref="Duration"/> (a launch, an abuse campaign).</summary>
public sealed record SpikePhase(TimeSpan At, TimeSpan Duration, double Multiplier) : RatePhase(At);

/// <summary>
/// The rate is multiplied by 1 + <see cref="Amplitude"/>·sin(2π(t − At)/<see cref="Period"/>) from <c>At</c>
/// for <see cref="Duration"/> (until the end when null): a diurnal cycle compressed into a run.
/// </summary>
public sealed record SinePhase(TimeSpan At, TimeSpan? Duration, TimeSpan Period, double Amplitude) : RatePhase(At);

/// <summary>What each message carries.</summary>
public sealed record PayloadSpec
{
    public PayloadKind Kind { get; init; } = PayloadKind.Fixed;
    /// <summary>Target value size in bytes (the envelope is padded to it); default 1024.</summary>
    public int Size { get; init; } = 1024;
    /// <summary>Feature values inline, or references to a feature store (prediction events).</summary>
    public FeatureMode Features { get; init; } = FeatureMode.References;
    /// <summary>Optional blocks switched on from the start.</summary>
    public IReadOnlyList<PayloadBlock> Blocks { get; init; } = [];
    /// <summary>For <see cref="PayloadKind.Mixed"/>: share of user actions that become agent chains (0..1).</summary>
    public double ChainShare { get; init; }
    /// <summary>How the size grows over the run; null keeps it fixed.</summary>
    public PayloadGrowth? Growth { get; init; }
}

public enum PayloadKind
{
    /// <summary>Opaque bytes of a fixed size.</summary>
    Fixed,
    /// <summary>A model-inference event envelope (JSON).</summary>
    Prediction,
    /// <summary>Retrieval → tool call → policy → model output chains sharing a correlation id.</summary>
    AgentChain,
    /// <summary>Prediction events mixed with agent chains (<see cref="PayloadSpec.ChainShare"/>).</summary>
    Mixed,
}

public enum FeatureMode { References, Values }

/// <summary>Optional blocks of the inference envelope.</summary>
public enum PayloadBlock { Explanation, Prompt, Retrieval, ToolCall }

/// <summary>A size schedule: linear to a target, steps at times, or blocks switched on at times.</summary>
public sealed record PayloadGrowth
{
    /// <summary>Linear growth to this size (bytes) by the end of the run.</summary>
    public int? LinearTo { get; init; }
    /// <summary>Size steps: from each offset on, the target size.</summary>
    public IReadOnlyList<SizeStep> Steps { get; init; } = [];
    /// <summary>Blocks switched on at offsets.</summary>
    public IReadOnlyList<BlockStep> Blocks { get; init; } = [];
}

public sealed record SizeStep(TimeSpan At, int Size);

public sealed record BlockStep(TimeSpan At, PayloadBlock Block);

/// <summary>How message keys are chosen.</summary>
public sealed record KeySpec
{
    public KeyDistribution Distribution { get; init; } = KeyDistribution.Uniform;
    /// <summary>Number of distinct keys; default 10,000.</summary>
    public int Space { get; init; } = 10_000;
    /// <summary>What a key names; decides the id format.</summary>
    public KeyKind Kind { get; init; } = KeyKind.User;
    /// <summary>Zipf exponent s (rank r has weight 1/r^s); default 1.0.</summary>
    public double ZipfExponent { get; init; } = 1.0;
    public IReadOnlyList<HotKeyWindow> HotKeys { get; init; } = [];
}

public enum KeyDistribution { None, Uniform, Zipf, Sequential }

public enum KeyKind { Account, User, Tenant, Device }

/// <summary>
/// For <see cref="Duration"/> from <see cref="At"/>, <see cref="Share"/> of the stream's messages use the hot key(s):
/// <see cref="Key"/> (an index into the key space) or the <see cref="TopN"/> most frequent keys.
/// </summary>
public sealed record HotKeyWindow(TimeSpan At, TimeSpan Duration, double Share, int? Key, int? TopN);

/// <summary>A consumer group reading a topic.</summary>
/// <param name="Group">Group id.</param>
/// <param name="Topic">Topic to read.</param>
/// <param name="Instances">Consumer instances in the group; default 1.</param>
/// <param name="ProcessingTime">Simulated work per message (slows the consumer); default none.</param>
/// <param name="ConsumerConfig">librdkafka consumer settings, passed through unchanged.</param>
public sealed record ConsumerGroupSpec(
    string Group,
    string Topic,
    int Instances,
    TimeSpan ProcessingTime,
    IReadOnlyDictionary<string, string> ConsumerConfig)
{
    /// <summary>The librdkafka setting that chooses what a consumer of transactional messages sees.</summary>
    public const string IsolationSetting = "isolation.level";

    /// <summary>
    /// What the group may see of transactions: <c>isolation.level</c> of <see cref="ConsumerConfig"/>, librdkafka's
    /// default (read_committed) when it is not set.
    /// </summary>
    public ConsumerIsolation Isolation => ConsumerConfig.TryGetValue(IsolationSetting, out var level) && level == "read_uncommitted"
        ? ConsumerIsolation.ReadUncommitted
        : ConsumerIsolation.ReadCommitted;

    /// <summary>Consume-transform-produce: each input is written to another topic in a transaction that also commits the input offsets; null: the group only reads.</summary>
    public TransformSpec? Transform { get; init; }
}

/// <summary>What a consumer group sees of transactions (<c>isolation.level</c>).</summary>
public enum ConsumerIsolation
{
    /// <summary>Only messages of committed transactions (and non-transactional ones): <c>read_committed</c>.</summary>
    ReadCommitted,
    /// <summary>Every message in the log, aborted or not yet committed ones too: <c>read_uncommitted</c>.</summary>
    ReadUncommitted,
}

/// <summary>
/// The exactly-once pipeline of a consumer group: every input message it reads is written once to <see cref="Topic"/>
/// by the member's transactional producer, and the input offsets are committed in the same transaction
/// (<c>send_offsets_to_transaction</c>), so that each input has exactly one committed output, whatever fails.
/// </summary>
/// <param name="Topic">The output topic (declared under <c>topics</c>).</param>
/// <param name="Transactions">How inputs are grouped into transactions.</param>
/// <param name="ProducerConfig">librdkafka settings of the members' producers, passed through unchanged.</param>
public sealed record TransformSpec(string Topic, TransactionSpec Transactions, IReadOnlyDictionary<string, string> ProducerConfig);
