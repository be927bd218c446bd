using System.Text;
using System.Text.Json;
using LoadLab.Core.Scenarios;
using Xunit.Abstractions;

namespace LoadLab.Cli.Tests.External;

public sealed class ExternalRunTests(ITestOutputHelper output)
{
    private const string SecretVariable = "LOADLAB_TEST_SECRET";

    [Fact]
    public async Task Run_ExternalWithKillHookAndMarkerSecret_RecoversAuditsAndNeverWritesTheSecret()
    {
        await using var served = await ServedCluster.StartAsync(new TopicSpec("orders", 3, 3));
        var marker = "ll-secret-" + Guid.NewGuid().ToString("N");
        var control = served.Host.ControlUri!.ToString().TrimEnd('/');
        // The hooks echo the secret through the shell on purpose: the captured output must still be masked.
        var definition = served.Write("served.yaml", $$"""
            name: served
            bootstrap-servers: {{served.Host.Cluster.BootstrapServers}}
            security:
              protocol: PLAINTEXT
            client:
            {{served.ClientLines("  ")}}  sasl.oauthbearer.client.secret: ${{{SecretVariable}}}
            topics:
              policy: existing
            faults:
              timeout: 30s
              verify-timeout: 20s
              hooks:
                broker-kill: 'curl --fail-with-body -sS -X POST --data-raw "" {{control}}/brokers/{broker.id}/kill && echo " token=${{{SecretVariable}}}"'
                broker-restart: 'curl --fail-with-body -sS -X POST --data-raw "" {{control}}/brokers/{broker.id}/restart && echo " token=${{{SecretVariable}}}" >&2'
            """);
        var scenario = served.Write("kill.yaml", """
            version: 1
            name: external-kill
            duration: 40s
            drain-timeout: 15s
            topics:
              - {name: orders, partitions: 3, replication-factor: 3}
            traffic:
              - name: orders
                topic: orders
                rate: 300
                payload: {kind: fixed, size: 200}
                producer: {acks: all, enable.idempotence: true, linger.ms: 5}
            consumers:
              - {group: readers, topic: orders, instances: 1}
            faults:
              - {at: 3s, action: broker.kill, target: {broker: 2}, duration: 10s}
            """);

        var result = await served.RunCliAsync(
            new Dictionary<string, string> { [SecretVariable] = marker }, TimeSpan.FromSeconds(150),
            "run", scenario, "--env", "external:" + definition, "--out", Path.Combine(served.Directory, "results"));

        output.WriteLine(result.Output);
        output.WriteLine(result.Error);
        var runDirectory = Directory.GetDirectories(Path.Combine(served.Directory, "results")).Single();
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(runDirectory, "summary.json")));
        var root = summary.RootElement;
        var fault = root.GetProperty("faults")[0];
        var audit = root.GetProperty("audit");
        output.WriteLine($"fault: {fault}");
        output.WriteLine($"audit: {audit}");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("external", root.GetProperty("environment").GetProperty("kind").GetString());
        Assert.True(fault.GetProperty("succeeded").GetBoolean());
        Assert.Equal(JsonValueKind.Number, fault.GetProperty("recoverySeconds").ValueKind);
        Assert.True(audit.GetProperty("acked").GetInt64() > 10000);
        Assert.Equal(0, audit.GetProperty("lost").GetInt64());

        var files = Directory.GetFiles(runDirectory, "*", SearchOption.AllDirectories);
        var leaking = files.Where(f => Contains(File.ReadAllBytes(f), marker)).ToList();
        var events = await File.ReadAllTextAsync(Path.Combine(runDirectory, "events.jsonl"));
        output.WriteLine($"searched {files.Length} files ({string.Join(", ", files.Select(Path.GetFileName))}) and the console output for the marker");
        Assert.Empty(leaking);
        Assert.DoesNotContain(marker, result.Output + result.Error, StringComparison.Ordinal);
        Assert.Contains("gone from metadata", events, StringComparison.Ordinal);
        Assert.Contains("token=***", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ExternalMissingSecretVariable_NamesItAndExitsWithTwo()
    {
        await using var served = await ServedCluster.StartAsync(new TopicSpec("orders", 1, 1));
        var definition = served.Write("served.yaml", $$"""
            name: served
            bootstrap-servers: {{served.Host.Cluster.BootstrapServers}}
            client:
              sasl.oauthbearer.client.secret: ${LOADLAB_TEST_UNSET_SECRET}
            """);
        var scenario = served.Write("s.yaml", """
            version: 1
            name: s
            duration: 2s
            topics: [{name: orders, partitions: 1, replication-factor: 1}]
            traffic: [{name: t, topic: orders, rate: 10, payload: {kind: fixed, size: 10}}]
            """);

        var result = await served.RunCliAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "run", scenario, "--env", "external:" + definition);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{definition}:4:35: client.sasl.oauthbearer.client.secret: environment variable LOADLAB_TEST_UNSET_SECRET is not set. Fix: export LOADLAB_TEST_UNSET_SECRET before the run", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ExternalTopicAlreadyHoldingData_ExitsWithThreeAndNoStackTrace()
    {
        await using var served = await ServedCluster.StartAsync(new TopicSpec("orders", 1, 1));
        var definition = served.Write("served.yaml", $$"""
            name: served
            bootstrap-servers: {{served.Host.Cluster.BootstrapServers}}
            topics: {policy: existing}
            """);
        var scenario = served.Write("s.yaml", """
            version: 1
            name: s
            duration: 2s
            topics: [{name: orders, partitions: 1, replication-factor: 1}]
            traffic: [{name: t, topic: orders, rate: 50, payload: {kind: fixed, size: 10}}]
            """);
        var first = await served.RunCliAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "run", scenario, "--env", "external:" + definition, "--out", Path.Combine(served.Directory, "results"));
        Assert.True(first.ExitCode == 0, first.Error);

        var second = await served.RunCliAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "run", scenario, "--env", "external:" + definition, "--out", Path.Combine(served.Directory, "results"));

        Assert.Equal(3, second.ExitCode);
        Assert.Contains("refusing to write into topics that already hold data: orders", second.Error, StringComparison.Ordinal);
        // The refused run created no folder, so it names none.
        Assert.DoesNotContain("Results:", second.Output, StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(Path.Combine(served.Directory, "results")));
        Assert.DoesNotContain("   at ", second.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", second.Error, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
