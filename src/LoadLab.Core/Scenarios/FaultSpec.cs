namespace LoadLab.Core.Scenarios;

/// <summary>A fault on the timeline: an action at an offset, reverted after <see cref="Duration"/> when given.</summary>
public sealed record FaultSpec
{
    public required TimeSpan At { get; init; }
    public required FaultAction Action { get; init; }
    public required FaultTarget Target { get; init; }
    /// <summary>After this long the action is reverted (killed broker restarted, pause lifted…); null: never.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Added latency for <see cref="FaultAction.BrokerSlow"/>.</summary>
    public TimeSpan? Latency { get; init; }
    /// <summary>New replica list for <see cref="FaultAction.PartitionReassign"/>; new leader first for leader moves.</summary>
    public IReadOnlyList<int> Replicas { get; init; } = [];
    /// <summary>Request errors for <see cref="FaultAction.ErrorsInject"/>.</summary>
    public ErrorInjection? Errors { get; init; }
    /// <summary>How far back <see cref="FaultAction.GroupReplay"/> rewinds the group.</summary>
    public GroupRewind? Rewind { get; init; }
    /// <summary>Line in the scenario file, for messages about this fault.</summary>
    public int Line { get; init; }
}

/// <summary>The fault actions of the timeline (YAML names in the comments).</summary>
public enum FaultAction
{
    /// <summary><c>broker.kill</c></summary>
    BrokerKill,
    /// <summary><c>broker.restart</c></summary>
    BrokerRestart,
    /// <summary><c>broker.pause</c></summary>
    BrokerPause,
    /// <summary><c>broker.slow</c></summary>
    BrokerSlow,
    /// <summary><c>leader.move</c></summary>
    LeaderMove,
    /// <summary><c>partition.reassign</c></summary>
    PartitionReassign,
    /// <summary><c>broker.add</c></summary>
    BrokerAdd,
    /// <summary><c>broker.decommission</c></summary>
    BrokerDecommission,
    /// <summary><c>errors.inject</c></summary>
    ErrorsInject,
    /// <summary><c>network.partition</c></summary>
    NetworkPartition,
    /// <summary><c>group.replay</c></summary>
    GroupReplay,
}

/// <summary>Which broker (or partition) a fault acts on.</summary>
public abstract record FaultTarget;

/// <summary><c>broker: 2</c></summary>
public sealed record BrokerTarget(int BrokerId) : FaultTarget;

/// <summary><c>leader-of: topic/partition</c></summary>
public sealed record LeaderOfTarget(string Topic, int Partition) : FaultTarget;

/// <summary><c>controller</c></summary>
public sealed record ControllerTarget : FaultTarget;

/// <summary><c>coordinator-of: group</c></summary>
public sealed record CoordinatorOfTarget(string Group) : FaultTarget;

/// <summary>
/// <c>transaction-coordinator-of: owner</c>: the coordinator of the first transactional id of a transactional traffic
/// stream or of a transforming consumer group (both named as in the scenario).
/// </summary>
public sealed record TransactionCoordinatorOfTarget(string Owner) : FaultTarget;

/// <summary><c>group: name</c>: a consumer group of the scenario (<c>group.replay</c>).</summary>
public sealed record GroupTarget(string Group) : FaultTarget;

/// <summary><c>random</c> (seeded by the scenario seed).</summary>
public sealed record RandomBrokerTarget : FaultTarget;

/// <summary>
/// No target given, for actions that act on the cluster as a whole: <c>errors.inject</c> on every broker,
/// <c>broker.add</c> with an id the environment chooses.
/// </summary>
public sealed record ClusterTarget : FaultTarget;

/// <summary><c>partition: topic/partition</c> (reassignments, leader moves).</summary>
public sealed record PartitionTarget(string Topic, int Partition) : FaultTarget;

/// <summary>Request errors: API (name such as Produce, Fetch), Kafka error code, and how many requests.</summary>
public sealed record ErrorInjection(string Api, short ApiKey, int ErrorCode, int Count);

/// <summary>
/// Where <c>group.replay</c> moves a group on each of its partitions: <see cref="Messages"/> back from its position
/// (Kafka's <c>--shift-by -N</c>), or to the first message whose intended send time is at most <see cref="Ago"/> old
/// (Kafka's <c>--to-datetime</c>). Exactly one is set.
/// </summary>
public sealed record GroupRewind(long? Messages, TimeSpan? Ago);

/// <summary>A promise checked at the end of a run: metric, phase, limit.</summary>
/// <param name="Name">Display name (default: metric, phase and limit).</param>
/// <param name="Metric">e.g. <c>produce.p99</c>, <c>e2e.p999</c>, <c>recovery</c>, <c>lost</c>, <c>duplicated</c>, <c>rate.achieved</c>.</param>
/// <param name="Phase">Which part of the run the metric is taken from.</param>
/// <param name="Comparison">How observed compares with the limit to pass.</param>
/// <param name="Limit">The limit in the metric's unit (ms for latency, s for recovery, count, msg/s).</param>
public sealed record SloSpec(string Name, string Metric, SloPhase Phase, SloComparison Comparison, double Limit)
{
    /// <summary>
    /// The consumer group whose promise this is (consumption metrics only); null: the run's, which for a consumption
    /// metric is the worst group's value.
    /// </summary>
    public string? Group { get; init; }
}

public enum SloPhase { Overall, Steady, During, After }

public enum SloComparison { LessThan, LessOrEqual, GreaterThan, GreaterOrEqual }
