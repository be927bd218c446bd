using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Slo;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Results;

public sealed class HistogramLogTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-hlog-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(0)]
    [InlineData(499)]
    [InlineData(500)]
    [InlineData(999)]
    public void Read_LogOfAResultsWriterStartedMidMillisecond_IntervalsStartOnWholeSecondsOfTheRun(int microsIntoTheMillisecond)
    {
        // The run clock starts at any instant; the intervals count from its whole millisecond. A StartTime header
        // rounded to the nearest millisecond put every interval 1 ms early whenever the fraction was 0.5 ms or more.
        var startedAt = new DateTimeOffset(2026, 12, 6, 15, 0, 0, 123, TimeSpan.Zero).AddTicks(microsIntoTheMillisecond * 10);
        using (var writer = new ResultsWriter(_directory))
        {
            writer.BeginIntervals(startedAt);
            var interval = LatencyRecorders.CreateHistogram();
            for (var second = 0; second < 3; second++)
            {
                interval.Reset();
                interval.RecordValueWithCount(1_000 * (second + 1), 10 + second);
                writer.AppendInterval(LatencyMetric.Produce, interval, second);
            }
        }

        var intervals = HistogramLog.Read(Path.Combine(_directory, RunFiles.Histogram(LatencyMetric.Produce)));

        Assert.Equal([(0.0, 1.0, 10L), (1, 2, 11), (2, 3, 12)], intervals.Select(i => (i.StartSeconds, i.EndSeconds, i.TotalCount)));
    }

    [Fact]
    public void Read_LogOfHdrHistogramsOwnWriter_ReadsIntervalsRelativeToItsStartTime()
    {
        var runStart = new DateTime(2026, 11, 26, 18, 0, 0, 250, DateTimeKind.Utc);
        var startMs = (long)(runStart - DateTime.UnixEpoch).TotalMilliseconds;
        using var stream = new MemoryStream();
        using (var writer = new HistogramLogWriter(stream))
        {
            writer.Write(runStart);
            for (var second = 0; second < 3; second++)
            {
                var histogram = new LongHistogram(TimeSpan.FromMinutes(10).Ticks / 10, 3);
                histogram.RecordValueWithCount(1_000 * (second + 1), 10 + second);
                histogram.StartTimeStamp = startMs + (second * 1000);
                histogram.EndTimeStamp = startMs + ((second + 1) * 1000);
                writer.Append(histogram);
            }
        }

        stream.Position = 0;
        var intervals = HistogramLog.Read(stream, "produce.hlog");

        Assert.Equal([(0.0, 1.0, 10L), (1, 2, 11), (2, 3, 12)], intervals.Select(i => (i.StartSeconds, i.EndSeconds, i.TotalCount)));
        Assert.Equal(3_000L, intervals[2].ToHistogram().LowestEquivalentValue(intervals[2].MaxValue));
    }

    [Fact]
    public void Read_IntervalWhoseCompressedFormExceedsEightKiB_EveryValueBack()
    {
        // A whole run's histogram with values spread over seven decades: its compressed form is far larger than the
        // 8 KiB that HdrHistogram.NET's own decoder can inflate in its single read (a ten-minute run's measured log).
        var random = new Random(16);
        var written = LatencyRecorders.CreateHistogram();
        for (var i = 0; i < 200_000; i++)
        {
            written.RecordValue((long)Math.Exp(random.NextDouble() * Math.Log(60_000_000)));
        }

        using (var writer = new ResultsWriter(_directory))
        {
            writer.BeginIntervals(new DateTimeOffset(2026, 12, 6, 18, 45, 19, TimeSpan.Zero));
            writer.AppendInterval(LatencyMetric.Produce, written, 0);
        }

        var path = Path.Combine(_directory, RunFiles.Histogram(LatencyMetric.Produce));
        var payload = File.ReadAllLines(path).Last().Split(',').Last();
        Assert.True(Convert.FromBase64String(payload).Length > 8 * 1024, $"only {Convert.FromBase64String(payload).Length} bytes compressed");
        // The case this reader exists for: HdrHistogram's own reader cannot decode it (drop the parser when it can).
        using (var stream = File.OpenRead(path))
        using (var own = new HistogramLogReader(stream))
        {
            Assert.Contains("indicated payload amount", Assert.Throws<ArgumentException>(() => own.ReadHistograms().ToList()).Message, StringComparison.Ordinal);
        }

        var read = Assert.Single(HistogramLog.Read(path)).ToHistogram();

        Assert.Equal(written.TotalCount, read.TotalCount);
        Assert.Equal(written.GetMaxValue(), read.GetMaxValue());
        foreach (var percentile in new[] { 1.0, 50, 90, 99, 99.9, 99.99 })
        {
            Assert.Equal(written.GetValueAtPercentile(percentile), read.GetValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void Read_CorruptInterval_NamesTheFileAndTheInterval()
    {
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
            "#[Histogram log format version 1.3]\n#[StartTime: 1764000000.000 (seconds since epoch), 2025-11-24T16:00:00.000Z]\n" +
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n1764000000.000,1.000,0.001,not-base64!\n"));

        var error = Assert.Throws<RunResultsException>(() => HistogramLog.Read(stream, "histograms/produce.hlog"));

        Assert.StartsWith("histograms/produce.hlog: interval 1 cannot be decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_IntervalsCapturedFromOneReusedHistogram_HoldEveryValueOfEverySecond()
    {
        var reused = LatencyRecorders.CreateHistogram();
        var all = LatencyRecorders.CreateHistogram();
        var random = new Random(7);
        var intervals = new List<HistogramInterval>();
        for (var second = 0; second < 20; second++)
        {
            reused.Reset();
            for (var i = 0; i < 1_000; i++)
            {
                var micros = (long)(1_000 * Math.Exp(random.NextDouble() * 8));
                reused.RecordValue(micros);
                all.RecordValue(micros);
            }

            intervals.Add(new HistogramInterval(second, second + 1, reused));
        }

        var merged = HistogramInterval.Merge(intervals)!;

        Assert.Equal(all.TotalCount, merged.TotalCount);
        Assert.Equal(all.GetMaxValue(), merged.GetMaxValue());
        foreach (var percentile in new[] { 50, 90, 99, 99.9, 99.99 })
        {
            Assert.Equal(all.GetValueAtPercentile(percentile), merged.GetValueAtPercentile(percentile));
        }

        Assert.Null(HistogramInterval.Merge([]));
    }

    [Fact]
    public void IntervalMetrics_SlosOfLatencyRateAndAudit_KeepOnlyTheMetricsTheirPhasesNeed()
    {
        SloSpec Slo(string metric, SloPhase phase) => new(metric, metric, phase, SloComparison.LessThan, 1);

        Assert.Empty(SloEvaluator.IntervalMetrics([Slo("lost", SloPhase.Overall), Slo("rate.achieved", SloPhase.Overall), Slo("recovery", SloPhase.Overall)]));
        Assert.Equal(
            [LatencyMetric.Produce, LatencyMetric.ScheduleDelay, LatencyMetric.EndToEnd],
            SloEvaluator.IntervalMetrics([Slo("e2e.p99", SloPhase.Steady), Slo("schedule-delay.max", SloPhase.Overall), Slo("rate.achieved", SloPhase.During)]).Order());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
