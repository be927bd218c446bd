using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;

namespace LoadLab.Engine.Running;

/// <summary>Everything a run needs: the scenario, a started cluster and where to write results.</summary>
public sealed record RunRequest
{
    public required Scenario Scenario { get; init; }
    public required ICluster Cluster { get; init; }
    public required string RunId { get; init; }
    /// <summary>The run's results folder (created if missing).</summary>
    public required string ResultsDirectory { get; init; }
    /// <summary>The scenario file's text, copied to the results as run; null when there is none.</summary>
    public string? ScenarioYaml { get; init; }
    /// <summary>Called once per second with the run's progress; must be quick.</summary>
    public Action<RunProgress>? Progress { get; init; }
    /// <summary>Longest wait for every consumer group's first assignment before the load starts; default 30 s.</summary>
    public TimeSpan GroupJoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>A once-per-second view of a running run (for progress displays).</summary>
/// <param name="Second">Seconds since the load started.</param>
/// <param name="TotalSeconds">Planned load duration (warm-up included).</param>
/// <param name="Phase">"warm-up", "measuring" or "draining".</param>
/// <param name="TargetRate">Messages per second the schedule asked for in the last second.</param>
/// <param name="AckedRate">Messages acknowledged in the last second.</param>
/// <param name="ProduceP99Ms">Produce latency p99 of the last second, when there were acknowledgements.</param>
/// <param name="EndToEndP99Ms">End-to-end latency p99 of the last second, when messages were consumed.</param>
/// <param name="LagMessages">Lag summed over the groups.</param>
/// <param name="LagSeconds">Worst time lag over the groups.</param>
public sealed record RunProgress(
    int Second,
    double TotalSeconds,
    string Phase,
    double TargetRate,
    long AckedRate,
    double? ProduceP99Ms,
    double? EndToEndP99Ms,
    long LagMessages,
    double LagSeconds);
