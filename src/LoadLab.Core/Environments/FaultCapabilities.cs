using System.Text.Json.Serialization;

namespace LoadLab.Core.Environments;

/// <summary>
/// What an environment can break, how, how LoadLab sees the effect, and what differs from a production cluster — known
/// before the environment starts (from its definition), so a scenario is checked against it before anything exists,
/// <c>env up --dry-run</c> prints it and every run keeps it in <c>summary.json</c> (<c>environment.capabilities</c>) for
/// the report. The caveats are the honest part: a fault that works differently here than on the real platform says so.
/// </summary>
public sealed record FaultCapabilities
{
    /// <summary>An environment that can break nothing.</summary>
    public static FaultCapabilities None { get; } = new();

    /// <summary>One entry per operation the environment can perform, in <see cref="FaultOperation"/> order.</summary>
    public IReadOnlyList<FaultCapability> Faults { get; init; } = [];

    /// <summary>
    /// What differs from a production cluster for the environment as a whole and changes what its numbers mean (for
    /// example Redpanda's development container mode, which skips fsync).
    /// </summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];

    /// <summary>The operations of <see cref="Faults"/>.</summary>
    [JsonIgnore]
    public IReadOnlySet<FaultOperation> Operations => Faults.Select(f => f.Operation).ToHashSet();

    /// <summary>How the environment performs <paramref name="operation"/>, or null when it cannot.</summary>
    public FaultCapability? Find(FaultOperation operation) => Faults.FirstOrDefault(f => f.Operation == operation);

    /// <summary>
    /// <c>group.replay</c>, which every environment offers the same way: the run's own consumers move back and commit,
    /// observed through the Kafka protocol; <paramref name="caveats"/> say what differs on the environment.
    /// </summary>
    public static FaultCapability GroupRewind(params string[] caveats) => new(
        FaultOperation.GroupRewind,
        "the group's own members seek every partition they own back (N messages, or to the first message LoadLab acknowledged with an intended time T ago) and commit the offset they read again from, while the group keeps its members and the live traffic goes on",
        "each OffsetCommit is acknowledged by the group coordinator, and another client's OffsetFetch reads the group's committed offsets below where the group was (or, when the group already re-read past them, its reads from the new offsets are seen)")
    {
        Caveats = caveats,
    };
}

/// <summary>One fault operation an environment can perform.</summary>
/// <param name="Operation">The primitive operation.</param>
/// <param name="Mechanism">How the environment performs it, e.g. <c>docker kill (SIGKILL) of the broker's container</c>.</param>
/// <param name="Verification">What LoadLab observes (through the Kafka protocol) before it records the fault as applied.</param>
public sealed record FaultCapability(FaultOperation Operation, string Mechanism, string Verification)
{
    /// <summary>Where this operation differs from the same fault on a production cluster of the platform.</summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];
}
