using LoadLab.Core.Omb;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Omb;

public sealed class OmbImportTests
{
    [Theory]
    [MemberData(nameof(OmbFixtures.Workloads), MemberType = typeof(OmbFixtures))]
    public void ToScenario_RealOmbWorkload_WritesAScenarioThatValidatesAndReadsBackTheSame(string name)
    {
        var path = OmbFixtures.Workload(name);
        var file = OmbWorkloadReader.Load(path).Value!;

        var imported = OmbImport.ToScenario(file, path);

        var reread = ScenarioLoader.Parse(imported.Yaml, "imported.yaml");
        Assert.True(reread.Succeeded, string.Join("\n", reread.Problems));
        var scenario = reread.Scenario!;
        var workload = file.Workload;
        Assert.Equal(name, scenario.Name);
        Assert.Equal(TimeSpan.FromMinutes(workload.TestDurationMinutes), scenario.Duration);
        Assert.Equal(TimeSpan.FromMinutes(workload.WarmupDurationMinutes), scenario.Warmup);
        Assert.Equal(workload.Topics, scenario.Topics.Count);
        Assert.All(scenario.Topics, t => Assert.Equal((workload.PartitionsPerTopic, 3), (t.Partitions, t.ReplicationFactor)));
        Assert.Equal(workload.Topics, scenario.Traffic.Count);
        Assert.All(scenario.Traffic, s => Assert.Equal((workload.ProducersPerTopic, workload.MessageSize, PayloadKind.Fixed, ArrivalProcess.Uniform), (s.Producers, s.Payload.Size, s.Payload.Kind, s.Arrivals)));
        Assert.Equal(workload.ProducerRate > 0 ? workload.ProducerRate : OmbImport.MaxRateSearchStart, scenario.Traffic.Sum(s => s.Rate), precision: 3);
        Assert.Equal(workload.Topics * workload.SubscriptionsPerTopic, scenario.Consumers.Count);
        Assert.All(scenario.Consumers, g => Assert.Equal(workload.ConsumerPerSubscription, g.Instances));
        Assert.Equal(workload.Name, imported.WorkloadName);
        // Every field of OMB's Workload is accounted for, in OMB's order, plus the driver's replication factor.
        var listed = imported.Fields.Select(f => f.Field).ToList();
        Assert.Equal("replicationFactor", listed[^1]);
    }

    [Theory]
    [InlineData("1-topic-1-partition-1kb", "payloadFile")]
    [InlineData("1-topic-100-partitions-1kb-4p-4c-200k", "useRandomizedPayloads,randomBytesRatio,randomizedPayloadPoolSize")]
    [InlineData("1-topic-100-partitions-1kb-4p-4c-200k-backlog", "useRandomizedPayloads,randomBytesRatio,randomizedPayloadPoolSize,consumerBacklogSizeGB,backlogDrainRatio")]
    [InlineData("100-topics-1-partitions-1kb", "payloadFile")]
    [InlineData("max-rate-1-topic-16-partitions-1kb", "payloadFile,producerRate")]
    public void ToScenario_RealOmbWorkload_NamesExactlyTheFieldsLoadLabCannotHonour(string name, string fields)
    {
        var path = OmbFixtures.Workload(name);

        var imported = OmbImport.ToScenario(OmbWorkloadReader.Load(path).Value!, path);

        Assert.Equal(fields.Split(','), imported.NotHonoured.Select(f => f.Field));
        foreach (var field in imported.NotHonoured)
        {
            Assert.Contains($"#   {field.Field} (not honoured): ", imported.Yaml, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ToScenario_HundredTopicsThreeSubscriptions_SplitsTheTotalRateAndMakesAGroupPerSubscription()
    {
        var path = OmbFixtures.Workload("100-topics-1-partitions-1kb");

        var scenario = OmbImport.ToScenario(OmbWorkloadReader.Load(path).Value!, path).Scenario;

        // producerRate 150,000 is the total over all producers (one UniformRateLimiter per worker).
        Assert.All(scenario.Traffic, s => Assert.Equal(1_500, s.Rate));
        Assert.Equal(["omb-topic-00", "omb-topic-99"], new[] { scenario.Topics[0].Name, scenario.Topics[^1].Name });
        Assert.Equal(300, scenario.Consumers.Count);
        Assert.Equal(["omb-topic-00-sub-000", "omb-topic-00-sub-001", "omb-topic-00-sub-002"], scenario.Consumers.Take(3).Select(g => g.Group));
        Assert.Equal(300, scenario.Consumers.Select(g => g.Group).Distinct().Count());
    }

    [Theory]
    [InlineData("KEY_ROUND_ROBIN", KeyDistribution.Sequential)]
    [InlineData("RANDOM_NANO", KeyDistribution.Uniform)]
    [InlineData("NO_KEY", KeyDistribution.None)]
    public void ToScenario_KeyDistributor_MapsToTheKeyDistributionOverOmbsTenThousandKeys(string distributor, KeyDistribution expected)
    {
        var yaml = $"name: keyed\ntopics: 1\npartitionsPerTopic: 6\nmessageSize: 20\nproducersPerTopic: 1\nproducerRate: 5000\ntestDurationMinutes: 5\nkeyDistributor: {distributor}\n";
        var file = OmbWorkloadReader.Parse(yaml, "keyed.yaml").Value!;

        var imported = OmbImport.ToScenario(file, "workloads/keyed.yaml");

        var keys = Assert.Single(imported.Scenario.Traffic).Keys;
        Assert.Equal(expected, keys.Distribution);
        if (expected != KeyDistribution.None)
        {
            Assert.Equal(10_000, keys.Space);
            Assert.Equal(OmbFieldFit.Approximate, Assert.Single(imported.Fields, f => f.Field == "keyDistributor").Fit);
        }
    }

    [Fact]
    public void ToScenario_WithoutNameAndWithOddFileName_UsesASafeScenarioNameAndTheFileAsWorkloadName()
    {
        var file = OmbWorkloadReader.Parse("topics: 2\npartitionsPerTopic: 3\nmessageSize: 100\nproducersPerTopic: 2\nproducerRate: 1000\ntestDurationMinutes: 1\nwarmupDurationMinutes: 0\n", "x").Value!;

        var imported = OmbImport.ToScenario(file, "/tmp/My Workload (v2).yaml", replicationFactor: 1);

        Assert.Equal("My-Workload-v2", imported.Scenario.Name);
        Assert.Equal("My Workload (v2)", imported.WorkloadName);
        Assert.Equal(TimeSpan.Zero, imported.Scenario.Warmup);
        Assert.Empty(imported.Scenario.Consumers);
        Assert.All(imported.Scenario.Topics, t => Assert.Equal(1, t.ReplicationFactor));
        Assert.All(imported.Scenario.Traffic, s => Assert.Equal(500, s.Rate));
    }
}
