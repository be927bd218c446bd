using LoadLab.Core.Regression;
using LoadLab.Core.Results;
using LoadLab.Core.Tests.Results;

namespace LoadLab.Core.Tests.Regression;

public sealed class RunSampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-sample-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void From_WrittenRun_HeadlinesFromTheSummaryAndSecondsOfTheMeasuredWindowFromTheSeries()
    {
        WrittenRun.Write(_directory);

        var sample = RunSample.From(RunResults.Load(_directory));

        Assert.Equal("written", sample.RunId);
        Assert.Equal(11, sample.Headline["produce.p99"]);
        Assert.Equal(100, sample.Headline["rate.achieved"]);
        Assert.Equal(4.5, sample.Headline["recovery"]);
        Assert.False(sample.Headline.ContainsKey("lost"), "a run without an audit has no loss to compare");
        // Seconds 2..11: the warm-up's two seconds are left out; the series' p99 of second s is s + 1.
        Assert.Equal(Enumerable.Range(WrittenRun.WarmupSeconds, WrittenRun.Seconds - WrittenRun.WarmupSeconds).Select(s => s + 1.0), sample.Intervals["produce.p99"]);
        Assert.Equal(Enumerable.Repeat(100.0, WrittenRun.Seconds - WrittenRun.WarmupSeconds), sample.Intervals["rate.achieved"]);
    }

    [Fact]
    public void From_EveryLatencyMetric_HeadlinesEachPercentileUnderItsRuleName()
    {
        WrittenRun.Write(_directory);
        Rewrite(WrittenRun.Summary() with
        {
            LatencyMs = new LatencySummary(
                new Percentiles(1_000, 1, 2, 3, 4, 5, 6, 0.5),
                new Percentiles(1_000, 11, 12, 13, 14, 15, 16, 10.5),
                new Percentiles(1_000, 21, 22, 23, 24, 25, 26, 20.5),
                new Percentiles(1_000, 31, 32, 33, 34, 35, 36, 30.5)),
        });

        var headline = RunSample.From(RunResults.Load(_directory)).Headline;

        foreach (var (metric, first) in new[] { ("produce", 1.0), ("service", 11.0), ("schedule-delay", 21.0), ("e2e", 31.0) })
        {
            Assert.Equal(
                [first, first + 1, first + 2, first + 3, first + 4, first + 5],
                new[] { "p50", "p90", "p99", "p999", "p9999", "max" }.Select(statistic => headline[$"{metric}.{statistic}"]));
        }
    }

    [Fact]
    public void From_MetricWithoutMessages_HasNoHeadlineForIt()
    {
        WrittenRun.Write(_directory);
        Rewrite(WrittenRun.Summary() with { LatencyMs = new LatencySummary(new Percentiles(1_000, 1, 2, 3, 4, 5, 6, 0.5), Empty(), Empty(), new Percentiles(10, 31, 32, 33, 34, 35, 36, 30.5)) });

        var headline = RunSample.From(RunResults.Load(_directory)).Headline;

        Assert.Equal(3, headline["produce.p99"]);
        Assert.Equal(33, headline["e2e.p99"]);
        Assert.DoesNotContain(headline.Keys, k => k.StartsWith("service.", StringComparison.Ordinal) || k.StartsWith("schedule-delay.", StringComparison.Ordinal));
    }

    [Fact]
    public void From_SeveralRecoveredFaults_RecoveryIsTheLongestAndAnUnrecoveredOneLeavesItOut()
    {
        WrittenRun.Write(_directory);
        var faults = new[] { 4.5, 7.25, 2.0 }.Select((r, i) => WrittenRun.Summary().Faults[0] with { AtSeconds = 3 + i, RecoverySeconds = r }).ToList();
        Rewrite(WrittenRun.Summary() with { Faults = faults });
        var recovered = RunSample.From(RunResults.Load(_directory)).Headline;

        Rewrite(WrittenRun.Summary() with { Faults = [faults[0], faults[1] with { RecoverySeconds = null }] });
        var unrecovered = RunSample.From(RunResults.Load(_directory)).Headline;

        Rewrite(WrittenRun.Summary() with { Faults = [] });
        var none = RunSample.From(RunResults.Load(_directory)).Headline;

        Assert.Equal(7.25, recovered["recovery"]);
        Assert.False(unrecovered.ContainsKey("recovery"), "an unrecovered fault has no recovery time to compare");
        Assert.False(none.ContainsKey("recovery"), "a run without faults has no recovery time");
    }

    [Fact]
    public void From_AuditedRun_HeadlinesEachAuditCountUnderItsName()
    {
        WrittenRun.Write(_directory);
        Rewrite(WrittenRun.Summary() with
        {
            Audit = new AuditSummary { Acked = 1_000, Delivered = 990, Lost = 3, Duplicated = 5, Reordered = 7, Truncated = 0, Indeterminate = 0 },
        });

        var headline = RunSample.From(RunResults.Load(_directory)).Headline;

        Assert.Equal((3.0, 5.0, 7.0), (headline["lost"], headline["duplicated"], headline["reordered"]));
    }

    [Fact]
    public void From_SeriesLongerThanTheMeasuredWindow_TakesTheSecondsFromTheWarmUpUpToButNotIncludingItsEnd()
    {
        WrittenRun.Write(_directory);
        // The written series has 12 seconds (0..11); a window of 2 + 9 s ends before its last second.
        Rewrite(WrittenRun.Summary() with { DurationSeconds = WrittenRun.Seconds - WrittenRun.WarmupSeconds - 1 });

        var sample = RunSample.From(RunResults.Load(_directory));

        Assert.Equal(Enumerable.Range(WrittenRun.WarmupSeconds, 9).Select(s => s + 1.0), sample.Intervals["produce.p99"]);
    }

    private void Rewrite(RunSummary summary) =>
        File.WriteAllText(Path.Combine(_directory, RunFiles.Summary), System.Text.Json.JsonSerializer.Serialize(summary, ResultsJson.Indented) + "\n");

    private static Percentiles Empty() => new(0, 0, 0, 0, 0, 0, 0, 0);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
