using System.Globalization;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Cost;

/// <summary>Choices for deriving a workload that replace what the scenario or run says.</summary>
public sealed record CostWorkloadOptions
{
    /// <summary>When no topic sets <c>retention</c> and no <see cref="Retention"/> is given: the vendor comparison's 24 h.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(24);

    /// <summary>Retention to price for every topic instead of the scenario's (<c>--retention</c>).</summary>
    public TimeSpan? Retention { get; init; }
    /// <summary>Replication factor to price instead of the scenario's (<c>--replication-factor</c>; test scenarios often use RF 1).</summary>
    public int? ReplicationFactor { get; init; }
}

/// <summary>
/// The planned workload of a scenario: each stream's <see cref="RateSchedule"/> (the schedule the pacer follows)
/// integrated per second, times the planned payload size of that second; fan-out, replication and retention from
/// the scenario's topics and groups.
/// </summary>
public static class PlannedWorkload
{
    private const double BytesPerMiB = 1 << 20;

    public static CostWorkload FromScenario(Scenario scenario, CostWorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        var seconds = Math.Max(1, (int)Math.Ceiling(scenario.TotalDuration.TotalSeconds));
        var ingress = new double[seconds];
        double messages = 0, bytes = 0, keyBytes = 0;
        var bytesByTopic = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var stream in scenario.Traffic)
        {
            var schedule = RateSchedule.Create(stream, scenario.TotalDuration);
            var keyLength = stream.Keys.Distribution == KeyDistribution.None ? 0 : new KeySpace(stream.Keys).KeyLength;
            for (var second = 0; second < seconds; second++)
            {
                var from = TimeSpan.FromSeconds(second);
                var planned = schedule.MessagesBetween(from, from + TimeSpan.FromSeconds(1));
                // The middle of the second stands for its payload size, so linear growth is sampled without bias.
                var size = PlannedPayloadBytes(stream.Payload, from + TimeSpan.FromSeconds(0.5), scenario.TotalDuration);
                ingress[second] += planned * size / BytesPerMiB;
                messages += planned;
                bytes += planned * size;
                keyBytes += planned * keyLength;
                bytesByTopic[stream.Topic] = bytesByTopic.GetValueOrDefault(stream.Topic) + (planned * size);
            }
        }

        var topics = TopicShares(scenario, bytesByTopic, bytes);
        var (replication, replicationSource) = Replication(topics, options, $"scenario {scenario.Name} topics");
        var (retention, retentionSource) = Retention(topics, options, $"scenario {scenario.Name} topics");
        var factor = bytes == 0 ? 1 : (bytes + keyBytes) / bytes;
        return new CostWorkload
        {
            Source = $"scenario {scenario.Name} (planned)",
            Measured = false,
            IngressMiBpsPerSecond = ingress,
            AverageMessageBytes = messages == 0 ? 0 : bytes / messages,
            WireFactor = factor,
            StoredFactor = factor,
            FactorSource = string.Create(CultureInfo.InvariantCulture,
                $"planned: values plus keys ({(messages == 0 ? 0 : keyBytes / messages):0.#} B per message); headers, batching, compression and protocol framing are measured by a run"),
            FanOut = topics.Sum(t => t.Share * GroupsReading(scenario, t.Topic.Name)),
            FanOutSource = $"consumer groups of scenario {scenario.Name}, each reading every byte of its topic",
            Partitions = scenario.Topics.Sum(t => t.Partitions),
            ReplicationFactor = replication,
            ReplicationSource = replicationSource,
            Retention = retention,
            RetentionSource = retentionSource,
        };
    }

    /// <summary>Planned value size at <paramref name="at"/>: the base size, grown linearly or by steps.</summary>
    public static double PlannedPayloadBytes(PayloadSpec payload, TimeSpan at, TimeSpan runLength)
    {
        ArgumentNullException.ThrowIfNull(payload);
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

    /// <summary>Each topic with its share of the written bytes (equal shares when nothing is written).</summary>
    internal static IReadOnlyList<(TopicSpec Topic, double Share)> TopicShares(Scenario scenario, IReadOnlyDictionary<string, double> bytesByTopic, double total) =>
        total > 0
            ? [.. scenario.Topics.Where(t => bytesByTopic.GetValueOrDefault(t.Name) > 0).Select(t => (t, bytesByTopic[t.Name] / total))]
            : [.. scenario.Topics.Select(t => (t, 1.0 / scenario.Topics.Count))];

    internal static (double Value, string Source) Replication(IReadOnlyList<(TopicSpec Topic, double Share)> topics, CostWorkloadOptions options, string from) =>
        options.ReplicationFactor is { } rf
            ? (rf, "--replication-factor")
            : (topics.Sum(t => t.Share * t.Topic.ReplicationFactor), $"{from} (replication-factor, byte-weighted)");

    internal static (TimeSpan Value, string Source) Retention(IReadOnlyList<(TopicSpec Topic, double Share)> topics, CostWorkloadOptions options, string from)
    {
        if (options.Retention is { } retention)
        {
            return (retention, "--retention");
        }

        if (topics.Any(t => t.Topic.Retention is not null))
        {
            var seconds = topics.Sum(t => t.Share * (t.Topic.Retention ?? CostWorkloadOptions.DefaultRetention).TotalSeconds);
            var unset = topics.Where(t => t.Topic.Retention is null).Select(t => t.Topic.Name).ToArray();
            return (TimeSpan.FromSeconds(seconds), $"{from} (retention, byte-weighted)" + (unset.Length == 0 ? "" : $"; {string.Join(", ", unset)} without retention priced at 24 h"));
        }

        return (CostWorkloadOptions.DefaultRetention, "default 24 h (no topic sets retention; pass --retention or add retention: to the topics)");
    }

    private static int GroupsReading(Scenario scenario, string topic) =>
        scenario.Consumers.Where(c => c.Topic == topic).Select(c => c.Group).Distinct(StringComparer.Ordinal).Count();
}
