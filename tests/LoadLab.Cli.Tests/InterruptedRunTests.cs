using System.Diagnostics;
using System.Globalization;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Tests;

/// <summary>Ctrl+C during a run: exit 130, the target of the part that ran, SLOs not judged, results kept.</summary>
public sealed class InterruptedRunTests : IDisposable
{
    private const double Rate = 500;

    private const string LongScenario = """
        version: 1
        name: long
        warmup: 1s
        duration: 60s
        drain-timeout: 10s
        topics:
          - {name: events, partitions: 2, replication-factor: 3}
        traffic:
          - {name: t, topic: events, rate: 500, payload: {kind: fixed, size: 100}, producer: {acks: all}}
        consumers:
          - {group: readers, topic: events, instances: 1}
        slos:
          - {metric: lost, max: 0}
          - {metric: produce.p99, max: 60000}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-interrupt-").FullName;

    [Fact]
    public async Task Run_CtrlCAfterAFewSeconds_ExitsOneHundredThirtyWithThePartThatRanAndSlosNotJudged()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "long.yaml"), LongScenario);
        // Started through `env --default-signal=INT`: a test host launched under nohup or as a background job of a
        // non-interactive shell passes SIGINT on ignored, and .NET keeps it ignored in the child.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "loadlab.dll"), "run", "long.yaml", "--out", "out" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await WaitForSecondsOfLoadAsync(4, TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var printed = await output + await error;
        Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}: {printed}");
        Assert.Contains("loadlab: interrupted: the run was stopped early", await error, StringComparison.Ordinal);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(_directory, "out")));
        var summary = ResultsJson.ReadSummary(Path.Combine(run, "summary.json"));
        Assert.Equal(RunOutcome.Interrupted, summary.Outcome);
        Assert.Equal(60, summary.PlannedDurationSeconds);
        Assert.InRange(summary.DurationSeconds, 2, 30);
        // The target is what the schedule asked for in the part of the measured window that ran, not the whole plan.
        Assert.InRange(summary.Produce.Target, Math.Floor(Rate * summary.DurationSeconds) - 1, Math.Ceiling(Rate * summary.DurationSeconds) + 1);
        Assert.Equal(summary.Produce.Target / summary.DurationSeconds, summary.Rate.Target, 0);
        Assert.All(summary.Slo, slo => Assert.False(slo.Judged, slo.Name));
        Assert.All(summary.Slo, slo => Assert.False(slo.Passed, slo.Name));
        Assert.Equal(2, (await output).Split('\n').Count(line => line.TrimEnd().EndsWith("not judged", StringComparison.Ordinal)));
        Assert.Contains($"Results: {run}", await output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task WaitForSecondsOfLoadAsync(int seconds, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var series = Directory.Exists(Path.Combine(_directory, "out"))
                ? Directory.GetFiles(Path.Combine(_directory, "out"), "series.csv", SearchOption.AllDirectories).FirstOrDefault()
                : null;
            if (series is not null && ReadLines(series) > seconds)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the run did not reach {seconds} s of load within {timeout}");
    }

    private static int ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
