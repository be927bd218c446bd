using Confluent.Kafka;
using HdrHistogram;
using LoadLab.Core.Environments;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;
using LoadLab.Engine.Running;
using LoadLab.Environments.Embedded;
using LoadLab.Integration.Tests.Embedded;

namespace LoadLab.Integration.Tests.Chaos;

/// <summary>
/// Coordinated omission with an exact answer. The generator falls behind (its clock stands, as a process frozen by the
/// machine sees it) while the partition's leader hangs: the messages due during the stall are all sent at once when the
/// clock jumps, and all acknowledged at once when the leader resumes after a second jump. So for each of them the
/// schedule delay, the service latency and the produce latency are known to the microsecond, whatever the machine's load.
/// </summary>
public sealed class StalledGeneratorTests(StalledGeneratorRun run) : IClassFixture<StalledGeneratorRun>
{
    [Fact]
    public void RunAsync_GeneratorStalledWhileTheLeaderHangs_EachHeldMessagesProduceLatencyIsItsScheduleDelayPlusItsServiceLatency()
    {
        Assert.Equal(run.Intended.Count, run.Summary.Produce.Acked);
        var held = run.Held;
        var delay = run.Merged(LatencyMetric.ScheduleDelay);
        var service = run.Merged(LatencyMetric.Service);
        var produce = run.Merged(LatencyMetric.Produce);

        // Sent together when the clock jumped to the end of the stall: each was late by the rest of the stall.
        var expectedDelay = Histogram(held.Select(intended => StalledGeneratorRun.SendMicros - intended));
        Assert.All(Buckets(expectedDelay), bucket => Assert.True(
            delay.GetCountAtValue(bucket.Value) >= bucket.Count,
            $"schedule delay {bucket.Value} µs: {delay.GetCountAtValue(bucket.Value)} messages, expected at least {bucket.Count}"));

        // Acknowledged together when the leader resumed, the hang after the send: each waited exactly the hang. The messages
        // sent on time waited less than the whole first part of the run, so nothing else reaches that value.
        var heldService = Buckets(service).Where(b => b.Value >= service.LowestEquivalentValue(StalledGeneratorRun.HangMicros)).ToList();
        Assert.Equal(new[] { (service.HighestEquivalentValue(StalledGeneratorRun.HangMicros), (long)held.Count) }, heldService);

        // Acknowledgement − intended send time = schedule delay + service latency, message by message: every held message's
        // produce latency lies in the bucket of its own delay plus the hang (a latency measured from the actual send time
        // instead puts them all at the hang).
        var expectedProduce = Histogram(held.Select(intended => StalledGeneratorRun.SendMicros - intended + StalledGeneratorRun.HangMicros));
        var heldProduce = Buckets(produce).Where(b => b.Value >= produce.LowestEquivalentValue(StalledGeneratorRun.HangMicros)).ToList();
        Assert.Equal(Buckets(expectedProduce), heldProduce);
    }

    [Fact]
    public void RunAsync_GeneratorStalledWhileTheLeaderHangs_HeldMessagesProduceLatenciesFallLinearlyFromStallPlusHangToTheHang()
    {
        // Analytic coordinated omission: at 1,000 msg/s a message intended t into a stall of length L, sent at its end and
        // acknowledged H later, waited H + (L − t). Uniform over (H, H + L]: 250 messages in every 250 ms.
        var produce = run.Merged(LatencyMetric.Produce);
        var analytic = Histogram(run.Held.Select(intended => StalledGeneratorRun.SendMicros - intended + StalledGeneratorRun.HangMicros));
        var binCount = (int)Math.Ceiling((StalledGeneratorRun.SendMicros - StalledGeneratorRun.StopMicros) / 250_000.0);
        List<long> Bins(HistogramBase histogram) => [.. Enumerable.Range(0, binCount)
            .Select(b => CountBetween(histogram, StalledGeneratorRun.HangMicros + (b * 250_000), StalledGeneratorRun.HangMicros + ((b + 1) * 250_000)))];
        var bins = Bins(produce);
        var shape = $"produce latencies per 250 ms from the hang ({StalledGeneratorRun.HangMicros / 1000} ms): {string.Join(", ", bins)}; analytic {string.Join(", ", Bins(analytic))}";

        Assert.Equal(Bins(analytic), bins);
        // A bin edge falls inside one of HdrHistogram's 4 ms buckets at these values: up to 4 messages either way.
        Assert.All(bins, count => Assert.True(Math.Abs(count - 250) <= 4, shape));
        Assert.Equal(run.Held.Count, bins.Sum());
    }

    [Fact]
    public void RunAsync_GeneratorStalledWhileTheLeaderHangs_SummaryPercentilesEqualARecomputationFromTheRunsHlogFiles()
    {
        // No warm-up, so the summary's measured messages are all the messages of the interval logs: HdrHistogram's own
        // percentiles of the merged intervals must give the summary's numbers exactly.
        var summary = run.Summary.LatencyMs;
        var reported = new Dictionary<LatencyMetric, Percentiles>
        {
            [LatencyMetric.Produce] = summary.Produce,
            [LatencyMetric.Service] = summary.Service,
            [LatencyMetric.ScheduleDelay] = summary.ScheduleDelay,
            [LatencyMetric.EndToEnd] = summary.EndToEnd,
        };

        // A run without transactions has no transaction latency: none in the summary, no interval with a sample.
        Assert.Null(summary.Transaction);
        Assert.Equal(0, run.Merged(LatencyMetric.Transaction).TotalCount);
        foreach (var metric in LatencyMetrics.All.Where(reported.ContainsKey))
        {
            var merged = run.Merged(metric);
            var recomputed = merged.TotalCount == 0
                ? new Percentiles(0, 0, 0, 0, 0, 0, 0, 0)
                : new Percentiles(
                    merged.TotalCount,
                    Ms(merged.GetValueAtPercentile(50)),
                    Ms(merged.GetValueAtPercentile(90)),
                    Ms(merged.GetValueAtPercentile(99)),
                    Ms(merged.GetValueAtPercentile(99.9)),
                    Ms(merged.GetValueAtPercentile(99.99)),
                    Ms(merged.GetMaxValue()),
                    Math.Round(merged.GetMean() / 1000, 3));
            Assert.Equal((metric, recomputed), (metric, reported[metric]));
        }

        // The held messages make p90 to p99.99 of the produce latency lie among their distinct values (not one repeated).
        Assert.True(summary.Produce.P90 < summary.Produce.P99 && summary.Produce.P99 < summary.Produce.P999, $"{summary.Produce}");
    }

    [Fact]
    public void RunAsync_AcknowledgementsHeldBackThenReleased_SeriesAckedColumnDiffersFromSentPerSecond()
    {
        // While the leader hangs the generator sends the held messages and nothing is acknowledged; every second up to the
        // clock's last jump is written before the leader resumes, so their acknowledgements all land in the last row.
        var series = run.Results.Series;
        var sent = series.Column("sent");
        var acked = series.Column("acked");
        var rows = string.Join("; ", Enumerable.Range(0, series.Count).Select(i => $"{series.Seconds[i]}: sent {sent[i]}, acked {acked[i]}"));

        Assert.Equal(run.Intended.Count, sent.Sum());
        Assert.Equal(run.Intended.Count, acked.Sum());
        Assert.Equal((0.0, (double)run.Held.Count), (sent[^1], acked[^1]));
        Assert.True(sent.SkipLast(1).Sum() == run.Intended.Count && acked.SkipLast(1).Sum() == run.Intended.Count - run.Held.Count, rows);
    }

    private static HistogramBase Histogram(IEnumerable<long> values)
    {
        var histogram = LatencyRecorders.CreateHistogram();
        foreach (var value in values)
        {
            histogram.RecordValue(value);
        }

        return histogram;
    }

    /// <summary>Each non-empty bucket as (its highest equivalent value, its count), in value order.</summary>
    private static List<(long Value, long Count)> Buckets(HistogramBase histogram) =>
        [.. histogram.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo))];

    /// <summary>Values whose bucket's middle lies in [from, to).</summary>
    private static long CountBetween(HistogramBase histogram, long fromMicros, long toMicros) =>
        histogram.RecordedValues()
            .Select(v => (Middle: histogram.MedianEquivalentValue(v.ValueIteratedTo), Count: v.CountAtValueIteratedTo))
            .Where(v => v.Middle >= fromMicros && v.Middle < toMicros)
            .Sum(v => v.Count);

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>
/// One run on the embedded cluster at 1,000 msg/s for 3 s with a clock the test moves: it runs for the first
/// <see cref="StopMicros"/>, stands while the leader is hung, jumps to <see cref="SendMicros"/> (the generator sends
/// every message due since, then ends: the schedule is over), and jumps by <see cref="HangMicros"/> more before the
/// leader resumes.
/// </summary>
public sealed class StalledGeneratorRun : IAsyncLifetime
{
    /// <summary>Where the clock stops by itself; every message due by then is sent on time and acknowledged.</summary>
    public const long StopMicros = 1_500_000;

    /// <summary>Where it jumps while the leader hangs: the last microsecond of the load, so the held messages are the schedule's rest.</summary>
    public const long SendMicros = LoadMicros - 1;

    /// <summary>How much further it jumps before the leader resumes: longer than the first part of the run, so no latency of a message sent on time reaches it.</summary>
    public const long HangMicros = 4_000_000;

    private const long LoadMicros = 3_000_000;
    private static readonly Dictionary<string, string> Reliable = new() { ["acks"] = "all", ["enable.idempotence"] = "true", ["linger.ms"] = "5" };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-stall-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<LatencyMetric, HistogramBase> _merged = [];
    private int _ticks;

    public RunSummary Summary { get; private set; } = null!;
    public RunResults Results { get; private set; } = null!;

    /// <summary>Every message's intended send time, microseconds since the run start, as the generator computes it.</summary>
    public IReadOnlyList<long> Intended { get; private set; } = [];

    /// <summary>The intended send times of the messages due during the stall.</summary>
    public IReadOnlyList<long> Held => [.. Intended.Where(i => i > StopMicros)];

    /// <summary>The run's interval log of a metric, all intervals added up.</summary>
    public HistogramBase Merged(LatencyMetric metric)
    {
        if (!_merged.TryGetValue(metric, out var merged))
        {
            merged = LatencyRecorders.CreateHistogram();
            foreach (var interval in Results.Histograms[metric.LogName()])
            {
                interval.AddTo(merged);
            }

            _merged[metric] = merged;
        }

        return merged;
    }

    public async Task InitializeAsync()
    {
        var stream = new TrafficStream { Name = "load", Topic = "events", Rate = 1_000, Payload = new PayloadSpec { Size = 256 }, ProducerConfig = Reliable };
        var scenario = new Scenario
        {
            Name = "stalled-generator",
            Duration = TimeSpan.FromMicroseconds(LoadMicros),
            Warmup = TimeSpan.Zero,
            DrainTimeout = TimeSpan.FromSeconds(20),
            Topics = [new TopicSpec("events", 1, 3)],
            Traffic = [stream],
            Consumers = [],
        };
        Intended = IntendedTimes(stream, scenario);
        var clock = new StallableClock();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var cluster = await new EmbeddedClusterProvider(new EmbeddedOptions()).StartAsync(
            new ClusterRequest("stall", scenario.Topics) { Faults = new HashSet<FaultOperation> { FaultOperation.BrokerPause, FaultOperation.BrokerResume } },
            timeout.Token);
        var leader = await cluster.Faults.GetLeaderAsync("events", 0, timeout.Token) ?? throw new InvalidOperationException("events/0 has no leader");
        // The engine itself, not a session: this test breaks the cluster by hand, outside the scenario's timeline.
        var running = RunEngine.RunAsync(
            cluster,
            new RunRequest
            {
                Scenario = scenario,
                RunId = "stall",
                ResultsDirectory = _directory,
                Time = clock,
                Observers = [RunObserver.OnInterval(p => Volatile.Write(ref _ticks, p.ElapsedSeconds))],
            },
            timeout.Token);
        Task? hang = null;
        try
        {
            // The clock stands while the run prepares, so the run starts exactly at clock.Start.
            await UntilAsync(() => HasEvent("run.started"), "the run to start", timeout.Token);
            clock.RunUntil(clock.At(StopMicros));
            await UntilAsync(() => clock.GetTimestamp() == clock.At(StopMicros), "the clock to stop", timeout.Token);

            // Everything due by the stop is sent; let it all be stored and acknowledged before the leader hangs.
            var onTime = Intended.Count(i => i <= StopMicros);
            using (var probe = EmbeddedTestCluster.Consumer(cluster, "stall-probe"))
            {
                await UntilAsync(() => probe.QueryWatermarkOffsets(new TopicPartition("events", 0), TimeSpan.FromSeconds(5)).High.Value == onTime, $"{onTime} messages stored", timeout.Token);
            }

            await Task.Delay(500, timeout.Token);
            var hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            hang = cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerPause, leader), () => hung.TrySetResult(), timeout.Token).AsTask();
            await hung.Task.WaitAsync(timeout.Token);

            clock.JumpTo(clock.At(SendMicros));
            await UntilAsync(() => HasEvent("run.stopping"), "the generator to send the held messages and end", timeout.Token);
            clock.JumpTo(clock.At(SendMicros + HangMicros));
            // Every whole second the clock passed is written to the series before the acknowledgements come.
            var passedSeconds = (int)((SendMicros + HangMicros) / 1_000_000);
            await UntilAsync(() => Volatile.Read(ref _ticks) >= passedSeconds, $"the series' first {passedSeconds} seconds", timeout.Token);
        }
        finally
        {
            // Also when a step above failed: the run can end only on a clock that reached the end of the load.
            clock.JumpTo(Math.Max(clock.GetTimestamp(), clock.At(SendMicros + HangMicros)));
            if (hang is not null)
            {
                var resumed = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerResume, leader), CancellationToken.None);
                await hang;
                if (!resumed.Succeeded)
                {
                    throw new InvalidOperationException($"the leader did not resume: {resumed.Detail}");
                }
            }

            Summary = await running;
        }

        Results = RunResults.Load(_directory);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static List<long> IntendedTimes(TrafficStream stream, Scenario scenario)
    {
        var arrivals = new ArrivalSequence(RateSchedule.Create(stream, scenario.TotalDuration), stream.Arrivals, 0, 1, scenario.Seed, stream.Name);
        var times = new List<long>();
        for (var ticks = arrivals.Next(); ticks >= 0 && ticks / TimeSpan.TicksPerMicrosecond < LoadMicros; ticks = arrivals.Next())
        {
            times.Add(ticks / TimeSpan.TicksPerMicrosecond);
        }

        return times;
    }

    private static async Task UntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"gave up waiting for {what}");
            }

            await Task.Delay(10, CancellationToken.None);
        }
    }

    private bool HasEvent(string type)
    {
        var path = Path.Combine(_directory, RunFiles.Events);
        if (!File.Exists(path))
        {
            return false;
        }

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd().Contains($"\"type\":\"{type}\"", StringComparison.Ordinal);
    }
}
