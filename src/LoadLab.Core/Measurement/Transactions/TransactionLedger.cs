namespace LoadLab.Core.Measurement.Transactions;

/// <summary>How a transaction ended, as its producer learnt it.</summary>
public enum TransactionOutcome
{
    /// <summary>Begun and not ended yet.</summary>
    Open,
    /// <summary><c>commit_transaction</c> succeeded: the coordinator acknowledged the commit.</summary>
    Committed,
    /// <summary>Aborted on purpose (the scenario's <c>abort-share</c>).</summary>
    AbortedOnPurpose,
    /// <summary>Aborted because the client reported an abortable error (a failed message, a timeout, a lost coordinator).</summary>
    AbortedAfterError,
    /// <summary>
    /// The producer was fenced or failed fatally before the commit was acknowledged: it can no longer commit, and the
    /// coordinator aborts the transaction (at the latest when the next instance with the same transactional id starts).
    /// </summary>
    Fenced,
    /// <summary>The run ended (or the commit's outcome was lost) before the producer learnt whether it committed.</summary>
    Undecided,
}

/// <summary>
/// The transactions of one producer instance in send order: each covers the sequence numbers from its first message
/// to the next transaction's first. Written by the producer's thread only (once per transaction, never per message);
/// read without locks at any time by the delivery audit (which settles messages once their transaction is decided) and
/// the summary: arrays grow by copy and are published before the count that covers their new elements, so a reader that
/// reads the count first sees every element it counts.
/// </summary>
public sealed class TransactionLedger
{
    private long[] _firstSequences = new long[64];
    private int[] _outcomes = new int[64];
    private int _count;

    /// <summary>Transactions begun so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Records that a transaction begins with message <paramref name="firstSequence"/>; returns its index. Producer thread only.</summary>
    /// <exception cref="ArgumentException">Sequences must grow from one transaction to the next.</exception>
    public int Begin(long firstSequence)
    {
        var count = _count;
        if (count > 0 && firstSequence < _firstSequences[count - 1])
        {
            throw new ArgumentException($"Transaction {count} begins at sequence {firstSequence}, before transaction {count - 1} at {_firstSequences[count - 1]}.", nameof(firstSequence));
        }

        if (count == _firstSequences.Length)
        {
            var sequences = new long[count * 2];
            var outcomes = new int[count * 2];
            Array.Copy(_firstSequences, sequences, count);
            Array.Copy(_outcomes, outcomes, count);
            Volatile.Write(ref _firstSequences, sequences);
            Volatile.Write(ref _outcomes, outcomes);
        }

        _firstSequences[count] = firstSequence;
        Volatile.Write(ref _outcomes[count], (int)TransactionOutcome.Open);
        Volatile.Write(ref _count, count + 1);
        return count;
    }

    /// <summary>Records how transaction <paramref name="index"/> ended; an ended transaction keeps its first outcome. Producer thread only.</summary>
    public void End(int index, TransactionOutcome outcome)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        _ = Interlocked.CompareExchange(ref _outcomes[index], (int)outcome, (int)TransactionOutcome.Open);
    }

    /// <summary>How transaction <paramref name="index"/> ended so far (a reader may see an ended one as open for a moment).</summary>
    public TransactionOutcome OutcomeOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return (TransactionOutcome)Volatile.Read(ref Volatile.Read(ref _outcomes)[index]);
    }

    /// <summary>The first sequence of transaction <paramref name="index"/>.</summary>
    public long FirstSequenceOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Volatile.Read(ref _firstSequences)[index];
    }

    /// <summary>The transaction that message <paramref name="sequence"/> belongs to, or −1 when it was sent before the first one.</summary>
    public int IndexOf(long sequence)
    {
        var count = Count;
        var index = Array.BinarySearch(Volatile.Read(ref _firstSequences), 0, count, sequence);
        return index >= 0 ? index : ~index - 1;
    }

    /// <summary>Transactions per outcome so far.</summary>
    public IReadOnlyDictionary<TransactionOutcome, int> CountByOutcome()
    {
        var counts = new Dictionary<TransactionOutcome, int>();
        var count = Count;
        var outcomes = Volatile.Read(ref _outcomes);
        for (var i = 0; i < count; i++)
        {
            var outcome = (TransactionOutcome)Volatile.Read(ref outcomes[i]);
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
        }

        return counts;
    }

    /// <summary>
    /// Ends every transaction still open as <see cref="TransactionOutcome.Undecided"/>: the run is over and its producer
    /// never learnt the outcome. Call after the producer's thread has stopped.
    /// </summary>
    public void CloseUndecided()
    {
        var count = Count;
        for (var i = 0; i < count; i++)
        {
            _ = Interlocked.CompareExchange(ref _outcomes[i], (int)TransactionOutcome.Undecided, (int)TransactionOutcome.Open);
        }
    }
}
