using System.Globalization;
using System.Text.Json;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private const string TinyScenario = """
        version: 1
        name: tiny
        description: a few seconds on the embedded cluster
        warmup: 1s
        duration: 3s
        drain-timeout: 10s
        topics:
          - {name: events, partitions: 2, replication-factor: 3}
        traffic:
          - name: predictions
            topic: events
            rate: 500
            payload: {kind: fixed, size: 200}
            producer: {acks: all}
        consumers:
          - {group: readers, topic: events, instances: 1}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-cli-").FullName;

    [Fact]
    public async Task Run_ValidScenarioOnEmbeddedCluster_ExitsZeroAndWritesParseableResults()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "tiny.yaml"), TinyScenario);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(2), "run", "tiny.yaml", "--out", "out");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var runDirectory = Assert.Single(Directory.GetDirectories(Path.Combine(_directory, "out")));
        Assert.Contains($"Results: {runDirectory}", result.Output, StringComparison.Ordinal);
        var summary = ResultsJson.ReadSummary(Path.Combine(runDirectory, "summary.json"));
        Assert.Equal("tiny", summary.Scenario);
        Assert.Equal("embedded", summary.Environment.Kind);
        Assert.Equal(1_500, summary.Produce.Target);
        Assert.Equal(summary.Produce.Sent, summary.Produce.Acked);
        Assert.Equal("readers", Assert.Single(summary.Consume.Groups).Group);
        var series = await File.ReadAllLinesAsync(Path.Combine(runDirectory, "series.csv"));
        Assert.Equal(ResultsWriter.SeriesHeader(["readers"]), series[0]);
        Assert.All(series.Skip(1), line => int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture));
        Assert.True(File.Exists(Path.Combine(runDirectory, "partitions.csv")));
        Assert.True(File.Exists(Path.Combine(runDirectory, "scenario.yaml")));
        foreach (var metric in new[] { "produce", "service", "scheduleDelay", "endToEnd" })
        {
            Assert.True(new FileInfo(Path.Combine(runDirectory, "histograms", metric + ".hlog")).Length > 0, metric);
        }

        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(runDirectory, "events.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.GetProperty("t").GetDouble() >= 0);
        }
    }

    [Fact]
    public async Task Run_ScenarioWithMistakes_ExitsTwoAndNamesFileLineAndFixWithoutStackTrace()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "bad.yaml"), TinyScenario.Replace("rate: 500", "rat: 500", StringComparison.Ordinal));

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "bad.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.yaml:12:5: traffic[0].rat: unknown key \"rat\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("Fix: rename \"rat\" to \"rate\"", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "results")));
    }

    [Fact]
    public async Task Run_MissingScenarioFile_ExitsTwo()
    {
        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "missing.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("missing.yaml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownEnvironment_ExitsTwoAndListsTheAllowedOnes()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "tiny.yaml"), TinyScenario);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "tiny.yaml", "--env", "kafka-in-the-sky");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Allowed: embedded", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FaultTheEmbeddedClusterCannotPerform_ExitsTwoNamingTheFaultBeforeAnythingStarts()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "partition.yaml"), TinyScenario + """

            faults:
              - {at: 2s, action: network.partition, target: {broker: 1}, duration: 1s}
            """);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "partition.yaml", "--out", "out");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("partition.yaml: faults[0] (line 18): network.partition needs the NetworkDisconnect operation", result.Error, StringComparison.Ordinal);
        Assert.Contains(" problems; the embedded environment cannot run these faults; nothing was started.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Results:", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }

    [Fact]
    public async Task Run_SegmentOfAReplayDrill_ExitsTwoBeforeAnythingStarts()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "replay.yaml"), TinyScenario + """

            faults:
              - {at: 2s, action: group.replay, target: {group: readers}, rewind: {messages: 100}}
            """);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "replay.yaml", "--out", "out", "--segment", "0/2",
            "--start-at", DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), "--run-id", "split");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the scenario uses group.replay, which one process audits", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "out")));
    }

    [Fact]
    public async Task Run_DurationShorterThanThePhasesAndFaults_RunsTheClippedScenarioAndPrintsWhatItLeftOut()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "long.yaml"), TinyScenario
            .Replace("duration: 3s", "duration: 10m", StringComparison.Ordinal)
            .Replace("    rate: 500\n", "    rate: 500\n    phases:\n      - spike: {at: 2s, duration: 10s, multiplier: 2}\n      - ramp: {at: 1m, duration: 1m, to: 900}\n", StringComparison.Ordinal) + """

            faults:
              - {at: 5m, action: broker.kill, target: {broker: 2}, duration: 1m}
            slos:
              - {metric: recovery, max: 30}
              - {metric: lost, max: 0}
            """);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(2), "run", "long.yaml", "--duration", "3s", "--out", "out");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("--duration 3s replaced the scenario's 10m; this run leaves out:", result.Output, StringComparison.Ordinal);
        Assert.Contains("  traffic[0].phases[0]: the spike x2 at 2s cut: it stops with the load at 4s instead of 12s", result.Output, StringComparison.Ordinal);
        Assert.Contains("  traffic[0].phases[1]: the ramp to 900/s at 1m dropped: it starts at or after the run's end at 4s", result.Output, StringComparison.Ordinal);
        Assert.Contains("  faults[0]: broker.kill at 5m dropped: it starts at or after the run's end at 4s", result.Output, StringComparison.Ordinal);
        Assert.Contains("  slos[0]: 'recovery overall <= 30' dropped: it judges the faults, and none is left", result.Output, StringComparison.Ordinal);
        var runDirectory = Assert.Single(Directory.GetDirectories(Path.Combine(_directory, "out")));
        var summary = ResultsJson.ReadSummary(Path.Combine(runDirectory, "summary.json"));
        Assert.Equal(3, summary.DurationSeconds);
        Assert.Empty(summary.Faults);
        Assert.Equal(["lost overall <= 0"], summary.Slo.Select(s => s.Name));
        Assert.StartsWith("# --duration 3s replaced the scenario's 10m; this run left out:", await File.ReadAllTextAsync(Path.Combine(runDirectory, "scenario.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Repeat_WritesOneRunFolderPerRepeat()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "tiny.yaml"), TinyScenario.Replace("duration: 3s", "duration: 2s", StringComparison.Ordinal));

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(3), "run", "tiny.yaml", "--out", "out", "--repeat", "2");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var runs = Directory.GetDirectories(Path.Combine(_directory, "out")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, runs.Count);
        Assert.EndsWith("-tiny-r1", runs[0], StringComparison.Ordinal);
        Assert.EndsWith("-tiny-r2", runs[1], StringComparison.Ordinal);
        Assert.All(runs, run => Assert.Equal(1_000, ResultsJson.ReadSummary(Path.Combine(run, "summary.json")).Produce.Target));
        Assert.Contains("loadlab baseline check", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public async Task Run_RepeatOutOfRange_ExitsTwo(string repeat)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "tiny.yaml"), TinyScenario);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "tiny.yaml", "--repeat", repeat);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--repeat", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_UnknownOption_ExitsTwo()
    {
        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "run", "--no-such-option");

        Assert.Equal(2, result.ExitCode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
