namespace LoadLab.Telemetry;

/// <summary>The labels every live series of a run carries, so several runs can share one Prometheus and one dashboard.</summary>
/// <param name="RunId">The run id (the results folder's name).</param>
/// <param name="Scenario">The scenario name.</param>
/// <param name="Environment">The environment, as given to <c>--env</c> (e.g. <c>embedded</c>, <c>docker:kafka-3</c>).</param>
/// <param name="Segment">A worker's share of a distributed run; <see cref="SingleSegment"/> for a run on one machine.</param>
public sealed record RunLabels(string RunId, string Scenario, string Environment, string Segment = RunLabels.SingleSegment)
{
    /// <summary>The segment of a run that is not distributed: it is its only segment.</summary>
    public const string SingleSegment = "0";

    internal KeyValuePair<string, object?>[] Tags() =>
    [
        new("run_id", RunId),
        new("scenario", Scenario),
        new("environment", Environment),
        new("segment", Segment),
    ];
}
