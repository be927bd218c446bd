using System.CommandLine;
using LoadLab.Cli.Commands;

namespace LoadLab.Cli.Tests.Env;

/// <summary>`loadlab env …` without a Docker engine: dry-run plans, compose export, bad input and the missing engine.</summary>
[Collection(nameof(DockerHostVariable))]
public sealed class EnvCommandTests
{
    private static readonly string EnvironmentsFolder = Repository.PathOf("environments");

    [Fact]
    public async Task Up_DryRun_PrintsThePlanWithoutAnEngine()
    {
        var (exitCode, output, error) = await InvokeAsync("up", "kafka-kraft-3", "--dry-run", "--run-id", "cli", "--topic", "events:6:3", "--environments", EnvironmentsFolder);

        Assert.True(exitCode == 0, error);
        Assert.Contains("Environment kafka-kraft-3 (platform kafka) — run cli", output, StringComparison.Ordinal);
        Assert.Contains("loadlab-cli-kafka-3 [broker 3] image apache/kafka:4.4.0", output, StringComparison.Ordinal);
        Assert.Contains("port: 127.0.0.1:29094 -> 9092", output, StringComparison.Ordinal);
        // The capability table: how each fault is done, what LoadLab observes before it records it, and its caveats.
        Assert.Contains("  partition-reassign   exec in a running broker", output, StringComparison.Ordinal);
        Assert.Contains("verified: after the tool exits 0: DescribeTopics shows exactly the new replicas", output, StringComparison.Ordinal);
        Assert.Contains("  broker-slow          LoadLab's proxy delays every response of the broker to clients by the latency", output, StringComparison.Ordinal);
        Assert.Contains("caveat: client-side only", output, StringComparison.Ordinal);
        Assert.Contains("  broker-decommission  not supported", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_MisspelledEnvironment_ExitsWithBadInputAndASuggestion()
    {
        var (exitCode, _, error) = await InvokeAsync("up", "redpanda3", "--dry-run", "--environments", EnvironmentsFolder);

        Assert.Equal(2, exitCode);
        Assert.Contains("did you mean 'redpanda-3'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_MalformedTopic_ExitsWithBadInputAndTheExpectedForm()
    {
        var (exitCode, _, error) = await InvokeAsync("up", "kafka-kraft-3", "--dry-run", "--topic", "events:many", "--environments", EnvironmentsFolder);

        Assert.Equal(2, exitCode);
        Assert.Contains("'events:many' is not name:partitions[:replication]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Compose_WritesServicesForEveryContainer()
    {
        var (exitCode, output, error) = await InvokeAsync("export", "automq-3", "--compose", "--environments", EnvironmentsFolder);

        Assert.True(exitCode == 0, error);
        Assert.Contains("services:\n  minio:", output, StringComparison.Ordinal);
        Assert.Contains("  server2:\n    image: \"automqinc/automq:1.7.3\"", output, StringComparison.Ordinal);
        Assert.Contains("condition: service_completed_successfully", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoEngine_ExitsWithEnvironmentFailureSayingWhereItLooked()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"loadlab-cli-no-engine-{Guid.NewGuid():N}.sock");
        var previous = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", $"unix://{socket}");
        try
        {
            var (exitCode, _, error) = await InvokeAsync("ls");

            Assert.Equal(3, exitCode);
            Assert.StartsWith($"loadlab: environment failure: No Docker engine is reachable: DOCKER_HOST=unix://{socket} names a socket file that does not exist. Fix: ", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", previous);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await EnvCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>Tests that change the process-wide DOCKER_HOST variable run one at a time.</summary>
[CollectionDefinition(nameof(DockerHostVariable), DisableParallelization = true)]
public sealed class DockerHostVariable;
