using LoadLab.Core.Measurement;
using Microsoft.Extensions.Time.Testing;

namespace LoadLab.Core.Tests.Measurement;

/// <summary>The run clock, the producer counters and the metric names that results files are written under.</summary>
public sealed class RunCountersTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NowMicros_TimePassesAndTheRunRestarts_CountsFromTheLatestStart()
    {
        var time = new FakeTimeProvider(Epoch);
        var clock = new RunClock(time);
        time.Advance(TimeSpan.FromMilliseconds(2_500.25));
        Assert.Equal(2_500_250, clock.NowMicros());
        Assert.Equal(TimeSpan.FromMicroseconds(2_500_250), clock.Elapsed);
        Assert.Equal(Epoch, clock.StartedAt);

        clock.Restart();
        time.Advance(TimeSpan.FromMicroseconds(1_234));

        Assert.Equal(1_234, clock.NowMicros());
        Assert.Equal(Epoch.AddMilliseconds(2_500.25), clock.StartedAt);
        Assert.Same(time, clock.Time);
    }

    [Fact]
    public void RestartAt_AnAgreedStartAlreadyPassed_ReadsTheWallClockTimeSinceThatStart()
    {
        // A split run's worker learns the agreed start 40 ms late: its clock reads from that start, not from now.
        var time = new FakeTimeProvider(Epoch);
        var clock = new RunClock(time);
        time.Advance(TimeSpan.FromSeconds(5));
        var agreed = time.GetUtcNow().AddMilliseconds(-40);

        clock.RestartAt(agreed);
        var atRestart = clock.NowMicros();
        time.Advance(TimeSpan.FromMicroseconds(1_500));

        Assert.Equal((40_000L, 41_500L), (atRestart, clock.NowMicros()));
        Assert.Equal(agreed, clock.StartedAt);
        Assert.Equal(time.GetTimestamp(), clock.TimestampAt(41_500));
    }

    [Fact]
    public void TimestampAt_OffsetFromTheStart_IsTheProvidersTimestampThen()
    {
        var time = new FakeTimeProvider(Epoch);
        time.Advance(TimeSpan.FromSeconds(3));
        var clock = new RunClock(time);
        var start = time.GetTimestamp();
        time.Advance(TimeSpan.FromMicroseconds(750_000));

        Assert.Equal(start, clock.StartTimestamp);
        Assert.Equal(time.GetTimestamp(), clock.TimestampAt(750_000));
        Assert.Equal(start, clock.TimestampAt(0));
    }

    [Fact]
    public void ProducerStats_SendsAcknowledgementsAndFailures_CountAllAndTheMeasuredOnesApart()
    {
        var stats = new ProducerStats();
        stats.RecordSent(100, measured: false);
        stats.RecordSent(200, measured: true);
        stats.RecordSent(300, measured: true);
        stats.RecordQueueFull();
        stats.RecordQueueFull();
        stats.RecordAcked(100, measured: false);
        stats.RecordAcked(300, measured: true);
        stats.RecordFailed("Local_MsgTimedOut", measured: true);
        stats.RecordFailed("Local_MsgTimedOut", measured: true);
        stats.RecordFailed("Local_MsgTimedOut", measured: false);
        stats.RecordError("Local_Transport");

        Assert.Equal((3L, 2L, 600L, 2L), (stats.Sent, stats.SentMeasured, stats.SentBytes, stats.QueueFull));
        Assert.Equal((2L, 1L, 300L), (stats.Acked, stats.AckedMeasured, stats.AckedBytesMeasured));
        Assert.Equal((3L, 2L), (stats.Failed, stats.FailedMeasured));
        Assert.Equal(new Dictionary<string, long> { ["Local_MsgTimedOut"] = 3, ["Local_Transport"] = 1 }, stats.ErrorsByCode());
    }

    [Fact]
    public void ErrorsByCode_ACopy_DoesNotChangeWithLaterErrors()
    {
        var stats = new ProducerStats();
        stats.RecordError("A");
        var copy = stats.ErrorsByCode();
        stats.RecordError("A");

        Assert.Equal(1, copy["A"]);
        Assert.Equal(2, stats.ErrorsByCode()["A"]);
    }

    [Fact]
    public void LatencyMetrics_EveryMetric_HasTheLogAndColumnNamesOfResultsReadme()
    {
        Assert.Equal([LatencyMetric.Produce, LatencyMetric.Service, LatencyMetric.ScheduleDelay, LatencyMetric.EndToEnd, LatencyMetric.Transaction], LatencyMetrics.All);
        Assert.Equal(["produce", "service", "scheduleDelay", "endToEnd", "transaction"], LatencyMetrics.All.Select(m => m.LogName()));
        Assert.Equal(["produce", "service", "scheduleDelay", "e2e", "txn"], LatencyMetrics.All.Select(m => m.ColumnPrefix()));
        Assert.Equal("endToEnd.fraud%20scorer", LatencyMetric.EndToEnd.GroupLogName("fraud scorer"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((LatencyMetric)99).LogName());
    }
}
