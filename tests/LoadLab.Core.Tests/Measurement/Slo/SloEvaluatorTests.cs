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
