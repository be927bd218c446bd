using System.Diagnostics;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Docker.Tests.Support;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Engine;
using Xunit.Abstractions;

namespace LoadLab.Docker.Tests.Engine;

/// <summary>Against the real engine with the locally built broker image (see Images/).</summary>
public sealed class DockerClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    [SkippableFact]
    public async Task StartAsync_LocalMock_IsReadyWithTopicsThenTeardownLeavesNothingLabelled()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        output.WriteLine($"image build: {(await TestBrokerImage.EnsureBuiltAsync()).TotalSeconds:0.00} s");
        var runId = LocalMock.RunId("ready");
        var progress = new List<string>();
        var provider = new DockerClusterProvider(LocalMock.Options(progress: progress));

        var started = Stopwatch.StartNew();
        var cluster = await provider.StartAsync(new ClusterRequest(runId, [new TopicSpec("events", 3, 1)]), CancellationToken.None);
        output.WriteLine($"cluster up: {started.Elapsed.TotalSeconds:0.00} s ({cluster.BootstrapServers})");
        try
        {
            Assert.Equal("brokers 1", LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout));
            Assert.Equal([1], cluster.Brokers.Select(broker => broker.Id));
            Assert.Equal(1, await cluster.Faults.GetLeaderAsync("events", 2, CancellationToken.None));
            Assert.Contains(FaultOperation.BrokerKill, cluster.Faults.Capabilities.Operations);
            Assert.DoesNotContain(FaultOperation.PartitionReassign, cluster.Faults.Capabilities.Operations);
            Assert.Equal("loadlab-mock", cluster.Description["platform"]);
        }
        finally
        {
            var teardown = Stopwatch.StartNew();
            await cluster.DisposeAsync();
            output.WriteLine($"teardown: {teardown.Elapsed.TotalSeconds:0.00} s");
        }

        Assert.DoesNotContain(await ResourceReaper.ListAsync(client, CancellationToken.None), environment => environment.RunId == runId);
        Assert.False((await ResourceReaper.RemoveAsync(client, runId, CancellationToken.None)).RemovedAnything);
        lock (progress)
        {
            Assert.Contains(progress, line => line.StartsWith($"removed 1 container(s), 1 network(s), 0 volume(s) of run {runId}", StringComparison.Ordinal));
        }
    }

    [SkippableFact]
    public async Task ExecuteAsync_KillThenRestart_BrokerDisappearsThenServesAgain()
    {
        await using var cluster = await StartAsync("kill");

        var kill = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerKill, BrokerId: 1), CancellationToken.None);
        var whileKilled = LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout);
        var restart = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerRestart, BrokerId: 1), CancellationToken.None);
        var afterRestart = LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout);

        output.WriteLine($"kill: {kill}; restart: {restart}");
        Assert.True(kill.Succeeded, kill.Detail);
        Assert.StartsWith("error ", whileKilled, StringComparison.Ordinal);
        Assert.True(restart.Succeeded, restart.Detail);
        Assert.Contains("it serves again after", restart.Detail, StringComparison.Ordinal);
        Assert.Equal("brokers 1", afterRestart);
    }

    [SkippableFact]
    public async Task ExecuteAsync_KillDuringProduceLoad_ProducerFailsThenDeliversAfterRestart()
    {
        await using var cluster = await StartAsync("load");
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            MessageTimeoutMs = 2000,
            LingerMs = 5,
        }).SetLogHandler((_, _) => { }).Build();

        var before = await ProduceAsync(producer, "before");
        var kill = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerKill, BrokerId: 1), CancellationToken.None);
        var whileKilled = await ProduceAsync(producer, "killed");
        var restart = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerRestart, BrokerId: 1), CancellationToken.None);
        var after = await ProduceAsync(producer, "after");

        output.WriteLine($"before: {before}; kill: {kill.Detail} ({kill.Took.TotalMilliseconds:0} ms); while killed: {whileKilled}; restart: {restart.Detail}; after: {after}");
        Assert.Equal("100 delivered", before);
        Assert.StartsWith("0 delivered, 100 failed (Local_MsgTimedOut", whileKilled, StringComparison.Ordinal);
        Assert.Equal("100 delivered", after);
    }

    [SkippableFact]
    public async Task ExecuteAsync_PauseThenResume_ClientsTimeOutThenRecover()
    {
        await using var cluster = await StartAsync("pause");

        var pause = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerPause, BrokerId: 1), CancellationToken.None);
        var whilePaused = LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout);
        var resume = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerResume, BrokerId: 1), CancellationToken.None);
        var afterResume = LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout);

        output.WriteLine($"pause: {pause}; while paused: {whilePaused}; resume: {resume}");
        Assert.True(pause.Succeeded, pause.Detail);
        Assert.StartsWith("error ", whilePaused, StringComparison.Ordinal);
        Assert.True(resume.Succeeded, resume.Detail);
        Assert.Equal("brokers 1", afterResume);
    }

    [SkippableFact]
    public async Task ExecuteAsync_NetworkDisconnectThenReconnect_BrokerUnreachableThenReachable()
    {
        await using var cluster = await StartAsync("net");

        var disconnect = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.NetworkDisconnect, BrokerId: 1), CancellationToken.None);
        var whileDisconnected = LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout);
        var reconnect = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.NetworkReconnect, BrokerId: 1), CancellationToken.None);
        var afterReconnect = LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout);

        output.WriteLine($"disconnect: {disconnect}; while disconnected: {whileDisconnected}; reconnect: {reconnect}");
        Assert.True(disconnect.Succeeded, disconnect.Detail);
        Assert.StartsWith("error ", whileDisconnected, StringComparison.Ordinal);
        Assert.True(reconnect.Succeeded, reconnect.Detail);
        Assert.Equal("brokers 1", afterReconnect);
    }

    [SkippableFact]
    public async Task ExecuteAsync_UnmappedFault_ReportsItWithoutActing()
    {
        await using var cluster = await StartAsync("unmapped");

        var outcome = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.PartitionReassign, Topic: "events", Partition: 0, Replicas: [1]), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("not mapped by environment local-mock", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal("brokers 1", LocalMock.Probe(cluster.BootstrapServers, ProbeTimeout));
    }

    [SkippableFact]
    public async Task ExecuteAsync_ExecMappedReassignment_RunsTheToolInABrokerWithResolvedArgumentsAndTimesIt()
    {
        var definition = LocalMock.Definition();
        var faults = new Dictionary<FaultMappingKey, FaultMapping>(definition.Faults)
        {
            [FaultMappingKey.PartitionReassign] = new ExecFaultMapping(
                ["dotnet", "/opt/loadlab/LoadLab.Docker.Tests.dll", "echo", "{topic}/{partition}", "{reassignmentJson}", "via", "{hostname}"], TimeSpan.FromMinutes(1)),
        };
        await using var cluster = await StartAsync("exec", definition with { Faults = faults });

        var outcome = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.PartitionReassign, Topic: "events", Partition: 2, Replicas: [1]), CancellationToken.None);

        output.WriteLine(outcome.ToString());
        Assert.True(outcome.Succeeded, outcome.Detail);
        Assert.Contains(FaultOperation.PartitionReassign, cluster.Faults.Capabilities.Operations);
        Assert.Contains("PartitionReassign of events/2 observed", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("events/2: leader 1, replicas [1], in sync [1]", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("""(events/2 {"version":1,"partitions":[{"topic":"events","partition":2,"replicas":[1]}]} via mock-1)""", outcome.Detail, StringComparison.Ordinal);
        Assert.True(outcome.Took > TimeSpan.Zero);
    }

    [SkippableFact]
    public async Task StartAsync_BrokerExitsAtOnce_FailsWithItsOutputAndRemovesEverything()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        await TestBrokerImage.EnsureBuiltAsync();
        var definition = LocalMock.Definition();
        definition = definition with { Brokers = definition.Brokers with { Command = ["dotnet", "--list-runtimes"] } };
        var runId = LocalMock.RunId("exits");

        var error = await Assert.ThrowsAsync<EnvironmentException>(() =>
            new DockerClusterProvider(LocalMock.Options(definition)).StartAsync(new ClusterRequest(runId, []), CancellationToken.None));

        Assert.Contains("exited (code 0) before the cluster was ready", error.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.NETCore.App", error.Message, StringComparison.Ordinal);
        Assert.False((await ResourceReaper.RemoveAsync(client, runId, CancellationToken.None)).RemovedAnything);
    }

    [SkippableFact]
    public async Task StartAsync_ImageAbsentAndUnpullable_FailsNamingTheImageAndRemovesEverything()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        var definition = LocalMock.Definition();
        definition = definition with { Brokers = definition.Brokers with { Image = "127.0.0.1:1/loadlab-absent:0.0.1" } };
        var runId = LocalMock.RunId("absent");

        var error = await Assert.ThrowsAsync<EnvironmentException>(() =>
            new DockerClusterProvider(LocalMock.Options(definition)).StartAsync(new ClusterRequest(runId, []), CancellationToken.None));

        Assert.Contains("Image 127.0.0.1:1/loadlab-absent:0.0.1 is not on the engine and pulling it failed", error.Message, StringComparison.Ordinal);
        Assert.False((await ResourceReaper.RemoveAsync(client, runId, CancellationToken.None)).RemovedAnything);
    }

    /// <summary>100 messages over about a second, then waits for every delivery report.</summary>
    private static async Task<string> ProduceAsync(IProducer<Null, string> producer, string phase)
    {
        var delivered = 0;
        var failures = new Dictionary<ErrorCode, int>();
        for (var i = 0; i < 100; i++)
        {
            producer.Produce("events", new Message<Null, string> { Value = $"{phase}-{i}" }, report =>
            {
                lock (failures)
                {
                    if (report.Error.IsError)
                    {
                        failures[report.Error.Code] = failures.GetValueOrDefault(report.Error.Code) + 1;
                    }
                    else
                    {
                        delivered++;
                    }
                }
            });
            await Task.Delay(10);
        }

        producer.Flush(TimeSpan.FromSeconds(15));
        lock (failures)
        {
            return failures.Count == 0
                ? $"{delivered} delivered"
                : $"{delivered} delivered, {failures.Values.Sum()} failed ({string.Join(", ", failures.Select(pair => $"{pair.Key} x{pair.Value}"))})";
        }
    }

    private async Task<DockerCluster> StartAsync(string test, EnvironmentDefinition? definition = null)
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        await TestBrokerImage.EnsureBuiltAsync();
        var started = Stopwatch.StartNew();
        var cluster = await new DockerClusterProvider(LocalMock.Options(definition)).StartAsync(new ClusterRequest(LocalMock.RunId(test), [new TopicSpec("events", 3, 1)]), CancellationToken.None);
        output.WriteLine($"cluster up: {started.Elapsed.TotalSeconds:0.00} s");
        return cluster;
    }
}
