using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Planning;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.Docker;

/// <summary>
/// What a Docker environment can break: every fault its definition maps, plus the client-side faults of LoadLab's proxy
/// (<c>broker.slow</c> always; <c>network.partition</c> where the definition maps no network disconnect), each with how
/// <see cref="DockerFaultOperations"/> verifies it.
/// </summary>
internal static class DockerCapabilities
{
    public static FaultCapabilities For(EnvironmentDefinition definition)
    {
        var mapped = definition.Faults.Select(fault => new FaultCapability(ToOperation(fault.Key), PlanPrinter.Describe(fault.Value), Verification(ToOperation(fault.Key), fault.Value))
        {
            Caveats = fault.Value is ExecFaultMapping exec ? exec.Caveats : [],
        });
        var proxied = ClientSideFaults.Operations.Where(operation => ViaClientProxy(operation, definition)).Select(ClientSideFaults.Capability);
        return new FaultCapabilities
        {
            Faults = [.. mapped.Concat(proxied).Append(FaultCapabilities.GroupRewind()).OrderBy(capability => capability.Operation)],
            Caveats = definition.Caveats,
        };
    }

    /// <summary>Whether <paramref name="operation"/> is carried out by LoadLab's client-side proxy on this definition.</summary>
    public static bool ViaClientProxy(FaultOperation operation, EnvironmentDefinition definition) =>
        ClientSideFaults.Operations.Contains(operation) && (MappingKey(operation) is not { } key || !definition.Faults.ContainsKey(key));

    /// <summary>Whether a run performing <paramref name="operations"/> needs the proxy in its clients' path.</summary>
    public static bool NeedsClientProxy(IReadOnlySet<FaultOperation> operations, EnvironmentDefinition definition) =>
        operations.Any(operation => ViaClientProxy(operation, definition));

    public static FaultOperation ToOperation(FaultMappingKey key) => key switch
    {
        FaultMappingKey.BrokerKill => FaultOperation.BrokerKill,
        FaultMappingKey.BrokerRestart => FaultOperation.BrokerRestart,
        FaultMappingKey.BrokerPause => FaultOperation.BrokerPause,
        FaultMappingKey.BrokerResume => FaultOperation.BrokerResume,
        FaultMappingKey.NetworkDisconnect => FaultOperation.NetworkDisconnect,
        FaultMappingKey.NetworkReconnect => FaultOperation.NetworkReconnect,
        FaultMappingKey.PartitionReassign => FaultOperation.PartitionReassign,
        FaultMappingKey.LeaderMove => FaultOperation.LeaderMove,
        FaultMappingKey.BrokerAdd => FaultOperation.BrokerAdd,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    public static FaultMappingKey? MappingKey(FaultOperation operation) => operation switch
    {
        FaultOperation.BrokerKill => FaultMappingKey.BrokerKill,
        FaultOperation.BrokerRestart => FaultMappingKey.BrokerRestart,
        FaultOperation.BrokerPause => FaultMappingKey.BrokerPause,
        FaultOperation.BrokerResume => FaultMappingKey.BrokerResume,
        FaultOperation.NetworkDisconnect => FaultMappingKey.NetworkDisconnect,
        FaultOperation.NetworkReconnect => FaultMappingKey.NetworkReconnect,
        FaultOperation.PartitionReassign => FaultMappingKey.PartitionReassign,
        FaultOperation.LeaderMove => FaultMappingKey.LeaderMove,
        FaultOperation.BrokerAdd => FaultMappingKey.BrokerAdd,
        _ => null,
    };

    private static string Verification(FaultOperation operation, FaultMapping mapping) => (operation, mapping) switch
    {
        (_, ContainerFaultMapping { Action: ContainerAction.Kill or ContainerAction.Stop or ContainerAction.Disconnect }) =>
            "a request sent to the broker's published port is refused or dropped (metadata is reported, not awaited: a cluster can list a killed broker for seconds — Kafka's KRaft until its broker session times out)",
        (_, ContainerFaultMapping { Action: ContainerAction.Pause }) => "the engine froze the container, and a request sent to the broker is left unanswered",
        (_, ContainerFaultMapping { Action: ContainerAction.Start or ContainerAction.Unpause or ContainerAction.Connect }) =>
            "the broker answers a Metadata request sent to it, listing itself, and the cluster's metadata lists it (within readiness.timeout)",
        (_, ContainerFaultMapping { Action: ContainerAction.AddNode }) => "the new broker answers a Metadata request listing itself, and the cluster's metadata lists it",
        (FaultOperation.LeaderMove, ExecFaultMapping) => "after the tool exits 0: DescribeTopics shows the new leader and a probe message to the partition is acknowledged",
        (_, ExecFaultMapping) => "after the tool exits 0: DescribeTopics shows exactly the new replicas, all in sync, ListPartitionReassignments shows none in progress, and a probe message is acknowledged",
        _ => "not verified",
    };
}
