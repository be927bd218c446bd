using LoadLab.Core.Regression;
using LoadLab.Core.Scenarios;
using static LoadLab.Core.Tests.Regression.SyntheticRuns;

namespace LoadLab.Core.Tests.Regression;

public sealed class RegressionComparerTests
{
    private static readonly RegressionRule ProduceP99 = RegressionRule.Relative("produce.p99", 0.15);

    [Fact]
    public void Judge_SameDistributionOtherSeed_IsUnchanged()
    {
        var verdict = Judge(ProduceP99, Run("a", "produce.p99", 10, 0.2, 60, 1), Run("b", "produce.p99", 10, 0.2, 60, 2));

        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
        Assert.InRange(verdict.PValue!.Value, 0.05, 1);
        Assert.True(verdict.ChangeLow < 0 && verdict.ChangeHigh > 0, verdict.Explanation);
    }

    [Fact]
    public void Judge_FiftyPercentSlower_IsRegressedWithSignificanceAndInterval()
    {
        var verdict = Judge(ProduceP99, Run("a", "produce.p99", 10, 0.2, 60, 1), Run("b", "produce.p99", 15, 0.2, 60, 2));

        Assert.Equal(Verdict.Regressed, verdict.Verdict);
        Assert.InRange(verdict.Change!.Value, 0.3, 0.7);
        Assert.True(verdict.PValue < 0.001, verdict.Explanation);
        Assert.True(verdict.ChangeLow > 0.15, verdict.Explanation);
        Assert.Contains("Mann-Whitney p < 0.0001", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_FortyPercentFaster_IsImproved()
    {
        var verdict = Judge(ProduceP99, Run("a", "produce.p99", 10, 0.2, 60, 1), Run("b", "produce.p99", 6, 0.2, 60, 2));

        Assert.Equal(Verdict.Improved, verdict.Verdict);
        Assert.True(verdict.ChangeHigh < 0, verdict.Explanation);
    }

    [Fact]
    public void Judge_NoisyRunsWithLargerMedian_IsUnchangedBecauseTheNoiseExplainsIt()
    {
        // Few, very noisy seconds: the medians differ by +32 %, but the values interleave and the rank test cannot tell it from noise.
        var baseline = Seconds("a", "produce.p99", 2, 5, 9, 10, 14, 30, 60, 4);
        var current = Seconds("b", "produce.p99", 3, 6, 12, 13, 20, 40, 70, 5);

        var verdict = Judge(ProduceP99, baseline, current);

        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
        Assert.True(verdict.Change > 0.15, verdict.Explanation);
        Assert.True(verdict.PValue >= 0.05, verdict.Explanation);
        Assert.EndsWith("the change is within the noise.", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SignificantButWithinAllowedChange_IsUnchanged()
    {
        var verdict = Judge(ProduceP99, Run("a", "produce.p99", 10, 0.02, 120, 1), Run("b", "produce.p99", 10.8, 0.02, 120, 2));

        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
        Assert.True(verdict.PValue < 0.001, verdict.Explanation);
    }

    [Fact]
    public void Judge_ThroughputDropOfTenPercent_RegressesBecauseLowerIsWorse()
    {
        var rule = RegressionRule.Relative("rate.achieved", 0.02);

        var verdict = Judge(rule, Run("a", "rate.achieved", 1000, 0.01, 60, 1), Run("b", "rate.achieved", 900, 0.01, 60, 2));

        Assert.Equal(WorseDirection.Lower, rule.Worse);
        Assert.Equal(Verdict.Regressed, verdict.Verdict);
    }

    [Fact]
    public void Judge_AbsoluteRule_ComparesDifferenceInMilliseconds()
    {
        var rule = RegressionRule.Absolute("e2e.p99", 5);
        var baseline = Run("a", "e2e.p99", 20, 0.05, 60, 1);

        Assert.Equal(Verdict.Unchanged, Judge(rule, baseline, Run("b", "e2e.p99", 23, 0.05, 60, 2)).Verdict);
        Assert.Equal(Verdict.Regressed, Judge(rule, baseline, Run("c", "e2e.p99", 30, 0.05, 60, 3)).Verdict);
    }

    [Fact]
    public void Judge_AnyLostMessage_RegressesExactlyWithoutStatistics()
    {
        var rule = RegressionRule.Absolute("lost", 0);

        var lost = Judge(rule, Headline("a", ("lost", 0)), Headline("b", ("lost", 3)));
        var none = Judge(rule, Headline("a", ("lost", 0)), Headline("b", ("lost", 0)));

        Assert.Equal((Verdict.Regressed, ComparisonMethod.ExactCount, 3.0), (lost.Verdict, lost.Method, lost.Change!.Value));
        Assert.Null(lost.PValue);
        Assert.Equal(Verdict.Unchanged, none.Verdict);
    }

    [Fact]
    public void Judge_DuplicatesInOneBaselineRun_DoNotLicenseDuplicatesLater()
    {
        var rule = RegressionRule.Absolute("duplicated", 0);

        var verdict = RegressionComparer.Judge(rule, [Headline("a", ("duplicated", 0)), Headline("b", ("duplicated", 347))], [Headline("c", ("duplicated", 12))], 0.95);

        Assert.Equal((Verdict.Regressed, 0.0, 12.0), (verdict.Verdict, verdict.Baseline!.Value, verdict.Current!.Value));
    }

    [Fact]
    public void Judge_OneRecoveryTimePerSide_IsInsufficientData()
    {
        var verdict = Judge(RegressionRule.Relative("recovery", 0.2), Headline("a", ("recovery", 5)), Headline("b", ("recovery", 50)));

        Assert.Equal((Verdict.InsufficientData, ComparisonMethod.PerRun), (verdict.Verdict, verdict.Method));
        Assert.Contains("save and check repeated runs", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_RepeatedRuns_CompareOneValuePerRun()
    {
        var rule = RegressionRule.Relative("recovery", 0.2);
        RunSample[] baseline = [.. new[] { 5.0, 5.5, 4.8, 5.2, 5.1 }.Select((v, i) => Headline($"a{i}", ("recovery", v)))];
        RunSample[] slower = [.. new[] { 9.0, 9.5, 8.8, 9.2, 9.9 }.Select((v, i) => Headline($"b{i}", ("recovery", v)))];

        var verdict = RegressionComparer.Judge(rule, baseline, slower, 0.95);

        Assert.Equal((Verdict.Regressed, ComparisonMethod.PerRun, 5, 5), (verdict.Verdict, verdict.Method, verdict.BaselineValues, verdict.CurrentValues));
    }

    [Fact]
    public void Judge_RepeatsPoolTheirSecondsOnEachSide()
    {
        RunSample[] baseline = [Run("a1", "produce.p99", 10, 0.2, 20, 1), Run("a2", "produce.p99", 10, 0.2, 20, 2)];
        RunSample[] current = [Run("b1", "produce.p99", 10, 0.2, 20, 3), Run("b2", "produce.p99", 10, 0.2, 20, 4), Run("b3", "produce.p99", 10, 0.2, 20, 5)];

        var verdict = RegressionComparer.Judge(ProduceP99, baseline, current, 0.95);

        Assert.Equal((ComparisonMethod.PerSecond, 40, 60), (verdict.Method, verdict.BaselineValues, verdict.CurrentValues));
    }

    [Fact]
    public void Judge_BaselineOfRunsOnAQuietAndABusyMachine_KeepsASlowerRunOfTheSameBuildUnchanged()
    {
        // Within each run the seconds agree, but the machine made one baseline run twice as slow as the other:
        // a current run in between is noise between runs, not a regression.
        RunSample[] baseline = [Run("quiet", "produce.p99", 10, 0.1, 50, 1), Run("busy", "produce.p99", 20, 0.1, 50, 2)];
        var current = Run("now", "produce.p99", 17, 0.1, 50, 3);

        var verdict = RegressionComparer.Judge(ProduceP99, baseline, [current], 0.95);

        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
        Assert.True(verdict.ChangeLow < 0, verdict.Explanation);
    }

    [Fact]
    public void Compare_OneRegressedRule_MakesTheOverallVerdictRegressed()
    {
        var baseline = Run("a", "produce.p99", 10, 0.2, 60, 1, new Dictionary<string, double> { ["lost"] = 0 });
        var current = Run("b", "produce.p99", 10, 0.2, 60, 2, new Dictionary<string, double> { ["lost"] = 1 });
        var spec = new RegressionSpec { Rules = [ProduceP99, RegressionRule.Absolute("lost", 0)] };

        var report = RegressionComparer.Compare("s", "base", [baseline], [current], spec, []);

        Assert.Equal([Verdict.Unchanged, Verdict.Regressed], report.Rules.Select(r => r.Verdict));
        Assert.Equal(Verdict.Regressed, report.Overall);
        Assert.False(report.Passed);
    }

    [Fact]
    public void Compare_OnlyInsufficientData_NeitherRegressesNorFails()
    {
        var spec = new RegressionSpec { Rules = [RegressionRule.Relative("recovery", 0.2)] };

        var report = RegressionComparer.Compare("s", "base", [Headline("a", ("recovery", 5))], [Headline("b", ("recovery", 9))], spec, []);

        Assert.Equal(Verdict.InsufficientData, report.Overall);
        Assert.True(report.Passed);
    }

    [Fact]
    public void Compare_SameInputs_GiveTheSameIntervals()
    {
        var first = Judge(ProduceP99, Run("a", "produce.p99", 10, 0.3, 60, 1), Run("b", "produce.p99", 11, 0.3, 60, 2));
        var second = Judge(ProduceP99, Run("a", "produce.p99", 10, 0.3, 60, 1), Run("b", "produce.p99", 11, 0.3, 60, 2));

        Assert.Equal((first.ChangeLow, first.ChangeHigh), (second.ChangeLow, second.ChangeHigh));
    }

    private static RunSample Seconds(string id, string metric, params double[] values) =>
        new(id, new Dictionary<string, double> { [metric] = Statistics.Median(values) }, new Dictionary<string, IReadOnlyList<double>> { [metric] = values });

    private static RuleVerdict Judge(RegressionRule rule, RunSample baseline, RunSample current) =>
        RegressionComparer.Judge(rule, [baseline], [current], 0.95);
}
