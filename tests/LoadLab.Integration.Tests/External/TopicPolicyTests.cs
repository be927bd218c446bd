using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.External;
using LoadLab.Kafka.Admin;

namespace LoadLab.Integration.Tests.External;

public sealed class TopicPolicyTests
{
    private static readonly TopicSpec Orders = new("orders", 6, 3);

    [Fact]
    public async Task Create_MissingTopic_IsCreatedWithTheScenarioShape()
    {
        var admin = new FakeTopicAdmin();

        var prepared = await TopicPolicyEnforcer.ApplyAsync(Definition(TopicPolicy.Create), [Orders], "run1", admin, CancellationToken.None);

        Assert.Equal([Orders], admin.Created);
        Assert.Equal("orders", prepared.Names["orders"]);
        Assert.Empty(prepared.ToDelete);
    }

    [Fact]
    public async Task Create_ExistingTopicWithOtherShape_IsAnErrorNamingBoth()
    {
        var admin = new FakeTopicAdmin { Topics = { ["orders"] = (3, 3) } };

        var error = await Assert.ThrowsAsync<EnvironmentException>(() => TopicPolicyEnforcer.ApplyAsync(Definition(TopicPolicy.Create), [Orders], "run1", admin, CancellationToken.None));

        Assert.Contains("topic orders exists with 3 partitions and replication factor 3, but the scenario wants 6 and 3", error.Message, StringComparison.Ordinal);
        Assert.Empty(admin.Created);
    }

    [Fact]
    public async Task Existing_MissingTopics_AreNamed()
    {
        var admin = new FakeTopicAdmin { Topics = { ["orders"] = (6, 3) } };

        var error = await Assert.ThrowsAsync<EnvironmentException>(() =>
            TopicPolicyEnforcer.ApplyAsync(Definition(TopicPolicy.Existing), [Orders, new("audit", 1, 1), new("dlq", 1, 1)], "run1", admin, CancellationToken.None));

        Assert.Contains("topics: existing, but audit, dlq do not exist on the cluster", error.Message, StringComparison.Ordinal);
        Assert.Empty(admin.Created);
    }

    [Fact]
    public async Task Existing_TopicHoldingData_IsRefusedUnlessAllowed()
    {
        var admin = new FakeTopicAdmin { Topics = { ["orders"] = (6, 3) }, Messages = { ["orders"] = 42 } };

        var error = await Assert.ThrowsAsync<EnvironmentException>(() => TopicPolicyEnforcer.ApplyAsync(Definition(TopicPolicy.Existing), [Orders], "run1", admin, CancellationToken.None));
        var allowed = await TopicPolicyEnforcer.ApplyAsync(Definition(TopicPolicy.Existing) with { AllowExistingData = true }, [Orders], "run1", admin, CancellationToken.None);

        Assert.Contains("refusing to write into topics that already hold data: orders (42 messages)", error.Message, StringComparison.Ordinal);
        Assert.Equal("orders", allowed.Names["orders"]);
    }

    [Fact]
    public async Task Prefix_CreatesPerRunTopicsAndDeletesThemAtTheEnd()
    {
        var admin = new FakeTopicAdmin { Topics = { ["orders"] = (1, 1) }, Messages = { ["orders"] = 5 } };

        var prepared = await TopicPolicyEnforcer.ApplyAsync(Definition(TopicPolicy.Prefix) with { TopicPrefix = "ll-" }, [Orders], "run1", admin, CancellationToken.None);

        Assert.Equal("ll-run1-orders", prepared.Names["orders"]);
        Assert.Equal([Orders with { Name = "ll-run1-orders" }], admin.Created);
        Assert.Equal(["ll-run1-orders"], prepared.ToDelete);
    }

    [Fact]
    public void Rename_Scenario_MovesEveryTopicReference()
    {
        var scenario = new Scenario
        {
            Name = "s",
            Duration = TimeSpan.FromSeconds(1),
            Topics = [Orders],
            Traffic = [new TrafficStream { Name = "t", Topic = "orders", Rate = 1 }],
            Consumers = [new ConsumerGroupSpec("g", "orders", 1, TimeSpan.Zero, new Dictionary<string, string>())],
            Faults = [new FaultSpec { At = TimeSpan.Zero, Action = FaultAction.BrokerKill, Target = new LeaderOfTarget("orders", 0) }],
        };

        var renamed = ScenarioTopics.Rename(scenario, new Dictionary<string, string> { ["orders"] = "p-orders" });

        Assert.Equal("p-orders", renamed.Topics[0].Name);
        Assert.Equal("p-orders", renamed.Traffic[0].Topic);
        Assert.Equal("p-orders", renamed.Consumers[0].Topic);
        Assert.Equal(new LeaderOfTarget("p-orders", 0), renamed.Faults[0].Target);
    }

    private static ExternalDefinition Definition(TopicPolicy policy) => new()
    {
        Name = "t",
        SourcePath = "t.yaml",
        BootstrapServers = "k:9092",
        BootstrapServersAt = new("t.yaml", "bootstrap-servers", 2, 20),
        ClientSettings = [],
        Topics = policy,
    };

    private sealed class FakeTopicAdmin : ITopicAdmin
    {
        public Dictionary<string, (int Partitions, int ReplicationFactor)> Topics { get; } = [];

        public Dictionary<string, long> Messages { get; } = [];

        public List<TopicSpec> Created { get; } = [];

        public Task<IReadOnlyDictionary<string, (int Partitions, int ReplicationFactor)>> DescribeAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, (int, int)>>(Topics.Where(t => names.Contains(t.Key)).ToDictionary());

        public Task CreateAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken)
        {
            Created.AddRange(topics);
            return Task.CompletedTask;
        }

        public Task DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<long> CountMessagesAsync(string topic, int partitions, CancellationToken cancellationToken) => Task.FromResult(Messages.GetValueOrDefault(topic));
    }
}
