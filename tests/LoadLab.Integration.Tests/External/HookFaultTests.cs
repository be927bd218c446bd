using System.Net;
using System.Net.Sockets;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.Embedded.Hosting;
using LoadLab.Environments.External;
using LoadLab.Integration.Tests.Embedded;
using Xunit.Abstractions;

namespace LoadLab.Integration.Tests.External;

/// <summary>The external environment against a served embedded cluster, with hooks calling its control endpoint.</summary>
public sealed class HookFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hooks_LeaderMoveThroughControlEndpoint_IsVerifiedInMetadataAndExitCodesAreChecked()
    {
        await using var host = await StartHostAsync(new TopicSpec("hooked", 3, 3));
        var control = host.ControlUri!.ToString().TrimEnd('/');
        var provider = new ExternalClusterProvider(Definition(host, $$"""
            topics: {policy: existing}
            faults:
              verify-timeout: 10s
              hooks:
                broker-kill: curl --fail-with-body -sS -X POST --data-raw "" {{control}}/brokers/{broker.id}/kill
                broker-restart: curl --fail-with-body -sS -X POST --data-raw "" {{control}}/brokers/{broker.id}/restart
                leader-move: curl --fail-with-body -sS -X POST --data-raw "" "{{control}}/partitions/{topic}/{partition}/leader?broker={leader}"
                broker-pause: exit 7
                broker-slow: sleep 5
            """));
        await using var cluster = await provider.StartAsync(new ClusterRequest("hooks", [new TopicSpec("hooked", 3, 3)]), CancellationToken.None);

        var leader = await cluster.Faults.GetLeaderAsync("hooked", 0, CancellationToken.None);
        var target = leader % 3 + 1;
        var move = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.LeaderMove, Topic: "hooked", Partition: 0, Replicas: [target!.Value]), CancellationToken.None);
        var failing = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerPause, 1), CancellationToken.None);

        output.WriteLine(move.Detail);
        Assert.True(move.Succeeded, move.Detail);
        Assert.Contains($"broker {target} leads hooked/0 and a probe message to hooked/0 is acknowledged: seen after", move.Detail, StringComparison.Ordinal);
        Assert.Contains($"hooked/0: leader {target}, replicas [1,2,3]", move.Detail, StringComparison.Ordinal);
        Assert.False(failing.Succeeded);
        Assert.Contains("failed with exit code 7", failing.Detail, StringComparison.Ordinal);
        // Hooked operations, the client-side faults of LoadLab's proxy that no hook performs, and the group rewind
        // LoadLab's own group members perform on any cluster.
        Assert.Equal(
            new HashSet<FaultOperation>
            {
                FaultOperation.BrokerKill, FaultOperation.BrokerRestart, FaultOperation.LeaderMove, FaultOperation.BrokerPause, FaultOperation.BrokerSlow,
                FaultOperation.BrokerRestoreSpeed, FaultOperation.NetworkDisconnect, FaultOperation.NetworkReconnect, FaultOperation.GroupRewind,
            },
            cluster.Faults.Capabilities.Operations);
        Assert.StartsWith("hook broker-slow: `sleep 5`", cluster.Faults.Capabilities.Find(FaultOperation.BrokerSlow)!.Mechanism, StringComparison.Ordinal);
        Assert.StartsWith("client-side only", Assert.Single(cluster.Faults.Capabilities.Find(FaultOperation.NetworkDisconnect)!.Caveats), StringComparison.Ordinal);
        Assert.Equal("external", cluster.Kind);
        Assert.Equal(3, cluster.Brokers.Count);
    }

    [Fact]
    public async Task Hook_PastItsTimeLimit_IsKilledAndReported()
    {
        await using var host = await StartHostAsync(new TopicSpec("slowhook", 1, 1));
        var provider = new ExternalClusterProvider(Definition(host, """
            faults:
              hooks:
                broker-slow: {command: sleep 30, timeout: 500ms}
            """));
        await using var cluster = await provider.StartAsync(new ClusterRequest("timeout", [new TopicSpec("slowhook", 1, 1)]), CancellationToken.None);

        var outcome = await cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerSlow, 1, Latency: TimeSpan.FromMilliseconds(50)), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("timed out after 0.5 s and was killed", outcome.Detail, StringComparison.Ordinal);
        Assert.True(outcome.Took < TimeSpan.FromSeconds(10), outcome.Took.ToString());
    }

    [Fact]
    public async Task Start_TopicPolicies_AgainstServedCluster()
    {
        await using var host = await StartHostAsync(new TopicSpec("present", 2, 1));

        var missing = await Assert.ThrowsAsync<EnvironmentException>(() =>
            new ExternalClusterProvider(Definition(host, "topics: {policy: existing}")).StartAsync(new ClusterRequest("p", [new TopicSpec("present", 2, 1), new TopicSpec("absent", 1, 1)]), CancellationToken.None));
        var mismatch = await Assert.ThrowsAsync<EnvironmentException>(() =>
            new ExternalClusterProvider(Definition(host, "topics: {policy: create}")).StartAsync(new ClusterRequest("p", [new TopicSpec("present", 4, 1)]), CancellationToken.None));
        using (var producer = EmbeddedTestCluster.Producer(host.Cluster))
        {
            for (var i = 0; i < 3; i++)
            {
                await EmbeddedTestCluster.ProduceOneAsync(producer, "present", i % 2);
            }
        }

        var withData = await Assert.ThrowsAsync<EnvironmentException>(() =>
            new ExternalClusterProvider(Definition(host, "topics: {policy: existing}")).StartAsync(new ClusterRequest("p", [new TopicSpec("present", 2, 1)]), CancellationToken.None));
        await using var allowed = await new ExternalClusterProvider(Definition(host, "topics: {policy: existing, allow-existing-data: true}")).StartAsync(new ClusterRequest("p", [new TopicSpec("present", 2, 1)]), CancellationToken.None);

        Assert.Contains("topics: existing, but absent does not exist on the cluster", missing.Message, StringComparison.Ordinal);
        Assert.Contains("topic present exists with 2 partitions and replication factor 1, but the scenario wants 4 and 1", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to write into topics that already hold data: present (3 messages)", withData.Message, StringComparison.Ordinal);
        Assert.Equal("existing", allowed.Description["topics.policy"]);
    }

    [Fact]
    public async Task Start_UnreachableCluster_SaysWhereItLooked()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var definition = ExternalDefinitionLoader.Parse($"name: gone\nbootstrap-servers: 127.0.0.1:{port}\nclient: {{socket.connection.setup.timeout.ms: 1000}}\n", "gone.yaml").Value!;

        var error = await Assert.ThrowsAsync<EnvironmentException>(() => new ExternalClusterProvider(definition).StartAsync(new ClusterRequest("u", []), CancellationToken.None));

        Assert.StartsWith($"Cannot reach the external cluster 'gone' at 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    internal static Task<EmbeddedClusterHost> StartHostAsync(params TopicSpec[] topics) =>
        EmbeddedClusterHost.StartAsync(EmbeddedTestCluster.FastOptions with { ObservationTimeout = TimeSpan.FromSeconds(60) }, topics, new IPEndPoint(IPAddress.Loopback, FreePort()), CancellationToken.None);

    internal static ExternalDefinition Definition(EmbeddedClusterHost host, string rest)
    {
        var client = string.Concat(host.Cluster.ClientDefaults.Select(s => $"  {s.Key}: \"{s.Value}\"\n"));
        var yaml = $"name: served\nbootstrap-servers: {host.Cluster.BootstrapServers}\nclient:\n{client}{rest}\n";
        var result = ExternalDefinitionLoader.Parse(yaml, "served.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Value!;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
