using HdrHistogram;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Measurement.Slo;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Measurement.Slo;

public sealed class SloEvaluatorTests
{
    // 60 one-second intervals: 1,000 acks at 1 ms each, except inside the fault window (t=20..30): 500 acks at 200 ms.
    private static readonly IReadOnlyList<HistogramInterval> Produce = Intervals(60, t => t is >= 20 and < 30 ? (500, 200_000) : (1000, 1_000));

    [Fact]
    public void Evaluate_LatencyByPhase_MergesTheIntervalsOfEachPhase()
    {
        var input = new SloInput { Produce = Produce, Faults = [Recovered(injectedAt: 20, windowEnd: 30)] };

        var results = SloEvaluator.Evaluate(
            [
                Slo("produce.p99", SloPhase.Steady, SloComparison.LessThan, 50),
                Slo("produce.p99", SloPhase.During, SloComparison.LessThan, 50),
                Slo("produce.p50", SloPhase.Overall, SloComparison.LessOrEqual, 1),
                Slo("produce.max", SloPhase.After, SloComparison.LessThan, 2),
            ],
            input);

        Assert.Equal([true, false, true, true], results.Select(r => r.Passed));
        Assert.Equal(1.0, results[0].Observed!.Value, 3);
        Assert.Equal(200, results[1].Observed!.Value, 0.001 * 200);
        Assert.Equal(("steady", "<", 50.0), (results[0].Phase, results[0].Comparison, results[0].Limit));
        Assert.Equal("after", results[3].Phase);
    }

    [Fact]
    public void Evaluate_FaultRecordedAsFailed_OpensNoWindowAndItsSlosAreNotObserved()
    {
        // The tool exited 0 but the leader never moved: the fault is recorded as failed. Its would-be window (20-30 s)
        // is ordinary load, so steady covers it, and the promises about the fault cannot be checked.
        var failed = Recovered(20, 30) with { Fault = new FaultOccurrence(0, "leader.move", "t/0 (leader 1 → 2)", 20, null, false, "broker 2 leads t/0 was not seen") };

        var results = SloEvaluator.Evaluate(
            [
                Slo("produce.p99", SloPhase.During, SloComparison.LessThan, 500),
                Slo("produce.max", SloPhase.After, SloComparison.LessThan, 500),
                Slo("recovery", SloPhase.Overall, SloComparison.LessThan, 60),
                Slo("produce.p99", SloPhase.Steady, SloComparison.LessThan, 500),
            ],
            new SloInput { Produce = Produce, Faults = [failed] });

        Assert.Equal([false, false, false, true], results.Select(r => r.Passed));
        Assert.Equal([null, null, null], results.Take(3).Select(r => r.Observed));
        Assert.Equal(200, results[3].Observed!.Value, 0.001 * 200);
    }

    [Fact]
    public void Evaluate_OverallTail_SeesTheFault()
    {
        var input = new SloInput { Produce = Produce, Faults = [Recovered(20, 30)] };

        var result = SloEvaluator.Evaluate([Slo("produce.p99", SloPhase.Overall, SloComparison.LessThan, 50)], input)[0];

        // 5,000 of 55,000 samples are slow: far above the top 1 %.
        Assert.False(result.Passed);
        Assert.Equal(200, result.Observed!.Value, 0.001 * 200);
    }

    [Fact]
    public void Evaluate_FaultNeverRecovered_DuringLastsToTheEndAndSteadyIsBeforeIt()
    {
        var stuck = Recovered(20, 60) with { RecoverySeconds = null, NotRecoveredReason = "lag was still above its pre-fault baseline when the load ended" };
        var latencies = Intervals(70, t => t < 20 ? (100, 1_000) : (100, 90_000));

        var results = SloEvaluator.Evaluate(
            [
                Slo("e2e.max", SloPhase.Steady, SloComparison.LessThan, 5),
                Slo("e2e.p50", SloPhase.During, SloComparison.LessThan, 5),
                Slo("recovery", SloPhase.Overall, SloComparison.LessThan, 30),
            ],
            new SloInput { EndToEnd = latencies, Faults = [stuck] });

        Assert.Equal([true, false, false], results.Select(r => r.Passed));
        Assert.Equal(90, results[1].Observed!.Value, 0.1);
        Assert.Null(results[2].Observed);
    }

    [Fact]
    public void Evaluate_RecoveryIsTheSlowestFaultAndZeroWithoutFaults()
    {
        var faults = new[] { Recovered(10, 14) with { RecoverySeconds = 4 }, Recovered(30, 52) with { RecoverySeconds = 22 } };
        SloSpec[] slos = [Slo("recovery", SloPhase.Overall, SloComparison.LessThan, 30)];

        var withFaults = SloEvaluator.Evaluate(slos, new SloInput { Faults = faults })[0];
        var withoutFaults = SloEvaluator.Evaluate(slos, new SloInput())[0];

        Assert.Equal((22.0, true), (withFaults.Observed!.Value, withFaults.Passed));
        Assert.Equal((0.0, true), (withoutFaults.Observed!.Value, withoutFaults.Passed));
    }

    [Fact]
    public void Evaluate_AuditCounts_ComparedWithLimits()
    {
        var audit = new AuditSummary { Acked = 100, Delivered = 97, Lost = 2, Duplicated = 0, Reordered = 1, Truncated = 0, Indeterminate = 0 };

        var results = SloEvaluator.Evaluate(
            [
                Slo("lost", SloPhase.Overall, SloComparison.LessOrEqual, 0),
                Slo("duplicated", SloPhase.Overall, SloComparison.LessOrEqual, 0),
                Slo("reordered", SloPhase.Overall, SloComparison.LessOrEqual, 1),
            ],
            new SloInput { Audit = audit });

        Assert.Equal([(2.0, false), (0.0, true), (1.0, true)], results.Select(r => (r.Observed!.Value, r.Passed)));
        Assert.Null(SloEvaluator.Evaluate([Slo("lost", SloPhase.Overall, SloComparison.LessOrEqual, 0)], new SloInput())[0].Observed);
    }

    [Fact]
    public void Evaluate_AchievedRate_PerPhaseFromAcksAndOverallFromInput()
    {
        var input = new SloInput { Produce = Produce, Faults = [Recovered(20, 30)], AchievedRate = 917 };

        var results = SloEvaluator.Evaluate(
            [
                Slo("rate.achieved", SloPhase.During, SloComparison.GreaterOrEqual, 900),
                Slo("rate.achieved", SloPhase.Steady, SloComparison.GreaterOrEqual, 900),
                Slo("rate.achieved", SloPhase.Overall, SloComparison.GreaterOrEqual, 900),
            ],
            input);

        Assert.Equal([(500.0, false), (1000.0, true), (917.0, true)], results.Select(r => (r.Observed!.Value, r.Passed)));
    }

    [Fact]
    public void Evaluate_WarmUpIntervals_AreLeftOut()
    {
        var latencies = Intervals(30, t => t < 5 ? (10, 3_000_000) : (10, 2_000));

        var result = SloEvaluator.Evaluate([Slo("schedule-delay.max", SloPhase.Overall, SloComparison.LessThan, 10)], new SloInput { ScheduleDelay = latencies, MeasuredFromSeconds = 5 })[0];

        Assert.Equal((2.0, true), (result.Observed!.Value, result.Passed));
    }

    [Fact]
    public void Evaluate_PhaseWithoutSamplesOrUnknownMetric_FailsWithoutObservation()
    {
        var results = SloEvaluator.Evaluate(
            [
                Slo("service.p99", SloPhase.During, SloComparison.LessThan, 50),
                Slo("produce.p42", SloPhase.Overall, SloComparison.LessThan, 50),
            ],
            new SloInput { Service = Intervals(10, _ => (10, 1_000)) });

        Assert.All(results, r => Assert.Equal((null, false), (r.Observed, r.Passed)));
    }

    [Fact]
    public void KnownMetrics_ListsEveryLatencyStatisticAndCount()
    {
        Assert.Contains("schedule-delay.p9999", SloEvaluator.KnownMetrics);
        Assert.Contains("e2e.max", SloEvaluator.KnownMetrics);
        Assert.Contains("recovery", SloEvaluator.KnownMetrics);
        Assert.Contains("duplicated.in-log", SloEvaluator.KnownMetrics);
        Assert.Contains("txn.p99", SloEvaluator.KnownMetrics);
        Assert.Contains("aborted-visible", SloEvaluator.KnownMetrics);
        Assert.Contains("torn", SloEvaluator.KnownMetrics);
        Assert.Contains("outputs.duplicated", SloEvaluator.KnownMetrics);
        Assert.Contains("replay.catch-up", SloEvaluator.KnownMetrics);
        Assert.Equal(5 * 6 + 15, SloEvaluator.KnownMetrics.Count);
    }

    [Theory]
    [InlineData(SloComparison.LessThan, "<", false, true, false)]
    [InlineData(SloComparison.LessOrEqual, "<=", true, true, false)]
    [InlineData(SloComparison.GreaterThan, ">", false, false, true)]
    [InlineData(SloComparison.GreaterOrEqual, ">=", true, false, true)]
    public void Evaluate_ObservedAtBelowAndAboveTheLimit_PassesExactlyAsItsComparisonSays(SloComparison comparison, string symbol, bool atLimit, bool belowLimit, bool aboveLimit)
    {
        var input = new SloInput { Audit = Audit(lost: 5) };

        var results = SloEvaluator.Evaluate([Slo("lost", SloPhase.Overall, comparison, 5), Slo("lost", SloPhase.Overall, comparison, 6), Slo("lost", SloPhase.Overall, comparison, 4)], input);

        Assert.Equal([atLimit, belowLimit, aboveLimit], results.Select(r => r.Passed));
        Assert.All(results, r => Assert.Equal((symbol, 5.0), (r.Comparison, r.Observed)));
    }

    [Fact]
    public void Evaluate_EveryAuditMetric_ReadsItsOwnCount()
    {
        var input = new SloInput { Audit = Audit(lost: 1) with { Duplicated = 2, DuplicatedInLog = 3, Reordered = 4, Truncated = 5, Indeterminate = 6 } };
        string[] metrics = ["lost", "duplicated", "duplicated.in-log", "reordered", "truncated", "indeterminate"];

        var results = SloEvaluator.Evaluate([.. metrics.Select(m => Slo(m, SloPhase.Overall, SloComparison.LessOrEqual, 100))], input);

        Assert.Equal([1.0, 2, 3, 4, 5, 6], results.Select(r => r.Observed!.Value));
        Assert.All(SloEvaluator.Evaluate([Slo("lost", SloPhase.Overall, SloComparison.LessOrEqual, 100)], new SloInput()), r => Assert.Equal((null, false), (r.Observed, r.Passed)));
    }

    [Fact]
    public void Evaluate_EveryLatencyMetricAndStatistic_ReadsItsOwnSeriesAtItsOwnPercentile()
    {
        // 1,000 values 1..1,000 µs plus an offset per metric, so each metric and each statistic gives a different number
        // (all below 2,048 µs, where HdrHistogram keeps every microsecond apart).
        List<HistogramInterval> Series(int offset)
        {
            var histogram = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
            for (var v = 1; v <= 1_000; v++)
            {
                histogram.RecordValue(v + offset);
            }

            return [new HistogramInterval(0, 1, histogram)];
        }

        var input = new SloInput { Produce = Series(0), Service = Series(300), EndToEnd = Series(600), ScheduleDelay = Series(900) };
        string[] metrics = ["produce", "service", "e2e", "schedule-delay"];
        string[] statistics = ["p50", "p90", "p99", "p999", "p9999", "max"];
        double[] ranks = [500, 900, 990, 999, 1_000, 1_000];

        var results = SloEvaluator.Evaluate([.. metrics.SelectMany(m => statistics.Select(s => Slo($"{m}.{s}", SloPhase.Overall, SloComparison.LessThan, 1_000)))], input);

        var expected = metrics.SelectMany((_, m) => ranks.Select(rank => (rank + (300 * m)) / 1000.0)).ToList();
        Assert.Equal(expected, results.Select(r => r.Observed!.Value));
        Assert.All(
            SloEvaluator.Evaluate([Slo("produce.p42", SloPhase.Overall, SloComparison.LessThan, 1), Slo("bogus.p99", SloPhase.Overall, SloComparison.LessThan, 1), Slo("p99", SloPhase.Overall, SloComparison.LessThan, 1)], input),
            r => Assert.Null(r.Observed));
    }

    [Fact]
    public void Evaluate_RecoveryOverSeveralFaults_IsTheLongestOrNothingWhenOneNeverRecovered()
    {
        var slo = Slo("recovery", SloPhase.Overall, SloComparison.LessThan, 30);
        var quick = Recovered(10, 14);
        var slow = Recovered(40, 52);

        Assert.Equal(12, SloEvaluator.Evaluate([slo], new SloInput { Faults = [quick, slow] })[0].Observed);
        Assert.Equal(0, SloEvaluator.Evaluate([slo], new SloInput())[0].Observed);
        Assert.Null(SloEvaluator.Evaluate([slo], new SloInput { Faults = [quick, slow with { RecoverySeconds = null }] })[0].Observed);
    }

    [Fact]
    public void Evaluate_IntervalMidpointsExactlyAtInjectionAndWindowEnd_BelongToDuring()
    {
        // The window is 20.5..30.5 s, so the intervals 20-21 and 30-31 have their midpoints exactly on its edges: they
        // are during (closed window) and so neither steady nor after. Each edge interval has its own latency.
        var latencies = Intervals(60, t => t switch
        {
            < 20 => (100, 300),
            20 => (100, 700),
            < 30 => (100, 500),
            30 => (100, 900),
            _ => (100, 100),
        });

        var results = SloEvaluator.Evaluate(
            [
                Slo("produce.max", SloPhase.During, SloComparison.LessThan, 100),
                Slo("produce.max", SloPhase.Steady, SloComparison.LessThan, 100),
                Slo("produce.max", SloPhase.After, SloComparison.LessThan, 100),
                Slo("rate.achieved", SloPhase.During, SloComparison.GreaterThan, 0),
            ],
            new SloInput { Produce = latencies, Faults = [Recovered(20.5, 30.5)] });

        // During: the 11 intervals 20..30 (the edge at 30.5 holds the 0.9 ms); steady: before (0.3 ms) and after (0.1 ms)
        // only; after: from the window end on, none of the 0.3 ms before the fault. (Below 2,048 µs HdrHistogram is exact.)
        Assert.Equal([0.9, 0.3, 0.1], results.Take(3).Select(r => r.Observed!.Value));
        Assert.Equal(100.0, results[3].Observed);
    }

    [Fact]
    public void Evaluate_IntervalMidpointExactlyAtTheEndOfWarmUp_IsMeasured()
    {
        var latencies = Intervals(20, t => t switch { < 4 => (10, 50_000), 4 => (10, 2_000), _ => (10, 1_000) });

        var result = SloEvaluator.Evaluate([Slo("service.max", SloPhase.Overall, SloComparison.LessThan, 10)], new SloInput { Service = latencies, MeasuredFromSeconds = 4.5 })[0];

        Assert.Equal((2.0, true), (result.Observed!.Value, result.Passed));
    }

    [Fact]
    public void Evaluate_UnrecoveredFaultWithoutConsumerGroups_WindowEndsAtItsRevertNotAtTheEndOfTheRun()
    {
        // A producer-only run has no lag to recover from: the analyzer leaves recovery null and ends the window at the
        // revert. Only a fault whose measured groups never recovered keeps its window open to the end of the run.
        var producerOnly = Recovered(20, 30) with { RecoverySeconds = null, NotRecoveredReason = "no consumer group to measure lag on", Groups = [] };
        var latencies = Intervals(60, t => t switch { < 20 => (100, 1_000), < 30 => (100, 1_500), _ => (100, 2_000) });

        var results = SloEvaluator.Evaluate(
            [Slo("produce.max", SloPhase.Steady, SloComparison.LessThan, 10), Slo("produce.max", SloPhase.After, SloComparison.LessThan, 10), Slo("produce.max", SloPhase.During, SloComparison.LessThan, 10)],
            new SloInput { Produce = latencies, Faults = [producerOnly] });

        Assert.Equal([2.0, 2.0, 1.5], results.Select(r => r.Observed!.Value));
    }

    [Fact]
    public void Evaluate_AfterPhaseOfTwoFaults_IsTheGapBetweenThemAndTheTailAfterTheSecond()
    {
        // Windows 10-15 and 30-35 s. By midpoint: before 0-9 (1.9 ms), during 10-14 and 30-34 (1.5 ms), after the first
        // 15-29 (0.2 ms), after the second 35-59 (0.4 ms).
        var latencies = Intervals(60, t => t switch
        {
            < 10 => (100, 1_900),
            < 15 => (100, 1_500),
            < 30 => (150, 200),
            < 35 => (100, 1_500),
            _ => (100, 400),
        });

        var results = SloEvaluator.Evaluate(
            [
                Slo("produce.max", SloPhase.After, SloComparison.LessThan, 10),
                Slo("produce.p50", SloPhase.After, SloComparison.LessThan, 10),
                Slo("rate.achieved", SloPhase.After, SloComparison.GreaterThan, 0),
                Slo("rate.achieved", SloPhase.During, SloComparison.GreaterThan, 0),
            ],
            new SloInput { Produce = latencies, Faults = [Recovered(10, 15), Recovered(30, 35)], AchievedRate = 1 });

        // After: 15 × 150 at 0.2 ms and 25 × 100 at 0.4 ms; 2,250 + 2,500 acks in 40 s.
        Assert.Equal([0.4, 0.4, 4_750 / 40.0, 100.0], results.Select(r => r.Observed!.Value));
    }

    [Fact]
    public void Evaluate_OverlappingFaultWindows_AfterStartsWhenTheLastOfThemEnds()
    {
        // By midpoint: before 0-9 (1.9 ms), inside the overlapping windows 10-39 (1.5 ms), after 40-59 (0.4 ms). The
        // windows nest (a fault inside a longer one) or chain (the next starts before the first ends); the earlier ends
        // at 20 and 30 s lie inside another window and open no after phase of their own.
        var latencies = Intervals(60, t => t switch { < 10 => (100, 1_900), < 40 => (100, 1_500), _ => (100, 400) });
        SloSpec[] slos =
        [
            Slo("produce.max", SloPhase.After, SloComparison.LessThan, 10),
            Slo("produce.max", SloPhase.During, SloComparison.LessThan, 10),
            Slo("rate.achieved", SloPhase.After, SloComparison.GreaterThan, 0),
        ];

        var nested = SloEvaluator.Evaluate(slos, new SloInput { Produce = latencies, Faults = [Recovered(10, 40), Recovered(15, 20), Recovered(25, 30)], AchievedRate = 1 });
        var chained = SloEvaluator.Evaluate(slos, new SloInput { Produce = latencies, Faults = [Recovered(10, 20), Recovered(15, 30), Recovered(25, 40)], AchievedRate = 1 });

        Assert.Equal([0.4, 1.5, 100.0], nested.Select(r => r.Observed!.Value));
        Assert.Equal([0.4, 1.5, 100.0], chained.Select(r => r.Observed!.Value));
    }

    [Fact]
    public void Evaluate_AchievedRateOfAPhaseWithoutIntervals_IsNotObserved()
    {
        var result = SloEvaluator.Evaluate([Slo("rate.achieved", SloPhase.During, SloComparison.GreaterOrEqual, 0)], new SloInput { Produce = Produce })[0];

        Assert.Equal((null, false), (result.Observed, result.Passed));
    }

    [Fact]
    public void Evaluate_IntervalsWithoutAnyValue_AreNotObserved()
    {
        var empty = Intervals(10, _ => (0, 1_000));

        var result = SloEvaluator.Evaluate([Slo("e2e.max", SloPhase.Overall, SloComparison.GreaterOrEqual, 0)], new SloInput { EndToEnd = empty })[0];

        Assert.Equal((null, false), (result.Observed, result.Passed));
    }

    [Fact]
    public void Evaluate_LagMetrics_AreTheHighestSampleOfThePhaseOverTheGroupsOrOfTheNamedGroup()
    {
        // Group a: 10 messages before the fault window (20-30 s), 1,000 + t inside it (t/10 s behind), 50 after.
        // Group b: 5 messages throughout except a spike of 5,000 (0.2 s behind) at 25 s. Samples at 20 and 30 s sit on the
        // window's edges and are during.
        var a = new GroupLagSeries("a", [.. Enumerable.Range(0, 60).Select(t => t switch
        {
            < 20 => new LagSample(t, 10, 0.1),
            <= 30 => new LagSample(t, 1_000 + t, t / 10.0),
            _ => new LagSample(t, 50, 0.5),
        })], []);
        var b = new GroupLagSeries("b", [.. Enumerable.Range(0, 60).Select(t => t == 25 ? new LagSample(t, 5_000, 0.2) : new LagSample(t, 5, 0.05))], []);
        var input = new SloInput { Lag = [a, b], Faults = [Recovered(20, 30)] };

        var results = SloEvaluator.Evaluate(
            [
                Slo("lag.messages", SloPhase.During, SloComparison.LessThan, 10_000),
                Slo("lag.seconds", SloPhase.During, SloComparison.LessThan, 10),
                Slo("lag.messages", SloPhase.Steady, SloComparison.LessThan, 10_000),
                Slo("lag.seconds", SloPhase.Steady, SloComparison.LessThan, 10),
                Slo("lag.messages", SloPhase.During, SloComparison.LessThan, 10_000) with { Group = "a" },
                Slo("lag.seconds", SloPhase.After, SloComparison.LessThan, 10) with { Group = "b" },
                Slo("lag.messages", SloPhase.Overall, SloComparison.LessThan, 10_000) with { Group = "c" },
            ],
            input);

        Assert.Equal([5_000.0, 3.0, 50.0, 0.5, 1_030.0, 0.05, null], results.Select(r => r.Observed));
    }

    [Fact]
    public void Evaluate_ConsumptionMetricsOfANamedGroup_ReadThatGroupsOwnCountsAndSeries()
    {
        var audit = new AuditSummary
        {
            Acked = 100, Delivered = 90, Lost = 10, Duplicated = 20, DuplicatedInLog = 30, Reordered = 40, Truncated = 50, Indeterminate = 60,
            AbortedVisible = 70, Torn = 80,
            Groups =
            [
                new GroupAudit("a", 99, 1, 2, 4, 5, 6, 0, 3) { AbortedVisible = 7, Torn = 8 },
                new GroupAudit("b", 90, 10, 20, 40, 50, 60, 0, 30) { AbortedVisible = 70, Torn = 80 },
            ],
            Pipelines =
            [
                new PipelineAudit { Group = "a", InputTopic = "in", OutputTopic = "out-a", VerifiedBy = "va", LostOutputs = 9, DuplicatedOutputs = 11 },
                new PipelineAudit { Group = "b", InputTopic = "in", OutputTopic = "out-b", VerifiedBy = "vb", LostOutputs = 100, DuplicatedOutputs = 200 },
            ],
        };
        string[] counts = ["lost", "duplicated", "duplicated.in-log", "reordered", "truncated", "indeterminate", "aborted-visible", "torn", "outputs.lost", "outputs.duplicated"];
        var input = new SloInput
        {
            Audit = audit,
            EndToEnd = Intervals(10, _ => (10, 1_900)),
            GroupEndToEnd = new Dictionary<string, IReadOnlyList<HistogramInterval>> { ["a"] = Intervals(10, _ => (10, 1_200)), ["b"] = Intervals(10, _ => (10, 1_800)) },
            Transaction = Intervals(10, _ => (10, 1_700)),
            GroupTransaction = new Dictionary<string, IReadOnlyList<HistogramInterval>> { ["a"] = Intervals(10, _ => (10, 1_300)) },
            Produce = Intervals(10, _ => (10, 1_000)),
        };

        var run = SloEvaluator.Evaluate([.. counts.Select(m => Slo(m, SloPhase.Overall, SloComparison.LessOrEqual, 1_000))], input);
        var groupA = SloEvaluator.Evaluate([.. counts.Select(m => Slo(m, SloPhase.Overall, SloComparison.LessOrEqual, 1_000) with { Group = "a" })], input);
        var series = SloEvaluator.Evaluate(
            [
                Slo("e2e.max", SloPhase.Overall, SloComparison.LessThan, 10) with { Group = "a" },
                Slo("txn.max", SloPhase.Overall, SloComparison.LessThan, 10) with { Group = "a" },
                Slo("txn.max", SloPhase.Overall, SloComparison.LessThan, 10),
                Slo("txn.max", SloPhase.Overall, SloComparison.LessThan, 10) with { Group = "b" },
                Slo("produce.max", SloPhase.Overall, SloComparison.LessThan, 10) with { Group = "a" },
                Slo("lost", SloPhase.Overall, SloComparison.LessThan, 10) with { Group = "c" },
                Slo("outputs.lost", SloPhase.Overall, SloComparison.LessThan, 10) with { Group = "c" },
            ],
            input);

        Assert.Equal([10.0, 20, 30, 40, 50, 60, 70, 80, 109, 211], run.Select(r => r.Observed!.Value));
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 11], groupA.Select(r => r.Observed!.Value));
        Assert.All(groupA, r => Assert.Equal(("a", true), (r.Group, r.Passed)));
        Assert.Equal([1.2, 1.3, 1.7, null, null, null, null], series.Select(r => r.Observed));
    }

    [Fact]
    public void Evaluate_RecoveryOfANamedGroup_IsItsSlowestFaultAndNothingWhenItWasNotMeasuredOrNeverRecovered()
    {
        static FaultRecovery Fault(double injectedAt, double? a, double? b) => Recovered(injectedAt, injectedAt + 20) with
        {
            RecoverySeconds = a is null || b is null ? null : Math.Max(a.Value, b.Value),
            Groups = [new GroupFaultRecovery("a", a, null, 100, 0.5, 10, 0, 0, 0, 0), new GroupFaultRecovery("b", b, null, 100, 0.5, 10, 0, 0, 0, 0)],
        };

        var slo = Slo("recovery", SloPhase.Overall, SloComparison.LessThan, 30);
        var input = new SloInput { Faults = [Fault(10, 4, 9), Fault(40, 6, null)] };

        var results = SloEvaluator.Evaluate([slo with { Group = "a" }, slo with { Group = "b" }, slo with { Group = "c" }, slo], input);

        Assert.Equal([6.0, null, null, null], results.Select(r => r.Observed));
        Assert.Equal(0.0, SloEvaluator.Evaluate([slo with { Group = "a" }], new SloInput())[0].Observed);
    }

    [Fact]
    public void Evaluate_ReplayCatchUp_IsTheSlowestReplayOfTheRunOrOfTheGroupAndNothingWhenOneNeverCaughtUp()
    {
        var slo = Slo("replay.catch-up", SloPhase.Overall, SloComparison.LessThan, 60);
        ReplaySummary Replay(string group, double? catchUp) => new() { Group = group, Rewind = "1000 messages back per partition", Succeeded = true, AtSeconds = 10, CatchUpSeconds = catchUp };
        var input = new SloInput { Replays = [Replay("a", 3), Replay("b", 7), Replay("a", 2)] };

        var results = SloEvaluator.Evaluate([slo, slo with { Group = "a" }, slo with { Group = "c" }], input);
        var stuck = SloEvaluator.Evaluate([slo, slo with { Group = "b" }, slo with { Group = "a" }], new SloInput { Replays = [Replay("a", 3), Replay("b", null)] });

        Assert.Equal([7.0, 3.0, 0.0], results.Select(r => r.Observed));
        Assert.Equal([null, null, 3.0], stuck.Select(r => r.Observed));
    }

    private static AuditSummary Audit(long lost) => new() { Acked = 100, Delivered = 100 - lost, Lost = lost, Duplicated = 0, Reordered = 0, Truncated = 0, Indeterminate = 0 };

    private static SloSpec Slo(string metric, SloPhase phase, SloComparison comparison, double limit) =>
        new($"{metric} {phase}", metric, phase, comparison, limit);

    private static FaultRecovery Recovered(double injectedAt, double windowEnd) => new(
        new FaultOccurrence(0, "broker.kill", "broker 1", injectedAt, injectedAt + 1, true, "killed"),
        windowEnd,
        windowEnd - injectedAt,
        null,
        0,
        0,
        0,
        0,
        [],
        new Dictionary<string, long>(),
        [new GroupFaultRecovery("g", windowEnd - injectedAt, null, 100, 0.5, 10, 0, 0, 0, 0)]);

    private static List<HistogramInterval> Intervals(int seconds, Func<int, (long Count, long Microseconds)> values) =>
        [.. Enumerable.Range(0, seconds).Select(t =>
        {
            var histogram = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
            var (count, microseconds) = values(t);
            histogram.RecordValueWithCount(microseconds, count);
            return new HistogramInterval(t, t + 1, histogram);
        })];
}
