using LoadLab.Core.Measurement.Transactions;

namespace LoadLab.Core.Tests.Measurement.Transactions;

public sealed class TransactionLedgerTests
{
    [Fact]
    public void Begin_BeyondTheInitialCapacity_KeepsEveryFirstSequenceAndOutcome()
    {
        // 200 transactions of 10 messages each: the arrays start at 64 and grow twice.
        var ledger = new TransactionLedger();
        var indexes = Enumerable.Range(0, 200).Select(t =>
        {
            var index = ledger.Begin(t * 10L);
            if (t % 3 == 0)
            {
                ledger.End(index, TransactionOutcome.Committed);
            }

            return index;
        }).ToList();

        Assert.Equal(Enumerable.Range(0, 200), indexes);
        Assert.Equal(200, ledger.Count);
        Assert.Equal([0L, 630, 640, 1_280, 1_990], new[] { 0, 63, 64, 128, 199 }.Select(ledger.FirstSequenceOf));
        Assert.Equal(
            [TransactionOutcome.Committed, TransactionOutcome.Committed, TransactionOutcome.Open, TransactionOutcome.Committed, TransactionOutcome.Open],
            new[] { 0, 63, 64, 129, 199 }.Select(ledger.OutcomeOf));
    }

    [Fact]
    public void Begin_BeforeThePreviousTransactionsFirstSequence_IsRejectedButTheSameSequenceIsNot()
    {
        var ledger = new TransactionLedger();
        ledger.Begin(10);
        ledger.Begin(10);

        var error = Assert.Throws<ArgumentException>(() => ledger.Begin(9));

        Assert.Equal("firstSequence", error.ParamName);
        Assert.StartsWith("Transaction 2 begins at sequence 9, before transaction 1 at 10.", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, ledger.Count);
    }

    [Fact]
    public void End_AnEndedTransaction_KeepsItsFirstOutcome()
    {
        var ledger = new TransactionLedger();
        ledger.Begin(0);
        ledger.Begin(5);

        ledger.End(0, TransactionOutcome.AbortedOnPurpose);
        ledger.End(0, TransactionOutcome.Committed);
        ledger.End(1, TransactionOutcome.Fenced);

        Assert.Equal((TransactionOutcome.AbortedOnPurpose, TransactionOutcome.Fenced), (ledger.OutcomeOf(0), ledger.OutcomeOf(1)));
    }

    [Fact]
    public void IndexAccessors_OutsideTheTransactionsBegun_AreRejected()
    {
        var ledger = new TransactionLedger();
        ledger.Begin(0);
        ledger.Begin(5);

        Assert.All(
            [() => ledger.End(-1, TransactionOutcome.Committed), () => ledger.End(2, TransactionOutcome.Committed), () => ledger.OutcomeOf(-1), () => ledger.OutcomeOf(2), () => ledger.FirstSequenceOf(-1), () => ledger.FirstSequenceOf(2)],
            (Action call) => Assert.Throws<ArgumentOutOfRangeException>("index", call));
        Assert.Equal(5, ledger.FirstSequenceOf(1));
    }

    [Fact]
    public void IndexOf_EverySequence_IsTheLastTransactionBegunAtOrBeforeIt()
    {
        var ledger = new TransactionLedger();
        ledger.Begin(10);
        ledger.Begin(20);
        ledger.Begin(35);

        Assert.Equal([-1, -1, 0, 0, 1, 1, 2, 2], new long[] { 0, 9, 10, 19, 20, 34, 35, 1_000 }.Select(ledger.IndexOf));
        Assert.Equal(-1, new TransactionLedger().IndexOf(0));
    }

    [Fact]
    public void CountByOutcomeAndCloseUndecided_CountEachOutcomeAndEndOnlyTheOpenOnes()
    {
        var ledger = new TransactionLedger();
        for (var t = 0; t < 6; t++)
        {
            ledger.Begin(t * 4L);
        }

        ledger.End(0, TransactionOutcome.Committed);
        ledger.End(1, TransactionOutcome.Committed);
        ledger.End(2, TransactionOutcome.AbortedAfterError);
        var before = ledger.CountByOutcome();
        ledger.CloseUndecided();
        var after = ledger.CountByOutcome();

        Assert.Equal(new Dictionary<TransactionOutcome, int> { [TransactionOutcome.Committed] = 2, [TransactionOutcome.AbortedAfterError] = 1, [TransactionOutcome.Open] = 3 }, before);
        Assert.Equal(new Dictionary<TransactionOutcome, int> { [TransactionOutcome.Committed] = 2, [TransactionOutcome.AbortedAfterError] = 1, [TransactionOutcome.Undecided] = 3 }, after);
        Assert.Empty(new TransactionLedger().CountByOutcome());
    }

    [Fact]
    public void TransactionalIdsFor_TopicOwnerAndInstance_NamesTheProducerTheSameOnEveryRun()
    {
        Assert.Equal("loadlab.run7-events.enricher.12", TransactionalIds.For("run7-events", "enricher", 12));
        Assert.Equal("loadlab.t.s.0", TransactionalIds.For("t", "s", 0));
        Assert.Throws<ArgumentException>("topic", () => TransactionalIds.For("", "s", 0));
        Assert.Throws<ArgumentException>("owner", () => TransactionalIds.For("t", "", 0));
        Assert.Throws<ArgumentOutOfRangeException>("instance", () => TransactionalIds.For("t", "s", -1));
    }
}
