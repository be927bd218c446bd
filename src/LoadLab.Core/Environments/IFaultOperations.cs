namespace LoadLab.Core.Environments;

/// <summary>
/// The primitive fault operations of an environment. The fault timeline (LoadLab.Core.Faults) resolves
/// targets and schedules; an environment only knows how to do each primitive and to report what it saw.
/// An operation an environment cannot perform is absent from <see cref="Capabilities"/>, so scenarios that
/// need it are rejected before the run starts.
/// </summary>
public interface IFaultOperations
{
    /// <summary>The operations this environment implements, how, and with which caveats.</summary>
    FaultCapabilities Capabilities { get; }

    /// <summary>Current leader of a partition, or null when it has none / is unknown.</summary>
    ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken);

    /// <summary>The controller broker id, or null when unknown.</summary>
    ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken);

    /// <summary>The coordinator broker of a consumer group, or null when unknown.</summary>
    ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken);

    /// <summary>
    /// The transaction coordinator of <paramref name="transactionalId"/> (FindCoordinator with the transaction key type),
    /// or null when unknown. An environment that plays the controller registers the id, so that fail-over moves it.
    /// </summary>
    ValueTask<int?> GetTransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken);

    /// <summary>Performs one operation; the outcome says what was observed (e.g. the new leader in metadata).</summary>
    ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Performs one operation like <see cref="ExecuteAsync(FaultCommand, CancellationToken)"/> and calls
    /// <paramref name="effectApplied"/> once, at the moment the operation changed the cluster (the broker hangs, is
    /// down, is back), before it goes on to wait for what follows (a kill or pause returns after its fail-over). The
    /// fault timeline dates faults by that moment and times reverts from it, so a 1 s pause lasts 1 s even when the
    /// operation acted late. It must return at once: it may be called under the environment's own lock. The default
    /// calls it as the operation starts; environments that act later override this method.
    /// </summary>
    ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effectApplied);
        effectApplied();
        return ExecuteAsync(command, cancellationToken);
    }
}

/// <summary>Primitive operations; each fault action and its revert map onto these.</summary>
public enum FaultOperation
{
    BrokerKill,
    BrokerRestart,
    BrokerPause,
    BrokerResume,
    BrokerSlow,
    BrokerRestoreSpeed,
    LeaderMove,
    PartitionReassign,
    BrokerAdd,
    BrokerDecommission,
    InjectErrors,
    NetworkDisconnect,
    NetworkReconnect,
    /// <summary>
    /// Moves a consumer group of the run back on its partitions (<c>group.replay</c>): performed by the group's own
    /// members (seek, then commit the new offsets), the same way on every environment.
    /// </summary>
    GroupRewind,
}

/// <summary>One primitive operation with its resolved arguments.</summary>
/// <param name="Operation">What to do.</param>
/// <param name="BrokerId">The broker it acts on, when it acts on one.</param>
/// <param name="Topic">Topic for leader moves and reassignments.</param>
/// <param name="Partition">Partition for leader moves and reassignments.</param>
/// <param name="Replicas">New replica list (reassignment) or new leader first (leader move).</param>
/// <param name="Latency">Added latency for <see cref="FaultOperation.BrokerSlow"/>.</param>
/// <param name="Errors">Errors to inject for <see cref="FaultOperation.InjectErrors"/>.</param>
/// <param name="Group">The consumer group <see cref="FaultOperation.GroupRewind"/> moves.</param>
/// <param name="Rewind">How far <see cref="FaultOperation.GroupRewind"/> moves it.</param>
public sealed record FaultCommand(
    FaultOperation Operation,
    int? BrokerId = null,
    string? Topic = null,
    int? Partition = null,
    IReadOnlyList<int>? Replicas = null,
    TimeSpan? Latency = null,
    InjectedErrors? Errors = null,
    string? Group = null,
    Scenarios.GroupRewind? Rewind = null);

/// <summary>Request errors to inject: the Kafka API key, the error code and how many requests fail.</summary>
public sealed record InjectedErrors(short ApiKey, int ErrorCode, int Count);

/// <summary>What an operation did, as observed (for the fault marker).</summary>
/// <param name="Succeeded">Whether the effect was observed.</param>
/// <param name="Detail">Human-readable observation, e.g. "leader of t/0 is now 2".</param>
/// <param name="Took">How long the operation took until its effect was observed.</param>
public sealed record FaultOutcome(bool Succeeded, string Detail, TimeSpan Took);
