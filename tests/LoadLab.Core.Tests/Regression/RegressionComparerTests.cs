using LoadLab.Core.Regression;
using LoadLab.Core.Results;
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

    [Fact]
    public void Judge_CountChangeEqualToTheAllowance_IsUnchangedAndOneMoreRegresses()
    {
        var rule = RegressionRule.Absolute("lost", 2);

        var atTheEdge = Judge(rule, Headline("a", ("lost", 0)), Headline("b", ("lost", 2)));
        var beyond = Judge(rule, Headline("a", ("lost", 0)), Headline("b", ("lost", 3)));

        Assert.Equal(Verdict.Unchanged, atTheEdge.Verdict);
        Assert.Equal(Verdict.Regressed, beyond.Verdict);
        Assert.Equal("lost: baseline 0 msg (best run), current 3 msg (worst run; exact count): +3 msg, allowed +2.", beyond.Explanation);
    }

    [Fact]
    public void Judge_CountFallingByMoreThanTheAllowance_IsImprovedAndByExactlyIt_Unchanged()
    {
        var rule = RegressionRule.Absolute("duplicated", 2);

        var improved = Judge(rule, Headline("a", ("duplicated", 5)), Headline("b", ("duplicated", 2)));
        var atTheEdge = Judge(rule, Headline("a", ("duplicated", 5)), Headline("b", ("duplicated", 3)));

        Assert.Equal((Verdict.Improved, -3.0), (improved.Verdict, improved.Change!.Value));
        Assert.Equal(Verdict.Unchanged, atTheEdge.Verdict);
    }

    [Fact]
    public void Judge_CountWhereLowerIsWorse_ComparesTheBaselinesHighestWithTheCurrentLowest()
    {
        // A count rule pointing the other way (written out, not a shipped metric) takes the best run as the highest.
        var rule = new RegressionRule("reordered", 1, false, WorseDirection.Lower);

        var verdict = RegressionComparer.Judge(rule, [Headline("a", ("reordered", 4)), Headline("b", ("reordered", 9))], [Headline("c", ("reordered", 7)), Headline("d", ("reordered", 6))], 0.95);

        Assert.Equal((Verdict.Regressed, 9.0, 6.0, -3.0), (verdict.Verdict, verdict.Baseline!.Value, verdict.Current!.Value, verdict.Change!.Value));
    }

    [Fact]
    public void Judge_CountMissingFromOneRun_IsInsufficientDataNamingTheAudit()
    {
        var rule = RegressionRule.Absolute("lost", 0);

        var verdict = RegressionComparer.Judge(rule, [Headline("a", ("lost", 0)), Headline("b")], [Headline("c", ("lost", 5))], 0.95);

        Assert.Equal((Verdict.InsufficientData, ComparisonMethod.ExactCount, 0.0, 5.0, 1, 1), (verdict.Verdict, verdict.Method, verdict.Baseline!.Value, verdict.Current!.Value, verdict.BaselineValues, verdict.CurrentValues));
        Assert.Equal("lost: insufficient data: not measured in every run (no delivery audit).", verdict.Explanation);
    }

    [Fact]
    public void Judge_CountMissingFromTheCurrentRun_IsInsufficientDataWithoutACurrentValue()
    {
        var verdict = Judge(RegressionRule.Absolute("lost", 0), Headline("a", ("lost", 0)), Headline("b"));

        Assert.Equal(Verdict.InsufficientData, verdict.Verdict);
        Assert.Null(verdict.Current);
        Assert.Equal(0, verdict.CurrentValues);
    }

    [Fact]
    public void Judge_FourRunsPerSide_AreEnoughAndThreeAreNot()
    {
        var rule = RegressionRule.Relative("recovery", 0.2);
        var four = RegressionComparer.Judge(rule, Runs("a", "recovery", 5, 5.2, 4.9, 5.1), Runs("b", "recovery", 9, 9.3, 8.8, 9.1), 0.95);
        var three = RegressionComparer.Judge(rule, Runs("a", "recovery", 5, 5.2, 4.9), Runs("b", "recovery", 9, 9.3, 8.8, 9.1), 0.95);

        Assert.Equal(Verdict.Regressed, four.Verdict);
        Assert.Equal((Verdict.InsufficientData, 5.0), (three.Verdict, three.Baseline!.Value));
        Assert.Equal(9.05, three.Current!.Value, 12);
        Assert.Equal("recovery: insufficient data: 3 baseline and 4 current run value(s); 4 per side are needed (save and check repeated runs).", three.Explanation);
    }

    [Fact]
    public void Judge_ThreeSecondsOnOneSide_IsInsufficientPerSecondData()
    {
        var verdict = Judge(ProduceP99, Seconds("a", "produce.p99", 1, 2, 3), Seconds("b", "produce.p99", 1, 2, 3, 4, 5));

        Assert.Equal((Verdict.InsufficientData, ComparisonMethod.PerSecond, 2.0, 3.0), (verdict.Verdict, verdict.Method, verdict.Baseline!.Value, verdict.Current!.Value));
        Assert.Equal("produce.p99: insufficient data: 3 baseline and 5 current per-second value(s); 4 per side are needed.", verdict.Explanation);
    }

    [Fact]
    public void Judge_ARunWithAnEmptySeries_ComparesOneValuePerRun()
    {
        var empty = new RunSample("a", new Dictionary<string, double> { ["produce.p99"] = 10 }, new Dictionary<string, IReadOnlyList<double>> { ["produce.p99"] = [] });

        var verdict = Judge(ProduceP99, empty, Run("b", "produce.p99", 10, 0.2, 60, 2));

        Assert.Equal((Verdict.InsufficientData, ComparisonMethod.PerRun, 1, 1), (verdict.Verdict, verdict.Method, verdict.BaselineValues, verdict.CurrentValues));
    }

    [Fact]
    public void Judge_RiseFromZero_IsAnInfiniteChangeThatRegresses()
    {
        // Four runs recovered instantly before, 1–4 s now: the relative change of the medians (0 → 2.5 s) is +∞, and so
        // is every resampled change, so the interval lies wholly on the worse side.
        var rule = RegressionRule.Relative("recovery", 0.2);
        var before = Runs("a", "recovery", 0, 0, 0, 0);
        var after = Runs("b", "recovery", 1, 2, 3, 4);

        var verdict = RegressionComparer.Judge(rule, before, after, 0.95);

        Assert.Equal((Verdict.Regressed, double.PositiveInfinity, double.PositiveInfinity), (verdict.Verdict, verdict.Change!.Value, verdict.ChangeLow!.Value));
        Assert.Contains("(+∞, 95% CI +∞ … +∞;", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ZeroOnBothSides_IsNoChange()
    {
        var rule = RegressionRule.Relative("recovery", 0.2);
        var zeros = Runs("a", "recovery", 0, 0, 0, 0);

        var verdict = RegressionComparer.Judge(rule, zeros, zeros, 0.95);

        Assert.Equal((Verdict.Unchanged, 0.0, 0.0, 0.0, 1.0), (verdict.Verdict, verdict.Change!.Value, verdict.ChangeLow!.Value, verdict.ChangeHigh!.Value, verdict.PValue!.Value));
    }

    [Fact]
    public void Judge_FallToZeroOfAThroughput_IsMinusOneAndRegresses()
    {
        var rule = RegressionRule.Relative("rate.achieved", 0.02);
        var before = Runs("a", "rate.achieved", 100, 101, 99, 100);
        var after = Runs("b", "rate.achieved", 0, 0, 0, 0);

        var verdict = RegressionComparer.Judge(rule, before, after, 0.95);

        Assert.Equal((Verdict.Regressed, -1.0, -1.0), (verdict.Verdict, verdict.Change!.Value, verdict.ChangeHigh!.Value));
    }

    [Fact]
    public void Judge_ThroughputUpByMoreThanAllowed_IsImproved()
    {
        var rule = RegressionRule.Relative("rate.achieved", 0.02);

        var verdict = Judge(rule, Run("a", "rate.achieved", 1000, 0.01, 60, 1), Run("b", "rate.achieved", 1100, 0.01, 60, 2));

        Assert.Equal(Verdict.Improved, verdict.Verdict);
        Assert.True(verdict.ChangeLow > 0.02, verdict.Explanation);
    }

    [Fact]
    public void Judge_SeparatedRunValues_ExplainsMediansIntervalTestAndCounts()
    {
        // Four runs a side, wholly separated: U = 0, z = (8 − 0.5)/√(16·9/12) = 2.165, p = 0.0304.
        var rule = RegressionRule.Relative("recovery", 0.2);
        var before = Runs("a", "recovery", 5, 5.2, 4.9, 5.1);
        var after = Runs("b", "recovery", 9, 9.3, 8.8, 9.1);

        var verdict = RegressionComparer.Judge(rule, before, after, 0.95);

        Assert.Equal(0.0304, verdict.PValue!.Value, 4);
        Assert.Equal(9.05 / 5.05 - 1, verdict.Change!.Value, 12);
        Assert.StartsWith("recovery: median 5.05 s → 9.05 s (+79.2%, 95% CI +", verdict.Explanation, StringComparison.Ordinal);
        Assert.EndsWith("Mann-Whitney p = 0.0304, 4 vs 4 run values); allowed +20%.", verdict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SignificanceAtTheConfidenceLevel_DecidesBetweenRegressedAndUnchanged()
    {
        // The same separated runs (p = 0.0304): significant at 95 % confidence (p < 0.05), not at 99 % (p ≥ 0.01).
        var rule = RegressionRule.Relative("recovery", 0.2);
        var before = Runs("a", "recovery", 5, 5.2, 4.9, 5.1);
        var after = Runs("b", "recovery", 9, 9.3, 8.8, 9.1);

        Assert.Equal(Verdict.Regressed, RegressionComparer.Judge(rule, before, after, 0.95).Verdict);
        var strict = RegressionComparer.Judge(rule, before, after, 0.99);
        Assert.Equal(Verdict.Unchanged, strict.Verdict);
        Assert.EndsWith("; the change is within the noise.", strict.Explanation, StringComparison.Ordinal);
        Assert.Contains("99% CI", strict.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_ReportCarriesTheRunsConfidenceAndSlos()
    {
        var spec = new RegressionSpec { Rules = [RegressionRule.Absolute("lost", 0)], Confidence = 0.9 };
        SloCase[] slos = [new("b", new SloResult("p99", "steady", 10, 5, true, "lessOrEqual"))];

        var report = RegressionComparer.Compare("s", "base", [Headline("a", ("lost", 0))], [Headline("b", ("lost", 0)), Headline("c", ("lost", 0))], spec, slos);

        Assert.Equal(("s", "base", 0.9), (report.Scenario, report.BaselineName, report.Confidence));
        Assert.Equal(["a"], report.BaselineRuns);
        Assert.Equal(["b", "c"], report.CurrentRuns);
        Assert.Same(slos, report.Slos);
    }

    [Fact]
    public void Compare_NoRuns_Throws()
    {
        var spec = new RegressionSpec { Rules = [RegressionRule.Absolute("lost", 0)] };

        Assert.Throws<ArgumentOutOfRangeException>(() => RegressionComparer.Compare("s", "b", [], [Headline("b", ("lost", 0))], spec, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegressionComparer.Compare("s", "b", [Headline("a", ("lost", 0))], [], spec, []));
    }

    [Fact]
    public void Judge_CountWhereHigherIsWorse_ComparesTheCurrentHighestWithTheBaselinesLowest()
    {
        var rule = RegressionRule.Absolute("lost", 0);

        var verdict = RegressionComparer.Judge(rule, [Headline("a", ("lost", 2)), Headline("b", ("lost", 0))], [Headline("c", ("lost", 0)), Headline("d", ("lost", 5))], 0.95);

        Assert.Equal((Verdict.Regressed, 0.0, 5.0, 5.0), (verdict.Verdict, verdict.Baseline!.Value, verdict.Current!.Value, verdict.Change!.Value));
    }

    [Fact]
    public void Judge_CountMissingFromEveryBaselineRun_IsInsufficientDataWithoutABaselineValue()
    {
        var verdict = RegressionComparer.Judge(RegressionRule.Absolute("lost", 0), [Headline("a"), Headline("b")], [Headline("c", ("lost", 1))], 0.95);

        Assert.Equal((Verdict.InsufficientData, 0, 1), (verdict.Verdict, verdict.BaselineValues, verdict.CurrentValues));
        Assert.Null(verdict.Baseline);
        Assert.Equal(1.0, verdict.Current);
    }

    [Fact]
    public void Judge_SignificantShiftOfExactlyTheAllowance_IsUnchangedEitherWay()
    {
        // Integer seconds with medians 100 → 110 and 100 → 90: the shift is exactly the allowed 10 ms, significant,
        // and its interval lies wholly on one side; "exceeds the allowed change" is strict, and no noise is blamed.
        var rule = RegressionRule.Absolute("produce.p99", 10);
        var baseline = Seconds("a", "produce.p99", [.. Enumerable.Range(0, 40).Select(i => 98.0 + i % 5)]);
        var slower = Seconds("b", "produce.p99", [.. Enumerable.Range(0, 40).Select(i => 108.0 + i % 5)]);
        var faster = Seconds("c", "produce.p99", [.. Enumerable.Range(0, 40).Select(i => 88.0 + i % 5)]);

        var up = Judge(rule, baseline, slower);
        var down = Judge(rule, baseline, faster);

        Assert.Equal((Verdict.Unchanged, 10.0), (up.Verdict, up.Change!.Value));
        Assert.True(up.PValue < 0.001 && up.ChangeLow > 0, up.Explanation);
        Assert.DoesNotContain("within the noise", up.Explanation, StringComparison.Ordinal);
        Assert.Equal((Verdict.Unchanged, -10.0), (down.Verdict, down.Change!.Value));
        Assert.True(down.PValue < 0.001 && down.ChangeHigh < 0, down.Explanation);
        var oneMore = Judge(RegressionRule.Absolute("produce.p99", 9.5), baseline, slower);
        Assert.Equal(Verdict.Regressed, oneMore.Verdict);
        Assert.Equal(Verdict.Improved, Judge(RegressionRule.Absolute("produce.p99", 9.5), baseline, faster).Verdict);
    }

    [Fact]
    public void Judge_LargeImprovementTheNoiseExplains_IsUnchanged()
    {
        // The noisy seconds of the regression case above, mirrored: the median falls by a quarter, but the rank test
        // cannot tell it from noise, so a faster run is not claimed.
        var baseline = Seconds("a", "produce.p99", 3, 6, 12, 13, 20, 40, 70, 5);
        var current = Seconds("b", "produce.p99", 2, 5, 9, 10, 14, 30, 60, 4);

        var verdict = Judge(ProduceP99, baseline, current);

        Assert.True(verdict.Change < -0.15, verdict.Explanation);
        Assert.True(verdict.PValue >= 0.05, verdict.Explanation);
        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
    }

    [Fact]
    public void Judge_ImprovementWithAnIntervalWhollyBelowZeroButNotSignificant_IsUnchanged()
    {
        // Four runs per side, all current ones faster but one, which is slower than one baseline run: the bootstrap
        // interval of the change of medians lies below zero (a resample needs three of four draws of that run to reach
        // zero), yet with one pair out of order the rank test's p is above 0.05: not significant, so not improved.
        var rule = RegressionRule.Relative("recovery", 0.2);
        var before = Runs("a", "recovery", 10, 10.5, 11, 11.5);
        var after = Runs("b", "recovery", 5, 5.5, 6, 10.2);

        var verdict = RegressionComparer.Judge(rule, before, after, 0.95);

        Assert.True(verdict.PValue >= 0.05, verdict.Explanation);
        Assert.True(-verdict.Change!.Value > 0.2 && verdict.ChangeHigh < 0, verdict.Explanation);
        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
    }

    [Fact]
    public void Judge_OneValuePerRun_ResamplesRunsSoTheIntervalHasWidth()
    {
        var rule = RegressionRule.Relative("recovery", 0.2);

        var verdict = RegressionComparer.Judge(rule, Runs("a", "recovery", 5, 5.5, 4.8, 5.2, 5.1), Runs("b", "recovery", 9, 9.5, 8.8, 9.2, 9.9), 0.95);

        Assert.True(verdict.ChangeLow < verdict.Change && verdict.Change < verdict.ChangeHigh, verdict.Explanation);
    }

    [Fact]
    public void Judge_BaselineRunsOfWhichOneIsSlower_ResamplesWholeRunsNotPooledSeconds()
    {
        // Two baseline runs at 10 ms and one at 16 ms; a current run at 15 ms is slower than two thirds of the baseline's
        // seconds (significant, +50 % against the pooled median), but one baseline run was as slow as it: drawing that run
        // three times (1 in 27 resamples) is a baseline as slow as now, so the interval reaches below zero: unchanged.
        RunSample[] baseline = [Run("a1", "produce.p99", 10, 0.01, 50, 1), Run("a2", "produce.p99", 10, 0.01, 50, 2), Run("a3", "produce.p99", 16, 0.01, 50, 3)];
        var current = Run("b", "produce.p99", 15, 0.01, 50, 4);

        var verdict = RegressionComparer.Judge(ProduceP99, baseline, [current], 0.95);

        Assert.True(verdict.PValue < 0.001 && verdict.Change > 0.4, verdict.Explanation);
        Assert.True(verdict.ChangeLow < 0, verdict.Explanation);
        Assert.Equal(Verdict.Unchanged, verdict.Verdict);
    }

    [Fact]
    public void Judge_SlowSecondsComingInStretches_WidenTheIntervalAgainstTheSameSecondsShuffled()
    {
        // Consecutive seconds resampled in blocks keep a slow stretch together: a third of the seconds slow, in two
        // stretches of ten, moves the resampled median to the slow level far more often than the same seconds shuffled,
        // where a resample rarely draws half of its seconds slow. The interval of the run with stretches is wider.
        var stretches = Enumerable.Range(0, 60).Select(i => i / 10 % 3 == 2 ? 20.0 + i % 10 * 0.01 : 10.0 + i % 10 * 0.01).ToArray();
        var shuffled = Enumerable.Range(0, 60).Select(i => stretches[i * 7 % 60]).ToArray();
        var current = Run("b", "produce.p99", 10.5, 0.01, 60, 4);

        var ordered = RegressionComparer.Judge(ProduceP99, [Seconds("a", "produce.p99", stretches)], [current], 0.95);
        var mixed = RegressionComparer.Judge(ProduceP99, [Seconds("a", "produce.p99", shuffled)], [current], 0.95);

        var orderedWidth = ordered.ChangeHigh!.Value - ordered.ChangeLow!.Value;
        var mixedWidth = mixed.ChangeHigh!.Value - mixed.ChangeLow!.Value;
        Assert.True(orderedWidth > 1.3 * mixedWidth, $"stretches {ordered.Explanation}; shuffled {mixed.Explanation}");
    }

    [Fact]
    public void Judge_FractionalConfidence_ExplainsTheIntervalAtThatLevelAndWhichValuesWereCompared()
    {
        var perSecond = RegressionComparer.Judge(ProduceP99, [Run("a", "produce.p99", 10, 0.2, 60, 1)], [Run("b", "produce.p99", 15, 0.2, 60, 2)], 0.995);
        var perRun = RegressionComparer.Judge(RegressionRule.Relative("recovery", 0.2), Runs("a", "recovery", 5, 5.2, 4.9, 5.1), Runs("b", "recovery", 9, 9.3, 8.8, 9.1), 0.995);

        Assert.Contains("99.5% CI", perSecond.Explanation, StringComparison.Ordinal);
        Assert.Contains("60 vs 60 per-second values)", perSecond.Explanation, StringComparison.Ordinal);
        Assert.Contains("4 vs 4 run values)", perRun.Explanation, StringComparison.Ordinal);
    }

    /// <summary>One run per value, each with that headline value only.</summary>
    private static RunSample[] Runs(string prefix, string metric, params double[] values) =>
        [.. values.Select((v, i) => Headline($"{prefix}{i}", (metric, v)))];

    private static RunSample Seconds(string id, string metric, params double[] values) =>
        new(id, new Dictionary<string, double> { [metric] = Statistics.Median(values) }, new Dictionary<string, IReadOnlyList<double>> { [metric] = values });

    private static RuleVerdict Judge(RegressionRule rule, RunSample baseline, RunSample current) =>
        RegressionComparer.Judge(rule, [baseline], [current], 0.95);
}
