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
        Assert.Equal(2_000, PlannedWorkload.PlannedPayloadBytes(stepped, TimeSpan.FromSeconds(30), run)); // a step applies from its offset on
        Assert.Equal(2_000, PlannedWorkload.PlannedPayloadBytes(stepped, TimeSpan.FromSeconds(31), run));
    }

    [Fact]
    public void PlannedPayloadBytes_StepsListedOutOfOrder_TheLatestPassedStepWins()
    {
        var stepped = new PayloadSpec { Size = 1_000, Growth = new PayloadGrowth { Steps = [new SizeStep(TimeSpan.FromSeconds(20), 3_000), new SizeStep(TimeSpan.FromSeconds(10), 2_000)] } };

        Assert.Equal(3_000, PlannedWorkload.PlannedPayloadBytes(stepped, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(100)));
    }

    [Fact]
    public void PlannedPayloadBytes_LinearGrowthOverAZeroLengthRun_KeepsTheBaseSize()
    {
        var linear = new PayloadSpec { Size = 1_000, Growth = new PayloadGrowth { LinearTo = 3_000 } };

        Assert.Equal(1_000, PlannedWorkload.PlannedPayloadBytes(linear, TimeSpan.FromSeconds(5), TimeSpan.Zero));
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
        Assert.Equal("scenario retained topics (retention, byte-weighted); b without retention priced at 24 h", workload.RetentionSource);
        Assert.Equal("scenario retained topics (replication-factor, byte-weighted)", workload.ReplicationSource);
        Assert.Equal(TimeSpan.FromHours(1), PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions { Retention = TimeSpan.FromHours(1) }).Retention);
    }

    [Fact]
    public void FromScenario_RetentionOfSomeTopics_NamesEveryTopicPricedAtTheDefaultAndSkipsTopicsNobodyWrites()
    {
        // "idle" has no stream: it holds no bytes, so neither its retention nor its name takes part.
        var scenario = new Scenario
        {
            Name = "mixed",
            Duration = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("a", 1, 3, TimeSpan.FromDays(7)), new TopicSpec("b", 1, 3), new TopicSpec("c", 1, 3), new TopicSpec("idle", 1, 3, TimeSpan.FromHours(1))],
            Traffic =
            [
                new TrafficStream { Name = "x", Topic = "a", Rate = 200, Payload = new PayloadSpec { Size = 100 } },
                new TrafficStream { Name = "y", Topic = "b", Rate = 100, Payload = new PayloadSpec { Size = 100 } },
                new TrafficStream { Name = "z", Topic = "c", Rate = 100, Payload = new PayloadSpec { Size = 100 } },
            ],
        };
        var everySet = scenario with { Name = "all-set", Topics = [new TopicSpec("a", 1, 3, TimeSpan.FromDays(7)), new TopicSpec("b", 1, 3, TimeSpan.FromHours(24)), new TopicSpec("c", 1, 3, TimeSpan.FromHours(24))] };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());
        var allSet = PlannedWorkload.FromScenario(everySet, new CostWorkloadOptions());

        // Shares 1/2, 1/4, 1/4: 0.5 × 168 h + 0.25 × 24 h + 0.25 × 24 h = 96 h, the same whether b and c say 24 h or leave it unset.
        Assert.Equal(96, workload.Retention.TotalHours, precision: 6);
        Assert.Equal(96, allSet.Retention.TotalHours, precision: 6);
        Assert.Equal("scenario mixed topics (retention, byte-weighted); b, c without retention priced at 24 h", workload.RetentionSource);
        Assert.Equal("scenario all-set topics (retention, byte-weighted)", allSet.RetentionSource);
    }

    [Fact]
    public void FromScenario_NothingWritten_SharesTopicsEquallyAndDividesNothingByZero()
    {
        var scenario = new Scenario
        {
            Name = "silent",
            Duration = TimeSpan.FromSeconds(5),
            Topics = [new TopicSpec("a", 2, 3), new TopicSpec("b", 1, 1)],
            Traffic = [new TrafficStream { Name = "s", Topic = "a", Rate = 0 }],
            Consumers = [new ConsumerGroupSpec("g", "a", 1, TimeSpan.Zero, new Dictionary<string, string>())],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());

        Assert.Equal([0, 0, 0, 0, 0], workload.IngressMiBpsPerSecond);
        Assert.Equal((0.0, 1.0, 1.0), (workload.AverageMessageBytes, workload.WireFactor, workload.StoredFactor));
        Assert.Equal("planned: values plus keys (0 B per message); headers, batching, compression and protocol framing are measured by a run", workload.FactorSource);
        // Each topic half: RF (3 + 1) / 2; one group reads a, none reads b.
        Assert.Equal((2.0, 0.5, 3), (workload.ReplicationFactor, workload.FanOut, workload.Partitions));
        Assert.Equal(
            (CostWorkloadOptions.DefaultRetention, "default 24 h (no topic sets retention; pass --retention or add retention: to the topics)"),
            (workload.Retention, workload.RetentionSource));
    }

    [Fact]
    public void FromScenario_LinearGrowth_PricesEachSecondAtTheSizeOfItsMiddle()
    {
        var scenario = new Scenario
        {
            Name = "growing",
            Duration = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("t", 1, 3)],
            Traffic = [new TrafficStream { Name = "s", Topic = "t", Rate = 100, Payload = new PayloadSpec { Size = 1_000, Growth = new PayloadGrowth { LinearTo = 2_000 } } }],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());

        // Second 0 is sampled at 0.5 s (1,050 B), second 9 at 9.5 s (1,950 B); on average exactly halfway, 1,500 B.
        Assert.Equal(100 * 1_050 / 1_048_576.0, workload.IngressMiBpsPerSecond[0], precision: 12);
        Assert.Equal(100 * 1_950 / 1_048_576.0, workload.IngressMiBpsPerSecond[9], precision: 12);
        Assert.Equal(1_500, workload.AverageMessageBytes, precision: 9);
    }

    [Fact]
    public void FromScenarioAndPlannedPayloadBytes_NullArguments_AreNamed()
    {
        var scenario = new Scenario { Name = "s", Duration = TimeSpan.FromSeconds(1), Topics = [new TopicSpec("t", 1, 1)], Traffic = [] };

        Assert.Throws<ArgumentNullException>("scenario", () => PlannedWorkload.FromScenario(null!, new CostWorkloadOptions()));
        Assert.Throws<ArgumentNullException>("options", () => PlannedWorkload.FromScenario(scenario, null!));
        Assert.Throws<ArgumentNullException>("payload", () => PlannedWorkload.PlannedPayloadBytes(null!, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData(KeyDistribution.Uniform, 11)] // account keys of a 10,000-key space: "acct-" and 6 digits
    [InlineData(KeyDistribution.None, 0)] // a stream without keys
    public void FromScenario_Keys_AddToTheBytesSentAndStored(KeyDistribution distribution, int keyBytes)
    {
        var scenario = new Scenario
        {
            Name = "keyed",
            Duration = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("t", 1, 3)],
            Traffic = [new TrafficStream { Name = "s", Topic = "t", Rate = 10, Payload = new PayloadSpec { Size = 1_000 }, Keys = new KeySpec { Distribution = distribution, Kind = KeyKind.Account } }],
        };

        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions());

        Assert.Equal((1_000.0 + keyBytes) / 1_000, workload.StoredFactor, precision: 12);
        Assert.Equal(workload.StoredFactor, workload.WireFactor);
        Assert.Equal($"planned: values plus keys ({keyBytes} B per message); headers, batching, compression and protocol framing are measured by a run", workload.FactorSource);
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
