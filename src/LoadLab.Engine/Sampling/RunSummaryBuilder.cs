using LoadLab.Core.Environments;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Consuming;
using LoadLab.Engine.Producing;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Sampling;

/// <summary>
/// The run's summary from what the sampler's concerns gathered and the producers' and groups' totals: counts, rates,
/// latency percentiles of the measured window, consumer groups, partitions, payload and memory. The analysis (audit,
/// recovery, SLOs) is added by the run afterwards.
/// </summary>
internal sealed class RunSummaryBuilder
{
    public required RunContext Run { get; init; }
    public required Scenario Scenario { get; init; }
    public required IReadOnlyList<OpenLoopProducer> Producers { get; init; }
    public required IReadOnlyList<(GroupProgress Progress, List<GroupMember> Members)> Groups { get; init; }
    public required TargetSchedule Target { get; init; }
    public required SendAccuracy Accuracy { get; init; }
    public required PayloadSizes Payload { get; init; }
    public required ProducerErrors Errors { get; init; }
    public required ConsumerGroups Lag { get; init; }
    public required PartitionCounters Partitions { get; init; }
    public required ProcessMemory Memory { get; init; }

    /// <param name="request">The run.</param>
    /// <param name="cluster">The cluster it ran on.</param>
    /// <param name="outcome">How the run ended.</param>
    /// <param name="message">Why, when it did not complete.</param>
    /// <param name="stoppedAt">When the load stopped early (null: it ran as planned): the target and the rates then cover the part that ran.</param>
    public RunSummary Build(RunRequest request, ICluster cluster, RunOutcome outcome, string? message, TimeSpan? stoppedAt)
    {
        var measuredEnd = stoppedAt is { } stop ? TimeSpan.FromTicks(Math.Clamp(stop.Ticks, Scenario.Warmup.Ticks, Scenario.TotalDuration.Ticks)) : Scenario.TotalDuration;
        var measuredSeconds = (measuredEnd - Scenario.Warmup).TotalSeconds;
        var target = Target.Messages(Scenario.Warmup, measuredEnd);
        var sent = Producers.Sum(p => p.Stats.SentMeasured);
        var acked = Producers.Sum(p => p.Stats.AckedMeasured);
        var percentiles = LatencyMetrics.All.Select(Run.Latency.MeasuredPercentiles).ToArray();
        var now = Run.Clock.NowMicros();
        return new RunSummary
        {
            RunId = request.RunId,
            Scenario = Scenario.Name,
            ScenarioFile = Scenario.SourcePath,
            StartedAt = Run.Clock.StartedAt,
            Outcome = outcome,
            OutcomeMessage = message,
            DurationSeconds = Math.Round(measuredSeconds, 3),
            PlannedDurationSeconds = Scenario.Duration.TotalSeconds,
            WarmupSeconds = Scenario.Warmup.TotalSeconds,
            Seed = Scenario.Seed,
            Environment = new EnvironmentSummary(cluster.Kind, cluster.Description) { Capabilities = cluster.Faults.Capabilities },
            Produce = new ProduceSummary
            {
                Target = (long)Math.Round(target),
                Sent = sent,
                Acked = acked,
                Failed = Producers.Sum(p => p.Stats.FailedMeasured),
                QueueFull = Producers.Sum(p => p.Stats.QueueFull),
                Bytes = Producers.Sum(p => p.Stats.AckedBytesMeasured),
                ErrorsByCode = Errors.Totals(),
                WholeRun = new MessageCounts(Producers.Sum(p => p.Stats.Sent), Producers.Sum(p => p.Stats.Acked), Producers.Sum(p => p.Stats.Failed)),
            },
            Consume = new ConsumeSummary(Groups.Select((g, i) => new GroupSummary
            {
                Group = g.Progress.Group,
                Topic = g.Progress.Topic,
                Consumed = g.Progress.Consumed,
                Bytes = g.Progress.ConsumedBytes,
                Instances = g.Members.Count,
                Rebalances = g.Progress.Rebalances,
                MaxLagMessages = Lag.MaxLag(i).Messages,
                MaxLagSeconds = Math.Round(Lag.MaxLag(i).Seconds, 3),
                FinalLagMessages = g.Progress.Lag(Run.Ledger, now).Messages,
            }).ToList()),
            LatencyMs = new LatencySummary(percentiles[0], percentiles[1], percentiles[2], percentiles[3]),
            Rate = new RateSummary
            {
                Target = PerSecond(target, measuredSeconds),
                Achieved = PerSecond(acked, measuredSeconds),
                Sent = PerSecond(sent, measuredSeconds),
                Accuracy = Accuracy.Summary(percentiles[(int)LatencyMetric.ScheduleDelay].P99),
            },
            Payload = Payload.Summary(),
            Partitions = Enumerable.Range(0, Run.Partitions.Count).Select(i =>
            {
                var (topic, partition) = Run.Partitions[i];
                return new PartitionSummary(topic, partition, Run.Ledger.Acked(i), Run.Ledger.Bytes(i), Partitions.WorstLag(topic, partition));
            }).ToList(),
            Resources = Memory.Summary(),
        };
    }

    // A run stopped during its warm-up measured nothing: its rates are 0, not a division by zero.
    private static double PerSecond(double count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 3) : 0;
}
