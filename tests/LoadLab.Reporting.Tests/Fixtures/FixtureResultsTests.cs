using LoadLab.Core.Results;

namespace LoadLab.Reporting.Tests.Fixtures;

/// <summary>The committed fixture runs read back as the reports need them (the reader's own tests are in LoadLab.Core.Tests).</summary>
public sealed class FixtureResultsTests
{
    [Fact]
    public void Load_FixtureRun_ReadsEveryFile()
    {
        var run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));

        Assert.Equal("20261126-120000-broker-kill-runbook", run.Summary.RunId);
        Assert.Equal(FixtureRun.TotalSeconds, run.Series.Count);
        Assert.Equal(["fraud-scorer", "audit-archiver"], run.Series.Groups);
        Assert.Equal(FixtureRun.TotalSeconds * 3, run.Partitions!.Count);
        Assert.Equal(["endToEnd", "produce", "scheduleDelay", "service"], run.Histograms.Keys);
        Assert.Equal(FixtureRun.TotalSeconds, run.Histograms["produce"].Count);
        Assert.Equal(7, run.Events.Count);
        Assert.NotNull(run.ScenarioYaml);
        Assert.Equal(["Apache Kafka", "Redpanda", "AutoMQ"], run.Cost!.Platforms.Select(p => p.DisplayName));
        Assert.Equal(4, run.Cost.Platforms[0].Lines.Count);
        Assert.Equal("EBS bandwidth", run.Cost.Platforms[0].BindingLimit);
        Assert.Equal(6, run.Cost.Sensitivity.Count);
        Assert.Empty(run.Missing);
    }

    [Fact]
    public void Load_HlogIntervals_AreSecondsSinceRunStartInMicroseconds()
    {
        var run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));
        var produce = run.Histograms["produce"];

        Assert.Equal(Enumerable.Range(0, FixtureRun.TotalSeconds).Select(s => (double)s), produce.Select(i => i.StartSeconds));
        Assert.All(produce, interval => Assert.Equal(1.0, interval.EndSeconds - interval.StartSeconds));
        // Second 30 is steady state: a median of a few milliseconds, recorded in microseconds.
        Assert.InRange(produce[30].ToHistogram().GetValueAtPercentile(50), 1_000, 10_000);
    }

    [Fact]
    public void Load_FaultWindow_TakesRecoveryFromSummaryAndEndFromDuration()
    {
        var run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));

        var fault = Assert.Single(run.Faults);
        Assert.Equal("broker.kill broker 1", fault.Label);
        Assert.Equal(20, fault.Start);
        Assert.Equal(30, fault.End);
        Assert.Equal(14.2, fault.RecoverySeconds);
        Assert.Equal(2, fault.Groups.Count);
    }

    [Fact]
    public void Load_CostLineWithANegativeAmount_NamesThePlatform()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "results-cost-negative");
        var path = Path.Combine(run, RunFiles.Cost);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"monthlyUsd\": 620.5", "\"monthlyUsd\": -620.5", StringComparison.Ordinal));

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Contains("platforms[0]", error.Message, StringComparison.Ordinal);
    }
}
