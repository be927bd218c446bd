using LoadLab.Core.Measurement;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Measurement;

/// <summary>The partition map, the acknowledgement ledger and a group's progress: what consumer lag is computed from.</summary>
public sealed class LagBookkeepingTests
{
    private static readonly PartitionMap TwoTopics = new([new TopicSpec("orders", 3, 1), new TopicSpec("audit", 2, 1)]);

    [Fact]
    public void PartitionMap_TwoTopics_IndexesEveryPartitionDenselyInTopicOrder()
    {
        Assert.Equal(5, TwoTopics.Count);
        Assert.Equal((0, 3), (TwoTopics.FirstIndexOf("orders"), TwoTopics.PartitionsOf("orders")));
        Assert.Equal((3, 2), (TwoTopics.FirstIndexOf("audit"), TwoTopics.PartitionsOf("audit")));
        Assert.Equal(
            [("orders", 0), ("orders", 1), ("orders", 2), ("audit", 0), ("audit", 1)],
            Enumerable.Range(0, TwoTopics.Count).Select(i => TwoTopics[i]));
        Assert.Throws<KeyNotFoundException>(() => TwoTopics.FirstIndexOf("missing"));
    }

    [Fact]
    public void RecordAck_OutOfOrderAcknowledgements_CountMessagesAndBytesPerPartitionAndKeepTheHighestOffset()
    {
        var ledger = new PartitionLedger(TwoTopics);
        Assert.Equal(0, ledger.HighWatermark(4));

        ledger.RecordAck(4, offset: 7, bytes: 100, intendedMicros: 70);
        ledger.RecordAck(4, offset: 5, bytes: 20, intendedMicros: 50);
        ledger.RecordAck(1, offset: 0, bytes: 3, intendedMicros: 10);

        Assert.Equal((2L, 120L, 8L), (ledger.Acked(4), ledger.Bytes(4), ledger.HighWatermark(4)));
        Assert.Equal((1L, 3L, 1L), (ledger.Acked(1), ledger.Bytes(1), ledger.HighWatermark(1)));
        Assert.Equal((0L, 0L, 0L), (ledger.Acked(0), ledger.Bytes(0), ledger.HighWatermark(0)));
        Assert.Same(TwoTopics, ledger.Map);
    }

    [Fact]
    public void IntendedMicrosAtOrAfter_GapsAndForgottenOffsets_GiveTheNextRememberedMessage()
    {
        var ledger = new PartitionLedger(TwoTopics);
        ledger.RecordAck(0, offset: 2, bytes: 1, intendedMicros: 200);
        ledger.RecordAck(0, offset: 5, bytes: 1, intendedMicros: 500);

        Assert.Equal(200, ledger.IntendedMicrosAtOrAfter(0, 0));
        Assert.Equal(200, ledger.IntendedMicrosAtOrAfter(0, 2));
        Assert.Equal(500, ledger.IntendedMicrosAtOrAfter(0, 3));
        Assert.Null(ledger.IntendedMicrosAtOrAfter(0, 6));
        Assert.Null(ledger.IntendedMicrosAtOrAfter(1, 0));

        // A whole ring later offset 2's slot holds another offset: the oldest one still remembered answers.
        var later = 2 + PartitionLedger.RingSize;
        ledger.RecordAck(0, offset: later, bytes: 1, intendedMicros: 900);
        Assert.Equal(500, ledger.IntendedMicrosAtOrAfter(0, 2));
        Assert.Equal(900, ledger.IntendedMicrosAtOrAfter(0, 6));
    }

    [Fact]
    public void FirstOffsetIntendedAtOrAfter_ReplayStartTimes_GiveTheLowestRememberedOffsetThatRecent()
    {
        var ledger = new PartitionLedger(TwoTopics);
        ledger.RecordAck(2, offset: 1, bytes: 1, intendedMicros: 100);
        ledger.RecordAck(2, offset: 2, bytes: 1, intendedMicros: 300);
        ledger.RecordAck(2, offset: 4, bytes: 1, intendedMicros: 250);
        ledger.RecordAck(2, offset: 6, bytes: 1, intendedMicros: 600);

        // Offset 4 was intended before offset 2 (several producers share a partition): the lowest offset that recent counts.
        Assert.Equal([1L, 1, 2, 2, 6, 6, null], new long[] { 0, 100, 101, 250, 301, 600, 601 }.Select(t => ledger.FirstOffsetIntendedAtOrAfter(2, t)));
        Assert.Null(ledger.FirstOffsetIntendedAtOrAfter(3, 0));

        // A whole ring later offsets 1 and 2 are forgotten: the oldest remembered offset is the answer for older times.
        ledger.RecordAck(2, offset: 2 + PartitionLedger.RingSize, bytes: 1, intendedMicros: 900);
        Assert.Equal(4L, ledger.FirstOffsetIntendedAtOrAfter(2, 0));
        Assert.Equal(2L + PartitionLedger.RingSize, ledger.FirstOffsetIntendedAtOrAfter(2, 601));
    }

    [Fact]
    public void Lag_GroupBehindOnTwoPartitions_SumsMessagesAndAgesTheOldestUnconsumed()
    {
        var ledger = new PartitionLedger(TwoTopics);
        // The "audit" topic starts at index 3: offsets 0..3 on its partition 0, 0..1 on its partition 1.
        for (var offset = 0; offset < 4; offset++)
        {
            ledger.RecordAck(3, offset, bytes: 10, intendedMicros: 1_000_000 + (offset * 100_000));
        }

        ledger.RecordAck(4, 0, bytes: 10, intendedMicros: 1_250_000);
        ledger.RecordAck(4, 1, bytes: 10, intendedMicros: 1_450_000);
        ledger.RecordAck(0, 0, bytes: 10, intendedMicros: 0);
        var progress = new GroupProgress("g", "audit", TwoTopics.FirstIndexOf("audit"), TwoTopics.PartitionsOf("audit"));
        progress.RecordConsumed(0, offset: 1, bytes: 10);
        progress.RecordPosition(1, nextOffset: 1);

        var (messages, seconds) = progress.Lag(ledger, nowMicros: 3_500_000);

        // Partition 0: offsets 2 and 3 unread (oldest intended at 1.2 s); partition 1: offset 1 (1.45 s).
        Assert.Equal(3, messages);
        Assert.Equal(2.3, seconds, 9);
        Assert.Equal((2L, 1L), (progress.PartitionLag(ledger, 0), progress.PartitionLag(ledger, 1)));
        Assert.Equal((2L, 1L), (progress.NextOffset(0), progress.NextOffset(1)));
        Assert.Equal((1L, 10L), (progress.Consumed, progress.ConsumedBytes));
        Assert.Equal(("g", "audit", 3, 2), (progress.Group, progress.Topic, progress.FirstPartitionIndex, progress.Partitions));
    }

    [Fact]
    public void Lag_GroupCaughtUpOrAhead_IsZeroMessagesAndZeroSeconds()
    {
        var ledger = new PartitionLedger(TwoTopics);
        ledger.RecordAck(3, 0, bytes: 10, intendedMicros: 100);
        var progress = new GroupProgress("g", "audit", 3, 2);
        progress.RecordConsumed(0, offset: 0, bytes: 10);
        // A member positioned past what this run's producers wrote (e.g. at the log end of older data).
        progress.RecordPosition(1, nextOffset: 5);

        Assert.Equal((0L, 0.0), progress.Lag(ledger, nowMicros: 9_000_000));
        Assert.Equal((0L, 0L), (progress.PartitionLag(ledger, 0), progress.PartitionLag(ledger, 1)));
    }

    [Fact]
    public void Lag_ClockBehindTheOldestIntendedTime_IsNeverNegative()
    {
        var ledger = new PartitionLedger(TwoTopics);
        ledger.RecordAck(0, 0, bytes: 1, intendedMicros: 5_000_000);
        var progress = new GroupProgress("g", "orders", 0, 3);

        Assert.Equal((1L, 0.0), progress.Lag(ledger, nowMicros: 4_000_000));
    }
}
