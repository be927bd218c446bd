using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;

namespace LoadLab.Engine.Running;

/// <summary>One run of a session: the scenario, its id, where its results go and who watches it.</summary>
public sealed record RunRequest
{
    /// <summary>The scenario with its topics named as the scenario names them; the session maps them to the cluster's names.</summary>
    public required Scenario Scenario { get; init; }
    public required string RunId { get; init; }
    /// <summary>The run's results folder (created if missing).</summary>
    public required string ResultsDirectory { get; init; }
    /// <summary>The scenario file's text, copied to the results as run; null when there is none.</summary>
    public string? ScenarioYaml { get; init; }
    /// <summary>Receive every closed measurement interval, in order, on the sampler's thread.</summary>
    public IReadOnlyList<IRunObserver> Observers { get; init; } = [];
    /// <summary>
    /// The share of a split run this run executes (<see cref="SegmentPlan"/>); <see cref="Segment.Whole"/>, the default,
    /// runs the whole scenario. A segment needs <see cref="StartAt"/> and <see cref="ScenarioYaml"/>, writes what
    /// <c>loadlab merge</c> needs (<see cref="SegmentFiles"/>) and leaves the audit, recovery and SLOs to the merge.
    /// </summary>
    public Segment Segment { get; init; } = Segment.Whole;
    /// <summary>
    /// The instant the load starts (second 0 of the run clock) on this machine's wall clock, e.g. the one every worker
    /// of a split run was given; null starts as soon as the consumer groups have joined. A run that gets there more than
    /// <see cref="StartTolerance"/> late refuses to start (<see cref="Core.Environments.EnvironmentException"/>).
    /// </summary>
    public DateTimeOffset? StartAt { get; init; }
    /// <summary>How late after <see cref="StartAt"/> a run may still start its load; default 1 s.</summary>
    public TimeSpan StartTolerance { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest wait for every consumer group's first assignment before the load starts; default 30 s.</summary>
    public TimeSpan GroupJoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// Watches a run as it goes (progress displays, saturation probes, live metrics). Called once per closed interval on
/// the sampler's thread, after the interval was written to the results: it must return quickly and must not throw.
/// </summary>
public interface IRunObserver
{
    void IntervalClosed(RunInterval interval);

    /// <summary>A fault step as the timeline recorded it (also written to <c>events.jsonl</c>), from the timeline's task.</summary>
    void FaultMarked(FaultMarker marker)
    {
    }
}

/// <summary>An <see cref="IRunObserver"/> from a delegate.</summary>
public static class RunObserver
{
    public static IRunObserver OnInterval(Action<RunInterval> intervalClosed)
    {
        ArgumentNullException.ThrowIfNull(intervalClosed);
        return new Delegating(intervalClosed);
    }

    private sealed class Delegating(Action<RunInterval> intervalClosed) : IRunObserver
    {
        public void IntervalClosed(RunInterval interval) => intervalClosed(interval);
    }
}

/// <summary>One closed second of the run clock: its <c>series.csv</c> row and where the run is.</summary>
/// <param name="Row">The row as written to <c>series.csv</c> (rates, latency percentiles, lag per group).</param>
/// <param name="Groups">Consumer groups in the order of <see cref="SeriesRow.Lag"/>.</param>
/// <param name="Phase">The phase the interval belongs to.</param>
/// <param name="TotalSeconds">Planned load duration (warm-up included).</param>
public sealed record RunInterval(SeriesRow Row, IReadOnlyList<string> Groups, RunPhase Phase, double TotalSeconds)
{
    /// <summary>The interval's index: it covers [Second, Second + 1) of the run clock (the <c>second</c> column).</summary>
    public int Second => Row.Second;

    /// <summary>Seconds of the run clock elapsed when the interval closed.</summary>
    public int ElapsedSeconds => Row.Second + 1;

    /// <summary>Messages per second the schedule asked for in the interval.</summary>
    public double TargetRate => Row.TargetRate;

    /// <summary>Messages acknowledged in the interval.</summary>
    public long AckedRate => Row.Acked;

    /// <summary>Produce latency p99 of the interval, when there were acknowledgements.</summary>
    public double? ProduceP99Ms => Row.Latency[(int)LatencyMetric.Produce]?.P99;

    /// <summary>End-to-end latency p99 of the interval, when messages were consumed.</summary>
    public double? EndToEndP99Ms => Row.Latency[(int)LatencyMetric.EndToEnd]?.P99;

    /// <summary>Lag summed over the groups.</summary>
    public long LagMessages => Row.Lag.Sum(l => l.Messages);

    /// <summary>Worst time lag over the groups.</summary>
    public double LagSeconds => Row.Lag.Count == 0 ? 0 : Row.Lag.Max(l => l.Seconds);

    /// <summary>The row's counts split by traffic stream, in scenario order.</summary>
    public IReadOnlyList<StreamInterval> Streams { get; init; } = [];

    /// <summary>Each consumer group (in <see cref="Groups"/> order) in the interval.</summary>
    public IReadOnlyList<GroupInterval> GroupDetails { get; init; } = [];
}

/// <summary>One traffic stream in one interval: messages the schedule asked for, handed to the client, acknowledged and failed.</summary>
public sealed record StreamInterval(string Stream, string Topic, double Target, long Sent, long Acked, long Failed);

/// <summary>One consumer group in one interval: messages of the run it consumed, and its lag at the end of the interval.</summary>
public sealed record GroupInterval(string Group, string Topic, long Consumed, long LagMessages, double LagSeconds);
