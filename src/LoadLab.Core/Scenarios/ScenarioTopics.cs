namespace LoadLab.Core.Scenarios;

/// <summary>Rewrites a scenario's topic names (topics, traffic, consumers, fault targets) consistently.</summary>
public static class ScenarioTopics
{
    /// <summary>The scenario with each topic renamed through <paramref name="names"/>; names not in it stay.</summary>
    public static Scenario Rename(Scenario scenario, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(names);
        string Name(string topic) => names.GetValueOrDefault(topic, topic);
        return scenario with
        {
            Topics = [.. scenario.Topics.Select(t => t with { Name = Name(t.Name) })],
            Traffic = [.. scenario.Traffic.Select(s => s with { Topic = Name(s.Topic) })],
            Consumers = [.. scenario.Consumers.Select(c => c with { Topic = Name(c.Topic), Transform = c.Transform is { } t ? t with { Topic = Name(t.Topic) } : null })],
            Faults = [.. scenario.Faults.Select(f => f with
            {
                Target = f.Target switch
                {
                    LeaderOfTarget leader => leader with { Topic = Name(leader.Topic) },
                    PartitionTarget partition => partition with { Topic = Name(partition.Topic) },
                    var other => other,
                },
            })],
        };
    }
}
