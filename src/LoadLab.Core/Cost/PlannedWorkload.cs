using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Cost;

/// <summary>Options for deriving a workload that the scenario or run does not say themselves.</summary>
public sealed record CostWorkloadOptions
{
    /// <summary>How long data is kept; not part of the scenario model. Default 24 h (the vendor comparison's value).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);
    /// <summary>Replication factor to price instead of the scenario's (test scenarios often use RF 1 on the embedded cluster).</summary>
    public int? ReplicationFactor { get; init; }
    /// <summary>Replication factor assumed when neither the option nor a scenario gives one (a run summary does not record it).</summary>
    public const int AssumedReplicationFactor = 3;
}

/// <summary>
/// The planned workload of a scenario: each stream's <see cref="RateSchedule"/> (the same schedule the pacer
/// follows) integrated per second, times the planned payload size of that second.
/// </summary>
public static class PlannedWorkload
{
    private const double BytesPerMiB = 1024 * 1024;

    public static CostWorkload FromScenario(Scenario scenario, CostWorkloadOptions options)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(scenario.TotalDuration.TotalSeconds));
        var ingress = new double[seconds];
        double messages = 0, bytes = 0;
        var bytesByTopic = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var stream in scenario.Traffic)
        {
            var schedule = RateSchedule.Create(stream, scenario.TotalDuration);
            for (var second = 0; second < seconds; second++)
            {
                var from = TimeSpan.FromSeconds(second);
                var planned = schedule.MessagesBetween(from, from + TimeSpan.FromSeconds(1));
                // The middle of the second stands for its payload size, so linear growth is sampled without bias.
                var size = PlannedPayloadBytes(stream.Payload, from + TimeSpan.FromSeconds(0.5), scenario.TotalDuration);
                ingress[second] += planned * size / BytesPerMiB;
                messages += planned;
                bytes += planned * size;
                bytesByTopic[stream.Topic] = bytesByTopic.GetValueOrDefault(stream.Topic) + (planned * size);
            }
        }

        var notes = new List<string>();
        var fanOut = bytes == 0 ? 0 : bytesByTopic.Sum(t => t.Value * GroupsReading(scenario, t.Key)) / bytes;
        var scenarioRf = bytes == 0 ? 0 : bytesByTopic.Sum(t => t.Value * TopicOf(scenario, t.Key).ReplicationFactor) / bytes;
        if (options.ReplicationFactor is { } rf && Math.Abs(rf - scenarioRf) > 1e-9)
        {
            notes.Add($"replication factor {rf} priced instead of the scenario's {scenarioRf:0.##} (--replication-factor).");
        }

        return new CostWorkload
        {
            Source = $"scenario {scenario.Name} (planned)",
            Measured = false,
            IngressMiBpsPerSecond = ingress,
            AverageMessageBytes = messages == 0 ? 0 : bytes / messages,
            FanOut = fanOut,
            Partitions = scenario.Topics.Sum(t => t.Partitions),
            ReplicationFactor = options.ReplicationFactor ?? scenarioRf,
            Retention = options.Retention,
            Notes = notes,
        };
    }

    /// <summary>Planned value size at <paramref name="at"/>: the base size, grown linearly or by steps.</summary>
    public static double PlannedPayloadBytes(PayloadSpec payload, TimeSpan at, TimeSpan runLength)
    {
        double size = payload.Size;
        if (payload.Growth is not { } growth)
        {
            return size;
        }

        if (growth.LinearTo is { } target && runLength > TimeSpan.Zero)
        {
            size += (target - size) * Math.Min(1, at / runLength);
        }

        foreach (var step in growth.Steps.Where(s => s.At <= at).OrderBy(s => s.At))
        {
            size = step.Size;
        }

        return size;
    }

    private static int GroupsReading(Scenario scenario, string topic) =>
        scenario.Consumers.Where(c => c.Topic == topic).Select(c => c.Group).Distinct(StringComparer.Ordinal).Count();

    private static TopicSpec TopicOf(Scenario scenario, string topic) =>
        scenario.Topics.FirstOrDefault(t => t.Name == topic) ?? new TopicSpec(topic, 1, 1);
}
