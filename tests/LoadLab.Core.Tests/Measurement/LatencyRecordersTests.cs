using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Measurement;

public sealed class LatencyRecordersTests
{
    /// <summary>HdrHistogram with 3 significant digits reports a value at most this far above the exact one (relative).</summary>
    private const double HdrPrecision = 0.001;

    [Fact]
    public void MeasuredPercentiles_HeavyTailedKnownValues_EveryPercentileIsTheExactRankWithinHdrPrecision()
    {
        // 100,000 latencies from 50 µs to ~11 minutes with a heavy tail, so that p50, p90, p99, p99.9, p99.99 and the max
        // are far apart: reading any of them at another percentile is off by far more than the histogram's precision.
        var values = HeavyTailed(100_000, seed: 22);
        var recorders = new LatencyRecorders();
        foreach (var value in values)
        {
            recorders.Record(LatencyMetric.Produce, value, measured: true);
        }

        var reported = recorders.MeasuredPercentiles(LatencyMetric.Produce);

        Array.Sort(values);
        Assert.Equal(values.Length, reported.Count);
        AssertNear(ExactPercentile(values, 50), reported.P50, "p50");
        AssertNear(ExactPercentile(values, 90), reported.P90, "p90");
        AssertNear(ExactPercentile(values, 99), reported.P99, "p99");
        AssertNear(ExactPercentile(values, 99.9), reported.P999, "p99.9");
        AssertNear(ExactPercentile(values, 99.99), reported.P9999, "p99.99");
        AssertNear(values[^1], reported.Max, "max");
        var exactMeanMs = values.Average() / 1000.0;
        // The mean is reported to the microsecond, so it may also be off by half of one.
        Assert.True(Math.Abs(reported.Mean - exactMeanMs) <= (exactMeanMs * HdrPrecision) + 0.0005, $"mean: reported {reported.Mean} ms, exact {exactMeanMs:0.######} ms");
    }

    [Fact]
    public void MeasuredPercentiles_MessagesOutsideTheMeasuredWindow_AreLeftOutButStillInTheInterval()
    {
        var recorders = new LatencyRecorders();
        for (var i = 1; i <= 100; i++)
        {
            recorders.Record(LatencyMetric.EndToEnd, i * 10, measured: true);
            recorders.Record(LatencyMetric.EndToEnd, 900_000 + i, measured: false);
        }

        var measured = recorders.MeasuredPercentiles(LatencyMetric.EndToEnd);
        var interval = LatencyRecorders.CreateHistogram();
        recorders.TakeInterval(LatencyMetric.EndToEnd, interval);

        Assert.Equal((100, 0.5, 1.0), (measured.Count, measured.P50, measured.Max));
        Assert.Equal(200, interval.TotalCount);
        Assert.Equal(0, recorders.MeasuredPercentiles(LatencyMetric.Produce).Count);
    }

    [Fact]
    public void TakeInterval_TwoIntervals_EachHoldsOnlyWhatWasRecordedSinceTheLastOneAndOnlyItsMetric()
    {
        var recorders = new LatencyRecorders();
        var interval = LatencyRecorders.CreateHistogram();
        // Below 2,048 µs HdrHistogram keeps every microsecond apart, so the values come back exactly.
        recorders.Record(LatencyMetric.Service, 200, measured: true);
        recorders.Record(LatencyMetric.Service, 300, measured: true);
        recorders.Record(LatencyMetric.ScheduleDelay, 700, measured: true);
        recorders.TakeInterval(LatencyMetric.Service, interval);
        Assert.Equal((2L, 300L), (interval.TotalCount, interval.GetMaxValue()));

        recorders.Record(LatencyMetric.Service, 500, measured: true);
        recorders.TakeInterval(LatencyMetric.Service, interval);

        Assert.Equal((1L, 500L), (interval.TotalCount, interval.GetMaxValue()));
        Assert.Equal(3, recorders.MeasuredPercentiles(LatencyMetric.Service).Count);
        recorders.TakeInterval(LatencyMetric.ScheduleDelay, interval);
        Assert.Equal((1L, 700L), (interval.TotalCount, interval.GetMaxValue()));
    }

    [Fact]
    public void RecordForGroup_TwoGroupsAndBothGroupMetrics_EachGroupKeepsItsOwnValuesAndTheRunKeepsThemAll()
    {
        var recorders = new LatencyRecorders(groups: 2);
        var interval = LatencyRecorders.CreateHistogram();
        recorders.RecordForGroup(LatencyMetric.EndToEnd, 0, 100, measured: true);
        recorders.RecordForGroup(LatencyMetric.EndToEnd, 0, 1_500, measured: false);
        recorders.RecordForGroup(LatencyMetric.EndToEnd, 1, 400, measured: true);
        recorders.RecordForGroup(LatencyMetric.EndToEnd, 1, -20, measured: true);
        recorders.RecordForGroup(LatencyMetric.Transaction, 1, 900, measured: true);

        Assert.Equal(2, recorders.Groups);
        Assert.Equal((1L, 0.1), (recorders.MeasuredGroupPercentiles(LatencyMetric.EndToEnd, 0).Count, recorders.MeasuredGroupPercentiles(LatencyMetric.EndToEnd, 0).Max));
        Assert.Equal((2L, 0.4), (recorders.MeasuredGroupPercentiles(LatencyMetric.EndToEnd, 1).Count, recorders.MeasuredGroupPercentiles(LatencyMetric.EndToEnd, 1).Max));
        Assert.Equal((1L, 0.9), (recorders.MeasuredGroupPercentiles(LatencyMetric.Transaction, 1).Count, recorders.MeasuredGroupPercentiles(LatencyMetric.Transaction, 1).Max));
        Assert.Equal(0, recorders.MeasuredGroupPercentiles(LatencyMetric.Transaction, 0).Count);
        Assert.Equal((3L, 0.4), (recorders.MeasuredPercentiles(LatencyMetric.EndToEnd).Count, recorders.MeasuredPercentiles(LatencyMetric.EndToEnd).Max));
        Assert.Equal((3L, 400L), (recorders.MeasuredHistogram(LatencyMetric.EndToEnd).TotalCount, recorders.MeasuredHistogram(LatencyMetric.EndToEnd).GetMaxValue()));

        // The group's interval holds the unmeasured value too (warm-up intervals are written as well), and only once.
        recorders.TakeGroupInterval(LatencyMetric.EndToEnd, 0, interval);
        Assert.Equal((2L, 1_500L), (interval.TotalCount, interval.GetMaxValue()));
        recorders.TakeGroupInterval(LatencyMetric.EndToEnd, 0, interval);
        Assert.Equal(0, interval.TotalCount);
        recorders.TakeGroupInterval(LatencyMetric.Transaction, 1, interval);
        Assert.Equal((1L, 900L), (interval.TotalCount, interval.GetMaxValue()));
        Assert.Equal(0L, new LatencyRecorders().Groups);
        Assert.Throws<ArgumentOutOfRangeException>("metric", () => recorders.RecordForGroup(LatencyMetric.Produce, 0, 1, measured: true));
    }

    [Fact]
    public void Record_NegativeAndBeyondTheRange_CountAsZeroAndAsTheLargestTrackableValue()
    {
        var recorders = new LatencyRecorders();
        recorders.Record(LatencyMetric.ScheduleDelay, -40, measured: true);
        recorders.Record(LatencyMetric.ScheduleDelay, LatencyRecorders.HighestTrackableMicros * 2, measured: true);

        var reported = recorders.MeasuredPercentiles(LatencyMetric.ScheduleDelay);

        Assert.Equal(2, reported.Count);
        Assert.Equal(0, reported.P50);
        AssertNear(LatencyRecorders.HighestTrackableMicros, reported.Max, "max");
    }

    [Fact]
    public void ToPercentiles_EmptyHistogram_IsAllZeros()
    {
        Assert.Equal(new Percentiles(0, 0, 0, 0, 0, 0, 0, 0), LatencyRecorders.ToPercentiles(LatencyRecorders.CreateHistogram()));
    }

    [Fact]
    public void ToPercentiles_ValuesInMicroseconds_AreReportedInMillisecondsToTheMicrosecond()
    {
        var histogram = LatencyRecorders.CreateHistogram();
        histogram.RecordValue(1_234);

        var reported = LatencyRecorders.ToPercentiles(histogram);

        Assert.Equal(new Percentiles(1, 1.234, 1.234, 1.234, 1.234, 1.234, 1.234, 1.234), reported);
    }

    /// <summary>The nearest-rank percentile HdrHistogram defines: the value of rank round(p/100 × n), at least 1.</summary>
    internal static long ExactPercentile(long[] sorted, double percentile)
    {
        var rank = Math.Max(1, (long)((percentile / 100.0 * sorted.Length) + 0.5));
        return sorted[rank - 1];
    }

    internal static void AssertNear(long exactMicros, double reportedMs, string what)
    {
        var reportedMicros = reportedMs * 1000.0;
        Assert.True(
            reportedMicros >= exactMicros - 1 && reportedMicros <= (exactMicros * (1 + HdrPrecision)) + 1,
            $"{what}: reported {reportedMs} ms, exact {exactMicros / 1000.0} ms");
    }

    private static long[] HeavyTailed(int count, int seed)
    {
        var random = new Random(seed);
        // Pareto with shape 1.1 from 50 µs, capped at 11 minutes: p50 ≈ 94 µs, p99 ≈ 3.3 ms, p99.99 ≈ 200 ms.
        return [.. Enumerable.Range(0, count).Select(_ => (long)Math.Min(660_000_000, 50 / Math.Pow(1 - random.NextDouble(), 1 / 1.1)))];
    }
}
