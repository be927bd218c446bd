using LoadLab.Core.Results;

namespace LoadLab.Telemetry;

/// <summary>One closed second of a run as the live metrics publish it (the numbers of its <c>series.csv</c> row, split by stream and group).</summary>
/// <param name="Second">The interval covers [Second, Second + 1) of the run clock.</param>
/// <param name="Phase"><c>warm-up</c>, <c>measuring</c> or <c>draining</c>.</param>
/// <param name="Streams">What each traffic stream did in the interval.</param>
/// <param name="Groups">What each consumer group did in the interval, and its lag at the end of it.</param>
/// <param name="Latency">The interval's percentiles per latency metric (in <c>LatencyMetrics.All</c> order), from its interval histograms; null without samples.</param>
internal sealed record LiveInterval(
    int Second,
    string Phase,
    IReadOnlyList<StreamInterval> Streams,
    IReadOnlyList<GroupInterval> Groups,
    IReadOnlyList<Percentiles?> Latency);

/// <summary>One traffic stream in one interval: messages due by the schedule, handed to the client, acknowledged and failed.</summary>
internal sealed record StreamInterval(string Stream, string Topic, double Target, long Sent, long Acked, long Failed);

/// <summary>One consumer group in one interval: messages consumed, and its lag at the end of the interval.</summary>
internal sealed record GroupInterval(string Group, string Topic, long Consumed, long LagMessages, double LagSeconds);
