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

    private string WriteRun(RunSummary summary, IReadOnlyList<(int Second, double Target, double Acked)> rows, string? scenario = Scenario)
    {
        var run = Directory.CreateDirectory(Path.Combine(_directory, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(run, RunFiles.Summary), JsonSerializer.Serialize(summary, ResultsJson.Indented));
        var series = new StringBuilder("second,targetRate,sent,acked,failed,consumed,queueFull,avgPayloadBytes\n");
        foreach (var (second, target, acked) in rows)
        {
            series.Append(CultureInfo.InvariantCulture, $"{second},{target},{target},{acked},0,{acked},0,1024\n");
        }

        File.WriteAllText(Path.Combine(run, RunFiles.Series), series.ToString());
        if (scenario is not null)
        {
            File.WriteAllText(Path.Combine(run, RunFiles.Scenario), scenario);
        }

        return run;
    }

    private static FaultSummary Kill => new() { Action = "broker.kill", Target = "1", AtSeconds = 20, DurationSeconds = 5, RecoverySeconds = 6, Succeeded = true };

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

        var problem = Assert.Single(error.Problems);
        Assert.EndsWith(RunFiles.Scenario, problem.File, StringComparison.Ordinal);
        Assert.Contains("--replication-factor", problem.Suggestion, StringComparison.Ordinal);
        Assert.Equal(2, MeasuredWorkload.FromRunDirectory(run, new CostWorkloadOptions { ReplicationFactor = 2 }).ReplicationFactor);
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
    }

    [Fact]
    public void FromRun_ReassignAndBrokerAddFaults_BecomeMeasuredOperations()
    {
        var summary = Summary(
            new FaultSummary { Action = "partition.reassign", Target = "t/0", AtSeconds = 10, DurationSeconds = 2, RecoverySeconds = 6, Succeeded = true },
            new FaultSummary { Action = "broker.add", Target = "4", AtSeconds = 30, DurationSeconds = 3, Succeeded = true });

        var workload = MeasuredWorkload.FromRunDirectory(WriteRun(summary, Rows(outage: false)), new CostWorkloadOptions());

        Assert.Equal([new MeasuredOperation("partition.reassign", 6), new MeasuredOperation("broker.add", 3)], workload.MeasuredOperations);
        Assert.True(workload.MeasuredOnMockCluster);
    }

    [Fact]
    public void FromRunDirectory_NotARunFolder_NamesItAndTheFix()
    {
        var error = Assert.Throws<InvalidInputException>(() => MeasuredWorkload.FromRunDirectory(_directory, new CostWorkloadOptions()));

        Assert.Equal(_directory, Assert.Single(error.Problems).File);
    }
}
