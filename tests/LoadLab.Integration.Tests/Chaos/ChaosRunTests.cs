using System.Text.Json;
using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Environments.Embedded;
using Xunit.Abstractions;

namespace LoadLab.Integration.Tests.Chaos;

/// <summary>Whole runs on the embedded cluster with faults in the middle, checked against what the faults must cause.</summary>
public sealed class ChaosRunTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Dictionary<string, string> Reliable = new() { ["acks"] = "all", ["enable.idempotence"] = "true", ["linger.ms"] = "5" };

    /// <summary>A hold-up of the whole process beyond which a 1 s fault cannot be timed (see the pause test).</summary>
    private const double FrozenLimitMs = 200;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-chaos-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public async Task RunAsync_LeaderPausedForOneSecond_ProduceLatenciesOfTheIntendedMessagesSpreadUniformlyFromOneSecondToZero()
    {
        // Coordinated omission, with an analytic answer: at 1,000 msg/s, a message intended t seconds into a 1 s hang
        // is acknowledged when the hang ends, so its latency is ~(1 − t): about a thousand samples uniform on (0, 1 s].
        var scenario = Scenario("coordinated-omission", TimeSpan.FromSeconds(7), partitions: 1, rate: 1_000, size: 256,
            faults: [new FaultSpec { At = TimeSpan.FromSeconds(4), Action = FaultAction.BrokerPause, Target = new LeaderOfTarget("events", 0), Duration = TimeSpan.FromSeconds(1) }]);

        var summary = await RunAsync(scenario, new EmbeddedOptions());

        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        Assert.Equal(0, summary.Audit!.Lost);
        // The clock started once the idempotent producer had its id: a client still waiting for one (0.5-1 s on its
        // 500 ms timer) would give the first messages a second ramp of latencies up to a second.
        var ready = Events().Single(e => e.GetProperty("type").GetString() == RunEventTypes.ProducersReady);
        Assert.Equal(0, ready.GetProperty("notReady").GetArrayLength());
        var produce = HistogramInterval.Merge(HistogramLog.Read(Path.Combine(_directory, RunFiles.Histogram(LatencyMetric.Produce))))!;
        long Count(double fromMs, double toMs) => produce.RecordedValues()
            .Where(v => v.ValueIteratedTo / 1000.0 >= fromMs && v.ValueIteratedTo / 1000.0 < toMs)
            .Sum(v => v.CountAddedInThisIterationStep);

        // The fault is dated by when the mock applied and lifted the hang, and lasts its duration from when it was
        // applied, however late resolving the leader and acting made it (80-200 ms late on a loaded machine, ~850 ms
        // seen in the full suite): the resume is due 1 s after the pause took effect, so under any load it is never
        // shorter than that.
        var fault = Assert.Single(summary.Faults);
        Assert.True(fault.AtSeconds >= 4, $"injected at {fault.AtSeconds} s");
        var hangMs = fault.DurationSeconds!.Value * 1000;
        Assert.True(hangMs >= 1_000, $"the pause lasted {hangMs:0} ms by its events");

        // What follows needs this process to have run on time: a machine that froze it (the generator's own schedule
        // delay shows for how long; 1.8-3.5 s were seen with other runs and builds sharing the 2 cores) fires the
        // resume late and gives messages outside the hang latencies of their own.
        // The bins below count every message of the run, the warm-up's too, so a hold-up anywhere in the run counts
        // (the summary's schedule delay covers the measured messages only).
        var frozenMs = summary.LatencyMs.ScheduleDelay.Max;
        var runFrozenMs = HistogramInterval.Merge(HistogramLog.Read(Path.Combine(_directory, RunFiles.Histogram(LatencyMetric.ScheduleDelay))))!.GetMaxValue() / 1000.0;
        Skip.If(Math.Max(frozenMs, runFrozenMs) >= FrozenLimitMs && Environment.GetEnvironmentVariable("LOADLAB_REQUIRE_ALL") is null,
            $"the machine held this process up for {Math.Max(frozenMs, runFrozenMs):0} ms (schedule delay), too long to time a 1 s fault; set LOADLAB_REQUIRE_ALL=1 to make this a failure");
        // Longer only by what the machine held up: the resume's timer, and the acknowledgements after it.
        var slackMs = 100 + frozenMs;
        Assert.InRange(hangMs, 1_000, 1_000 + slackMs);

        // The client agrees with the events: the first held message waited the whole hang, give or take how long the
        // mock's calls took to return (the moment each took effect lies inside the call).
        var maxMs = summary.LatencyMs.Produce.Max;
        Assert.InRange(maxMs, hangMs - 25, hangMs + slackMs);

        // Each message intended during the hang waits until it ends, so at 1,000 msg/s every latency from 0 to the max
        // belongs to one message per millisecond: 225 per 225 ms, and (max - 775) from 775 ms to the max. Short
        // hold-ups of the machine add to the lower bins only; above 0.55 s only the hang's messages remain. This fails
        // for a latency recorded from the actual send time (all samples near 0), for one spike at the max, and for a
        // hang shorter or longer than its events say.
        var bins = new[] { Count(100, 325), Count(325, 550), Count(550, 775), Count(775, 2_000) };
        var shape = $"samples per bin 100-325-550-775-max ms: {string.Join(", ", bins)}; hang {hangMs:0} ms from {fault.AtSeconds:0.000} s, max {maxMs:0} ms, schedule delay max {frozenMs:0} ms ({runFrozenMs:0} ms with the warm-up)";
        output.WriteLine(shape);
        Assert.True(bins[0] >= 215 && bins[1] >= 215 && bins[2] is >= 215 and <= 245, shape);
        Assert.True(Math.Abs(bins[3] - (maxMs - 775)) <= 30, shape);
    }

    [Fact]
    public async Task RunAsync_LeaderKilledUnderLoadWithAcksAllAndIdempotence_NothingLostOrDuplicatedAndLeadershipMoves()
    {
        var scenario = Scenario("leader-kill", TimeSpan.FromSeconds(20), partitions: 3, rate: 1_000, size: 256,
            faults: [new FaultSpec { At = TimeSpan.FromSeconds(4), Action = FaultAction.BrokerKill, Target = new LeaderOfTarget("events", 0), Duration = TimeSpan.FromSeconds(5) }]);

        var summary = await RunAsync(scenario, new EmbeddedOptions { DetectionDelay = TimeSpan.FromSeconds(2), PreferredLeaderRestoreDelay = TimeSpan.FromSeconds(2) });

        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        var audit = summary.Audit!;
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        Assert.Equal(audit.Acked, audit.Delivered);
        Assert.True(audit.Acked >= 15_000, $"acked {audit.Acked}");
        var fault = Assert.Single(summary.Faults);
        Assert.Equal("broker.kill", fault.Action);
        Assert.True(fault.Succeeded, fault.Detail);
        Assert.NotNull(fault.RecoverySeconds);
        var markers = Events().Where(e => e.GetProperty("type").GetString()!.StartsWith("fault.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["fault.injected", "fault.reverted"], markers.Select(m => m.GetProperty("type").GetString()));
        Assert.Contains("leader", markers[0].ToString(), StringComparison.OrdinalIgnoreCase);
        // Partition 0's preferred leader is broker 1, where the mock's hash also puts the coordinator of "audit":
        // the run registers the group, so the fail-over moves it and consumers do not wait for the restart.
        Assert.Contains("coordinator of audit 1", markers[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_GroupCoordinatorPausedForTwoSeconds_EveryPartitionIsConsumedAgainAfterTheResume()
    {
        // A paused broker (SIGSTOP on a real platform) answers what it queued when it resumes: the group's consumers
        // go on reading its partitions, and with them every partition. Seen once on the embedded cluster: a third of
        // the partitions (the paused broker's) never consumed again, thousands of messages unreached at the end.
        var scenario = Scenario("coordinator-pause", TimeSpan.FromSeconds(16), partitions: 3, rate: 1_000, size: 256,
            faults: [new FaultSpec { At = TimeSpan.FromSeconds(6), Action = FaultAction.BrokerPause, Target = new CoordinatorOfTarget("audit"), Duration = TimeSpan.FromSeconds(2) }]);

        var summary = await RunAsync(scenario, new EmbeddedOptions());

        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        var fault = Assert.Single(summary.Faults);
        Assert.True(fault.Succeeded, fault.Detail);
        var audit = summary.Audit!;
        output.WriteLine($"acked {audit.Acked}, delivered {audit.Delivered}, unreached {audit.Unreached}, lost {audit.Lost}; {fault.Detail}");
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Unreached);
        Assert.Equal(audit.Acked, audit.Delivered);
    }

    [Fact]
    public async Task RunAsync_ConsumerFallsFurtherBehindThanRetention_CountsTruncatedNotLost()
    {
        // 64 KiB x 200 msg/s fills the embedded cluster's ~5 MiB per partition in under half a second, while a consumer
        // spending 20 ms per message reads 50 msg/s: retention deletes what it has not reached yet.
        var scenario = Scenario("retention", TimeSpan.FromSeconds(5), partitions: 1, rate: 200, size: 64 * 1024,
            processingTime: TimeSpan.FromMilliseconds(20));

        var summary = await RunAsync(scenario, new EmbeddedOptions());

        var audit = summary.Audit!;
        // ~1,200 messages of which retention keeps the last ~80: the slow consumer reaches a few hundred at most.
        Assert.True(audit.Truncated >= audit.Acked / 4, $"truncated {audit.Truncated} of {audit.Acked}");
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        Assert.Equal(audit.Acked, audit.Delivered + audit.Truncated + audit.Unreached);
    }

    [Fact]
    public async Task RunAsync_EverySupportedFaultInSequence_EachShowsItsEffectInMarkersAndSummary()
    {
        var faults = new FaultSpec[]
        {
            new() { At = TimeSpan.FromSeconds(2), Action = FaultAction.BrokerSlow, Target = new BrokerTarget(1), Latency = TimeSpan.FromMilliseconds(300), Duration = TimeSpan.FromSeconds(2) },
            new() { At = TimeSpan.FromSeconds(5), Action = FaultAction.LeaderMove, Target = new PartitionTarget("events", 1) },
            new() { At = TimeSpan.FromSeconds(6), Action = FaultAction.PartitionReassign, Target = new PartitionTarget("events", 2), Replicas = [1, 3, 2] },
            new() { At = TimeSpan.FromSeconds(7), Action = FaultAction.ErrorsInject, Target = new ClusterTarget(), Errors = new ErrorInjection("Produce", 0, 6, 20) },
            new() { At = TimeSpan.FromSeconds(8), Action = FaultAction.BrokerAdd, Target = new BrokerTarget(4) },
            new() { At = TimeSpan.FromSeconds(9), Action = FaultAction.BrokerPause, Target = new BrokerTarget(2), Duration = TimeSpan.FromMilliseconds(500) },
            new() { At = TimeSpan.FromSeconds(11), Action = FaultAction.BrokerKill, Target = new BrokerTarget(3) },
            new() { At = TimeSpan.FromSeconds(14), Action = FaultAction.BrokerRestart, Target = new BrokerTarget(3) },
            new() { At = TimeSpan.FromSeconds(17), Action = FaultAction.BrokerDecommission, Target = new BrokerTarget(2) },
        };
        var scenario = Scenario("all-faults", TimeSpan.FromSeconds(20), partitions: 3, rate: 500, size: 256, faults: faults);

        var summary = await RunAsync(scenario, new EmbeddedOptions { DetectionDelay = TimeSpan.FromSeconds(1), PreferredLeaderRestoreDelay = TimeSpan.FromSeconds(1) });

        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        Assert.Equal(faults.Length, summary.Faults.Count);
        Assert.All(summary.Faults, f => Assert.True(f.Succeeded, $"{f.Action}: {f.Detail}"));
        Assert.Equal(
            ["broker.slow", "leader.move", "partition.reassign", "errors.inject", "broker.add", "broker.pause", "broker.kill", "broker.restart", "broker.decommission"],
            summary.Faults.Select(f => f.Action));
        var injected = Events().Where(e => e.GetProperty("type").GetString() == "fault.injected").Select(e => e.ToString()).ToList();
        Assert.Equal(faults.Length, injected.Count);
        Assert.Equal(2, Events().Count(e => e.GetProperty("type").GetString() == "fault.reverted"));
        // The slow broker and the hang both add their time to the produce latency of their partitions' messages.
        Assert.True(summary.LatencyMs.Produce.Max >= 300, $"produce max {summary.LatencyMs.Produce.Max} ms");
        // The producer retries the injected NOT_LEADER_OR_FOLLOWER answers inside librdkafka (they never reach a
        // delivery report), so the effect is a marker on every broker and no failed message.
        var errors = summary.Faults.Single(f => f.Action == "errors.inject");
        Assert.Equal("every broker", errors.Target);
        Assert.Contains("NotLeaderForPartition", errors.Detail, StringComparison.Ordinal);
        Assert.Equal(0, summary.Produce.Failed);
        // The mock checks idempotent sequences only for transactional producers: it stores a batch sent after one that an
        // injected error failed, and librdkafka then acknowledges the failed batch implicitly (offset -1001) though it
        // was never stored; the audit counts it lost, and the embedded capabilities say why. Any other loss fails.
        Assert.All(summary.Audit!.Examples.Where(e => e.Kind == "lost"), e => Assert.Equal(-1001, e.Offset));
        Assert.Equal(summary.Audit.Lost, summary.Audit.LostWithoutOffset);
        Assert.InRange(summary.Audit.Lost, 0, 20);
        Assert.Equal(0, summary.Audit.Duplicated);
    }

    private static Scenario Scenario(string name, TimeSpan duration, int partitions, double rate, int size, FaultSpec[]? faults = null, TimeSpan? processingTime = null) => new()
    {
        Name = name,
        Duration = duration,
        Warmup = TimeSpan.FromSeconds(1),
        DrainTimeout = TimeSpan.FromSeconds(8),
        Topics = [new TopicSpec("events", partitions, 3)],
        Traffic = [new TrafficStream { Name = "load", Topic = "events", Rate = rate, Payload = new PayloadSpec { Size = size }, ProducerConfig = Reliable }],
        Consumers = [new ConsumerGroupSpec("audit", "events", 1, processingTime ?? TimeSpan.Zero, new Dictionary<string, string>())],
        Faults = faults ?? [],
    };

    private async Task<RunSummary> RunAsync(Scenario scenario, EmbeddedOptions options)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(options), SessionOptions.For(scenario, "test"), timeout.Token);
        return await session.RunAsync(new RunRequest { Scenario = scenario, RunId = "test", ResultsDirectory = _directory }, timeout.Token);
    }

    private List<JsonElement> Events() =>
        [.. File.ReadAllLines(Path.Combine(_directory, "events.jsonl")).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
