using System.Diagnostics;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.Embedded;

namespace LoadLab.Integration.Tests.Embedded;

/// <summary>Starts embedded clusters with short delays and builds clients with the cluster's defaults.</summary>
internal static class EmbeddedTestCluster
{
    public static readonly EmbeddedOptions FastOptions = new()
    {
        DetectionDelay = TimeSpan.FromSeconds(1),
        PreferredLeaderRestoreDelay = TimeSpan.FromSeconds(1),
        GroupInitialRebalanceDelay = TimeSpan.Zero,
        ObservationTimeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<EmbeddedCluster> StartAsync(params TopicSpec[] topics) => await StartAsync(FastOptions, topics);

    public static async Task<EmbeddedCluster> StartAsync(EmbeddedOptions options, params TopicSpec[] topics)
    {
        var cluster = await new EmbeddedClusterProvider(options).StartAsync(new ClusterRequest("test-" + Guid.NewGuid().ToString("N")[..8], topics), CancellationToken.None);
        return (EmbeddedCluster)cluster;
    }

    public static IProducer<string, string> Producer(ICluster cluster, params (string Key, string Value)[] settings)
    {
        var config = new ProducerConfig(cluster.ClientDefaults.ToDictionary()) { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 };
        foreach (var (key, value) in settings)
        {
            config.Set(key, value);
        }

        return new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    public static IConsumer<string, string> Consumer(ICluster cluster, string group, params (string Key, string Value)[] settings)
    {
        var config = new ConsumerConfig(cluster.ClientDefaults.ToDictionary())
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        foreach (var (key, value) in settings)
        {
            config.Set(key, value);
        }

        return new ConsumerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    public static IAdminClient Admin(ICluster cluster) =>
        new AdminClientBuilder(new AdminClientConfig(cluster.ClientDefaults.ToDictionary()) { BootstrapServers = cluster.BootstrapServers })
            .SetLogHandler((_, _) => { }).Build();

    /// <summary>Produces one message to a partition and returns the acknowledgement latency.</summary>
    public static async Task<TimeSpan> ProduceOneAsync(IProducer<string, string> producer, string topic, int partition, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<string, string> { Key = "k", Value = "v" }, cancellationToken);
        return watch.Elapsed;
    }

    public static Metadata Metadata(ICluster cluster)
    {
        using var admin = Admin(cluster);
        return admin.GetMetadata(TimeSpan.FromSeconds(5));
    }

    public static int LeaderOf(Metadata metadata, string topic, int partition) =>
        metadata.Topics.Single(t => t.Topic == topic).Partitions.Single(p => p.PartitionId == partition).Leader;
}
