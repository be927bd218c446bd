using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Kafka.Admin;

namespace LoadLab.Environments.External;

/// <summary>The scenario topics as they exist on the cluster after the topic policy was applied.</summary>
/// <param name="Names">Scenario topic name → name on the cluster (differs only under <see cref="TopicPolicy.Prefix"/>).</param>
/// <param name="Created">Topics LoadLab created.</param>
/// <param name="ToDelete">Topics to delete when the run ends (the per-run topics of <see cref="TopicPolicy.Prefix"/>).</param>
public sealed record TopicPreparation(IReadOnlyDictionary<string, string> Names, IReadOnlyList<string> Created, IReadOnlyList<string> ToDelete);

/// <summary>Applies a definition's topic policy before a run.</summary>
internal static class TopicPolicyEnforcer
{
    /// <summary>
    /// Creates, checks or prefixes the scenario's topics. Throws <see cref="EnvironmentException"/> naming each
    /// missing, mismatching or non-empty topic and the fix.
    /// </summary>
    public static async Task<TopicPreparation> ApplyAsync(ExternalDefinition definition, IReadOnlyList<TopicSpec> topics, string runId, ITopicAdmin admin, CancellationToken cancellationToken)
    {
        var names = topics.ToDictionary(t => t.Name, t => definition.Topics == TopicPolicy.Prefix ? $"{definition.TopicPrefix}{runId}-{t.Name}" : t.Name, StringComparer.Ordinal);
        var wanted = topics.Select(t => t with { Name = names[t.Name] }).ToList();
        var existing = await admin.DescribeAsync([.. wanted.Select(t => t.Name)], cancellationToken).ConfigureAwait(false);
        var missing = wanted.Where(t => !existing.ContainsKey(t.Name)).ToList();
        var problems = new List<string>();
        foreach (var topic in wanted.Where(t => existing.ContainsKey(t.Name)))
        {
            var (partitions, replication) = existing[topic.Name];
            if (partitions != topic.Partitions || (definition.Topics != TopicPolicy.Existing && replication != topic.ReplicationFactor))
            {
                problems.Add($"topic {topic.Name} exists with {partitions} partitions and replication factor {replication}, but the scenario wants {topic.Partitions} and {topic.ReplicationFactor}");
            }
        }

        switch (definition.Topics)
        {
            case TopicPolicy.Existing when missing.Count > 0:
                problems.Add($"topics: existing, but {string.Join(", ", missing.Select(t => t.Name))} {(missing.Count == 1 ? "does" : "do")} not exist on the cluster");
                break;
            case TopicPolicy.Prefix when existing.Count > 0:
                problems.Add($"per-run topics {string.Join(", ", existing.Keys)} already exist");
                break;
        }

        if (problems.Count > 0)
        {
            throw new EnvironmentException($"{definition.SourcePath}: {string.Join("; ", problems)}. Fix: create the topics as the scenario describes them, change the scenario's topics, or use topics: {{policy: prefix}} for fresh per-run topics.");
        }

        if (!definition.AllowExistingData)
        {
            var withData = new List<string>();
            foreach (var topic in wanted.Where(t => existing.ContainsKey(t.Name)))
            {
                var held = await admin.CountMessagesAsync(topic.Name, topic.Partitions, cancellationToken).ConfigureAwait(false);
                if (held > 0)
                {
                    withData.Add($"{topic.Name} ({held} messages)");
                }
            }

            if (withData.Count > 0)
            {
                throw new EnvironmentException($"{definition.SourcePath}: refusing to write into topics that already hold data: {string.Join(", ", withData)}. Fix: use empty topics, topics: {{policy: prefix}}, or set topics.allow-existing-data: true if mixing with that data is intended.");
            }
        }

        if (missing.Count > 0)
        {
            await admin.CreateAsync(missing, cancellationToken).ConfigureAwait(false);
        }

        var created = missing.Select(t => t.Name).ToList();
        return new TopicPreparation(names, created, definition.Topics == TopicPolicy.Prefix ? created : []);
    }
}
