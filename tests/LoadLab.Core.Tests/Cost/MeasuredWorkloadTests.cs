using LoadLab.Core.Cost;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Cost;

public sealed class MeasuredWorkloadTests
{
    private const string Series = """
        second,targetRate,sent,acked,failed,consumed,queueFull,avgPayloadBytes,produceP50Ms
        0,100,100,100,0,0,0,2048,1
        1,100,100,100,0,0,0,1024,1
        2,300,300,200,0,0,0,1024,1
        3,100,100,100,0,0,0,,1
        4,100,100,100,0,0,0,1024,1
        """;

    private static RunSummary Summary(params FaultSummary[] faults) => new()
    {
        RunId = "r1",
        Scenario = "burst",
        StartedAt = DateTimeOffset.UnixEpoch,
        Outcome = RunOutcome.Completed,
        DurationSeconds = 3,
        WarmupSeconds = 1,
        Environment = new EnvironmentSummary("embedded", new Dictionary<string, string>()),
        Produce = new ProduceSummary { Target = 0, Sent = 0, Acked = 0, Failed = 0 },
        Consume = new ConsumeSummary([new GroupSummary { Group = "a", Topic = "t", Consumed = 0 }, new GroupSummary { Group = "a", Topic = "u", Consumed = 0 }, new GroupSummary { Group = "b", Topic = "t", Consumed = 0 }]),
        LatencyMs = null!,
        Rate = new RateSummary { Target = 100, Achieved = 100 },
        Payload = new PayloadSummary(512, 100, 2048),
        Partitions = [new PartitionSummary("t", 0, 1, 1, 0), new PartitionSummary("t", 1, 1, 1, 0)],
        Faults = faults,
    };

    [Fact]
    public void FromRun_Series_UsesAckedTimesPayloadInsideTheMeasuredWindowOnly()
    {
        var workload = MeasuredWorkload.FromRun(Summary(), Series, "series.csv", new CostWorkloadOptions());

        // Seconds 1..3 (warm-up second 0 excluded, second 4 is after the window); an empty payload cell uses the summary's 512 B.
        Assert.Equal([100 * 1024 / 1048576.0, 200 * 1024 / 1048576.0, 100 * 512 / 1048576.0], workload.IngressMiBpsPerSecond);
        Assert.Equal(((100 * 1024) + (200 * 1024) + (100 * 512)) / 400.0, workload.AverageMessageBytes, precision: 9);
        Assert.Equal(2, workload.FanOut);
        Assert.Equal(2, workload.Partitions);
        Assert.True(workload.Measured);
    }

    [Fact]
    public void FromRun_ReplicationFactorNotRecorded_AssumesThreeAndSaysSo()
    {
        var workload = MeasuredWorkload.FromRun(Summary(), Series, "series.csv", new CostWorkloadOptions());

        Assert.Equal(3, workload.ReplicationFactor);
        Assert.Contains(workload.Notes, n => n.Contains("--replication-factor", StringComparison.Ordinal));
    }

    [Fact]
    public void FromRun_ReassignAndBrokerAddFaults_BecomeMeasuredOperations()
    {
        var summary = Summary(
            new FaultSummary { Action = "partition.reassign", Target = "t/0", AtSeconds = 1, DurationSeconds = 2, RecoverySeconds = 6 },
            new FaultSummary { Action = "broker.add", Target = "4", AtSeconds = 2, DurationSeconds = 3 },
            new FaultSummary { Action = "broker.kill", Target = "1", AtSeconds = 2, DurationSeconds = 5, RecoverySeconds = 9 });

        var workload = MeasuredWorkload.FromRun(summary, Series, "series.csv", new CostWorkloadOptions());

        Assert.Equal([new MeasuredOperation("partition.reassign", 6), new MeasuredOperation("broker.add", 3)], workload.MeasuredOperations);
        Assert.True(workload.MeasuredOnMockCluster);
    }

    [Fact]
    public void FromRun_MissingColumn_NamesTheColumnAndTheFormat()
    {
        var error = Assert.Throws<CostInputException>(() => MeasuredWorkload.FromRun(Summary(), "second,acked\n1,100\n", "results/r1/series.csv", new CostWorkloadOptions()));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("results/r1/series.csv", problem.File);
        Assert.Equal("avgPayloadBytes", problem.Path);
        Assert.Contains("results/README.md", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRun_NoSeries_FallsBackToTheAchievedRateAndNotesTheMissingBursts()
    {
        var workload = MeasuredWorkload.FromRun(Summary(), null, "series.csv", new CostWorkloadOptions());

        Assert.Equal(100 * 512 / 1048576.0, workload.PeakIngressMiBps, precision: 12);
        Assert.Equal(1, workload.Burst.PeakToAverage, precision: 9);
        Assert.Contains(workload.Notes, n => n.Contains("series.csv missing", StringComparison.Ordinal));
    }
}
