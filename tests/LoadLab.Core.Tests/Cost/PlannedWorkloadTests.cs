using LoadLab.Core.Cost;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Cost;

public sealed class PlannedWorkloadTests
{
    [Fact]
    public void FromScenario_Spike_IsPlannedPerSecondLikeThePacersSchedule()
    {
        var scenario = new Scenario
        {
            Name = "spike",
            Duration = TimeSpan.FromSeconds(60),
            Topics = [new TopicSpec("t", 3, 3)],
            Traffic =
            [
                new TrafficStream
                {
                    Name = "s",
                    Topic = "t",
                    Rate = 1_024,
                    Payload = new PayloadSpec { Size = 1_024 },
                    Phases = [new SpikePhase(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10), 3)],
                },
            ],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());

        Assert.Equal(1, workload.IngressMiBpsPerSecond[19], precision: 9);
        Assert.Equal(3, workload.IngressMiBpsPerSecond[20], precision: 9);
        Assert.Equal(3, workload.IngressMiBpsPerSecond[29], precision: 9);
        Assert.Equal(1, workload.IngressMiBpsPerSecond[30], precision: 9);
        Assert.Equal(3 / (80.0 / 60), workload.Burst.PeakToAverage, precision: 9);
        Assert.Equal(TimeSpan.FromSeconds(10), workload.Burst.LongestPeak);
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
    }

    [Fact]
    public void FromScenario_ReplicationFactorOverride_IsPricedAndNamed()
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
        Assert.Equal("--replication-factor", workload.ReplicationSource);
    }

    [Fact]
    public void FromScenario_TopicRetention_IsPricedByteWeightedAndNamed()
    {
        var scenario = new Scenario
        {
            Name = "retained",
            Duration = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("a", 1, 3, TimeSpan.FromDays(7)), new TopicSpec("b", 1, 3)],
            Traffic =
            [
                new TrafficStream { Name = "x", Topic = "a", Rate = 300, Payload = new PayloadSpec { Size = 100 } },
                new TrafficStream { Name = "y", Topic = "b", Rate = 100, Payload = new PayloadSpec { Size = 100 } },
            ],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());

        Assert.Equal((0.75 * 168) + (0.25 * 24), workload.Retention.TotalHours, precision: 6);
        Assert.Contains("b without retention priced at 24 h", workload.RetentionSource, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(1), PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions { Retention = TimeSpan.FromHours(1) }).Retention);
    }

    [Fact]
    public void FromScenario_Keys_AddToTheBytesSentAndStored()
    {
        var scenario = new Scenario
        {
            Name = "keyed",
            Duration = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("t", 1, 3)],
            Traffic = [new TrafficStream { Name = "s", Topic = "t", Rate = 10, Payload = new PayloadSpec { Size = 1_000 }, Keys = new KeySpec { Kind = KeyKind.Account } }],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());

        Assert.True(workload.StoredFactor > 1 && workload.StoredFactor < 1.05, workload.StoredFactor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(workload.StoredFactor, workload.WireFactor);
        Assert.Contains("measured by a run", workload.FactorSource, StringComparison.Ordinal);
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
