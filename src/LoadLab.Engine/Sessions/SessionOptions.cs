using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;

namespace LoadLab.Engine.Sessions;

/// <summary>What a <see cref="RunSession"/> prepares before its first run.</summary>
public sealed record SessionOptions
{
    /// <summary>
    /// Names what the environment creates for the session (Docker resources, per-run topic prefixes); use
    /// <see cref="Core.Results.RunIds.Create"/>. A session with one run uses the run's id.
    /// </summary>
    public required string Id { get; init; }

    /// <summary>Every topic the session's runs use, named as the scenarios name them; created before the first run.</summary>
    public required IReadOnlyList<TopicSpec> Topics { get; init; }

    /// <summary>
    /// The scenarios whose faults the session's runs will inject: checked against what the environment can perform
    /// before it starts, which then prepares for exactly those faults. A run may inject no other.
    /// </summary>
    public IReadOnlyList<Scenario> Scenarios { get; init; } = [];

    /// <summary>Lines about the preparation (topics created), for the console.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Clock of the preparation's waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// A session for runs of <paramref name="scenario"/> (or of its <paramref name="segment"/>): its topics, and the faults
    /// that run executes checked — none for a segment other than 0.
    /// </summary>
    public static SessionOptions For(Scenario scenario, string id, Segment? segment = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new SessionOptions { Id = id, Topics = scenario.Topics, Scenarios = [Executed(scenario, segment ?? Segment.Whole)] };
    }

    /// <summary>The scenario as <paramref name="segment"/> executes it: segments other than 0 inject no fault.</summary>
    internal static Scenario Executed(Scenario scenario, Segment segment) =>
        segment.ExecutesFaults ? scenario : scenario with { Faults = [] };
}
