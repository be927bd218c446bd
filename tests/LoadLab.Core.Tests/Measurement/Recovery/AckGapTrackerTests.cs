using LoadLab.Core.Measurement.Recovery;
using Microsoft.Extensions.Time.Testing;

namespace LoadLab.Core.Tests.Measurement.Recovery;

public sealed class AckGapTrackerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RecordAck_GapsOfExactlyAndJustOverTheMinimum_KeepsOnlyTheLongerOne()
    {
        var start = _time.GetTimestamp();
        var tracker = new AckGapTracker([("t", 1)], _time, start, TimeSpan.FromMilliseconds(100));

        tracker.RecordAck(0, 0, At(start, 100));          // exactly the minimum after the start: ordinary spacing
        tracker.RecordAck(0, 0, At(start, 200.1));        // just over it: a gap from 0.1 s to 0.2001 s
        tracker.RecordAck(0, 0, At(start, 250));

        var gaps = Assert.Single(tracker.Gaps(At(start, 350))).Gaps;
        Assert.Equal([new AckGap(0.1, 0.2001)], gaps.Select(Rounded));
    }

    [Fact]
    public void Gaps_LastAcknowledgementLongBeforeTheEnd_AddsTheOpenGapUpToTheEnd()
    {
        var start = _time.GetTimestamp();
        var tracker = new AckGapTracker([("a", 1), ("b", 2)], _time, start);
        tracker.RecordAck(1, 1, At(start, 50));

        var gaps = tracker.Gaps(At(start, 150));

        Assert.Equal([("a", 0), ("b", 0), ("b", 1)], gaps.Select(g => (g.Topic, g.Partition)));
        // Nothing acknowledged on a/0 and b/0 since the start: open gaps of 0.15 s; b/1's 0.1 s is exactly the minimum.
        Assert.Equal([new AckGap(0, 0.15)], gaps[0].Gaps.Select(Rounded));
        Assert.Equal([new AckGap(0, 0.15)], gaps[1].Gaps.Select(Rounded));
        Assert.Empty(gaps[2].Gaps);
    }

    [Fact]
    public void RecordAck_LateOrUnknownPartitionAcknowledgements_ChangeNothing()
    {
        var start = _time.GetTimestamp();
        var tracker = new AckGapTracker([("t", 2)], _time, start);
        tracker.RecordAck(0, 0, At(start, 60));
        tracker.RecordAck(0, 1, At(start, 50));
        tracker.RecordAck(0, 1, At(start, 40));           // a callback that ran late: not a new last ack
        tracker.RecordAck(0, 1, At(start, 50));           // the same instant again
        tracker.RecordAck(1, 0, At(start, 500));          // no topic 1
        tracker.RecordAck(0, 2, At(start, 500));          // no partition 2
        tracker.RecordAck(-1, 0, At(start, 500));

        var gaps = tracker.Gaps(At(start, 149));

        Assert.All(gaps, g => Assert.Empty(g.Gaps));
    }

    [Fact]
    public void Constructor_NoOrNegativeMinimumGap_IsRejectedAndTheDefaultIs100Milliseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), new AckGapTracker([("t", 1)], _time, 0).MinimumGap);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AckGapTracker([("t", 1)], _time, 0, TimeSpan.Zero));
        Assert.Throws<ArgumentNullException>(() => new AckGapTracker(null!, _time, 0));
        Assert.Throws<ArgumentNullException>(() => new AckGapTracker([("t", 1)], null!, 0));
    }

    private long At(long start, double milliseconds) => start + (long)(milliseconds * _time.TimestampFrequency / 1000);

    private static AckGap Rounded(AckGap gap) => new(Math.Round(gap.FromSeconds, 6), Math.Round(gap.ToSeconds, 6));
}
