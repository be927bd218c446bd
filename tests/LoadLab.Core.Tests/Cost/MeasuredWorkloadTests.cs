using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadLab.Core.Cost;
using LoadLab.Core.Results;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class MeasuredWorkloadTests : IDisposable
{
    private const string Scenario = """
        version: 1
        name: burst
        duration: 40s
        warmup: 5s
        topics:
          - {name: t, partitions: 2, replication-factor: 3, retention: 168h}
        traffic:
          - {name: s, topic: t, rate: 2000, payload: {kind: fixed, size: 1KiB}}
        consumers:
          - {group: a, topic: t}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-measured-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RunSummary Summary(params FaultSummary[] faults) => new()
    {
        RunId = "r1",
        Scenario = "burst",
        StartedAt = DateTimeOffset.UnixEpoch,
        Outcome = RunOutcome.Completed,
        DurationSeconds = 40,
        WarmupSeconds = 5,
        Environment = new EnvironmentSummary("embedded", new Dictionary<string, string>()),
        Produce = new ProduceSummary { Target = 0, Sent = 0, Acked = 0, Failed = 0 },
        Consume = new ConsumeSummary([new GroupSummary { Group = "a", Topic = "t", Consumed = 0, Bytes = 2 * 45 * 2_000 * 1_024 }]),
        LatencyMs = null!,
        Rate = new RateSummary { Target = 2_000, Achieved = 2_000 },
        Payload = new PayloadSummary(1_024, 1_024, 1_024),
        Partitions = [new PartitionSummary("t", 0, 45_000, 45 * 1_000 * 1_024, 0), new PartitionSummary("t", 1, 45_000, 45 * 1_000 * 1_024, 0)],
        Faults = faults,
    };

    /// <summary>45 s at 2,000 msg/s of 1 KiB; a fault stops acknowledgements at 20–24 s and the backlog lands at 25–26 s.</summary>
    private static IReadOnlyList<(int Second, double Target, double Acked)> Rows(bool outage) =>
    [
        .. Enumerable.Range(0, 45).Select(second => (second, 2_000.0, !outage ? 2_000.0 : second switch
        {
            >= 20 and < 25 => 0,
            25 => 8_524,
            26 => 3_476,
            _ => 2_000.0,
        })),
    ];

    /// <summary>Topic t (RF 3, 168 h) and topic u (RF 1, no retention), read by groups a and b.</summary>
    private const string TwoTopics = """
        version: 1
        name: burst
        duration: 40s
        warmup: 5s
        topics:
          - {name: t, partitions: 2, replication-factor: 3, retention: 168h}
          - {name: u, partitions: 4, replication-factor: 1}
        traffic:
          - {name: s, topic: t, rate: 1000, payload: {kind: fixed, size: 1KiB}}
          - {name: v, topic: u, rate: 1000, payload: {kind: fixed, size: 1KiB}}
        consumers:
          - {group: a, topic: t}
          - {group: b, topic: u}
        """;

    private string WriteRun(RunSummary summary, IReadOnlyList<(int Second, double Target, double Acked)> rows, string? scenario = Scenario) =>
        WriteRun(summary, [.. rows.Select(r => (r.Second, r.Target, r.Acked, 1_024.0))], scenario);

    /// <summary>A run folder whose series has the given payload size per second (NaN: an empty cell, no sample that second).</summary>
    private string WriteRun(RunSummary summary, IReadOnlyList<(int Second, double Target, double Acked, double PayloadBytes)> rows, string? scenario = Scenario)
    {
        var run = Directory.CreateDirectory(Path.Combine(_directory, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(run, RunFiles.Summary), JsonSerializer.Serialize(summary, ResultsJson.Indented));
        var series = new StringBuilder("second,targetRate,sent,acked,failed,consumed,queueFull,avgPayloadBytes\n");
        foreach (var (second, target, acked, payload) in rows)
        {
            var bytes = double.IsNaN(payload) ? "" : payload.ToString(CultureInfo.InvariantCulture);
            series.Append(CultureInfo.InvariantCulture, $"{second},{target},{target},{acked},0,{acked},0,{bytes}\n");
        }

        File.WriteAllText(Path.Combine(run, RunFiles.Series), series.ToString());
        if (scenario is not null)
        {
            File.WriteAllText(Path.Combine(run, RunFiles.Scenario), scenario);
        }

        return run;
    }

    private static FaultSummary Kill => new() { Action = "broker.kill", Target = "1", AtSeconds = 20, DurationSeconds = 5, RecoverySeconds = 6, Succeeded = true };

    private static FaultSummary Fault(string action, string target, double at, double? duration, double? recovery = null) =>
        new() { Action = action, Target = target, AtSeconds = at, DurationSeconds = duration, RecoverySeconds = recovery, Succeeded = true };

    /// <summary>Seconds 0 to <paramref name="seconds"/> − 1 at a target of 1,000 msg/s, acknowledging 1,000 unless <paramref name="acked"/> says otherwise.</summary>
    private static IReadOnlyList<(int Second, double Target, double Acked)> Steady(int seconds, Func<int, double?>? acked = null) =>
        [.. Enumerable.Range(0, seconds).Select(second => (second, 1_000.0, acked?.Invoke(second) ?? 1_000.0))];

    [Fact]
    public void FromRun_BacklogFlushedAfterAFailOver_IsNotThePeakAndTheWindowIsListed()
    {
        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(Summary(Kill), Rows(outage: true)), new CostWorkloadOptions());

        // The schedule's 2,000 msg/s, not the 8,524 acknowledged at 25 s: peak/average 1.
        Assert.Equal(2_000 * 1_024 / 1_048_576.0, workload.PeakIngressMiBps, precision: 9);
        Assert.Equal(1, workload.Burst.PeakToAverage, precision: 9);
        var excluded = Assert.Single(workload.Excluded);
        Assert.Equal((20, 27), (excluded.FromSeconds, excluded.ToSeconds));
        Assert.Contains("broker.kill", excluded.Reason, StringComparison.Ordinal);
        Assert.Equal(40 - 7, workload.IngressMiBpsPerSecond.Count);
    }

    [Fact]
    public void Property_AFaultWindow_NeverRaisesTheMeasuredPeak()
    {
        var random = new Random(5);
        for (var i = 0; i < 30; i++)
        {
            var rows = Enumerable.Range(0, 45).Select(s => (s, (double)random.Next(100, 5_000), (double)random.Next(0, 9_000))).ToList();
            var at = random.Next(5, 40);
            var fault = new FaultSummary { Action = "broker.kill", Target = "1", AtSeconds = at, DurationSeconds = random.Next(1, 10), Succeeded = true };

            var calm = MeasuredWorkload.FromRunDirectory(WriteRun(Summary(), rows), new CostWorkloadOptions());
            var faulty = MeasuredWorkload.FromRunDirectory(WriteRun(Summary(fault), rows), new CostWorkloadOptions());

            Assert.True(faulty.PeakIngressMiBps <= calm.PeakIngressMiBps, $"case {i}: fault at {at} s raised the peak");
        }
    }

    [Fact]
    public void FromRun_ReplicationRetentionAndFanOut_ComeFromTheScenarioAsRunAndTheBytesRead()
    {
        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(Summary(), Rows(outage: false)), new CostWorkloadOptions());

        Assert.Equal(3, workload.ReplicationFactor);
        Assert.Equal(TimeSpan.FromHours(168), workload.Retention);
        Assert.Contains("scenario.yaml", workload.RetentionSource, StringComparison.Ordinal);
        Assert.Equal(2, workload.FanOut, precision: 9); // the group read every byte twice (a redelivery)
        Assert.Equal(2, workload.Partitions);
    }

    [Fact]
    public void FromRun_WithoutScenarioOrReplicationFactor_RefusesInsteadOfAssumingThree()
    {
        var run = WriteRun(Summary(), Rows(outage: false), scenario: null);

        var error = Assert.Throws<InvalidInputException>(() => MeasuredWorkload.FromRunDirectory(run, new CostWorkloadOptions()));

        Assert.Equal(
            ValidationProblem.ForFile(
                Path.Combine(run, RunFiles.Scenario),
                "expected the scenario as run (it holds the topics' replication factors), got no readable scenario.yaml",
                "pass --replication-factor (and --retention) for this run"),
            Assert.Single(error.Problems));
        var given = MeasuredWorkload.FromRunDirectory(run, new CostWorkloadOptions { ReplicationFactor = 2 });
        Assert.Equal((2.0, "--replication-factor"), (given.ReplicationFactor, given.ReplicationSource));
        Assert.Equal((TimeSpan.FromHours(24), "default 24 h (the run has no scenario.yaml)"), (given.Retention, given.RetentionSource));
        var both = MeasuredWorkload.FromRunDirectory(run, new CostWorkloadOptions { ReplicationFactor = 2, Retention = TimeSpan.FromHours(48) });
        Assert.Equal((TimeSpan.FromHours(48), "--retention"), (both.Retention, both.RetentionSource));
    }

    [Fact]
    public void FromRun_LibrdkafkaStatistics_GiveTheBytesSentAndStoredPerValueByte()
    {
        var wire = new WireSummary
        {
            Source = "librdkafka statistics every 1000 ms",
            Complete = true,
            Reports = 90,
            Compression = "lz4",
            ValueBytes = 1_000_000,
            Messages = 1_000,
            MessageBytes = 1_013_000,
            Batches = 100,
            BatchBytes = 600_001,
            RequestBytes = 650_000,
            ProduceRequests = 80,
        };
        var summary = Summary() with { Produce = Summary().Produce with { Wire = wire } };

        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(summary, Rows(outage: false)), new CostWorkloadOptions());

        Assert.Equal(0.65, workload.WireFactor, precision: 12);
        Assert.Equal(0.600001, workload.StoredFactor, precision: 12);
        Assert.Equal(
            "librdkafka statistics every 1000 ms (lz4 compression): 1,000,000 B of values went out as 1,013,000 B of keys and values, " +
            "600,001 B in 100 record batches (keys+values / batches = 1.688) and 650,000 B of requests " +
            "(protocol overhead 49,999 B in 80 produce requests): 0.6 B stored and 0.65 B sent per value byte",
            workload.FactorSource);
        Assert.DoesNotContain(workload.Notes, n => n.Contains("statistics report came before the end", StringComparison.Ordinal));

        var partial = MeasuredWorkload.FromRunDirectory(WriteRun(summary with { Produce = summary.Produce with { Wire = wire with { Complete = false } } }, Rows(outage: false)), new CostWorkloadOptions());
        Assert.Contains(partial.Notes, n => n.StartsWith("librdkafka's last statistics report came before the end of the run", StringComparison.Ordinal));

        var unmeasured = MeasuredWorkload.FromRunDirectory(WriteRun(summary with { Produce = summary.Produce with { Wire = null } }, Rows(outage: false)), new CostWorkloadOptions());
        Assert.Equal((1.0, 1.0, "value bytes only (no librdkafka statistics in this run)"), (unmeasured.WireFactor, unmeasured.StoredFactor, unmeasured.FactorSource));
        Assert.Equal(["The run has no produce.wire (written before LoadLab measured bytes on the wire): priced on value bytes only."], unmeasured.Notes);

        // No record batches in the statistics: their compression ratio is left at 1 rather than divided by zero.
        var batchless = MeasuredWorkload.FromRunDirectory(WriteRun(summary with { Produce = summary.Produce with { Wire = wire with { Batches = 0, BatchBytes = 0 } } }, Rows(outage: false)), new CostWorkloadOptions());
        Assert.Equal(
            "librdkafka statistics every 1000 ms (lz4 compression): 1,000,000 B of values went out as 1,013,000 B of keys and values, " +
            "0 B in 0 record batches (keys+values / batches = 1) and 650,000 B of requests " +
            "(protocol overhead 650,000 B in 80 produce requests): 0 B stored and 0.65 B sent per value byte",
            batchless.FactorSource);
    }

    [Fact]
    public void FromRun_ReassignAndBrokerAddFaults_BecomeMeasuredOperations()
    {
        // The reassignment took 6 s to recover from; the broker addition reported only its recovery; a broker kill is no operation.
        var summary = Summary(
            Fault("partition.reassign", "t/0", at: 10, duration: 2, recovery: 6),
            Fault("broker.kill", "2", at: 20, duration: 1),
            Fault("broker.add", "4", at: 30, duration: null, recovery: 3));

        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(summary, Rows(outage: false)), new CostWorkloadOptions());
        var onDocker = MeasuredWorkload.FromRunDirectory(WriteRun(summary with { Environment = new EnvironmentSummary("docker", new Dictionary<string, string>()) }, Rows(outage: false)), new CostWorkloadOptions());

        Assert.Equal([new MeasuredOperation("partition.reassign", 6), new MeasuredOperation("broker.add", 3)], workload.MeasuredOperations);
        Assert.Equal(("run r1 of scenario burst (measured on embedded)", true, true), (workload.Source, workload.Measured, workload.MeasuredOnMockCluster));
        Assert.Equal(("run r1 of scenario burst (measured on docker)", true, false), (onDocker.Source, onDocker.Measured, onDocker.MeasuredOnMockCluster));
    }

    [Fact]
    public void FromRun_PayloadPerSecond_WeightsTheAcknowledgedBytesAndFallsBackToTheSummaryWhereASecondHasNoSample()
    {
        // Warm-up 0–4 s at 512 B; measured 5–44 s at 1,000 msg/s, 2,048 B until 24 s and no payload sample from 25 s
        // (the summary's 1,024 B stands in); the drain from 45 s has no target and is no part of the profile.
        IReadOnlyList<(int Second, double Target, double Acked, double PayloadBytes)> rows =
        [
            .. Enumerable.Range(0, 50).Select(second => second switch
            {
                < 5 => (second, 1_000.0, 1_000.0, 512.0),
                < 25 => (second, 1_000.0, 1_000.0, 2_048.0),
                < 45 => (second, 1_000.0, 1_000.0, double.NaN),
                _ => (second, 0.0, 500.0, 4_096.0),
            }),
        ];

        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(Summary(), rows), new CostWorkloadOptions());
        var unacknowledged = MeasuredWorkload.FromRunDirectory(WriteRun(Summary(), [.. rows.Select(r => r with { Acked = 0 })]), new CostWorkloadOptions());

        double[] expected = [.. Enumerable.Repeat(1_000 * 2_048 / 1_048_576.0, 20), .. Enumerable.Repeat(1_000 * 1_024 / 1_048_576.0, 20)];
        Assert.Equal(expected, workload.IngressMiBpsPerSecond);
        Assert.Equal(1_536, workload.AverageMessageBytes); // 20,000 messages of 2,048 B and 20,000 of 1,024 B
        Assert.Equal(1_024, unacknowledged.AverageMessageBytes); // nothing acknowledged to weigh: the summary's average
    }

    [Fact]
    public void FromRun_BytesPerTopicAndGroup_GiveFanOutReplicationAndRetentionWithTheirSources()
    {
        // t/0 100,000 B and t/1 300,000 B on t; 400,000 B on u: half the bytes each. Group a read 800,000 B, b 400,000 B.
        var summary = Summary() with
        {
            Partitions = [new PartitionSummary("t", 0, 100, 100_000, 0), new PartitionSummary("t", 1, 300, 300_000, 0), new PartitionSummary("u", 0, 400, 400_000, 0)],
            Consume = new ConsumeSummary(
            [
                new GroupSummary { Group = "a", Topic = "t", Consumed = 800, Bytes = 800_000 },
                new GroupSummary { Group = "b", Topic = "u", Consumed = 400, Bytes = 400_000 },
            ]),
        };
        const string noBytesPerGroup = "consumer groups (the run recorded no bytes per group: written before LoadLab measured them)";

        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(summary, Rows(outage: false), TwoTopics), new CostWorkloadOptions());
        var unwritten = MeasuredWorkload.FromRunDirectory(WriteRun(summary with { Partitions = [] }, Rows(outage: false), TwoTopics), new CostWorkloadOptions());
        var unread = MeasuredWorkload.FromRunDirectory(
            WriteRun(summary with { Consume = new ConsumeSummary([.. summary.Consume.Groups.Select(g => g with { Bytes = 0 })]) }, Rows(outage: false), TwoTopics),
            new CostWorkloadOptions());

        Assert.Equal((1.5, "bytes read by 2 group(s) (a 800,000 B, b 400,000 B) / 800,000 B written"), (workload.FanOut, workload.FanOutSource));
        Assert.Equal((0.5 * 3) + (0.5 * 1), workload.ReplicationFactor);
        Assert.Equal("scenario.yaml of the run (replication-factor, byte-weighted)", workload.ReplicationSource);
        Assert.Equal((0.5 * 168) + (0.5 * 24), workload.Retention.TotalHours, precision: 6);
        Assert.Equal("scenario.yaml of the run (retention, byte-weighted); u without retention priced at 24 h", workload.RetentionSource);
        Assert.Equal(3, workload.Partitions); // the partitions written to, not the 6 the scenario declares
        // Without bytes on either side of the ratio, each group counts once; without partition counts, the scenario's.
        Assert.Equal((2.0, noBytesPerGroup, 6), (unwritten.FanOut, unwritten.FanOutSource, unwritten.Partitions));
        Assert.Equal((2.0, noBytesPerGroup), (unread.FanOut, unread.FanOutSource));
    }

    [Fact]
    public void FromRun_FaultWindows_LastUntilTheRevertOrTheRecoveryAndTheFlushAndMergeWhereTheyTouch()
    {
        var summary = Summary(
            Fault("broker.kill", "1", at: 2, duration: 3), // over when the measured window opens at 5 s
            Fault("broker.kill", "2", at: 10, duration: 2, recovery: 3), // recovered after the revert: until 13 s
            Fault("broker.pause", "3", at: 13, duration: 2), // starts as the previous ends; its backlog lands at 15 s
            Fault("broker.kill", "4", at: 30, duration: 5, recovery: 2), // recovered before the revert: until 35 s
            Fault("broker.kill", "5", at: 40, duration: null)); // never reverted nor recovered: its own second only
        // 1,100 acknowledged at 35 s is exactly the flush tolerance (1.1 × the target): not yet a flush.
        var rows = Steady(45, second => second switch { 15 => 3_000, 35 => 1_100, _ => null });

        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(summary, rows), new CostWorkloadOptions());

        Assert.Equal(
            [
                new ExcludedWindow(10, 16, "broker.kill 2 at 10 s, recovered after 3 s and the flush after it; broker.pause 3 at 13 s and the flush after it"),
                new ExcludedWindow(30, 35, "broker.kill 4 at 30 s, recovered after 2 s and the flush after it"),
                new ExcludedWindow(40, 41, "broker.kill 5 at 40 s and the flush after it"),
            ],
            workload.Excluded);
        Assert.Equal(40 - 6 - 5 - 1, workload.IngressMiBpsPerSecond.Count);
        Assert.Empty(workload.MeasuredOperations);
    }

    [Fact]
    public void FromRun_FaultsAtTheEdgesOfTheSeries_AreExcludedUpToTheEdge()
    {
        var noWarmup = Summary() with { WarmupSeconds = 0, DurationSeconds = 20 };
        // A fault at 0 s whose backlog lands in the first two seconds, and one that outlasts the series.
        var atBothEnds = noWarmup with { Faults = [Fault("broker.kill", "1", at: 0, duration: 0), Fault("broker.kill", "2", at: 15, duration: 10)] };
        // A backlog that is still being flushed when the series ends.
        var flushToTheEnd = noWarmup with { Faults = [Fault("broker.kill", "3", at: 15, duration: 1)] };

        var edges = MeasuredWorkload.FromRunDirectory(WriteRun(atBothEnds, Steady(20, second => second < 2 ? 3_000 : null)), new CostWorkloadOptions());
        var flushing = MeasuredWorkload.FromRunDirectory(WriteRun(flushToTheEnd, Steady(20, second => second > 15 ? 3_000 : null)), new CostWorkloadOptions());

        Assert.Equal(
            [new ExcludedWindow(0, 2, "broker.kill 1 at 0 s and the flush after it"), new ExcludedWindow(15, 20, "broker.kill 2 at 15 s and the flush after it")],
            edges.Excluded);
        Assert.Equal([new ExcludedWindow(15, 20, "broker.kill 3 at 15 s and the flush after it")], flushing.Excluded);
    }

    [Fact]
    public void FromRun_FaultsOverTheWholeMeasuredWindow_RefuseWithTheWindowAndTheFix()
    {
        var run = WriteRun(Summary(Fault("broker.kill", "1", at: 5, duration: 40)), Rows(outage: false));

        var error = Assert.Throws<InvalidInputException>(() => MeasuredWorkload.FromRunDirectory(run, new CostWorkloadOptions()));

        Assert.Equal(
            ValidationProblem.ForFile(
                Path.Combine(run, RunFiles.Series),
                "expected seconds inside the measured window (5 s to 45 s) outside fault windows, got none",
                "price a run with a steady stretch before or after its faults, or the scenario file itself"),
            Assert.Single(error.Problems));
    }

    [Fact]
    public void FromRun_NullArguments_AreNamed()
    {
        var run = RunResults.Load(WriteRun(Summary(), Rows(outage: false)));

        Assert.Throws<ArgumentNullException>("run", () => MeasuredWorkload.FromRun(null!, new CostWorkloadOptions()));
        Assert.Throws<ArgumentNullException>("options", () => MeasuredWorkload.FromRun(run, null!));
    }

    [Fact]
    public void FromRunDirectory_NotARunFolder_NamesItAndTheFix()
    {
        var error = Assert.Throws<InvalidInputException>(() => MeasuredWorkload.FromRunDirectory(_directory, new CostWorkloadOptions()));

        Assert.Equal(
            ValidationProblem.ForFile(
                _directory,
                $"'{_directory}' has no summary.json, so it is not a results folder (or the run was killed before it wrote one). Pass a folder written by 'loadlab run'.",
                "pass a results/<run-id> folder written by 'loadlab run', or a scenario file"),
            Assert.Single(error.Problems));
    }
}
