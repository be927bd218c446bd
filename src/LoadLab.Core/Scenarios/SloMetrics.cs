namespace LoadLab.Core.Scenarios;

/// <summary>
/// The metrics an SLO can name. Latency percentiles are in milliseconds (<c>produce</c>, <c>service</c>,
/// <c>e2e</c>, <c>schedule-delay</c>, <c>txn</c> × <c>p50 p90 p99 p999 p9999 max</c>), <c>recovery</c> and
/// <c>replay.catch-up</c> in seconds (the slowest fault's), <c>lag.messages</c>/<c>lag.seconds</c> the highest lag of the
/// phase, <c>lost</c>/<c>duplicated</c>/<c>duplicated.in-log</c>/<c>reordered</c>/<c>aborted-visible</c> in messages and
/// <c>torn</c> in transactions from the delivery audit, <c>outputs.lost</c>/<c>outputs.duplicated</c> in inputs of an
/// exactly-once pipeline, <c>rate.achieved</c> in messages per second.
/// </summary>
public static class SloMetrics
{
    public static IReadOnlyList<string> Latencies { get; } = ["produce", "service", "e2e", "schedule-delay", "txn"];

    public static IReadOnlyList<string> Percentiles { get; } = ["p50", "p90", "p99", "p999", "p9999", "max"];

    /// <summary>Metrics counted once for the whole run (phase must be overall).</summary>
    public static IReadOnlyList<string> WholeRun { get; } =
        ["recovery", "lost", "duplicated", "duplicated.in-log", "reordered", "aborted-visible", "torn", "outputs.lost", "outputs.duplicated", "replay.catch-up"];

    /// <summary>The highest lag of the phase, from the per-second samples: messages behind, age of the oldest unread message.</summary>
    public static IReadOnlyList<string> Lag { get; } = ["lag.messages", "lag.seconds"];

    /// <summary>Every metric name, latency percentiles first.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Latencies.SelectMany(l => Percentiles.Select(p => $"{l}.{p}")), .. WholeRun, .. Lag, "rate.achieved"];

    /// <summary>
    /// The metrics a baseline check compares (<c>regression.rules</c>): whole-run numbers of every run, whatever its
    /// consumer groups and transactions.
    /// </summary>
    public static IReadOnlyList<string> Comparable { get; } =
        [.. Latencies.Where(l => l != "txn").SelectMany(l => Percentiles.Select(p => $"{l}.{p}")), "recovery", "lost", "duplicated", "duplicated.in-log", "reordered", "rate.achieved"];

    public static bool IsWholeRun(string metric) => WholeRun.Contains(metric);

    /// <summary>
    /// Metrics of consumption, which an SLO may take from one consumer group (<c>group:</c>); without a group the worst
    /// group's value counts.
    /// </summary>
    public static bool IsPerGroup(string metric) =>
        metric.StartsWith("e2e.", StringComparison.Ordinal) || metric.StartsWith("txn.", StringComparison.Ordinal) || Lag.Contains(metric)
        || metric is "recovery" or "lost" or "duplicated" or "duplicated.in-log" or "reordered" or "aborted-visible" or "torn" or "outputs.lost" or "outputs.duplicated" or "replay.catch-up";

    /// <summary>Metrics that only a transforming group has when they name a group: its transactions and its input→output audit.</summary>
    public static bool NeedsTransformingGroup(string metric) =>
        metric.StartsWith("txn.", StringComparison.Ordinal) || metric is "outputs.lost" or "outputs.duplicated";
}
