using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Results;

/// <summary>
/// A small results folder written by the real <see cref="ResultsWriter"/>: 12 s (2 s warm-up), one group on a topic of two
/// partitions, a broker killed at 5 s and restarted at 8 s, every latency metric logged each second and the measured messages' histograms.
/// </summary>
internal static class WrittenRun
{
    public const int Seconds = 12;
    public const int WarmupSeconds = 2;
    public const string Group = "readers";
    public const string ScenarioYaml = "version: 1\nname: written\n";
    public static readonly DateTimeOffset StartedAt = new(2026, 12, 6, 15, 0, 0, 123, TimeSpan.Zero);

    /// <summary>Writes the run into <paramref name="directory"/> and returns its summary.</summary>
    public static RunSummary Write(string directory)
    {
        using var writer = new ResultsWriter(directory);
        writer.WriteScenario(ScenarioYaml);
        writer.Event(0, RunEventTypes.RunStarted, [new("runId", "written")]);
        writer.BeginIntervals(StartedAt);
        var interval = LatencyRecorders.CreateHistogram();
        for (var second = 0; second < Seconds; second++)
        {
            foreach (var metric in LatencyMetrics.All)
            {
                interval.Reset();
                interval.RecordValueWithCount(1_000 * (second + 1), 100 + second);
                writer.AppendInterval(metric, interval, second);
            }

            writer.AppendSeries(Row(second), [Group]);
            writer.AppendPartitions([new PartitionRow(second, "events", 0, 60, 6_000, second), new PartitionRow(second, "events", 1, 40, 4_000, 0)]);
            if (second == 5)
            {
                writer.Event(5.004, RunEventTypes.FaultInjected, [new("action", "broker.kill"), new("target", "broker 1"), new("outcome", "succeeded"), new("detail", "gone from metadata"), new("tookSeconds", 0.004)]);
            }

            if (second == 8)
            {
                writer.Event(8.002, RunEventTypes.FaultReverted, [new("action", "broker.kill"), new("target", "broker 1"), new("outcome", "succeeded"), new("detail", "back in metadata"), new("tookSeconds", 0.002)]);
            }
        }

        foreach (var metric in LatencyMetrics.All)
        {
            writer.WriteMeasured(metric.LogName(), Measured(), TimeSpan.FromSeconds(WarmupSeconds), TimeSpan.FromSeconds(Seconds));
        }

        var summary = Summary();
        writer.WriteSummary(summary);
        writer.Event(Seconds, RunEventTypes.RunEnded, [new("outcome", RunOutcome.Completed)]);
        return summary;
    }

    /// <summary>The measured messages' histogram of every metric: the values of the seconds after the warm-up.</summary>
    public static HdrHistogram.HistogramBase Measured()
    {
        var histogram = LatencyRecorders.CreateHistogram();
        for (var second = WarmupSeconds; second < Seconds; second++)
        {
            histogram.RecordValueWithCount(1_000 * (second + 1), 100 + second);
        }

        return histogram;
    }

    public static RunSummary Summary() => new()
    {
        RunId = "written",
        Scenario = "written",
        StartedAt = StartedAt,
        Outcome = RunOutcome.Completed,
        DurationSeconds = Seconds - WarmupSeconds,
        WarmupSeconds = WarmupSeconds,
        Environment = new EnvironmentSummary("embedded", new Dictionary<string, string> { ["brokers"] = "3" }),
        Produce = new ProduceSummary { Target = 1_000, Sent = 1_000, Acked = 1_000, Failed = 0 },
        Consume = new ConsumeSummary([new GroupSummary { Group = Group, Topic = "events", Consumed = 1_200 }]),
        LatencyMs = new LatencySummary(Percentiles(), Percentiles(), Percentiles(), Percentiles()),
        Rate = new RateSummary { Target = 100, Achieved = 100 },
        Partitions = [new PartitionSummary("events", 0, 720, 72_000, 0), new PartitionSummary("events", 1, 480, 48_000, 0)],
        Faults = [new FaultSummary { Action = "broker.kill", Target = "broker 1", AtSeconds = 5.004, DurationSeconds = 3, Succeeded = true, RecoverySeconds = 4.5 }],
    };

    private static Percentiles Percentiles() => new(1_000, 5, 9, 11, 12, 12, 12, 5.5);

    private static SeriesRow Row(int second) => new()
    {
        Second = second,
        TargetRate = 100,
        Sent = 100,
        Acked = 100,
        Failed = 0,
        Consumed = 100,
        QueueFull = 0,
        AvgPayloadBytes = 100,
        Latency = [.. LatencyMetrics.All.Select(_ => (Percentiles?)new Percentiles(100 + second, second + 1, second + 1, second + 1, second + 1, second + 1, second + 1, second + 1))],
        RssBytes = 100_000_000,
        GcHeapBytes = 10_000_000,
        Lag = [(second, 0.01 * second)],
    };
}
