using LoadLab.Core.Faults;
using LoadLab.Core.Measurement.Recovery;
using Microsoft.Extensions.Time.Testing;

namespace LoadLab.Core.Tests.Measurement.Recovery;

public sealed class RecoveryAnalyzerTests
{
    private static readonly RecoveryAnalyzer Analyzer = new();

    [Fact]
    public void Analyze_LagRisesThenSettles_RecoversAtStartOfHold()
    {
        // Baseline ~20 messages / 0.05 s; the fault at t=30 pushes lag up until t=41, back to normal from t=42.
        var series = Series("g", 80, t => t is >= 31 and <= 41 ? (5000, 4.0) : (20, 0.05));

        var result = Single(series, injectedAt: 30, revertedAt: 35, loadEnd: 80);

        Assert.Equal(12, result.RecoverySeconds);
        Assert.Null(result.NotRecoveredReason);
        Assert.Equal((5000L, 4.0), (result.PeakLagMessages, result.PeakLagSeconds));
        Assert.Equal(42, result.WindowEndSeconds);
        var group = Assert.Single(result.Groups);
        Assert.Equal(30, group.BaselineSamples);
        Assert.Equal(120, group.ThresholdMessages, 6);
        Assert.Equal(0.55, group.ThresholdSeconds, 6);
        // Trapezoid over t=30..42: ramps 0.05→4 and 4→0.05 of one second each, 10 s at 4.
        Assert.Equal(((0.05 + 4) / 2 * 2) + (4 * 10), result.LagSecondsIntegral, 6);
    }

    [Fact]
    public void Analyze_LagNeverComesBack_NotRecoveredWithReason()
    {
        var series = Series("g", 60, t => t >= 20 ? (100 * (t - 19), t - 19.0) : (10, 0.01));

        var result = Single(series, injectedAt: 20, revertedAt: null, loadEnd: 60);

        Assert.Null(result.RecoverySeconds);
        Assert.Equal("lag was still above its pre-fault baseline when the load ended", result.NotRecoveredReason);
        Assert.Equal((4100L, 41.0), (result.PeakLagMessages, result.PeakLagSeconds));
        Assert.Equal(60, result.WindowEndSeconds);
    }

    [Fact]
    public void Analyze_LagFlapsInAndOut_RecoveryCountsFromFinalStableHold()
    {
        // Back in baseline at 35..38 and 42..44 (shorter than the hold), stable from 50 on.
        static (long, double) Lag(int t) => t switch
        {
            < 30 => (10, 0.02),
            >= 35 and <= 38 => (10, 0.02),
            >= 42 and <= 44 => (10, 0.02),
            >= 50 => (10, 0.02),
            _ => (3000, 2.5),
        };

        var result = Single(Series("g", 90, Lag), injectedAt: 30, revertedAt: 31, loadEnd: 90);

        Assert.Equal(20, result.RecoverySeconds);
    }

    [Fact]
    public void Analyze_LoadEndsInsideHoldWindow_NotRecoveredWithReason()
    {
        var series = Series("g", 60, t => t is >= 30 and < 55 ? (900, 3.0) : (10, 0.02));

        var result = Single(series, injectedAt: 30, revertedAt: 40, loadEnd: 60);

        Assert.Null(result.RecoverySeconds);
        Assert.Equal("lag was back within its pre-fault baseline for only 5.0 s of the 10 s hold window when the load ended, so recovery was not confirmed (let the load run longer after the fault)", result.NotRecoveredReason);
    }

    [Fact]
    public void Analyze_HoldShortByLessThanARoundingStep_NeverReadsAsAFullHold()
    {
        // Lag is back within the baseline from t = 50; the last sample, at 59.96, is 0.04 s short of the 10 s hold.
        var samples = Enumerable.Range(0, 60).Select(i => (double)i).Append(59.96)
            .Select(t => new LagSample(t, t is >= 30 and < 50 ? 900 : 10, t is >= 30 and < 50 ? 3.0 : 0.02)).ToList();
        var input = new RecoveryInput
        {
            Faults = [new FaultOccurrence(0, "broker.kill", "broker 1", 30, 40, true, "killed")],
            Groups = [new GroupLagSeries("g", samples, [])],
            LoadEndSeconds = samples[^1].AtSeconds,
        };

        var result = new RecoveryAnalyzer().Analyze(input).Single();

        Assert.Null(result.RecoverySeconds);
        Assert.StartsWith("lag was back within its pre-fault baseline for only 9.9 s of the 10 s hold window", result.NotRecoveredReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_DrainSamplesAfterLoadEnd_AreIgnored()
    {
        // Lag only falls once the producers stop: that is not a recovery.
        var series = Series("g", 90, t => t is >= 30 and < 60 ? (900, 3.0) : (10, 0.02));

        var result = Single(series, injectedAt: 30, revertedAt: 40, loadEnd: 59);

        Assert.Null(result.RecoverySeconds);
        Assert.Equal("lag was still above its pre-fault baseline when the load ended", result.NotRecoveredReason);
    }

    [Fact]
    public void Analyze_FaultAtStartWithoutBaseline_UsesFloorsAsThresholds()
    {
        // 80 messages and 0.4 s are within the floors (100 messages, 0.5 s); 150 messages is not.
        var series = Series("g", 40, t => t < 8 ? (150, 0.3) : (80, 0.4));

        var result = Single(series, injectedAt: 0, revertedAt: 5, loadEnd: 40);

        var group = Assert.Single(result.Groups);
        Assert.Equal((0, 100.0, 0.5), (group.BaselineSamples, group.ThresholdMessages, group.ThresholdSeconds));
        Assert.Equal(8, result.RecoverySeconds);
    }

    [Fact]
    public void Analyze_LagNeverLeavesBaseline_RecoveryIsZeroAndWindowEndsAtRevert()
    {
        var series = Series("g", 60, _ => (20, 0.05));

        var result = Single(series, injectedAt: 30, revertedAt: 33, loadEnd: 60);

        Assert.Equal((0.0, 33.0), (result.RecoverySeconds!.Value, result.WindowEndSeconds));
    }

    [Fact]
    public void Analyze_SeveralGroups_FaultRecoveryIsSlowestGroupAndNullWhenOneIsStuck()
    {
        var fast = Series("fast", 80, t => t is >= 30 and < 33 ? (500, 1.0) : (10, 0.02));
        var slow = Series("slow", 80, t => t is >= 30 and < 45 ? (500, 1.0) : (10, 0.02));
        var stuck = Series("stuck", 80, t => t >= 30 ? (500, 1.0) : (10, 0.02));
        var fault = Fault(30, 31);

        var both = Analyzer.Analyze(new RecoveryInput { Faults = [fault], Groups = [fast, slow], LoadEndSeconds = 80 })[0];
        var withStuck = Analyzer.Analyze(new RecoveryInput { Faults = [fault], Groups = [fast, stuck], LoadEndSeconds = 80 })[0];

        Assert.Equal((15.0, 3.0, 15.0), (both.RecoverySeconds!.Value, both.Groups[0].RecoverySeconds!.Value, both.Groups[1].RecoverySeconds!.Value));
        Assert.Null(withStuck.RecoverySeconds);
        Assert.Equal("group stuck: lag was still above its pre-fault baseline when the load ended", withStuck.NotRecoveredReason);
    }

    [Fact]
    public void Analyze_BaselineLeavesOutEarlierFaultWindow()
    {
        // The first fault's lag (t=10..19) lies in the second fault's baseline window (t=10..39) and would
        // raise its p99 to 10,000 messages if it were counted.
        var series = Series("g", 100, t => t switch
        {
            >= 10 and < 20 => (10_000, 9.0),
            >= 40 and < 45 => (400, 0.9),
            _ => (10, 0.02),
        });

        var results = Analyzer.Analyze(new RecoveryInput { Faults = [Fault(10, 11, index: 0), Fault(40, 41, index: 1)], Groups = [series], LoadEndSeconds = 100 });

        Assert.Equal(10, results[0].RecoverySeconds);
        Assert.Equal(5, results[1].RecoverySeconds);
        Assert.Equal(110, results[1].Groups[0].ThresholdMessages, 6);
    }

    [Fact]
    public void Analyze_AckGapsErrorsAndRebalances_AreTakenInsideTheFaultWindow()
    {
        var series = Series("g", 60, t => t is >= 20 and < 25 ? (900, 3.0) : (10, 0.02)) with { RebalanceSeconds = [5, 21, 23] };
        var gaps = new[]
        {
            new PartitionAckGaps("t", 0, [new AckGap(2, 3), new AckGap(19.5, 22.5)]),
            new PartitionAckGaps("t", 1, [new AckGap(20.2, 20.6)]),
            new PartitionAckGaps("t", 2, []),
        };
        ErrorCount[] errors = [new(5, "Local_MsgTimedOut", 3), new(20, "NotLeaderForPartition", 7), new(21, "NotLeaderForPartition", 2), new(22, "Local_MsgTimedOut", 1), new(40, "Local_MsgTimedOut", 9)];

        var result = Analyzer.Analyze(new RecoveryInput { Faults = [Fault(20, 21)], Groups = [series], AckGaps = gaps, Errors = errors, LoadEndSeconds = 60 })[0];

        Assert.Equal(2.5, result.UnavailableSeconds, 6);
        Assert.Equal([("t", 0, 20.0, 2.5), ("t", 1, 20.2, 0.4)], result.UnavailablePartitions.Select(u => (u.Topic, u.Partition, Math.Round(u.FromSeconds, 6), Math.Round(u.Seconds, 6))));
        Assert.Equal(new Dictionary<string, long> { ["Local_MsgTimedOut"] = 1, ["NotLeaderForPartition"] = 9 }, result.ErrorsByCode);
        Assert.Equal(2, result.Groups[0].Rebalances);
    }

    [Fact]
    public void ToSummary_CarriesTheContractFields()
    {
        var series = Series("g", 80, t => t is >= 31 and <= 41 ? (5000, 4.0) : (20, 0.05));

        var summary = Single(series, injectedAt: 30, revertedAt: 35, loadEnd: 80).ToSummary();

        Assert.Equal(("broker.kill", "broker 2", 30.0, 5.0, 12.0, 5000L, 4.0), (summary.Action, summary.Target, summary.AtSeconds, summary.DurationSeconds!.Value, summary.RecoverySeconds!.Value, summary.PeakLagMessages, summary.PeakLagSeconds));
        Assert.Equal("g", Assert.Single(summary.Groups).Group);
    }

    [Fact]
    public void AckGapTracker_RecordsGapsLongerThanMinimumIncludingTheOpenOne()
    {
        var time = new FakeTimeProvider();
        var start = time.GetTimestamp();
        var tracker = new AckGapTracker([("t", 2)], time, start, TimeSpan.FromMilliseconds(100));
        long At(double seconds) => start + (long)(seconds * time.TimestampFrequency);

        foreach (var t in new[] { 0.05, 0.1, 0.15, 1.15, 1.2, 1.19 })
        {
            tracker.RecordAck(0, 0, At(t));
        }

        tracker.RecordAck(0, 1, At(0.05));
        var gaps = tracker.Gaps(At(3));

        Assert.Equal([(0.15, 1.15), (1.2, 3.0)], gaps[0].Gaps.Select(g => (Math.Round(g.FromSeconds, 6), Math.Round(g.ToSeconds, 6))));
        Assert.Equal([(0.05, 3.0)], gaps[1].Gaps.Select(g => (Math.Round(g.FromSeconds, 6), Math.Round(g.ToSeconds, 6))));
    }

    [Fact]
    public void Analyze_BaselineOfDistinctLags_ThresholdsAreItsP99PlusTheMarginOrTheFloor()
    {
        // 300 baseline samples (10 a second) before the fault at t=30 with lags of i messages and i/100 s (i = 0..299):
        // their p99 is the value of rank ⌈0.99·300⌉ = 297, i.e. 296 messages and 2.96 s. Margins: max(29.6, 100)
        // messages and max(0.296, 0.5) s.
        var samples = Enumerable.Range(0, 600).Select(i => i < 300 ? new LagSample(i / 10.0, i, i / 100.0) : new LagSample(i / 10.0, 0, 0));
        var series = new GroupLagSeries("g", [.. samples], []);

        var group = Assert.Single(Single(series, injectedAt: 30, revertedAt: 31, loadEnd: 60).Groups);

        Assert.Equal(300, group.BaselineSamples);
        Assert.Equal(396, group.ThresholdMessages, 6);
        Assert.Equal(3.46, group.ThresholdSeconds, 6);
    }

    [Fact]
    public void Analyze_BaselineOfExactlyTheMinimumSamples_IsUsedRatherThanTheFloors()
    {
        // Three samples (the default minimum) at 1,000 messages: the threshold is 1,000 + 100, not the floor of 100.
        var series = Series("g", 20, t => t < 3 ? (1_000, 0.2) : (0, 0));

        var group = Assert.Single(Single(series, injectedAt: 3, revertedAt: 4, loadEnd: 20).Groups);

        Assert.Equal(3, group.BaselineSamples);
        Assert.Equal(1_100, group.ThresholdMessages, 6);
        Assert.Equal(0.7, group.ThresholdSeconds, 6);
    }

    [Fact]
    public void Analyze_LargeBaseline_MarginIsItsFractionOfTheP99AboveTheFloors()
    {
        // p99 of 2,000 messages and 10 s: 10 % is 200 messages and 1 s, above the floors of 100 and 0.5 s.
        var series = Series("g", 60, t => t < 30 ? (2_000, 10.0) : (0, 0));

        var group = Assert.Single(Single(series, injectedAt: 30, revertedAt: 31, loadEnd: 60).Groups);

        Assert.Equal(2_200, group.ThresholdMessages, 6);
        Assert.Equal(11, group.ThresholdSeconds, 6);
    }

    [Fact]
    public void Analyze_LagExactlyAtTheThresholdForTheWholeHold_CountsAsRecoveredWhenTheHoldIsComplete()
    {
        // Baseline 20 messages / 0.05 s gives thresholds of 120 messages and 0.55 s. From t=35 lag sits exactly on them.
        var series = Series("g", 60, t => t switch { < 30 => (20, 0.05), < 35 => (5_000, 4.0), _ => (120, 0.55) });

        var exact = Single(series, injectedAt: 30, revertedAt: 31, loadEnd: 45);
        var tooShort = Single(series, injectedAt: 30, revertedAt: 31, loadEnd: 44.5);

        // The hold from 35 is complete at 45 (10 s), not before.
        Assert.Equal(5, exact.RecoverySeconds);
        Assert.Null(tooShort.RecoverySeconds);
        Assert.Equal("lag was back within its pre-fault baseline for only 9.0 s of the 10 s hold window when the load ended, so recovery was not confirmed (let the load run longer after the fault)", tooShort.NotRecoveredReason);
    }

    [Fact]
    public void Analyze_TwoGroups_FaultTakesTheWorstGroupsPeaksAndIntegral()
    {
        var calm = Series("calm", 60, t => t is >= 30 and < 33 ? (300, 0.6) : (10, 0.01));
        var stormy = Series("stormy", 60, t => t is >= 30 and < 36 ? (9_000, 7.0) : (10, 0.01));

        var result = Assert.Single(Analyzer.Analyze(new RecoveryInput { Faults = [Fault(30, 31)], Groups = [calm, stormy], LoadEndSeconds = 60 }));

        Assert.Equal((9_000L, 7.0), (result.PeakLagMessages, result.PeakLagSeconds));
        Assert.Equal(result.Groups.Single(g => g.Group == "stormy").LagSecondsIntegral, result.LagSecondsIntegral);
        Assert.True(result.Groups.Single(g => g.Group == "calm").LagSecondsIntegral < result.LagSecondsIntegral);
        Assert.Equal(6, result.RecoverySeconds);
    }

    [Fact]
    public void Constructor_InvalidOptions_AreRejectedNamingTheSetting()
    {
        string? Rejected(RecoveryOptions options) => Assert.Throws<ArgumentOutOfRangeException>(() => new RecoveryAnalyzer(options)).ParamName;

        Assert.Equal("HoldWindow", Rejected(new RecoveryOptions { HoldWindow = TimeSpan.Zero }));
        Assert.Equal("BaselineWindow", Rejected(new RecoveryOptions { BaselineWindow = TimeSpan.Zero }));
        Assert.Equal("MinimumBaselineSamples", Rejected(new RecoveryOptions { MinimumBaselineSamples = 0 }));
        Assert.Equal("MarginFraction", Rejected(new RecoveryOptions { MarginFraction = -0.1 }));
        Assert.Equal("MessagesFloor", Rejected(new RecoveryOptions { MessagesFloor = -1 }));
        Assert.Equal("SecondsFloor", Rejected(new RecoveryOptions { SecondsFloor = TimeSpan.FromSeconds(-1) }));
        Assert.NotNull(new RecoveryAnalyzer(new RecoveryOptions { MarginFraction = 0, MessagesFloor = 0, SecondsFloor = TimeSpan.Zero, MinimumBaselineSamples = 1 }));
    }

    [Fact]
    public void Analyze_FaultWithoutConsumerGroups_WindowEndsAtTheRevertOrTheLoadEndAndSaysWhy()
    {
        var gaps = new[] { new PartitionAckGaps("t", 0, [new AckGap(22, 40)]) };
        ErrorCount[] errors = [new(19, "Local_MsgTimedOut", 8), new(20, "Local_MsgTimedOut", 1), new(24, "Local_MsgTimedOut", 2), new(25, "Local_MsgTimedOut", 4)];
        RecoveryInput Input(double? revertedAt) => new() { Faults = [Fault(20.4, revertedAt)], Groups = [], AckGaps = gaps, Errors = errors, LoadEndSeconds = 60 };

        var reverted = Assert.Single(Analyzer.Analyze(Input(25)));
        var neverReverted = Assert.Single(Analyzer.Analyze(Input(null)));

        // Errors are counted per second: the one of the second the fault started in counts, the one at the window's end does not.
        Assert.Equal((25.0, 3.0, 3L), (reverted.WindowEndSeconds, reverted.UnavailableSeconds, reverted.ErrorsByCode["Local_MsgTimedOut"]));
        Assert.Equal((60.0, 18.0, 7L), (neverReverted.WindowEndSeconds, neverReverted.UnavailableSeconds, neverReverted.ErrorsByCode["Local_MsgTimedOut"]));
        Assert.All([reverted, neverReverted], r =>
        {
            Assert.Equal((null, "no consumer group to measure lag on"), (r.RecoverySeconds, r.NotRecoveredReason));
            Assert.Equal((0L, 0.0, 0.0), (r.PeakLagMessages, r.PeakLagSeconds, r.LagSecondsIntegral));
            Assert.Empty(r.Groups);
        });
    }

    [Fact]
    public void Analyze_FaultsInjectedAtTheSameInstant_AreReportedInFaultIndexOrder()
    {
        var results = Analyzer.Analyze(new RecoveryInput { Faults = [Fault(20, 23, index: 1), Fault(20, 21, index: 0), Fault(10, 11, index: 2)], Groups = [], LoadEndSeconds = 60 });

        Assert.Equal([(2, 11.0), (0, 21.0), (1, 23.0)], results.Select(r => (r.Fault.FaultIndex, r.WindowEndSeconds)));
    }

    [Fact]
    public void Analyze_AckGaps_LongestPerPartitionFirstFoundOnATieAndPartitionsByLengthThenTopicThenNumber()
    {
        var gaps = new[]
        {
            new PartitionAckGaps("b", 1, [new AckGap(21, 23)]),
            new PartitionAckGaps("b", 0, [new AckGap(21, 23), new AckGap(25, 27)]),
            new PartitionAckGaps("a", 3, [new AckGap(22, 24)]),
            new PartitionAckGaps("a", 1, [new AckGap(10, 15), new AckGap(26, 28)]),
            new PartitionAckGaps("c", 0, [new AckGap(20, 29)]),
        };

        var result = Assert.Single(Analyzer.Analyze(new RecoveryInput { Faults = [Fault(20, 30)], Groups = [], AckGaps = gaps, LoadEndSeconds = 60 }));

        Assert.Equal(9.0, result.UnavailableSeconds);
        Assert.Equal(
            [("c", 0, 20.0, 9.0), ("a", 1, 26.0, 2.0), ("a", 3, 22.0, 2.0), ("b", 0, 21.0, 2.0), ("b", 1, 21.0, 2.0)],
            result.UnavailablePartitions.Select(u => (u.Topic, u.Partition, u.FromSeconds, u.Seconds)));
    }

    [Fact]
    public void Analyze_SamplesAndRebalancesExactlyOnTheWindowEdges_CountInTheWindow()
    {
        // Lag peaks at the injection sample (t=30) and stays out of the baseline to t=39; the final hold starts at t=40,
        // which ends the window. Rebalances at both edges count, the one after does not.
        var series = Series("g", 80, t => t switch { 30 => (800, 0.8), > 30 and < 40 => (500, 0.5), _ => (10, 0.02) }) with { RebalanceSeconds = [29.9, 30, 40, 40.1] };

        var result = Single(series, injectedAt: 30, revertedAt: 35, loadEnd: 80);

        Assert.Equal((10.0, 40.0), (result.RecoverySeconds!.Value, result.WindowEndSeconds));
        Assert.Equal((800L, 0.8), (result.PeakLagMessages, result.PeakLagSeconds));
        Assert.Equal(2, result.Groups[0].Rebalances);
    }

    [Fact]
    public void Analyze_LagOutOfTheBaselineOnlyAtTheInjectionSample_RecoversAtTheNextSample()
    {
        var series = Series("g", 80, t => t == 30 ? (900, 0.9) : (10, 0.02));

        var result = Single(series, injectedAt: 30, revertedAt: 31, loadEnd: 80);

        Assert.Equal((1.0, 31.0), (result.RecoverySeconds!.Value, result.WindowEndSeconds));
    }

    [Fact]
    public void Analyze_LagNeverLeavesBaselineWithTheFaultBetweenSamples_RecoveryIsZero()
    {
        // The first sample after the injection (30.3 s) is 0.7 s later; lag that never left the baseline recovers in 0 s.
        var result = Single(Series("g", 60, _ => (20, 0.05)), injectedAt: 30.3, revertedAt: 30.8, loadEnd: 60);

        Assert.Equal((0.0, 30.8), (result.RecoverySeconds!.Value, result.WindowEndSeconds));
    }

    [Fact]
    public void Analyze_BaselineSampleExactlyABaselineWindowBeforeTheFault_IsPartOfTheBaseline()
    {
        // The 30 s baseline of a fault at 40 s is t=10..39: the 1,000-message sample at t=10 is its p99 (30 samples).
        var series = Series("g", 80, t => t switch { 10 => (1_000, 0.02), < 10 => (5_000, 0.02), _ => (10, 0.02) });

        var group = Single(series, injectedAt: 40, revertedAt: 41, loadEnd: 80).Groups[0];

        Assert.Equal((30, 1_100.0), (group.BaselineSamples, group.ThresholdMessages));
    }

    private static FaultRecovery Single(GroupLagSeries series, double injectedAt, double? revertedAt, double loadEnd) =>
        Assert.Single(Analyzer.Analyze(new RecoveryInput { Faults = [Fault(injectedAt, revertedAt)], Groups = [series], LoadEndSeconds = loadEnd }));

    private static FaultOccurrence Fault(double injectedAt, double? revertedAt, int index = 0) =>
        new(index, "broker.kill", "broker 2", injectedAt, revertedAt, true, "killed");

    private static GroupLagSeries Series(string group, int seconds, Func<int, (long Messages, double Seconds)> lag) =>
        new(group, [.. Enumerable.Range(0, seconds + 1).Select(t => new LagSample(t, lag(t).Messages, lag(t).Seconds))], []);
}
