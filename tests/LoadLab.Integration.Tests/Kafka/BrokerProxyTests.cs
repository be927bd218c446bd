using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Integration.Tests.Embedded;
using LoadLab.Kafka.Observation;
using LoadLab.Kafka.Proxy;
using Xunit.Abstractions;

namespace LoadLab.Integration.Tests.Kafka;

/// <summary>LoadLab's client-side proxy in front of the embedded cluster, with real clients going through it.</summary>
public sealed class BrokerProxyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan AddedLatency = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Metadata_ThroughTheProxy_NamesOnlyTheProxysListeners()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec("through", 3, 3));
        await using var proxy = StartProxy(cluster);
        using var admin = new AdminClientBuilder(new AdminClientConfig(cluster.ClientDefaults.ToDictionary()) { BootstrapServers = proxy.BootstrapServers }).SetLogHandler((_, _) => { }).Build();

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(5));
        var described = await admin.DescribeClusterAsync();

        Assert.Equal(proxy.Brokers.Select(b => $"{b.Id}@{b.Host}:{b.Port}"), metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.BrokerId}@{b.Host}:{b.Port}"));
        Assert.Equal(proxy.Brokers.Select(b => $"{b.Id}@{b.Host}:{b.Port}"), described.Nodes.OrderBy(n => n.Id).Select(n => $"{n.Id}@{n.Host}:{n.Port}"));
        Assert.DoesNotContain(metadata.Brokers, b => cluster.Brokers.Any(real => real.Port == b.Port));
    }

    [Fact]
    public async Task SetLatency_OneBroker_SlowsProduceToItsPartitionsOnlyByTheLatency()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec("slow", 6, 3));
        await using var proxy = StartProxy(cluster);
        var leaders = Enumerable.Range(0, 6).ToDictionary(p => p, p => EmbeddedTestCluster.LeaderOf(EmbeddedTestCluster.Metadata(cluster), "slow", p));
        const int slowed = 2;
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig(cluster.ClientDefaults.ToDictionary()) { BootstrapServers = proxy.BootstrapServers, LingerMs = 0 })
            .SetLogHandler((_, _) => { }).Build();

        Task ProduceOne(int partition) => producer.ProduceAsync(new TopicPartition("slow", partition), new Message<string, string> { Key = "k", Value = "v" });
        var before = await PartitionLatencies.MedianAsync(6, ProduceOne);
        proxy.SetLatency(slowed, AddedLatency);
        var during = await PartitionLatencies.MedianAsync(6, ProduceOne);
        proxy.SetLatency(slowed, TimeSpan.Zero);
        var after = await PartitionLatencies.MedianAsync(6, ProduceOne);

        output.WriteLine(PartitionLatencies.Describe(leaders, before, during, after));
        PartitionLatencies.AssertOnlySlowedBrokerWasSlower(leaders, slowed, AddedLatency, before, during, after);
    }

    [Fact]
    public async Task CutThenHeal_OneBroker_RequestsThroughItGoUnansweredThenPass()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec("cut", 1, 3));
        await using var proxy = StartProxy(cluster);
        using var observer = new ClusterObserver(cluster.BootstrapServers, cluster.ClientDefaults);
        var address = proxy.AddressOf(3)!;

        proxy.Cut(3);
        var cut = await observer.WaitForAsync(Until.BrokerSilent(3, address), TimeSpan.FromSeconds(5), CancellationToken.None);
        var other = await observer.WaitForAsync(Until.BrokerAnswers(1, proxy.AddressOf(1)!), TimeSpan.FromSeconds(5), CancellationToken.None);
        proxy.Heal(3);
        var healed = await observer.WaitForAsync(Until.BrokerAnswers(3, address), TimeSpan.FromSeconds(5), CancellationToken.None);

        output.WriteLine($"cut: {cut}; other: {other}; healed: {healed}");
        Assert.True(cut.Met, cut.Seen);
        Assert.Contains("did not answer ApiVersions", cut.Seen, StringComparison.Ordinal);
        Assert.True(other.Met, other.Seen);
        Assert.True(healed.Met, healed.Seen);
    }

    [Fact]
    public async Task Heal_AfterACut_DeliversTheRequestsThatWaitedInOrder()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec("held", 1, 1));
        await using var proxy = StartProxy(cluster);
        var leader = EmbeddedTestCluster.LeaderOf(EmbeddedTestCluster.Metadata(cluster), "held", 0);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig(cluster.ClientDefaults.ToDictionary())
        {
            BootstrapServers = proxy.BootstrapServers,
            LingerMs = 0,
            EnableIdempotence = true,
            RequestTimeoutMs = 30_000,
        }).SetLogHandler((_, _) => { }).Build();
        await producer.ProduceAsync(new TopicPartition("held", 0), new Message<string, string> { Key = "k", Value = "warm" });

        proxy.Cut(leader);
        var sends = Enumerable.Range(0, 5).Select(i => producer.ProduceAsync(new TopicPartition("held", 0), new Message<string, string> { Key = "k", Value = $"held-{i}" })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var doneWhileCut = sends.Count(s => s.IsCompleted);
        proxy.Heal(leader);
        var results = await Task.WhenAll(sends);

        Assert.Equal(0, doneWhileCut);
        Assert.Equal(results.Select(r => r.Offset.Value).Order(), results.Select(r => r.Offset.Value));
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
    }

    private static BrokerProxy StartProxy(ICluster cluster) =>
        BrokerProxy.Start([.. cluster.Brokers.Select(b => new ProxiedBroker(b.Id, b.Host, b.Port))]);
}
