using System.Globalization;
using System.Text.Json;
using LoadLab.Cli.Tests;
using LoadLab.Core.Results;
using LoadLab.Docker.Tests.Support;
using LoadLab.Environments.Docker.Engine;
using Xunit.Abstractions;

namespace LoadLab.Docker.Tests.Runs;

/// <summary>A load run takes both cores for half a minute: it runs alone, after the other Docker tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadRunCollection
{
    public const string Name = "Docker load runs";
}

/// <summary>
/// <c>loadlab run</c> end to end (the real CLI process from the test output) on the local-mock Docker cluster, whose
/// single broker container is killed through the Docker API mid-run and started again (scenarios/docker-broker-kill.yaml).
/// </summary>
[Collection(LoadRunCollection.Name)]
public sealed class DockerRunTests(ITestOutputHelper output)
{
    private const int KillAtSecond = 10;
    private const int RestartAtSecond = 18;

    [SkippableFact]
    public async Task Run_BrokerKilledAndRestarted_ShowsTheOutageAndLeavesNothingLabelled()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        await TestBrokerImage.EnsureBuiltAsync();
        var directory = Directory.CreateTempSubdirectory("loadlab-docker-run-").FullName;
        try
        {
            // A run that overruns is killed (no teardown): its containers are then left for `loadlab env clean`.
            var (exitCode, printed, errors) = await CliProcess.RunAsync(directory, TimeSpan.FromMinutes(3),
                "run", Path.Combine(AppContext.BaseDirectory, "scenarios", "docker-broker-kill.yaml"),
                "--env", "docker:" + TestPaths.TestEnvironment("local-mock.yaml"));
            output.WriteLine(errors);
            output.WriteLine(printed);
            var runFolder = Directory.GetDirectories(Path.Combine(directory, "results")).Single();
            var summary = ResultsJson.ReadSummary(Path.Combine(runFolder, "summary.json"));
            var kill = summary.Faults.Single();
            var ackedPerSecond = AckedPerSecond(Path.Combine(runFolder, "series.csv"));
            var events = File.ReadAllLines(Path.Combine(runFolder, "events.jsonl")).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            output.WriteLine($"kill: unavailable {kill.UnavailableSeconds:0.0} s, errors {string.Join(", ", kill.ErrorsByCode.Select(pair => $"{pair.Key} x{pair.Value}"))}; " +
                $"produce max {summary.LatencyMs.Produce.Max:0} ms; acked per second {string.Join(" ", ackedPerSecond)}; audit lost {summary.Audit?.Lost}");

            Assert.True(exitCode == 0, $"exit code {exitCode}: {errors}");
            Assert.DoesNotContain("Unhandled exception", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
            Assert.Equal(RunOutcome.Completed, summary.Outcome);
            Assert.Equal("docker", summary.Environment.Kind);
            Assert.Equal(("broker.kill", true), (kill.Action, kill.Succeeded));
            // Nothing is acknowledged while the only broker is dead (the second of the kill may still ack a little)…
            Assert.All(ackedPerSecond[(KillAtSecond + 1)..RestartAtSecond], acked => Assert.Equal(0, acked));
            // …the producers see it, and what waited in them lands after the restart, as late as the outage was long.
            Assert.True(kill.UnavailableSeconds >= RestartAtSecond - KillAtSecond - 1, $"unavailable only {kill.UnavailableSeconds} s");
            Assert.NotEmpty(kill.ErrorsByCode);
            Assert.True(summary.LatencyMs.Produce.Max >= (RestartAtSecond - KillAtSecond - 1) * 1000, $"produce max only {summary.LatencyMs.Produce.Max} ms");
            Assert.True(ackedPerSecond[RestartAtSecond..].Sum() > 0, "nothing was acknowledged after the restart");
            Assert.Contains(events, e => Is(e, "fault.injected", "succeeded"));
            Assert.Contains(events, e => Is(e, "fault.reverted", "succeeded") && e.GetProperty("detail").GetString()!.Contains("it serves again", StringComparison.Ordinal));
            Assert.Contains($"removed 1 container(s), 1 network(s), 0 volume(s) of run {summary.RunId}", errors, StringComparison.Ordinal);
            Assert.DoesNotContain(await ResourceReaper.ListAsync(client, CancellationToken.None), environment => environment.RunId == summary.RunId);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool Is(JsonElement runEvent, string type, string outcome) =>
        runEvent.GetProperty("type").GetString() == type && runEvent.GetProperty("outcome").GetString() == outcome;

    /// <summary>The <c>acked</c> column of series.csv, indexed by second.</summary>
    private static int[] AckedPerSecond(string seriesPath)
    {
        var lines = File.ReadAllLines(seriesPath);
        var acked = Array.IndexOf(lines[0].Split(','), "acked");
        return lines.Skip(1).Select(line => int.Parse(line.Split(',')[acked], CultureInfo.InvariantCulture)).ToArray();
    }
}
