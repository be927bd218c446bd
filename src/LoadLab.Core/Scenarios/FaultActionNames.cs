namespace LoadLab.Core.Scenarios;

/// <summary>The YAML names of fault actions (<c>broker.kill</c>), for reading scenarios and for writing markers.</summary>
public static class FaultActionNames
{
    /// <summary>Every action with its YAML name, in documentation order.</summary>
    public static IReadOnlyList<KeyValuePair<string, FaultAction>> All { get; } =
    [
        KeyValuePair.Create("broker.kill", FaultAction.BrokerKill),
        KeyValuePair.Create("broker.restart", FaultAction.BrokerRestart),
        KeyValuePair.Create("broker.pause", FaultAction.BrokerPause),
        KeyValuePair.Create("broker.slow", FaultAction.BrokerSlow),
        KeyValuePair.Create("leader.move", FaultAction.LeaderMove),
        KeyValuePair.Create("partition.reassign", FaultAction.PartitionReassign),
        KeyValuePair.Create("broker.add", FaultAction.BrokerAdd),
        KeyValuePair.Create("broker.decommission", FaultAction.BrokerDecommission),
        KeyValuePair.Create("errors.inject", FaultAction.ErrorsInject),
        KeyValuePair.Create("network.partition", FaultAction.NetworkPartition),
        KeyValuePair.Create("group.replay", FaultAction.GroupReplay),
    ];

    /// <summary>The YAML name of <paramref name="action"/>.</summary>
    public static string Name(FaultAction action) => All.First(a => a.Value == action).Key;
}
