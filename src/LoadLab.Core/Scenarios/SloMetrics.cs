namespace LoadLab.Core.Scenarios;

/// <summary>
/// The metrics an SLO can name. Latency percentiles are in milliseconds (<c>produce</c>, <c>service</c>,
/// <c>e2e</c>, <c>schedule-delay</c> × <c>p50 p90 p99 p999 p9999 max</c>), <c>recovery</c> in seconds (the
/// slowest fault's recovery), <c>lost</c>/<c>duplicated</c>/<c>duplicated.in-log</c>/<c>reordered</c> in messages
/// from the delivery audit,
/// <c>rate.achieved</c> in messages per second.
/// </summary>
public static class SloMetrics
{
    public static IReadOnlyList<string> Latencies { get; } = ["produce", "service", "e2e", "schedule-delay"];

    public static IReadOnlyList<string> Percentiles { get; } = ["p50", "p90", "p99", "p999", "p9999", "max"];

    /// <summary>Metrics counted once for the whole run (phase must be overall).</summary>
    public static IReadOnlyList<string> WholeRun { get; } = ["recovery", "lost", "duplicated", "duplicated.in-log", "reordered"];

    /// <summary>Every metric name, latency percentiles first.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Latencies.SelectMany(l => Percentiles.Select(p => $"{l}.{p}")), .. WholeRun, "rate.achieved"];

    public static bool IsWholeRun(string metric) => WholeRun.Contains(metric);
}
