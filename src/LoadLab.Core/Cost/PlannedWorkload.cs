using LoadLab.Core.Scenarios;

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

/// <summary>The planned workload of a scenario: its rate profile sampled per second, times its planned payload sizes.</summary>
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
            for (var second = 0; second < seconds; second++)
            {
                // The middle of the second stands for the whole second, so a ramp is sampled without bias.
                var at = TimeSpan.FromSeconds(second + 0.5);
                var rate = PlannedRate(stream, at);
                var size = PlannedPayloadBytes(stream.Payload, at, scenario.TotalDuration);
                ingress[second] += rate * size / BytesPerMiB;
                messages += rate;
                bytes += rate * size;
                bytesByTopic[stream.Topic] = bytesByTopic.GetValueOrDefault(stream.Topic) + rate * size;
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

    /// <summary>
    /// Messages per second the stream asks for at <paramref name="at"/>: the base rate, changed by steps and ramps in
    /// order, multiplied by the spikes and sine phases active at that time.
    /// </summary>
    public static double PlannedRate(TrafficStream stream, TimeSpan at)
    {
        var baseRate = stream.Rate;
        var multiplier = 1.0;
        foreach (var phase in stream.Phases)
        {
            if (at < phase.At)
            {
                continue;
            }

            var since = (at - phase.At).TotalSeconds;
            switch (phase)
            {
                case StepPhase step:
                    baseRate = step.Rate;
                    break;
                case RampPhase ramp:
                    var progress = ramp.Duration <= TimeSpan.Zero ? 1 : Math.Min(1, since / ramp.Duration.TotalSeconds);
                    baseRate += (ramp.To - baseRate) * progress;
                    break;
                case SpikePhase spike when since < spike.Duration.TotalSeconds:
                    multiplier *= spike.Multiplier;
                    break;
                case SinePhase sine when sine.Duration is null || since < sine.Duration.Value.TotalSeconds:
                    multiplier *= 1 + (sine.Amplitude * Math.Sin(2 * Math.PI * since / sine.Period.TotalSeconds));
                    break;
                default:
                    break;
            }
        }

        return Math.Max(0, baseRate * multiplier);
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
