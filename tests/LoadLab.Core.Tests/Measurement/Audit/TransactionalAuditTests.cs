using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Transactions;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Measurement.Audit;

/// <summary>The audit's transactional facts: aborted-visible, torn, exactly one output per input, replayed re-reads.</summary>
public sealed class TransactionalAuditTests
{
    private const string Input = "events";
    private const string Output = "enriched";
    private static readonly AuditEnd NoRetention = new(new Dictionary<(string, int), long>());

    [Fact]
    public void Classify_ReadCommittedGroupReadsAnAbortedTransaction_CountsEachMessageAbortedVisibleWithAnExample()
    {
        // Transaction 0 (sequences 0-4) commits, transaction 1 (5-9) aborts on purpose; both groups read all ten.
        var ledger = Ledger((0, TransactionOutcome.Committed), (5, TransactionOutcome.AbortedOnPurpose));
        var audit = new DeliveryAudit(
            [new AuditedProducer(Input, 1, 16) { Transactions = ledger }],
            [new AuditedGroup("committed", Input), new AuditedGroup("uncommitted", Input) { Isolation = ConsumerIsolation.ReadUncommitted }],
            new DeliveryAuditOptions { ChunkSize = 16 });
        for (var sequence = 0; sequence < 10; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            audit.RecordConsumed(0, 0, sequence, 0, sequence);
            audit.RecordConsumed(1, 0, sequence, 0, sequence);
        }

        var summary = audit.Classify(NoRetention).Summary;

        var committed = summary.Groups[0];
        var uncommitted = summary.Groups[1];
        Assert.Equal(("read_committed", 5L, 5L, 5L, 0L), (committed.Isolation, committed.Delivered, committed.Aborted, committed.AbortedVisible, committed.Lost));
        Assert.Equal(("read_uncommitted", 5L, 5L, 0L), (uncommitted.Isolation, uncommitted.Delivered, uncommitted.Aborted, uncommitted.AbortedVisible));
        Assert.Equal((5L, 0L, 0L), (summary.AbortedVisible, summary.Duplicated, summary.Torn));
        Assert.Equal([5L, 6, 7, 8, 9], summary.Examples.Where(e => e.Kind == "aborted-visible").Select(e => e.Sequence));
    }

    [Fact]
    public void Classify_ReadCommittedGroupReadsPartOfACommittedTransaction_FlagsItTornAndTheRestLost()
    {
        var ledger = Ledger((0, TransactionOutcome.Committed), (5, TransactionOutcome.Committed));
        var audit = new DeliveryAudit([new AuditedProducer(Input, 1, 16) { Transactions = ledger }], [new AuditedGroup("g", Input)], new DeliveryAuditOptions { ChunkSize = 16 });
        for (var sequence = 0; sequence < 10; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            if (sequence is not (3 or 4))
            {
                audit.RecordConsumed(0, 0, sequence, 0, sequence);
            }
        }

        var summary = audit.Classify(NoRetention).Summary;

        // Transaction 0 is half visible (torn); transaction 1 is whole.
        Assert.Equal((1L, 2L, 8L), (summary.Torn, summary.Lost, summary.Delivered));
        Assert.Equal(0L, Assert.Single(summary.Examples, e => e.Kind == "torn").Sequence);
    }

    [Fact]
    public void Classify_OpenTransactionAtTheEnd_IsIndeterminateNotLost()
    {
        var ledger = Ledger((0, TransactionOutcome.Committed), (5, TransactionOutcome.Open));
        ledger.CloseUndecided();
        var audit = new DeliveryAudit([new AuditedProducer(Input, 1, 16) { Transactions = ledger }], [new AuditedGroup("g", Input)], new DeliveryAuditOptions { ChunkSize = 16 });
        for (var sequence = 0; sequence < 10; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            if (sequence < 7)
            {
                audit.RecordConsumed(0, 0, sequence, 0, sequence);
            }
        }

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((5L, 0L, 2L, 0L), (summary.Delivered, summary.Lost, summary.Indeterminate, summary.Torn));
    }

    [Fact]
    public void Classify_PipelineWritesAnOutputTwiceAndAnotherNever_CountsOneDuplicatedAndOneLostOutput()
    {
        var (audit, pipeline) = Pipeline(inputs: 10);
        for (var sequence = 0; sequence < 10; sequence++)
        {
            if (sequence != 4)
            {
                audit.RecordOutput(pipeline, 0, sequence, replayed: false);
            }
        }

        audit.RecordOutput(pipeline, 0, 7, replayed: false);

        var outputs = Assert.Single(audit.Classify(NoRetention).Summary.Pipelines);

        Assert.Equal((10L, 8L, 1L, 1L), (outputs.Inputs, outputs.ExactlyOnce, outputs.LostOutputs, outputs.DuplicatedOutputs));
        Assert.Equal([("duplicated-output", 7L), ("lost-output", 4L)], outputs.Examples.Select(e => (e.Kind, e.Sequence)).Order());
        Assert.Equal("verifier", outputs.VerifiedBy);
    }

    [Fact]
    public void Classify_PipelineOutputWrittenAgainAfterAReplay_IsReplayedNotDuplicated()
    {
        var (audit, pipeline) = Pipeline(inputs: 10);
        for (var sequence = 0; sequence < 10; sequence++)
        {
            audit.RecordOutput(pipeline, 0, sequence, replayed: false);
        }

        audit.RecordOutput(pipeline, 0, 2, replayed: true);
        audit.RecordOutput(pipeline, 0, 3, replayed: true);

        var outputs = Assert.Single(audit.Classify(NoRetention).Summary.Pipelines);

        Assert.Equal((10L, 0L, 2L), (outputs.ExactlyOnce, outputs.DuplicatedOutputs, outputs.ReplayedOutputs));
    }

    [Fact]
    public void RecordReplayed_ReReadsAfterARewind_CountReplayedAndNotDuplicated()
    {
        var audit = new DeliveryAudit([new AuditedProducer(Input, 1, 16)], [new AuditedGroup("g", Input)], new DeliveryAuditOptions { ChunkSize = 16 });
        for (var sequence = 0; sequence < 10; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            audit.RecordConsumed(0, 0, sequence, 0, sequence);
        }

        for (var sequence = 4; sequence < 10; sequence++)
        {
            audit.RecordReplayed(0, 0, sequence, 0, sequence);
        }

        // A plain second read is still a duplicate.
        audit.RecordConsumed(0, 0, 1, 0, 1);

        var group = Assert.Single(audit.Classify(NoRetention).Summary.Groups);

        Assert.Equal((10L, 6L, 1L), (group.Delivered, group.Replayed, group.Duplicated));
    }

    [Fact]
    public void Settle_AbortedTransactionUnreadByAReadCommittedGroup_SettlesAndALaterReadIsStillAbortedVisible()
    {
        var ledger = Ledger((0, TransactionOutcome.Committed), (8, TransactionOutcome.AbortedOnPurpose), (16, TransactionOutcome.Committed));
        var audit = new DeliveryAudit([new AuditedProducer(Input, 1, 64) { Transactions = ledger }], [new AuditedGroup("g", Input)], new DeliveryAuditOptions { ChunkSize = 16 });
        for (var sequence = 0; sequence < 20; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            if (sequence is < 8 or >= 16)
            {
                audit.RecordConsumed(0, 0, sequence, 0, sequence);
            }
        }

        audit.Settle();
        Assert.Equal(1, audit.SettledChunks);
        audit.RecordConsumed(0, 0, 9, 0, 9);

        var summary = audit.Classify(NoRetention).Summary;

        Assert.Equal((12L, 8L, 1L, 0L), (summary.Delivered, summary.Groups[0].Aborted, summary.AbortedVisible, summary.Lost));
    }

    [Fact]
    public void Classify_PipelineForwardsAnInputOfAnAbortedTransaction_CountsItForwardedWithAnExample()
    {
        // Inputs 5-7 are an aborted transaction: the read_committed transforming group must not see them, so no output
        // is expected; an output of input 6 means the platform showed it an aborted message.
        var inputs = Ledger((0, TransactionOutcome.Committed), (5, TransactionOutcome.AbortedOnPurpose), (8, TransactionOutcome.Committed));
        var audit = new DeliveryAudit(
            [new AuditedProducer(Input, 1, 16) { Transactions = inputs }, new AuditedProducer(Output, 1, 16) { Transactions = Ledger((0, TransactionOutcome.Committed)) }],
            [new AuditedGroup("enricher", Input), new AuditedGroup("verifier", Output)],
            new DeliveryAuditOptions { ChunkSize = 16 },
            [new AuditedPipeline("enricher", Input, Output, "verifier")]);
        var pipeline = audit.PipelineVerifiedBy("verifier", Output);
        for (var sequence = 0; sequence < 10; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            if (sequence is < 5 or > 7)
            {
                audit.RecordConsumed(0, 0, sequence, 0, sequence);
                audit.RecordOutput(pipeline, 0, sequence, replayed: false);
            }
        }

        audit.RecordOutput(pipeline, 0, 6, replayed: false);

        var outputs = Assert.Single(audit.Classify(NoRetention).Summary.Pipelines);

        Assert.Equal((7L, 0L, 0L), (outputs.ExactlyOnce, outputs.LostOutputs, outputs.DuplicatedOutputs));
        Assert.Equal((3L, 1L), (outputs.AbortedInputs, outputs.AbortedInputsForwarded));
        Assert.Equal([("aborted-input-forwarded", 6L)], outputs.Examples.Select(e => (e.Kind, e.Sequence)));
    }

    [Fact]
    public void Constructor_PipelineVerifiedByNoAuditedGroupOfItsOutputTopic_IsRejectedNamingIt()
    {
        AuditedProducer[] producers = [new(Input, 1, 16), new(Output, 1, 16)];
        AuditedGroup[] groups = [new("enricher", Input), new("verifier", Input)];

        var error = Assert.Throws<ArgumentException>(() => new DeliveryAudit(producers, groups, null, [new AuditedPipeline("enricher", Input, Output, "verifier")]));

        Assert.Equal("pipelines", error.ParamName);
        Assert.StartsWith($"Pipeline enricher is verified by verifier, which is not an audited group reading {Output}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupIndexAndPipelineVerifiedBy_KnownAndUnknownNames_GiveTheirPositionOrMinusOne()
    {
        var (audit, pipeline) = Pipeline(inputs: 1);

        Assert.Equal((0, 1, -1), (audit.GroupIndex("enricher"), audit.GroupIndex("verifier"), audit.GroupIndex("other")));
        Assert.Equal((0, -1, -1), (pipeline, audit.PipelineVerifiedBy("verifier", Input), audit.PipelineVerifiedBy("enricher", Output)));
    }

    [Fact]
    public void Settle_ChunkWithAnOpenTransaction_StaysLiveUntilTheTransactionIsDecided()
    {
        var transactions = Ledger((0, TransactionOutcome.Committed), (8, TransactionOutcome.Open));
        var audit = new DeliveryAudit([new AuditedProducer(Input, 1, 16) { Transactions = transactions }], [new AuditedGroup("g", Input)], new DeliveryAuditOptions { ChunkSize = 16 });
        for (var sequence = 0; sequence < 16; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            audit.RecordConsumed(0, 0, sequence, 0, sequence);
        }

        audit.Settle();
        var whileOpen = audit.SettledChunks;
        transactions.End(1, TransactionOutcome.Committed);
        audit.Settle();

        Assert.Equal((0L, 1L), (whileOpen, audit.SettledChunks));
        Assert.Equal((16L, 16L, 0L), (audit.Classify(NoRetention).Summary.Delivered, audit.Classify(NoRetention).Summary.Acked, audit.Classify(NoRetention).Summary.Indeterminate));
    }

    [Fact]
    public void Settle_PipelineOutputsMadeAgainAfterTheirInputsSettled_CountDuplicatedOrReplayedOutputs()
    {
        var (audit, pipeline) = Pipeline(inputs: 16);
        for (var sequence = 0; sequence < 16; sequence++)
        {
            audit.RecordOutput(pipeline, 0, sequence, replayed: false);
        }

        audit.Settle();
        audit.RecordOutput(pipeline, 0, 5, replayed: false);
        audit.RecordOutput(pipeline, 0, 9, replayed: true);
        audit.RecordOutput(1, 0, 9, replayed: false);           // no pipeline 1
        var report = audit.Classify(NoRetention);
        var outputs = Assert.Single(report.Summary.Pipelines);

        Assert.Equal(1, audit.SettledChunks);
        Assert.Equal((16L, 15L, 1L, 0L, 1L), (outputs.Inputs, outputs.ExactlyOnce, outputs.DuplicatedOutputs, outputs.LostOutputs, outputs.ReplayedOutputs));
        Assert.Equal((0L, 1L), (report.Summary.Duplicated, report.OutOfRange));
    }

    private static (DeliveryAudit Audit, int Pipeline) Pipeline(int inputs)
    {
        // Producer 0 writes the inputs; producer 1 is the transforming member's output producer (one committed transaction).
        var outputs = Ledger((0, TransactionOutcome.Committed));
        var audit = new DeliveryAudit(
            [new AuditedProducer(Input, 1, 16), new AuditedProducer(Output, 1, 16) { Transactions = outputs }],
            [new AuditedGroup("enricher", Input), new AuditedGroup("verifier", Output)],
            new DeliveryAuditOptions { ChunkSize = 16 },
            [new AuditedPipeline("enricher", Input, Output, "verifier")]);
        for (var sequence = 0; sequence < inputs; sequence++)
        {
            audit.RecordAcked(0, sequence, 0, sequence);
            audit.RecordConsumed(0, 0, sequence, 0, sequence);
        }

        return (audit, audit.PipelineVerifiedBy("verifier", Output));
    }

    private static TransactionLedger Ledger(params (long FirstSequence, TransactionOutcome Outcome)[] transactions)
    {
        var ledger = new TransactionLedger();
        foreach (var (first, outcome) in transactions)
        {
            var index = ledger.Begin(first);
            if (outcome != TransactionOutcome.Open)
            {
                ledger.End(index, outcome);
            }
        }

        return ledger;
    }
}
