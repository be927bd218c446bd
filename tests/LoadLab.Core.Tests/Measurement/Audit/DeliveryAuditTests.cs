using CsCheck;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Measurement.Audit;

public sealed class DeliveryAuditTests
{
    private const string Topic = "events";
    private const int Partitions = 4;

    [Fact]
    public void Classify_EveryMessageConsumedOnceInOrder_AllDelivered()
    {
        var run = new SimulatedRun(messages: 1000);

        var summary = run.Audit().Summary;

        Assert.Equal((1000L, 1000L), (summary.Acked, summary.Delivered));
        Assert.Equal(0, summary.Lost + summary.Duplicated + summary.Reordered + summary.Truncated + summary.Indeterminate + summary.Unreached);
        Assert.Empty(summary.Examples);
    }

    [Fact]
    public void Classify_AcknowledgedMessagesNeverConsumed_CountedLostExactlyWithExamples()
    {
        var run = new SimulatedRun(messages: 1000);
        run.Drop(17, 18, 500, 999);

        var summary = run.Audit().Summary;

        Assert.Equal((4L, 996L), (summary.Lost, summary.Delivered));
        Assert.Equal([17L, 18, 500, 999], summary.Examples.Where(e => e.Kind == "lost").Select(e => e.Sequence));
        var example = summary.Examples[0];
        Assert.Equal((Topic, run.PartitionOf(17), run.OffsetOf(17), 0), (example.Topic, example.Partition, example.Offset, example.ProducerId));
    }

    [Fact]
    public void Classify_MessagesConsumedTwice_CountedDuplicatedOncePerMessage()
    {
        var run = new SimulatedRun(messages: 1000);
        run.Duplicate(3, 4, 4, 700);

        var summary = run.Audit().Summary;

        Assert.Equal((3L, 1000L, 0L), (summary.Duplicated, summary.Delivered, summary.Reordered));
        Assert.Equal(0, summary.DuplicatedInLog);
    }

    [Fact]
    public void Classify_ReadTwiceAtTheAcknowledgedPlace_IsARedeliveryNotInTheLog()
    {
        var audit = SmallAudit();
        audit.RecordAcked(0, 5, 0, 5);
        audit.RecordConsumed(0, 0, 5, 0, 5);
        audit.RecordConsumed(0, 0, 5, 0, 5);

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((1L, 0L), (summary.Duplicated, summary.DuplicatedInLog));
    }

    [Fact]
    public void Classify_ReadAtTwoPlacesAfterTheAcknowledgement_CountedInTheLog()
    {
        var audit = SmallAudit();
        audit.RecordAcked(0, 7, 0, 8);
        audit.RecordConsumed(0, 0, 7, 0, 7);
        audit.RecordConsumed(0, 0, 7, 0, 8);

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((1L, 1L), (summary.Duplicated, summary.DuplicatedInLog));
        Assert.Equal(1, summary.Groups[0].DuplicatedInLog);
    }

    [Fact]
    public void Classify_FirstCopyReadBeforeTheAcknowledgementOfTheSecond_CountedInTheLog()
    {
        var audit = SmallAudit();
        audit.RecordConsumed(0, 0, 7, 0, 7);
        audit.RecordAcked(0, 7, 0, 8);
        audit.RecordConsumed(0, 0, 7, 0, 8);

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((1L, 1L, 1L), (summary.Delivered, summary.Duplicated, summary.DuplicatedInLog));
    }

    [Fact]
    public void Classify_AcknowledgedWithoutOffsetAndReadTwice_IsARedelivery()
    {
        var audit = SmallAudit();
        audit.RecordAcked(0, 3, 0, -1);
        audit.RecordConsumed(0, 0, 3, 0, 3);
        audit.RecordConsumed(0, 0, 3, 0, 3);

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((1L, 0L), (summary.Duplicated, summary.DuplicatedInLog));
    }

    [Fact]
    public void Classify_MessageReadAfterALaterOneOfTheSamePartition_CountedReordered()
    {
        var run = new SimulatedRun(messages: 1000);
        run.SwapWithNextInPartition(40);
        run.SwapWithNextInPartition(41);

        var summary = run.Audit().Summary;

        Assert.Equal((2L, 1000L, 0L), (summary.Reordered, summary.Delivered, summary.Duplicated));
        Assert.Equal([40L, 41], summary.Examples.Where(e => e.Kind == "reordered").Select(e => e.Sequence));
    }

    [Fact]
    public void Classify_RereadAfterRebalance_IsDuplicateNotReorder()
    {
        var run = new SimulatedRun(messages: 100);
        var reread = run.MessagesOfPartition(1) - 5;
        run.RereadPartitionFrom(partition: 1, fromOffset: 5);

        var summary = run.Audit().Summary;

        Assert.Equal(0, summary.Reordered);
        Assert.Equal(reread, summary.Duplicated);
    }

    [Fact]
    public void Classify_PartitionTruncatedBeforeTheConsumerGotThere_CountedTruncatedNotLost()
    {
        var run = new SimulatedRun(messages: 1000);
        run.TruncatePartitionBelow(partition: 2, logStartOffset: 60);

        var summary = run.Audit().Summary;

        Assert.Equal((60L, 0L, 940L), (summary.Truncated, summary.Lost, summary.Delivered));
        Assert.All(summary.Examples, e => Assert.Equal(("truncated", 2), (e.Kind, e.Partition)));
    }

    [Fact]
    public void Classify_AcknowledgedWithoutOffsetAndNeverConsumed_CountedLostNotTruncated()
    {
        // librdkafka reports an idempotent retry answered DUPLICATE_SEQUENCE_NUMBER as success with no offset
        // (-1001): nothing proves retention removed such a message, so it must not hide among the truncated.
        var run = new SimulatedRun(messages: 1000);
        run.TruncatePartitionBelow(partition: 2, logStartOffset: 60);
        run.AckWithoutOffset(602, 603);
        run.Drop(602, 603);

        var summary = run.Audit().Summary;

        Assert.Equal((60L, 2L), (summary.Truncated, summary.Lost));
        Assert.Equal([(602L, -1001L), (603L, -1001L)], summary.Examples.Where(e => e.Kind == "lost").Select(e => (e.Sequence, e.Offset)));
    }

    [Fact]
    public void Classify_SomeLostAcknowledgedWithoutOffset_CountsThoseApartForTheRunAndTheGroup()
    {
        // The embedded cluster's phantom acknowledgements (#14): librdkafka acknowledges a batch implicitly, offset
        // -1001, when a later one succeeds; the mock stored the later one but never the first. The count tells them
        // apart from messages a broker acknowledged at an offset and then lost.
        var run = new SimulatedRun(messages: 1000);
        run.AckWithoutOffset(602, 603, 604);
        run.Drop(602, 603, 700);

        var summary = run.Audit().Summary;

        // 604 was acknowledged without an offset too, but delivered: only lost messages are counted.
        Assert.Equal((997L, 3L, 2L), (summary.Delivered, summary.Lost, summary.LostWithoutOffset));
        Assert.Equal((3L, 2L), (summary.Groups[0].Lost, summary.Groups[0].LostWithoutOffset));
    }

    [Fact]
    public void Classify_FailedDeliveriesThatWereConsumed_CountedIndeterminate()
    {
        var run = new SimulatedRun(messages: 1000);
        run.FailButDeliver(10, 11);
        run.NeverReport(12);
        run.FailAndDrop(13);

        var summary = run.Audit().Summary;

        Assert.Equal((3L, 996L, 996L, 0L), (summary.Indeterminate, summary.Acked, summary.Delivered, summary.Lost));
        var example = summary.Examples.First(e => e.Kind == "indeterminate");
        Assert.Equal((10L, run.OffsetOf(10)), (example.Sequence, example.Offset));
    }

    [Fact]
    public void Classify_DrainTimedOutBeforeGroupReachedTheEnd_CountedUnreachedNotLost()
    {
        var run = new SimulatedRun(messages: 400);
        var lastTen = run.LastOfPartition(3, 10);
        run.Drop([.. lastTen]);
        run.FinalPosition(3, run.OffsetOf(lastTen[0]));

        var summary = run.Audit().Summary;

        Assert.Equal((10L, 0L), (summary.Unreached, summary.Lost));
    }

    [Fact]
    public void Classify_SeveralGroups_SummaryIsWorstGroupPerClassAndGroupsAreListed()
    {
        var audit = new DeliveryAudit([new AuditedProducer(Topic, 1, 10)], [new AuditedGroup("a", Topic), new AuditedGroup("b", Topic), new AuditedGroup("other", "elsewhere")]);
        for (var s = 0; s < 10; s++)
        {
            audit.RecordAcked(0, s, 0, s);
            if (s is not (2 or 3))
            {
                audit.RecordConsumed(0, 0, s, 0, s);
            }

            audit.RecordConsumed(1, 0, s, 0, s);
            if (s < 5)
            {
                audit.RecordConsumed(1, 0, s, 0, s);
            }
        }

        var summary = audit.Classify(new AuditEnd(new Dictionary<(string, int), long>())).Summary;

        Assert.Equal((10L, 8L, 2L, 5L), (summary.Acked, summary.Delivered, summary.Lost, summary.Duplicated));
        Assert.Equal([2L, 3], summary.Examples.Where(e => e.Kind == "lost").Select(e => e.Sequence));
        Assert.Equal([0L, 1, 2, 3, 4], summary.Examples.Where(e => e.Kind == "duplicated").Select(e => e.Sequence));
        Assert.Equal(["a", "b", "other"], summary.Groups.Select(g => g.Group));
        Assert.Equal((8L, 2L, 0L), (summary.Groups[0].Delivered, summary.Groups[0].Lost, summary.Groups[0].Duplicated));
        Assert.Equal((10L, 0L, 5L), (summary.Groups[1].Delivered, summary.Groups[1].Lost, summary.Groups[1].Duplicated));
        Assert.Equal((0L, 0L), (summary.Groups[2].Delivered, summary.Groups[2].Lost));
    }

    [Fact]
    public void Classify_MoreProblemsThanExamplesPerClass_KeepsTheFirstOfEachClassAndCountsThemAll()
    {
        var audit = new DeliveryAudit([new AuditedProducer(Topic, 1, 16)], [new AuditedGroup("g", Topic)], new DeliveryAuditOptions { ChunkSize = 16, ExamplesPerClass = 2 });
        for (var s = 0; s < 12; s++)
        {
            audit.RecordAcked(0, s, 0, s);
            var reads = s switch { 1 or 3 or 5 => 0, >= 7 => 2, _ => 1 };
            for (var r = 0; r < reads; r++)
            {
                audit.RecordConsumed(0, 0, s, 0, s);
            }
        }

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((3L, 5L), (summary.Lost, summary.Duplicated));
        Assert.Equal([("lost", 1L), ("lost", 3L), ("duplicated", 7L), ("duplicated", 8L)], summary.Examples.Select(e => (e.Kind, e.Sequence)));
    }

    [Fact]
    public void Record_BeyondPlannedCount_GrowsAndBeyondGrowthLimitIsOutOfRange()
    {
        var audit = new DeliveryAudit([new AuditedProducer(Topic, 1, 10)], [new AuditedGroup("g", Topic)], new DeliveryAuditOptions { ChunkSize = 16, GrowthLimitFactor = 4 });
        audit.RecordAcked(0, 40, 0, 40);
        audit.RecordConsumed(0, 0, 40, 0, 40);
        audit.RecordAcked(0, 64, 0, 64);
        audit.RecordConsumed(0, 7, 1, 0, 1);
        audit.RecordConsumed(0, 0, -1, 0, 1);

        var report = audit.Classify(new AuditEnd(new Dictionary<(string, int), long>()));

        Assert.Equal((1L, 1L, 3L), (report.Summary.Acked, report.Summary.Delivered, report.OutOfRange));
    }

    [Theory]
    [InlineData(32, 3, 95)] // 2 planned chunks of 16, up to 3 × 2 = 6 chunks
    [InlineData(33, 2, 95)] // 33 messages need 3 chunks, up to 6
    [InlineData(32, 1, 47)] // a factor of 1 still leaves one chunk beyond the planned ones
    public void Record_AtTheGrowthLimit_TheLastSequenceInsideIsAuditedAndTheNextIsOutOfRange(long planned, int growthLimitFactor, long lastInside)
    {
        var audit = new DeliveryAudit([new AuditedProducer(Topic, 1, planned)], [new AuditedGroup("g", Topic)], new DeliveryAuditOptions { ChunkSize = 16, GrowthLimitFactor = growthLimitFactor });
        foreach (var sequence in new[] { lastInside, lastInside + 1 })
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            audit.RecordConsumed(0, 0, sequence, 0, sequence);
        }

        var report = audit.Classify(NoRetention);

        Assert.Equal((1L, 1L, 2L), (report.Summary.Acked, report.Summary.Delivered, report.OutOfRange));
    }

    [Fact]
    public async Task Record_ConcurrentProducersAndConsumers_CountsExactly()
    {
        const int producers = 4;
        const int perProducer = 50_000;
        var audit = new DeliveryAudit(
            [.. Enumerable.Range(0, producers).Select(_ => new AuditedProducer(Topic, Partitions, perProducer))],
            [new AuditedGroup("g", Topic)],
            new DeliveryAuditOptions { ChunkSize = 1024 });
        var offsets = new long[Partitions];
        var plan = new (int Partition, long Offset)[producers, perProducer];
        for (var s = 0; s < perProducer; s++)
        {
            for (var p = 0; p < producers; p++)
            {
                var partition = s % Partitions;
                plan[p, s] = (partition, offsets[partition]++);
            }
        }

        // One thread per producer acks; one consumer thread per partition reads every message, twice when sequence % 10,000 == 0.
        var ackers = Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var s = 0; s < perProducer; s++)
            {
                audit.RecordAcked(p, s, plan[p, s].Partition, plan[p, s].Offset);
            }
        }));
        var consumers = Enumerable.Range(0, Partitions).Select(partition => Task.Run(() =>
        {
            for (var s = partition; s < perProducer; s += Partitions)
            {
                for (var p = 0; p < producers; p++)
                {
                    audit.RecordConsumed(0, p, s, partition, plan[p, s].Offset);
                    if (s % 10_000 == 0)
                    {
                        audit.RecordConsumed(0, p, s, partition, plan[p, s].Offset);
                    }
                }
            }
        }));
        // Settling runs alongside (as the sampler's does) and at least once after the last record.
        using var stop = new CancellationTokenSource();
        var settler = Task.Run(() =>
        {
            do
            {
                audit.Settle();
            }
            while (!stop.IsCancellationRequested);
        });
        await Task.WhenAll([.. ackers, .. consumers]);
        await stop.CancelAsync();
        await settler;

        var summary = audit.Classify(new AuditEnd(new Dictionary<(string, int), long>())).Summary;

        Assert.Equal((producers * (long)perProducer, producers * (long)perProducer), (summary.Acked, summary.Delivered));
        Assert.Equal((producers * 5L, 0L, 0L), (summary.Duplicated, summary.Reordered, summary.Lost));
        Assert.True(audit.SettledChunks > 0);
    }

    [Fact]
    public void Settle_EveryMessageDeliveredOnce_FoldsChunksAndKeepsCounts()
    {
        var audit = SmallAudit();
        Deliver(audit, 0, 64);

        audit.Settle();
        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal(4, audit.SettledChunks);
        Assert.Equal((64L, 64L, 0L), (summary.Acked, summary.Delivered, summary.Duplicated + summary.Lost));
    }

    [Fact]
    public void Settle_ChunkWithAnUnreadMessage_StaysLiveSoTheLossKeepsItsPlace()
    {
        var audit = SmallAudit();
        Deliver(audit, 0, 64, skip: 20);

        audit.Settle();
        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal(3, audit.SettledChunks);
        Assert.Equal((63L, 1L), (summary.Delivered, summary.Lost));
        Assert.Equal(("lost", 0, 20L, 20L), (summary.Examples[0].Kind, summary.Examples[0].Partition, summary.Examples[0].Offset, summary.Examples[0].Sequence));
    }

    [Fact]
    public void Settle_MessagesReadAgainAfterSettling_CountedDuplicatedOncePerMessage()
    {
        var audit = SmallAudit();
        Deliver(audit, 0, 64);
        audit.Settle();

        audit.RecordConsumed(0, 0, 5, 0, 5);
        audit.RecordConsumed(0, 0, 5, 0, 5);
        audit.RecordConsumed(0, 0, 40, 0, 40);
        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((64L, 2L, 0L), (summary.Delivered, summary.Duplicated, summary.Reordered));
    }

    [Fact]
    public void Settle_TwoGroupsReadAgainAfterSettling_EachGroupCountsItsOwnMessagesInEveryWordOfItsBits()
    {
        // Chunks of 64 keep two 32-bit words of read-again bits per group; the re-reads land in both words of both chunks.
        var audit = new DeliveryAudit([new AuditedProducer(Topic, 1, 128)], [new AuditedGroup("a", Topic), new AuditedGroup("b", Topic)], new DeliveryAuditOptions { ChunkSize = 64 });
        for (var s = 0; s < 128; s++)
        {
            audit.RecordAcked(0, s, 0, s);
            Assert.True(audit.RecordConsumed(0, 0, s, 0, s));
            Assert.True(audit.RecordConsumed(1, 0, s, 0, s));
        }

        audit.Settle();
        (int Group, long Sequence)[] rereads = [(0, 5), (0, 63), (1, 40), (1, 40), (1, 41), (1, 100), (1, 127)];
        var firstReads = rereads.Select(r => audit.RecordConsumed(r.Group, 0, r.Sequence, 0, r.Sequence)).ToList();
        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal(2, audit.SettledChunks);
        Assert.All(firstReads, Assert.False);
        Assert.Equal([("a", 128L, 2L), ("b", 128L, 4L)], summary.Groups.Select(g => (g.Group, g.Delivered, g.Duplicated)));
        Assert.Equal((128L, 4L, 0L), (summary.Delivered, summary.Duplicated, summary.Lost));
    }

    [Fact]
    public void RecordReplayed_ReReadsOfSettledAndLiveMessagesAndAFirstRead_CountReplayedApartFromDuplicates()
    {
        var audit = SmallAudit();
        Deliver(audit, 0, 32);
        audit.Settle();
        for (var s = 32; s < 36; s++)
        {
            audit.RecordAcked(0, s, 0, s);
        }

        audit.RecordReplayed(0, 0, 3, 0, 3);      // settled
        audit.RecordReplayed(0, 0, 20, 0, 20);    // settled
        audit.RecordReplayed(0, 0, 32, 0, 32);    // never read before: its first read
        audit.RecordReplayed(0, 0, 32, 0, 32);    // live, read before
        audit.RecordReplayed(1, 0, 33, 0, 33);    // no group 1
        audit.RecordReplayed(0, 5, 33, 0, 33);    // no producer 5
        audit.RecordAcked(0, 3, 0, 3);            // a second report of a settled message changes nothing
        audit.RecordFailed(0, 3);
        audit.RecordFailed(0, 1_000);             // beyond the growth limit (16 chunks of 16)
        var report = audit.Classify(NoRetention);

        Assert.Equal(2, audit.SettledChunks);
        Assert.Equal((36L, 33L, 3L, 0L, 0L), (report.Summary.Acked, report.Summary.Delivered, report.Summary.Lost, report.Summary.Duplicated, report.Summary.Indeterminate));
        Assert.Equal((3L, 3L, 3L), (report.Summary.Replayed, report.Summary.Groups[0].Replayed, report.OutOfRange));
    }

    [Fact]
    public void Settle_FirstMessageOfAChunkReadBeforeItsAcknowledgement_CountsAsReachedAndCreatesTheNextChunk()
    {
        var readFirst = SmallAudit();
        readFirst.RecordConsumed(0, 0, 0, 0, 0);
        var failedFirst = SmallAudit();
        failedFirst.RecordFailed(0, 16);

        readFirst.Settle();
        failedFirst.Settle();

        Assert.Equal(2, readFirst.CreatedChunks);   // chunks 0 and 1
        Assert.Equal(2, failedFirst.CreatedChunks); // chunks 1 and 2
    }

    [Fact]
    public void Settle_AcknowledgedButNotYetRead_LeavesTheChunkLive()
    {
        var audit = SmallAudit();
        for (var s = 0; s < 16; s++)
        {
            audit.RecordAcked(0, s, 0, s);
        }

        audit.Settle();

        Assert.Equal(0, audit.SettledChunks);
    }

    [Fact]
    public void Settle_Repeatedly_CreatesOnlyTheOneChunkAheadOfTheRun()
    {
        var audit = SmallAudit();
        Deliver(audit, 0, 8);

        for (var i = 0; i < 5; i++)
        {
            audit.Settle();
        }

        Assert.Equal(2, audit.CreatedChunks);
        Deliver(audit, 8, 16);
        audit.Settle();
        Assert.Equal(3, audit.CreatedChunks);
    }

    [Fact]
    public void Classify_SixGroupsOnTwoTopics_EachGroupIsClassifiedOnItsOwnAndTheTotalsTakeEachTopicsWorstGroup()
    {
        // Five groups read topic "a" (their read counts share one word per four groups, so the fifth is in a second
        // word) and one reads "b". Group g of "a" misses sequence g; the fifth also reads sequence 9 twice.
        var audit = new DeliveryAudit(
            [new AuditedProducer("a", 1, 64), new AuditedProducer("b", 1, 64)],
            [.. Enumerable.Range(0, 5).Select(g => new AuditedGroup($"a{g}", "a")), new AuditedGroup("b0", "b")],
            new DeliveryAuditOptions { ChunkSize = 16 });
        for (var s = 0; s < 10; s++)
        {
            audit.RecordAcked(0, s, 0, s);
            for (var g = 0; g < 5; g++)
            {
                if (s != g)
                {
                    audit.RecordConsumed(g, 0, s, 0, s);
                }
            }
        }

        audit.RecordConsumed(4, 0, 9, 0, 9);
        for (var s = 0; s < 5; s++)
        {
            audit.RecordAcked(1, s, 0, s);
            if (s >= 2)
            {
                audit.RecordConsumed(5, 1, s, 0, s);
            }
        }

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal(
            [
                new GroupAudit("a0", 9, 1, 0, 0, 0, 0, 0) { Isolation = "read_committed" },
                new GroupAudit("a1", 9, 1, 0, 0, 0, 0, 0) { Isolation = "read_committed" },
                new GroupAudit("a2", 9, 1, 0, 0, 0, 0, 0) { Isolation = "read_committed" },
                new GroupAudit("a3", 9, 1, 0, 0, 0, 0, 0) { Isolation = "read_committed" },
                new GroupAudit("a4", 9, 1, 1, 0, 0, 0, 0) { Isolation = "read_committed" },
                new GroupAudit("b0", 3, 2, 0, 0, 0, 0, 0) { Isolation = "read_committed" },
            ],
            summary.Groups);
        // Per topic the worst group (the first of equals gives the examples), summed over the topics: lost 1 + 2,
        // delivered 9 + 3, duplicated 1 + 0.
        Assert.Equal((15L, 12L, 3L, 1L), (summary.Acked, summary.Delivered, summary.Lost, summary.Duplicated));
        Assert.Equal([("a", 0L), ("b", 0L), ("b", 1L)], summary.Examples.Where(e => e.Kind == "lost").Select(e => (e.Topic, e.Sequence)));
    }

    [Fact]
    public void Classify_TwoTopicsWithLossesWithoutOffsetAndReplays_SumsEachTopicsWorstGroupAndEveryGroupsReplays()
    {
        // Topic "a" (producer 0) is read by a0 and a1, topic "b" (producer 1) by b0. Sequences 0 and 1 of "a" and 0 of
        // "b" were acknowledged without an offset (-1001). a0 misses sequence 0; a1 misses 0, 1 and 5 (the topic's worst
        // group: lost 3, 2 of them without an offset); b0 misses 0. a0 re-reads one message after a replay, a1 two.
        var audit = new DeliveryAudit(
            [new AuditedProducer("a", 1, 10), new AuditedProducer("b", 1, 10)],
            [new AuditedGroup("a0", "a"), new AuditedGroup("a1", "a"), new AuditedGroup("b0", "b")],
            new DeliveryAuditOptions { ChunkSize = 16 });
        for (var s = 0; s < 10; s++)
        {
            audit.RecordAcked(0, s, 0, s < 2 ? -1001 : s);
            audit.RecordAcked(1, s, 0, s < 1 ? -1001 : s);
            if (s != 0)
            {
                audit.RecordConsumed(0, 0, s, 0, s);
                audit.RecordConsumed(2, 1, s, 0, s);
            }

            if (s is not (0 or 1 or 5))
            {
                audit.RecordConsumed(1, 0, s, 0, s);
            }
        }

        audit.RecordReplayed(0, 0, 3, 0, 3);
        audit.RecordReplayed(1, 0, 4, 0, 4);
        audit.RecordReplayed(1, 0, 6, 0, 6);

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal(
            [("a0", 1L, 1L, 1L), ("a1", 3L, 2L, 2L), ("b0", 1L, 1L, 0L)],
            summary.Groups.Select(g => (g.Group, g.Lost, g.LostWithoutOffset, g.Replayed)));
        // Per topic the worst group, summed over the topics: lost 3 + 1, of them without an offset 2 + 1; delivered
        // the fewest per topic, 7 + 9; replays are every group's re-reads, 1 + 2.
        Assert.Equal((4L, 3L, 16L, 3L), (summary.Lost, summary.LostWithoutOffset, summary.Delivered, summary.Replayed));
        Assert.Equal(2, audit.CreatedChunks);
    }

    [Theory]
    [InlineData(0, 4, 5, "ChunkSize")]
    [InlineData(24, 4, 5, "ChunkSize")]
    [InlineData(16, 0, 5, "GrowthLimitFactor")]
    [InlineData(16, 4, -1, "ExamplesPerClass")]
    public void Constructor_InvalidOptions_AreRejectedNamingTheSetting(int chunkSize, int growthLimitFactor, int examplesPerClass, string setting)
    {
        var options = new DeliveryAuditOptions { ChunkSize = chunkSize, GrowthLimitFactor = growthLimitFactor, ExamplesPerClass = examplesPerClass };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DeliveryAudit([new AuditedProducer(Topic, 1, 64)], [new AuditedGroup("g", Topic)], options));

        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void Constructor_SmallestValidOptions_AreAccepted()
    {
        var audit = new DeliveryAudit([new AuditedProducer(Topic, 1, 64)], [new AuditedGroup("g", Topic)], new DeliveryAuditOptions { ChunkSize = 1, GrowthLimitFactor = 1, ExamplesPerClass = 0 });
        audit.RecordAcked(0, 0, 0, 0);

        Assert.Equal((1L, 1L), (audit.Classify(NoRetention).Summary.Acked, audit.Classify(NoRetention).Summary.Lost));
        Assert.Empty(audit.Classify(NoRetention).Summary.Examples);
    }

    private static readonly AuditEnd NoRetention = new(new Dictionary<(string, int), long>());

    private static DeliveryAudit SmallAudit() =>
        new([new AuditedProducer(Topic, 1, 64)], [new AuditedGroup("g", Topic)], new DeliveryAuditOptions { ChunkSize = 16 });

    private static void Deliver(DeliveryAudit audit, int from, int count, int skip = -1)
    {
        for (var s = from; s < from + count; s++)
        {
            audit.RecordAcked(0, s, 0, s);
            if (s != skip)
            {
                audit.RecordConsumed(0, 0, s, 0, s);
            }
        }
    }

    [Fact]
    public void Record_AfterWarmUp_AllocatesOnlyChunkStorage()
    {
        const int messages = 200_000;
        const int chunkSize = 65_536;
        var audit = new DeliveryAudit(
            [new AuditedProducer(Topic, Partitions, 4 * messages)],
            [new AuditedGroup("a", Topic), new AuditedGroup("b", Topic)],
            new DeliveryAuditOptions { ChunkSize = chunkSize });

        static void Feed(DeliveryAudit audit, int from, int count)
        {
            for (var s = from; s < from + count; s++)
            {
                audit.RecordAcked(0, s, s % Partitions, s / Partitions);
                audit.RecordConsumed(0, 0, s, s % Partitions, s / Partitions);
                audit.RecordConsumed(1, 0, s, s % Partitions, s / Partitions);
                audit.RecordConsumed(1, 0, s, s % Partitions, s / Partitions);
                audit.RecordFailed(0, s + (2 * messages));
            }
        }

        // The warm-up pass lets the JIT compile and tier up the record methods, which allocates once.
        Feed(audit, 0, messages);
        Thread.Sleep(200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Feed(audit, messages, messages);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Chunks are created as the run reaches them: 16 bytes per message plus 4 for up to four groups, in one
        // allocation per array; anything per message would exceed the slack of one byte per message.
        static IEnumerable<long> ChunksOf(long from, long count) => Enumerable.Range(0, (int)count).Select(i => (from + i) / chunkSize).Distinct();
        var created = ChunksOf(messages, messages).Concat(ChunksOf(3 * messages, messages))
            .Except(ChunksOf(0, messages).Concat(ChunksOf(2 * messages, messages))).Count();
        Assert.InRange(allocated, created * chunkSize * 20L, (created * chunkSize * 20L) + messages);
        Assert.Equal(2 * messages, audit.Classify(new AuditEnd(new Dictionary<(string, int), long>())).Summary.Duplicated);
    }

    [Fact]
    public void Classify_RandomDropsDuplicatesSwapsAndFailures_CountsMatchWhatWasInjected()
    {
        var gen = Gen.Select(Gen.Int[1, 3000], Gen.Int[1, 8], Gen.Int);
        gen.Sample((messages, partitions, seed) =>
        {
            var random = new Random(seed);
            var run = new SimulatedRun(messages, partitions);
            var touched = new HashSet<long>();
            long Pick() => random.NextInt64(messages);
            var drops = Enumerable.Range(0, random.Next(5)).Select(_ => Pick()).Where(touched.Add).ToArray();
            var duplicates = Enumerable.Range(0, random.Next(5)).Select(_ => Pick()).Where(touched.Add).ToArray();
            var failures = Enumerable.Range(0, random.Next(5)).Select(_ => Pick()).Where(touched.Add).ToArray();
            run.Drop(drops);
            run.Duplicate(duplicates);
            run.FailButDeliver(failures);
            var swaps = 0;
            foreach (var candidate in Enumerable.Range(0, random.Next(5)).Select(_ => Pick()))
            {
                if (run.TrySwapUntouched(candidate, touched))
                {
                    swaps++;
                }
            }

            var summary = run.Audit().Summary;

            Assert.Equal(drops.Length, summary.Lost);
            Assert.Equal(duplicates.Length, summary.Duplicated);
            Assert.Equal(failures.Length, summary.Indeterminate);
            Assert.Equal(swaps, summary.Reordered);
            Assert.Equal(messages - drops.Length - failures.Length, summary.Delivered);
        }, iter: 150);
    }

    /// <summary>
    /// One producer writing <c>messages</c> round-robin over partitions, one group reading each partition in
    /// offset order; the test then breaks delivery in precise ways before the run is replayed into an audit.
    /// </summary>
    private sealed class SimulatedRun
    {
        private readonly int _partitions;
        private readonly long _messages;
        private readonly List<long>[] _reads;
        private readonly HashSet<long> _unacked = [];
        private readonly HashSet<long> _failed = [];
        private readonly HashSet<long> _withoutOffset = [];
        private readonly Dictionary<(string, int), long> _logStart = [];
        private readonly Dictionary<(string, string, int), long> _positions = [];

        public SimulatedRun(long messages, int partitions = Partitions)
        {
            _messages = messages;
            _partitions = partitions;
            _reads = [.. Enumerable.Range(0, partitions).Select(p => Enumerable.Range(0, (int)messages).Select(s => (long)s).Where(s => PartitionOf(s) == p).ToList())];
        }

        public int PartitionOf(long sequence) => (int)(sequence % _partitions);

        public long OffsetOf(long sequence) => sequence / _partitions;

        public long MessagesOfPartition(int partition) => _reads[partition].Count;

        public List<long> LastOfPartition(int partition, int count) => [.. _reads[partition].TakeLast(count)];

        public void Drop(params long[] sequences)
        {
            foreach (var s in sequences)
            {
                _reads[PartitionOf(s)].Remove(s);
            }
        }

        public void Duplicate(params long[] sequences)
        {
            foreach (var s in sequences)
            {
                var reads = _reads[PartitionOf(s)];
                reads.Insert(reads.IndexOf(s) + 1, s);
            }
        }

        public void SwapWithNextInPartition(long sequence)
        {
            var reads = _reads[PartitionOf(sequence)];
            var at = reads.IndexOf(sequence);
            (reads[at], reads[at + 1]) = (reads[at + 1], reads[at]);
        }

        public bool TrySwapUntouched(long sequence, HashSet<long> touched)
        {
            var next = sequence + _partitions;
            if (next >= _messages || touched.Contains(sequence) || touched.Contains(next))
            {
                return false;
            }

            touched.Add(sequence);
            touched.Add(next);
            SwapWithNextInPartition(sequence);
            return true;
        }

        public void RereadPartitionFrom(int partition, long fromOffset) =>
            _reads[partition].AddRange(_reads[partition].Where(s => OffsetOf(s) >= fromOffset).ToList());

        public void TruncatePartitionBelow(int partition, long logStartOffset)
        {
            _reads[partition].RemoveAll(s => OffsetOf(s) < logStartOffset);
            _logStart[(Topic, partition)] = logStartOffset;
        }

        public void FinalPosition(int partition, long offset) => _positions[("g", Topic, partition)] = offset;

        public void FailButDeliver(params long[] sequences)
        {
            _unacked.UnionWith(sequences);
            _failed.UnionWith(sequences);
        }

        public void NeverReport(long sequence) => _unacked.Add(sequence);

        public void AckWithoutOffset(params long[] sequences) => _withoutOffset.UnionWith(sequences);

        public void FailAndDrop(long sequence)
        {
            FailButDeliver(sequence);
            Drop(sequence);
        }

        public DeliveryAuditReport Audit()
        {
            var audit = new DeliveryAudit([new AuditedProducer(Topic, _partitions, _messages)], [new AuditedGroup("g", Topic)], new DeliveryAuditOptions { ChunkSize = 256 });
            for (var s = 0L; s < _messages; s++)
            {
                if (!_unacked.Contains(s))
                {
                    audit.RecordAcked(0, s, PartitionOf(s), _withoutOffset.Contains(s) ? -1001 : OffsetOf(s));
                }
                else if (_failed.Contains(s))
                {
                    audit.RecordFailed(0, s);
                }
            }

            var group = audit.GroupIndex("g");
            foreach (var s in _reads.SelectMany(r => r))
            {
                audit.RecordConsumed(group, 0, s, PartitionOf(s), OffsetOf(s));
            }

            return audit.Classify(new AuditEnd(_logStart, _positions));
        }
    }
}
