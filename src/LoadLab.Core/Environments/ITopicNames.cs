namespace LoadLab.Core.Environments;

/// <summary>
/// A cluster whose topics are named differently from the scenario's (an external cluster's per-run prefix).
/// Before a run, rewrite the scenario with <c>ScenarioTopics.Rename</c> so every client uses the real names.
/// </summary>
public interface ITopicNames
{
    /// <summary>Scenario topic name → topic name on the cluster, for every scenario topic.</summary>
    IReadOnlyDictionary<string, string> TopicNames { get; }
}
