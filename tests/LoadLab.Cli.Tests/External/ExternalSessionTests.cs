using System.Net;
using System.Net.Sockets;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using Xunit.Abstractions;

namespace LoadLab.Cli.Tests.External;

/// <summary>Commands that run load reach an external cluster through the same session as <c>run</c>.</summary>
public sealed class ExternalSessionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-external-session-").FullName;

    [Fact]
    public async Task Run_ExternalWithoutTheFaultsHook_ExitsTwoBeforeAnyConnectionToTheCluster()
    {
        // A listener in place of the cluster: had LoadLab connected (metadata, topic checks), it would show here.
        using var bootstrap = new TcpListener(IPAddress.Loopback, 0);
        bootstrap.Start();
        var port = ((IPEndPoint)bootstrap.LocalEndpoint).Port;
        var definition = Write("no-hooks.yaml", $"""
            name: no-hooks
            bootstrap-servers: 127.0.0.1:{port}
            topics: {"{policy: existing}"}
            """);
        var scenario = Write("kill.yaml", """
            version: 1
            name: kill
            duration: 10s
            topics: [{name: orders, partitions: 1, replication-factor: 1}]
            traffic: [{name: t, topic: orders, rate: 10, payload: {kind: fixed, size: 10}}]
            faults:
              - {at: 2s, action: broker.kill, target: {broker: 1}, duration: 2s}
            """);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", scenario, "--env", "external:" + definition, "--out", "out");

        output.WriteLine(result.Error);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{scenario}: faults[0] (line 7): broker.kill needs the BrokerKill operation", result.Error, StringComparison.Ordinal);
        Assert.Contains(" problems; the external environment cannot run these faults; nothing was started.", result.Error, StringComparison.Ordinal);
        Assert.False(bootstrap.Pending(), "LoadLab connected to the cluster before refusing the scenario");
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }

    [Fact]
    public async Task MaxRate_External_EveryStepRunsOnTheExternalCluster()
    {
        await using var served = await ServedCluster.StartAsync(new TopicSpec("capacity", 2, 1));
        var definition = served.Write("served.yaml", $"""
            name: served
            bootstrap-servers: {served.Host.Cluster.BootstrapServers}
            client:
            {served.ClientLines("  ")}topics: {"{policy: existing}"}
            """);
        var scenario = served.Write("capacity.yaml", """
            version: 1
            name: capacity
            duration: 10s
            topics: [{name: capacity, partitions: 2, replication-factor: 1}]
            traffic: [{name: t, topic: capacity, rate: 100, payload: {kind: fixed, size: 100}, producer: {acks: all, linger.ms: 5}}]
            consumers: [{group: readers, topic: capacity}]
            """);

        var result = await served.RunCliAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(3),
            "maxrate", scenario, "--env", "external:" + definition, "--step", "2s", "--step-warmup", "1s", "--start-rate", "100", "--max-rate", "200", "--max-steps", "3",
            "--out", Path.Combine(served.Directory, "results"));

        output.WriteLine(result.Output);
        output.WriteLine(result.Error);
        Assert.True(result.ExitCode is 0 or 1, result.Error);
        var search = Assert.Single(Directory.GetDirectories(Path.Combine(served.Directory, "results")));
        Assert.EndsWith("-capacity-maxrate", search, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(search, "maxrate.json")));
        var steps = Directory.GetDirectories(search);
        Assert.InRange(steps.Length, 2, 3);
        Assert.All(steps, step => Assert.Equal("external", ResultsJson.ReadSummary(Path.Combine(step, "summary.json")).Environment.Kind));
        Assert.Contains("step  1", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
