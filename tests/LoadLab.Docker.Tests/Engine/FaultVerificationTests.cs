using System.Diagnostics;
using Confluent.Kafka;
using Docker.DotNet.Models;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Docker.Tests.Support;
using LoadLab.Integration.Tests.Kafka;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Engine;
using LoadLab.Environments.Docker.Planning;
using Xunit.Abstractions;

namespace LoadLab.Docker.Tests.Engine;

/// <summary>
/// Faults on the real engine are recorded only by their effect as the Kafka protocol shows it: against the three-broker
/// local mock in one container (environments/local-mock-3.yaml, `cluster serve --control` inside).
/// </summary>
public sealed class FaultVerificationTests(ITestOutputHelper output)
{
    private static readonly TopicSpec Events = new("events", 6, 3);

    [SkippableFact]
    public async Task ExecuteAsync_LeaderMoveThroughTheControlEndpoint_RecordedWhenTheNewLeaderIsSeenWithItsDuration()
    {
        await using var cluster = await StartAsync("move", LocalMock.Definition("local-mock-3.yaml"));
        var before = await cluster.Faults.GetLeaderAsync("events", 0, CancellationToken.None);
        var target = before % 3 + 1;

        var outcome = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.LeaderMove, Topic: "events", Partition: 0, Replicas: [target!.Value]), CancellationToken.None);
        var seenByAFreshClient = LeaderSeenBy(cluster.BootstrapServers, "events", 0);

        output.WriteLine(outcome.ToString());
        Assert.True(outcome.Succeeded, outcome.Detail);
        Assert.Contains($"LeaderMove of events/0 observed", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains($"events/0: leader {target}, replicas [", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains($"(before: leader {before}, replicas [", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("a probe to events/0 was acknowledged", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("\"succeeded\": true", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(target, seenByAFreshClient);
        Assert.True(outcome.Took > TimeSpan.Zero);
    }

    [SkippableFact]
    public async Task ExecuteAsync_ToolExitsZeroWithoutEffect_RecordedAsFailedWithWhatWasObserved()
    {
        var definition = LocalMock.Definition("local-mock-3.yaml");
        var faults = new Dictionary<FaultMappingKey, FaultMapping>(definition.Faults)
        {
            // A "platform tool" that says nothing and exits 0, like rpk transfer-leadership reaching the wrong broker.
            [FaultMappingKey.LeaderMove] = new ExecFaultMapping(["dotnet", "/opt/loadlab/LoadLab.Docker.Tests.dll", "echo", "moved {topic}/{partition}"], TimeSpan.FromSeconds(5)),
        };
        await using var cluster = await StartAsync("noop", definition with { Faults = faults });
        var before = await cluster.Faults.GetLeaderAsync("events", 0, CancellationToken.None);
        var target = before % 3 + 1;

        var outcome = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.LeaderMove, Topic: "events", Partition: 0, Replicas: [target!.Value]), CancellationToken.None);

        output.WriteLine(outcome.ToString());
        Assert.False(outcome.Succeeded);
        Assert.Contains("exited 0", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains($"broker {target} leads events/0 and a probe message to events/0 is acknowledged was not seen within", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains($"events/0: leader {before}, replicas [", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(before, LeaderSeenBy(cluster.BootstrapServers, "events", 0));
    }

    [SkippableFact]
    public async Task BrokerSlow_ThroughTheClientProxy_ProduceLatencyRisesByTheLatencyForThatBrokersPartitionsOnly()
    {
        var latency = TimeSpan.FromMilliseconds(200);
        await using var cluster = await StartAsync("slow", LocalMock.Definition("local-mock-3.yaml"), new HashSet<FaultOperation> { FaultOperation.BrokerSlow, FaultOperation.BrokerRestoreSpeed });
        var leaders = new Dictionary<int, int>();
        for (var partition = 0; partition < Events.Partitions; partition++)
        {
            leaders[partition] = (await cluster.Faults.GetLeaderAsync("events", partition, CancellationToken.None))!.Value;
        }

        var slowed = leaders[0];
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig(cluster.ClientDefaults.ToDictionary()) { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 })
            .SetLogHandler((_, _) => { }).Build();

        Task ProduceOne(int partition) => producer.ProduceAsync(new TopicPartition("events", partition), new Message<Null, string> { Value = "v" });
        var before = await PartitionLatencies.MedianAsync(Events.Partitions, ProduceOne);
        var slow = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerSlow, slowed, Latency: latency), CancellationToken.None);
        var during = await PartitionLatencies.MedianAsync(Events.Partitions, ProduceOne);
        var restore = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerRestoreSpeed, slowed), CancellationToken.None);
        var after = await PartitionLatencies.MedianAsync(Events.Partitions, ProduceOne);

        output.WriteLine($"slow: {slow}\nrestore: {restore}\n{PartitionLatencies.Describe(leaders, before, during, after)}");
        Assert.True(slow.Succeeded, slow.Detail);
        Assert.Contains("traffic between brokers is not slowed", slow.Detail, StringComparison.Ordinal);
        Assert.True(restore.Succeeded, restore.Detail);
        Assert.Contains("clientProxy", cluster.Description.Keys);
        PartitionLatencies.AssertOnlySlowedBrokerWasSlower(leaders, slowed, latency, before, during, after);
    }

    [SkippableFact]
    public async Task ExecuteAsync_PauseThenResume_SilentWhilePausedAndRecordedWhenItServesAgain()
    {
        await using var cluster = await StartAsync("pause3", LocalMock.Definition("local-mock-3.yaml"));

        var pause = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerPause, BrokerId: 2), CancellationToken.None);
        var resume = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerResume, BrokerId: 2), CancellationToken.None);

        output.WriteLine($"pause: {pause}\nresume: {resume}");
        Assert.True(pause.Succeeded, pause.Detail);
        Assert.Contains("did not answer ApiVersions within", pause.Detail, StringComparison.Ordinal);
        Assert.Contains("with brokers 1,3, served by the same container", pause.Detail, StringComparison.Ordinal);
        Assert.True(resume.Succeeded, resume.Detail);
        Assert.Contains("answers Metadata listing brokers 1,2,3", resume.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task BrokerAdd_ThenTeardown_LeavesNoVolumeLabelledOrNot()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        var definition = LocalMock.Definition();
        definition = definition with
        {
            Brokers = definition.Brokers with { Volumes = [new VolumeSpec("mock-{id}-data", "/var/lib/mock")] },
            Faults = new Dictionary<FaultMappingKey, FaultMapping>(definition.Faults) { [FaultMappingKey.BrokerAdd] = new ContainerFaultMapping(ContainerAction.AddNode) },
            Readiness = new ReadinessSpec(TimeSpan.FromSeconds(20)),
        };
        var volumesBefore = await VolumeNamesAsync(client, labelled: false);
        string runId;
        FaultOutcome added;
        List<string> labelledWhileUp;
        await using (var cluster = await StartAsync("add", definition, topic: new TopicSpec("events", 3, 1)))
        {
            runId = cluster.RunId;
            added = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerAdd), CancellationToken.None);
            labelledWhileUp = await VolumeNamesAsync(client, labelled: true);
        }

        var labelledAfter = await VolumeNamesAsync(client, labelled: true);
        var leftOver = (await VolumeNamesAsync(client, labelled: false)).Except(volumesBefore).ToList();

        output.WriteLine($"add: {added}; labelled while up: {string.Join(", ", labelledWhileUp)}");
        Assert.Contains($"loadlab-{runId}-mock-1-data", labelledWhileUp);
        Assert.Contains($"loadlab-{runId}-mock-2-data", labelledWhileUp);
        // The added container runs a mock cluster of its own, which the first never lists: the add is recorded as failed,
        // with what the cluster's metadata showed, not as done because the container started.
        Assert.False(added.Succeeded);
        Assert.Contains("did not join within", added.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(labelledAfter, name => name.Contains(runId, StringComparison.Ordinal));
        Assert.Empty(leftOver);
    }

    /// <summary>Volume names on the engine: those labelled loadlab.managed=true, or all of them.</summary>
    private static async Task<List<string>> VolumeNamesAsync(global::Docker.DotNet.DockerClient client, bool labelled)
    {
        var response = await client.Volumes.ListAsync(labelled ? new VolumesListParameters { Filters = ResourceReaper.LabelFilter(null) } : new VolumesListParameters(), CancellationToken.None);
        return [.. (response.Volumes ?? []).Select(volume => volume.Name).Order(StringComparer.Ordinal)];
    }

    private static int? LeaderSeenBy(string bootstrapServers, string topic, int partition)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single().Partitions.Single(p => p.PartitionId == partition).Leader;
    }

    private async Task<DockerCluster> StartAsync(string test, EnvironmentDefinition definition, IReadOnlySet<FaultOperation>? faults = null, TopicSpec? topic = null)
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        await TestBrokerImage.EnsureBuiltAsync();
        var started = Stopwatch.StartNew();
        var request = new ClusterRequest(LocalMock.RunId(test), [topic ?? Events]) { Faults = faults ?? new HashSet<FaultOperation>() };
        var cluster = await new DockerClusterProvider(LocalMock.Options(definition)).StartAsync(request, CancellationToken.None);
        output.WriteLine($"cluster up: {started.Elapsed.TotalSeconds:0.00} s ({cluster.BootstrapServers})");
        return cluster;
    }
}
