using LoadLab.Core.Cost;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Cost;

public sealed class PlannedWorkloadTests
{
    private static TrafficStream Stream(double rate, params RatePhase[] phases) =>
        new() { Name = "s", Topic = "t", Rate = rate, Phases = phases };

    [Fact]
    public void PlannedRate_StepThenRamp_ChangesTheBaseRateInOrder()
    {
        var stream = Stream(100, new StepPhase(TimeSpan.FromSeconds(10), 200), new RampPhase(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), 400));

        Assert.Equal(100, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(5)));
        Assert.Equal(200, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(15)));
        Assert.Equal(300, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(25)), precision: 9);
        Assert.Equal(400, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void PlannedRate_SpikeAndSine_MultiplyOnlyWhileActive()
    {
        var stream = Stream(100,
            new SpikePhase(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 4),
            new SinePhase(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(40), 0.5));

        Assert.Equal(400, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(12)));
        Assert.Equal(100, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(15)));
        Assert.Equal(150, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(110)), precision: 9);
        Assert.Equal(50, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(130)), precision: 9);
        Assert.Equal(100, PlannedWorkload.PlannedRate(stream, TimeSpan.FromSeconds(150)));
    }

    [Fact]
    public void PlannedPayloadBytes_LinearGrowthAndSteps_FollowTheSchedule()
    {
        var linear = new PayloadSpec { Size = 1_000, Growth = new PayloadGrowth { LinearTo = 3_000 } };
        var stepped = new PayloadSpec { Size = 1_000, Growth = new PayloadGrowth { Steps = [new SizeStep(TimeSpan.FromSeconds(30), 2_000)] } };
        var run = TimeSpan.FromSeconds(100);

        Assert.Equal(2_000, PlannedWorkload.PlannedPayloadBytes(linear, TimeSpan.FromSeconds(50), run), precision: 9);
        Assert.Equal(1_000, PlannedWorkload.PlannedPayloadBytes(stepped, TimeSpan.FromSeconds(29), run));
        Assert.Equal(2_000, PlannedWorkload.PlannedPayloadBytes(stepped, TimeSpan.FromSeconds(31), run));
    }

    [Fact]
    public void FromScenario_TwoTopics_WeightsFanOutAndReplicationByBytes()
    {
        var scenario = new Scenario
        {
            Name = "two-topics",
            Duration = TimeSpan.FromSeconds(50),
            Warmup = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("decisions", 6, 3), new TopicSpec("audit", 3, 1)],
            Traffic =
            [
                new TrafficStream { Name = "a", Topic = "decisions", Rate = 1_024, Payload = new PayloadSpec { Size = 768 } },
                new TrafficStream { Name = "b", Topic = "audit", Rate = 1_024, Payload = new PayloadSpec { Size = 256 } },
            ],
            Consumers =
            [
                new ConsumerGroupSpec("risk", "decisions", 2, TimeSpan.Zero, new Dictionary<string, string>()),
                new ConsumerGroupSpec("dash", "decisions", 1, TimeSpan.Zero, new Dictionary<string, string>()),
                new ConsumerGroupSpec("lake", "audit", 1, TimeSpan.Zero, new Dictionary<string, string>()),
            ],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions { Retention = TimeSpan.FromHours(6) });

        Assert.Equal(60, workload.IngressMiBpsPerSecond.Count); // warm-up included: traffic runs then too
        Assert.Equal(1, workload.AverageIngressMiBps, precision: 9); // 1,024 × (768 + 256) B = 1 MiB/s
        Assert.Equal(512, workload.AverageMessageBytes, precision: 9);
        Assert.Equal((0.75 * 2) + (0.25 * 1), workload.FanOut, precision: 9);
        Assert.Equal((0.75 * 3) + (0.25 * 1), workload.ReplicationFactor, precision: 9);
        Assert.Equal(9, workload.Partitions);
        Assert.Equal(TimeSpan.FromHours(6), workload.Retention);
        Assert.Empty(workload.Notes);
    }

    [Fact]
    public void FromScenario_ReplicationFactorOverride_IsPricedAndNoted()
    {
        var scenario = new Scenario
        {
            Name = "rf1",
            Duration = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("t", 1, 1)],
            Traffic = [new TrafficStream { Name = "s", Topic = "t", Rate = 10 }],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions { ReplicationFactor = 3 });

        Assert.Equal(3, workload.ReplicationFactor);
        Assert.Contains(workload.Notes, n => n.Contains("replication factor 3", StringComparison.Ordinal));
    }

    [Fact]
    public void BurstProfile_SpikeOf30Seconds_ReportsRatioLongestPeakAndShare()
    {
        var perSecond = Enumerable.Repeat(10.0, 300).ToArray();
        for (var second = 100; second < 130; second++)
        {
            perSecond[second] = 40;
        }

        var burst = BurstProfile.Of(perSecond);

        Assert.Equal(40 / ((270 * 10.0 + 30 * 40) / 300), burst.PeakToAverage, precision: 9);
        Assert.Equal(TimeSpan.FromSeconds(30), burst.LongestPeak);
        Assert.Equal(0.1, burst.ShareNearPeak, precision: 9);
    }
}
