using LoadLab.Core.Measurement.Transactions;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Measurement.Audit;

/// <summary>Settings of a <see cref="DeliveryAudit"/>.</summary>
public sealed record DeliveryAuditOptions
{
    /// <summary>
    /// Messages per storage chunk; storage grows one chunk at a time beyond the planned count. Default 65,536
    /// (about 1.3 MiB per chunk with up to four groups).
    /// </summary>
    public int ChunkSize { get; init; } = 65_536;

    /// <summary>
    /// How many times its planned count a producer's sequences may reach before further sequences are
    /// counted as out of range instead of growing storage (protects against a corrupt header); default 4.
    /// </summary>
    public int GrowthLimitFactor { get; init; } = 4;

    /// <summary>Examples kept per problem class (first found, in producer and sequence order); default 5.</summary>
    public int ExamplesPerClass { get; init; } = 5;

    internal void Validate()
    {
        if (ChunkSize < 1 || (ChunkSize & (ChunkSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "The chunk size must be a positive power of two.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(GrowthLimitFactor, 1, nameof(GrowthLimitFactor));
        ArgumentOutOfRangeException.ThrowIfNegative(ExamplesPerClass, nameof(ExamplesPerClass));
    }
}

/// <summary>A producer instance whose messages are audited; its id is its position in the list.</summary>
/// <param name="Topic">The topic it writes to.</param>
/// <param name="Partitions">Partition count of that topic.</param>
/// <param name="PlannedMessages">How many messages the schedule plans for it (storage is sized from this).</param>
public sealed record AuditedProducer(string Topic, int Partitions, long PlannedMessages)
{
    /// <summary>The producer's transactions; null when it does not produce in transactions.</summary>
    public TransactionLedger? Transactions { get; init; }
}

/// <summary>A consumer group whose reads are audited; its index is its position in the list.</summary>
public sealed record AuditedGroup(string Group, string Topic)
{
    /// <summary>What the group may see of transactions: a read_committed group that sees an aborted message is an anomaly.</summary>
    public ConsumerIsolation Isolation { get; init; } = ConsumerIsolation.ReadCommitted;
}

/// <summary>
/// A consume-transform-produce pipeline whose inputs are followed to their outputs; its index is its position in the list.
/// </summary>
/// <param name="Group">The transforming consumer group.</param>
/// <param name="InputTopic">The topic it reads.</param>
/// <param name="OutputTopic">The topic it writes each input to.</param>
/// <param name="VerifiedBy">The read_committed group reading <paramref name="OutputTopic"/> whose reads count as the pipeline's visible outputs.</param>
public sealed record AuditedPipeline(string Group, string InputTopic, string OutputTopic, string VerifiedBy);

/// <summary>What the cluster looked like when the audit was taken.</summary>
/// <param name="LogStartOffsets">Log start offset per (topic, partition) at the end: anything below was removed by retention. Missing: 0.</param>
/// <param name="FinalPositions">
/// Per (group, topic, partition): the group's position (next offset it would read) when consuming stopped. Acked
/// messages at or beyond it were not lost, the group just never got there (drain timed out); null or missing: unknown,
/// every unconsumed retained message counts as lost.
/// </param>
public sealed record AuditEnd(
    IReadOnlyDictionary<(string Topic, int Partition), long> LogStartOffsets,
    IReadOnlyDictionary<(string Group, string Topic, int Partition), long>? FinalPositions = null);

/// <summary>The audit's result: the summary for <c>summary.json</c> plus what did not fit in it.</summary>
/// <param name="Summary">Counts combined over groups (see <see cref="DeliveryAudit"/>).</param>
/// <param name="OutOfRange">Records ignored because they cannot be this run's (unknown producer or group, negative or implausible sequence).</param>
public sealed record DeliveryAuditReport(AuditSummary Summary, long OutOfRange);

/// <summary>
/// Classifies every message of a run from what producers acknowledged and what each consumer group read.
/// Every message carries its producer id and a sequence number (0, 1, 2… per producer, in send order).
/// <para>Per group, over the producers writing to the group's topic:</para>
/// <list type="bullet">
/// <item><b>delivered</b>: acknowledged and consumed at least once;</item>
/// <item><b>lost</b>: acknowledged, at or above the partition's final log start offset (or at an unknown offset),
/// never consumed, and below the group's final position when that is known;</item>
/// <item><b>truncated</b>: acknowledged, never consumed, below the final log start offset (removed by retention);</item>
/// <item><b>unreached</b>: acknowledged, never consumed, at or beyond the group's final position (the drain timed out);</item>
/// <item><b>indeterminate</b>: consumed although its delivery failed or was never reported, or although its
/// transaction's outcome was never learnt;</item>
/// <item><b>duplicated</b>: consumed more than once (a message, not the number of extra copies; acknowledged or not);
/// <b>duplicated in log</b> are those of them read at two different places, so the log holds them twice (a producer
/// retry without idempotence); the others were read again at the same place (a consumer redelivery after a
/// rebalance or a lost offset commit: at-least-once consumption, not a producer fault). Re-reads of settled
/// messages count as redeliveries: a second copy in the log would have been read before the chunk settled;</item>
/// <item><b>reordered</b>: read by the group for the first time after a higher sequence of the same producer on
/// the same partition. A producer's messages to one partition (so every key's messages) must be read in send
/// order; re-reads after a rebalance are duplicates, not reorders;</item>
/// <item><b>replayed</b>: re-reads the group made because a <c>group.replay</c> moved it back (<see cref="RecordReplayed"/>),
/// counted apart from duplicates;</item>
/// <item><b>aborted</b>: a message of a transaction that was aborted (on purpose, after an error, or because its
/// producer was fenced): a committed promise was never made for it, so it is neither delivered nor lost;
/// <b>aborted-visible</b> are those a read_committed group read — an anomaly of its own class (a read_uncommitted
/// group reads them by design);</item>
/// <item><b>torn</b> (transactions, read_committed groups): a committed transaction of which the group read some
/// messages while others were lost, or an aborted one of which it read some but not all.</item>
/// </list>
/// A committed message (or a message without transaction) must be delivered exactly once: delivered and not duplicated.
/// <para>
/// Pipelines (consume-transform-produce): every output carries the producer id and sequence of its input. When the
/// pipeline's verifying group reads an output for the first time, <see cref="RecordOutput"/> counts it for the input.
/// Per input: exactly one output is the promise; no output is a <b>lost output</b> (or unreached/truncated as above,
/// from the transforming group's position), two or more are <b>duplicated outputs</b>; an output of an aborted input
/// is <b>aborted-visible</b>; outputs of inputs re-read because of a replay are <b>replayed</b>.
/// </para>
/// <para>
/// Groups are combined so that a promise holds only if it holds for every group: <c>acked</c> counts each
/// message once; per topic, <c>delivered</c> is the smallest count of the groups reading it and every problem
/// count the largest (examples come from that group); the summary adds these over topics. Messages of a topic
/// no group reads are acked only. <see cref="AuditSummary.Groups"/> lists each group's own counts,
/// <see cref="AuditSummary.Pipelines"/> each pipeline's.
/// </para>
/// <para>
/// The record methods are called from producer delivery callbacks and consumer threads at once; they are
/// lock-free and allocate nothing except a new chunk of storage every <see cref="DeliveryAuditOptions.ChunkSize"/>
/// messages. Storage is about 16 bytes per message plus 4 bytes per message for every four groups (and pipelines)
/// until <see cref="Settle"/> folds a chunk whose every message reached its final state — acknowledged and read
/// exactly once by every group reading its topic (once output by every pipeline reading it), or, for a message of an
/// aborted transaction, read by no read_committed group and once by every read_uncommitted one: from then on the chunk
/// keeps one bit per message and group, for reads beyond that (which count as duplicated or aborted-visible, without an
/// example since the place is no longer kept). So memory stays flat in a long run while messages are delivered, and
/// grows only with what is still in question; a message of an open transaction stays in question until it ends.
/// </para>
/// </summary>
public sealed class DeliveryAudit
{
    private const int AckedFlag = 1;
    private const int FailedFlag = 2;
    private const int InLogTwiceFlag = 4;
    private const int CountMask = 0x7F;
    private const int ReorderedFlag = 0x80;

    private readonly IReadOnlyList<AuditedProducer> _producers;
    private readonly IReadOnlyList<AuditedGroup> _groups;
    private readonly IReadOnlyList<AuditedPipeline> _pipelines;
    private readonly DeliveryAuditOptions _options;
    private readonly Ledger[] _ledgers;
    private readonly int _slots;
    private readonly int _groupWords;
    private readonly int _chunkShift;
    private readonly int[] _partitionCounts;
    private readonly int[] _highestSequenceBase;
    private readonly long[] _highestSequence;
    private readonly int[][] _readersByProducer;
    private readonly bool[] _readsCommittedOnly;
    private readonly long[] _replayed;
    private long _outOfRange;
    private long _settledChunks;

    /// <param name="producers">Audited producers; a producer's id is its index.</param>
    /// <param name="groups">Audited consumer groups; a group's index is its position.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="pipelines">Consume-transform-produce pipelines whose inputs are followed to their outputs; none when null.</param>
    public DeliveryAudit(IReadOnlyList<AuditedProducer> producers, IReadOnlyList<AuditedGroup> groups, DeliveryAuditOptions? options = null, IReadOnlyList<AuditedPipeline>? pipelines = null)
    {
        ArgumentNullException.ThrowIfNull(producers);
        ArgumentNullException.ThrowIfNull(groups);
        _options = options ?? new DeliveryAuditOptions();
        _options.Validate();
        _producers = producers;
        _groups = groups;
        _pipelines = pipelines ?? [];
        foreach (var pipeline in _pipelines)
        {
            if (!groups.Any(g => g.Group == pipeline.VerifiedBy && g.Topic == pipeline.OutputTopic))
            {
                throw new ArgumentException($"Pipeline {pipeline.Group} is verified by {pipeline.VerifiedBy}, which is not an audited group reading {pipeline.OutputTopic}.", nameof(pipelines));
            }
        }

        // Groups first, then one slot per pipeline: a pipeline "reads" its input topic, once per output.
        _slots = groups.Count + _pipelines.Count;
        _groupWords = Math.Max(1, (_slots + 3) / 4);
        _chunkShift = System.Numerics.BitOperations.Log2((uint)_options.ChunkSize);
        _ledgers = [.. producers.Select(p => new Ledger(this, p.PlannedMessages))];
        _partitionCounts = [.. producers.Select(p => p.Partitions)];
        _readersByProducer = [.. producers.Select(p => Enumerable.Range(0, _slots).Where(slot => SlotTopic(slot) == p.Topic).ToArray())];
        _readsCommittedOnly = [.. Enumerable.Range(0, _slots).Select(slot => slot >= groups.Count || groups[slot].Isolation == ConsumerIsolation.ReadCommitted)];
        _replayed = new long[_slots];

        // Highest first-read sequence per (group, producer, partition), for the reorder check.
        _highestSequenceBase = new int[groups.Count * producers.Count];
        var next = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            for (var p = 0; p < producers.Count; p++)
            {
                _highestSequenceBase[(g * producers.Count) + p] = next;
                next += producers[p].Partitions;
            }
        }

        _highestSequence = new long[next];
        Array.Fill(_highestSequence, -1L);
    }

    /// <summary>The index of a group for <see cref="RecordConsumed"/>; -1 when the group is not audited.</summary>
    public int GroupIndex(string group)
    {
        for (var i = 0; i < _groups.Count; i++)
        {
            if (_groups[i].Group == group)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the pipeline a verifying group's reads of outputs count for (<see cref="RecordOutput"/>); -1 when the group verifies none.</summary>
    public int PipelineVerifiedBy(string group, string outputTopic)
    {
        for (var i = 0; i < _pipelines.Count; i++)
        {
            if (_pipelines[i].VerifiedBy == group && _pipelines[i].OutputTopic == outputTopic)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The broker acknowledged message <paramref name="sequence"/> of a producer at this partition and offset.</summary>
    public void RecordAcked(int producerId, long sequence, int partition, long offset)
    {
        if (!TryLocate(producerId, sequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
            return;
        }

        if (chunk.IsSettled)
        {
            // Settled chunks hold acknowledged messages only; a second report of one changes nothing.
            return;
        }

        // A group that read the message before this report stored where it read it; another place means the log
        // holds the message twice (the report names the copy the client wrote last).
        if (offset >= 0 && WasConsumed(chunk, index) && IsOtherPlace(chunk, index, partition, offset))
        {
            Interlocked.Or(ref chunk.States[index], InLogTwiceFlag);
        }

        chunk.Offsets[index] = offset;
        chunk.Partitions[index] = partition;
        Interlocked.Or(ref chunk.States[index], AckedFlag);
    }

    /// <summary>The delivery of message <paramref name="sequence"/> failed (it may still have been written).</summary>
    public void RecordFailed(int producerId, long sequence)
    {
        if (!TryLocate(producerId, sequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
            return;
        }

        if (!chunk.IsSettled)
        {
            Interlocked.Or(ref chunk.States[index], FailedFlag);
        }
    }

    /// <summary>
    /// Group <paramref name="groupIndex"/> read message <paramref name="sequence"/> of a producer at this partition and
    /// offset. Returns whether it was the group's first read of the message.
    /// </summary>
    public bool RecordConsumed(int groupIndex, int producerId, long sequence, int partition, long offset)
    {
        if ((uint)groupIndex >= (uint)_groups.Count || !TryLocate(producerId, sequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
            return false;
        }

        if (chunk.IsSettled)
        {
            chunk.MarkReadAgain(groupIndex, index);
            return false;
        }

        if ((Volatile.Read(ref chunk.States[index]) & AckedFlag) == 0)
        {
            // Kept for the examples of indeterminate messages; an acknowledgement arriving later overwrites it with the same place.
            chunk.Offsets[index] = offset;
            chunk.Partitions[index] = partition;
        }

        var previousCount = Count(chunk, index, groupIndex, producerId, sequence);
        if ((Volatile.Read(ref chunk.States[index]) & AckedFlag) != 0 && IsOtherPlace(chunk, index, partition, offset))
        {
            Interlocked.Or(ref chunk.States[index], InLogTwiceFlag);
        }

        if (previousCount != 0 || (uint)partition >= (uint)_partitionCounts[producerId])
        {
            return previousCount == 0;
        }

        ref var highest = ref _highestSequence[_highestSequenceBase[(groupIndex * _ledgers.Length) + producerId] + partition];
        ref var word = ref chunk.Consumed[(index * _groupWords) + (groupIndex >> 2)];
        var shift = (groupIndex & 3) * 8;
        while (true)
        {
            var seen = Volatile.Read(ref highest);
            if (sequence < seen)
            {
                Interlocked.Or(ref word, ReorderedFlag << shift);
                return true;
            }

            if (Interlocked.CompareExchange(ref highest, sequence, seen) == seen)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Group <paramref name="groupIndex"/> read the message again because a <c>group.replay</c> moved it back: a re-read
    /// counts as <b>replayed</b>, not duplicated. A message the group had never read counts as its first read.
    /// </summary>
    public void RecordReplayed(int groupIndex, int producerId, long sequence, int partition, long offset)
    {
        if ((uint)groupIndex >= (uint)_groups.Count || !TryLocate(producerId, sequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
            return;
        }

        if (chunk.IsSettled)
        {
            // A settled message was read as often as its final state says: a re-read of one it was never to see (an
            // aborted message, for a read_committed group) is that anomaly, not a replay.
            if (ExpectedReads(FateOf(producerId, sequence), groupIndex) == 0)
            {
                chunk.MarkReadAgain(groupIndex, index);
            }
            else
            {
                Interlocked.Increment(ref _replayed[groupIndex]);
            }

            return;
        }

        if ((ConsumedSlot(chunk, index, groupIndex) & CountMask) != 0)
        {
            Interlocked.Increment(ref _replayed[groupIndex]);
            return;
        }

        RecordConsumed(groupIndex, producerId, sequence, partition, offset);
    }

    /// <summary>
    /// The verifying group of pipeline <paramref name="pipelineIndex"/> read, for the first time, an output of input
    /// <paramref name="inputSequence"/> of producer <paramref name="inputProducerId"/>. <paramref name="replayed"/>: the
    /// pipeline made the output while re-reading inputs after a <c>group.replay</c> (counted apart, not as a duplicate).
    /// </summary>
    public void RecordOutput(int pipelineIndex, int inputProducerId, long inputSequence, bool replayed)
    {
        if ((uint)pipelineIndex >= (uint)_pipelines.Count || !TryLocate(inputProducerId, inputSequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
            return;
        }

        var slot = _groups.Count + pipelineIndex;
        if (replayed)
        {
            Interlocked.Increment(ref _replayed[slot]);
            return;
        }

        if (chunk.IsSettled)
        {
            chunk.MarkReadAgain(slot, index);
            return;
        }

        _ = Count(chunk, index, slot, inputProducerId, inputSequence);
    }

    /// <summary>
    /// Adds one read to the slot's count of the message and returns the count before. When <see cref="Settle"/> swapped
    /// the chunk out meanwhile (after this thread located it), a read beyond the message's final state is marked in the
    /// settled chunk too: the swap scans the old chunk only once, and a read after that scan would otherwise be lost. A
    /// read within the final state was seen by the settling (it settles only on exact counts) and is not marked again.
    /// </summary>
    private int Count(Chunk chunk, int index, int slot, int producerId, long sequence)
    {
        ref var word = ref chunk.Consumed[(index * _groupWords) + (slot >> 2)];
        var shift = (slot & 3) * 8;
        // Assigned before the loop so that mutation testing can compile every variant of it (Stryker removes all mutants
        // of a method in which one variant fails to compile, and this method counts every read).
        var previousCount = 0;
        while (true)
        {
            var old = Volatile.Read(ref word);
            var byteValue = (old >> shift) & 0xFF;
            previousCount = byteValue & CountMask;
            if (previousCount == CountMask)
            {
                break;
            }

            var updated = (old & ~(0xFF << shift)) | (((byteValue & ReorderedFlag) | (previousCount + 1)) << shift);
            if (Interlocked.CompareExchange(ref word, updated, old) == old)
            {
                break;
            }
        }

        if (_ledgers[producerId].Current(sequence >> _chunkShift) is { IsSettled: true } settled && previousCount + 1 > ExpectedReads(FateOf(producerId, sequence), slot))
        {
            settled.MarkReadAgain(slot, index);
        }

        return previousCount;
    }

    /// <summary>The fate of one message (a binary search over its producer's transactions; for rare paths).</summary>
    private MessageFate FateOf(int producerId, long sequence) => new TransactionCursor(_producers[producerId].Transactions, sequence).FateOf(sequence);

    /// <summary>
    /// Folds every chunk whose messages all reached their final state (see <see cref="DeliveryAudit"/>) into a settled
    /// chunk of one bit per message and group, releasing its storage, and creates the chunk after the last one in use,
    /// so the record methods rarely allocate. Call from one thread at a time (the run's sampler does, once a second);
    /// it costs one pass over the chunks not yet settled.
    /// </summary>
    public void Settle()
    {
        for (var p = 0; p < _ledgers.Length; p++)
        {
            var ledger = _ledgers[p];
            var readers = _readersByProducer[p];
            var transactions = _producers[p].Transactions;
            var chunks = Volatile.Read(ref ledger.Chunks);
            var last = Array.FindLastIndex(chunks, chunk => chunk is not null);
            if (last >= 0 && IsInUse(chunks[last]!) && last + 1 < ledger.ChunkLimit)
            {
                ledger.Grow(last + 1);
            }

            for (var c = 0; c < chunks.Length; c++)
            {
                if (Volatile.Read(ref chunks[c]) is { IsSettled: false } live && IsFinal(live, c, readers, transactions))
                {
                    var settled = Chunk.Settled(_options.ChunkSize, _slots);
                    ledger.Replace(c, settled);

                    // Reads beyond the final state counted in the live chunk before the swap are carried over; later
                    // ones find the settled chunk themselves (Count checks after counting).
                    Interlocked.MemoryBarrier();
                    var fates = new TransactionCursor(transactions, (long)c << _chunkShift);
                    for (var i = 0; i < _options.ChunkSize; i++)
                    {
                        var fate = fates.FateOf(((long)c << _chunkShift) + i);
                        foreach (var slot in readers)
                        {
                            if ((ConsumedSlot(live, i, slot) & CountMask) > ExpectedReads(fate, slot))
                            {
                                settled.MarkReadAgain(slot, i);
                            }
                        }
                    }

                    Interlocked.Increment(ref _settledChunks);
                }
            }
        }
    }

    /// <summary>How many chunks <see cref="Settle"/> has folded so far.</summary>
    internal long SettledChunks => Interlocked.Read(ref _settledChunks);

    /// <summary>How many chunks exist (live or settled) over all producers.</summary>
    internal int CreatedChunks => _ledgers.Sum(ledger => Volatile.Read(ref ledger.Chunks).Count(chunk => chunk is not null));

    /// <summary>Whether the run has reached the chunk: its first sequence was reported or read (sequences are sent in order).</summary>
    private bool IsInUse(Chunk chunk)
    {
        if (chunk.IsSettled || Volatile.Read(ref chunk.States[0]) != 0)
        {
            return true;
        }

        for (var w = 0; w < _groupWords; w++)
        {
            if (Volatile.Read(ref chunk.Consumed[w]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every message of the chunk is acknowledged and its transaction (if any) decided, and every reader read it as often
    /// as it should (<see cref="ExpectedReads"/>).
    /// </summary>
    private bool IsFinal(Chunk chunk, int chunkIndex, int[] readers, TransactionLedger? transactions)
    {
        var first = (long)chunkIndex << _chunkShift;
        var fates = new TransactionCursor(transactions, first);
        for (var i = 0; i < _options.ChunkSize; i++)
        {
            if (Volatile.Read(ref chunk.States[i]) != AckedFlag)
            {
                return false;
            }

            var fate = fates.FateOf(first + i);
            if (fate == MessageFate.Undecided)
            {
                return false;
            }

            foreach (var slot in readers)
            {
                if (ConsumedSlot(chunk, i, slot) != ExpectedReads(fate, slot))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>How many reads of a message (outputs, for a pipeline) its final state has for a reader.</summary>
    private int ExpectedReads(MessageFate fate, int slot) => fate switch
    {
        MessageFate.Aborted => _readsCommittedOnly[slot] ? 0 : 1,
        _ => 1,
    };

    private bool WasConsumed(Chunk chunk, int index)
    {
        if (chunk.IsSettled)
        {
            return true;
        }

        for (var w = 0; w < _groupWords; w++)
        {
            // Every group's count sits in the low seven bits of its byte.
            if ((Volatile.Read(ref chunk.Consumed[(index * _groupWords) + w]) & 0x7F7F7F7F) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a known stored place differs from this one (an unknown offset, −1, compares as the same).</summary>
    private static bool IsOtherPlace(Chunk chunk, int index, int partition, long offset)
    {
        var stored = Volatile.Read(ref chunk.Offsets[index]);
        return stored >= 0 && offset >= 0 && (stored != offset || Volatile.Read(ref chunk.Partitions[index]) != partition);
    }

    private int ConsumedSlot(Chunk chunk, int index, int slot) =>
        (Volatile.Read(ref chunk.Consumed[(index * _groupWords) + (slot >> 2)]) >> ((slot & 3) * 8)) & 0xFF;

    private string SlotTopic(int slot) => slot < _groups.Count ? _groups[slot].Topic : _pipelines[slot - _groups.Count].InputTopic;

    /// <summary>The group whose final positions bound a slot's unreached messages: the group itself, or a pipeline's transforming group.</summary>
    private string PositionGroup(int slot) => slot < _groups.Count ? _groups[slot].Group : _pipelines[slot - _groups.Count].Group;

    /// <summary>Classifies every message; call after producers and consumers have stopped (and open transactions were closed).</summary>
    public DeliveryAuditReport Classify(AuditEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        var tallies = Enumerable.Range(0, _slots).Select(slot => new GroupTally(slot < _groups.Count ? _groups[slot].Group : _pipelines[slot - _groups.Count].Group, _options.ExamplesPerClass)).ToArray();
        long acked = 0;
        for (var p = 0; p < _producers.Count; p++)
        {
            var producer = _producers[p];
            var readers = _readersByProducer[p];
            var transactions = producer.Transactions;
            var torn = transactions is null ? null : readers.Where(slot => slot < _groups.Count && _readsCommittedOnly[slot]).Select(slot => new TornTracker(slot)).ToArray();
            var chunks = Volatile.Read(ref _ledgers[p].Chunks);
            var fates = new TransactionCursor(transactions, 0);
            for (var c = 0; c < chunks.Length; c++)
            {
                var chunk = chunks[c];
                if (chunk is null)
                {
                    continue;
                }

                if (chunk.IsSettled && transactions is null)
                {
                    acked += _options.ChunkSize;
                    foreach (var slot in readers)
                    {
                        tallies[slot].AddSettled(_options.ChunkSize, chunk.ReadAgainCount(slot));
                    }

                    continue;
                }

                for (var i = 0; i < _options.ChunkSize; i++)
                {
                    var sequence = ((long)c << _chunkShift) + i;
                    var fate = fates.FateOf(sequence);
                    var state = chunk.IsSettled ? AckedFlag : chunk.States[i];
                    var isAcked = (state & AckedFlag) != 0;
                    acked += isAcked ? 1 : 0;
                    var place = chunk.IsSettled
                        ? new Place(producer.Topic, -1, -1, p, sequence, HasPlace: false)
                        : new Place(producer.Topic, chunk.Partitions[i], chunk.Offsets[i], p, sequence, HasPlace: true);
                    if (state == 0 && !WasConsumed(chunk, i))
                    {
                        // Not sent yet (the rest of the chunk): nothing to say about it, whatever its transaction.
                        continue;
                    }

                    foreach (var slot in readers)
                    {
                        var slotValue = chunk.IsSettled
                            ? ExpectedReads(fate, slot) + (chunk.IsReadAgain(slot, i) ? 1 : 0)
                            : ConsumedSlot(chunk, i, slot);
                        var outcome = Classify(fate, isAcked, slotValue & CountMask, (slotValue & ReorderedFlag) != 0 && !chunk.IsSettled, (state & InLogTwiceFlag) != 0, place, slot, end);
                        tallies[slot].Add(outcome, place);
                        if (torn is not null)
                        {
                            foreach (var tracker in torn)
                            {
                                if (tracker.Slot == slot)
                                {
                                    tracker.Add(fates.TransactionIndex, fate, outcome, place, tallies[slot]);
                                }
                            }
                        }
                    }
                }
            }

            foreach (var tracker in torn ?? [])
            {
                tracker.Finish(tallies[tracker.Slot]);
            }
        }

        for (var slot = 0; slot < _slots; slot++)
        {
            tallies[slot].AddReplayed(Interlocked.Read(ref _replayed[slot]));
        }

        return new DeliveryAuditReport(Combine(acked, tallies), Interlocked.Read(ref _outOfRange));
    }

    private Outcome Classify(MessageFate fate, bool isAcked, int count, bool reordered, bool inLogTwice, Place place, int slot, AuditEnd end)
    {
        switch (fate)
        {
            case MessageFate.Aborted:
                // Never a promise to deliver: unread is expected; read by a read_committed group (or output by a
                // pipeline) it is an anomaly; a read_uncommitted group reads it by design.
                return count == 0 ? Outcome.Aborted
                    : _readsCommittedOnly[slot] ? Outcome.Aborted | Outcome.AbortedVisible
                    : Outcome.Aborted | (count > 1 ? Outcome.Duplicated : Outcome.None);
            case MessageFate.Undecided:
                return count == 0 ? Outcome.None : Outcome.Indeterminate;
        }

        var outcome = Outcome.None;
        if (count == 0)
        {
            if (isAcked)
            {
                var key = (place.Topic, place.Partition);
                var logStart = end.LogStartOffsets.TryGetValue(key, out var start) ? start : 0;
                // A negative offset is librdkafka's "unknown" (an idempotent retry answered as a duplicate, or a batch
                // acknowledged implicitly by a later one's success): nothing shows retention removed the message, so
                // it is not excused as truncated.
                outcome = place.Offset >= 0 && place.Offset < logStart ? Outcome.Truncated
                    : end.FinalPositions is { } positions && positions.TryGetValue((PositionGroup(slot), place.Topic, place.Partition), out var position) && place.Offset >= position ? Outcome.Unreached
                    : Outcome.Lost;
            }

            return outcome;
        }

        outcome |= isAcked ? Outcome.Delivered : Outcome.Indeterminate;
        outcome |= count > 1 ? Outcome.Duplicated : Outcome.None;
        outcome |= count > 1 && inLogTwice ? Outcome.DuplicatedInLog : Outcome.None;
        outcome |= reordered ? Outcome.Reordered : Outcome.None;
        return outcome;
    }

    private AuditSummary Combine(long acked, GroupTally[] tallies)
    {
        var groupTallies = tallies.Take(_groups.Count).ToArray();
        var byTopic = groupTallies.Select((tally, g) => (tally, _groups[g].Topic)).GroupBy(t => t.Topic, t => t.tally).ToList();
        long Worst(Outcome kind) => byTopic.Sum(topic => topic.Max(t => t.Count(kind)));
        var examples = new List<AuditExample>();
        foreach (var kind in ProblemKinds)
        {
            examples.AddRange(byTopic
                .SelectMany(topic => topic.MaxBy(t => t.Count(kind))!.Examples(kind))
                .Take(_options.ExamplesPerClass));
        }

        return new AuditSummary
        {
            Acked = acked,
            Delivered = byTopic.Sum(topic => topic.Min(t => t.Count(Outcome.Delivered))),
            Lost = Worst(Outcome.Lost),
            LostWithoutOffset = byTopic.Sum(topic => topic.MaxBy(t => t.Count(Outcome.Lost))!.LostWithoutOffset),
            Duplicated = Worst(Outcome.Duplicated),
            DuplicatedInLog = Worst(Outcome.DuplicatedInLog),
            Reordered = Worst(Outcome.Reordered),
            Truncated = Worst(Outcome.Truncated),
            Indeterminate = Worst(Outcome.Indeterminate),
            Unreached = Worst(Outcome.Unreached),
            Aborted = Worst(Outcome.Aborted),
            AbortedVisible = Worst(Outcome.AbortedVisible),
            Torn = byTopic.Sum(topic => topic.Max(t => t.Torn)),
            Replayed = groupTallies.Sum(t => t.Replayed),
            Examples = examples,
            Groups = [.. groupTallies.Select((t, g) => t.ToGroupAudit(_groups[g].Isolation))],
            Pipelines = [.. _pipelines.Select((pipeline, i) => tallies[_groups.Count + i].ToPipelineAudit(pipeline))],
        };
    }

    private static readonly Outcome[] ProblemKinds =
        [Outcome.Lost, Outcome.Duplicated, Outcome.Reordered, Outcome.Truncated, Outcome.Indeterminate, Outcome.Unreached, Outcome.AbortedVisible, Outcome.Torn];

    private bool TryLocate(int producerId, long sequence, out Chunk chunk, out int index)
    {
        if ((uint)producerId >= (uint)_ledgers.Length || sequence < 0)
        {
            chunk = null!;
            index = 0;
            return false;
        }

        var ledger = _ledgers[producerId];
        var chunkIndex = sequence >> _chunkShift;
        var chunks = Volatile.Read(ref ledger.Chunks);
        index = (int)(sequence & (_options.ChunkSize - 1));
        if (chunkIndex < chunks.Length && Volatile.Read(ref chunks[chunkIndex]) is { } existing)
        {
            chunk = existing;
            return true;
        }

        if (chunkIndex >= ledger.ChunkLimit)
        {
            chunk = null!;
            return false;
        }

        chunk = ledger.Grow((int)chunkIndex);
        return true;
    }

    [Flags]
    private enum Outcome
    {
        None = 0,
        Delivered = 1,
        Lost = 2,
        Duplicated = 4,
        Reordered = 8,
        Truncated = 16,
        Indeterminate = 32,
        Unreached = 64,
        DuplicatedInLog = 128,
        Aborted = 256,
        AbortedVisible = 512,
        /// <summary>Not a message's outcome: the class of torn transactions' examples.</summary>
        Torn = 1024,
    }

    private static string KindName(Outcome kind) => kind switch
    {
        Outcome.AbortedVisible => "aborted-visible",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>What the audit knows of a message's transaction.</summary>
    private enum MessageFate
    {
        /// <summary>Sent outside transactions: its acknowledgement is the promise.</summary>
        NonTransactional,
        Committed,
        /// <summary>Aborted on purpose, after an error, or by fencing.</summary>
        Aborted,
        /// <summary>Open, or ended without its producer learning the outcome.</summary>
        Undecided,
    }

    /// <summary>Walks a producer's transactions along increasing sequences (one binary search, then steps).</summary>
    private struct TransactionCursor
    {
        private readonly TransactionLedger? _transactions;
        private long _nextFirst;

        public TransactionCursor(TransactionLedger? transactions, long firstSequence)
        {
            _transactions = transactions;
            TransactionIndex = transactions?.IndexOf(firstSequence) ?? -1;
            _nextFirst = NextFirst();
        }

        /// <summary>The transaction of the sequence passed last to <see cref="FateOf"/>; −1 when none.</summary>
        public int TransactionIndex { get; private set; }

        public MessageFate FateOf(long sequence)
        {
            if (_transactions is null)
            {
                return MessageFate.NonTransactional;
            }

            while (sequence >= _nextFirst)
            {
                TransactionIndex++;
                _nextFirst = NextFirst();
            }

            if (TransactionIndex < 0)
            {
                return MessageFate.Undecided;
            }

            return _transactions.OutcomeOf(TransactionIndex) switch
            {
                TransactionOutcome.Committed => MessageFate.Committed,
                TransactionOutcome.AbortedOnPurpose or TransactionOutcome.AbortedAfterError or TransactionOutcome.Fenced => MessageFate.Aborted,
                _ => MessageFate.Undecided,
            };
        }

        private readonly long NextFirst() =>
            _transactions is not null && TransactionIndex + 1 < _transactions.Count ? _transactions.FirstSequenceOf(TransactionIndex + 1) : long.MaxValue;
    }

    private readonly record struct Place(string Topic, int Partition, long Offset, int ProducerId, long Sequence, bool HasPlace);

    /// <summary>
    /// Per read_committed group and transactional producer: how many messages of the current transaction the group
    /// read and how many it should have read but did not (lost, or unread messages of an aborted one).
    /// </summary>
    private sealed class TornTracker(int slot)
    {
        private int _transaction = -1;
        private long _seen;
        private long _missed;
        private Place _first;

        public int Slot { get; } = slot;

        public void Add(int transaction, MessageFate fate, Outcome outcome, Place place, GroupTally tally)
        {
            if (transaction != _transaction)
            {
                Finish(tally);
                _transaction = transaction;
                _first = place;
            }

            if (fate is not (MessageFate.Committed or MessageFate.Aborted))
            {
                return;
            }

            if ((outcome & (Outcome.Delivered | Outcome.AbortedVisible)) != 0)
            {
                _seen++;
            }
            else if ((outcome & Outcome.Lost) != 0 || outcome == Outcome.Aborted)
            {
                _missed++;
            }
        }

        public void Finish(GroupTally tally)
        {
            if (_seen > 0 && _missed > 0)
            {
                tally.AddTorn(_first);
            }

            _seen = 0;
            _missed = 0;
        }
    }

    /// <summary>
    /// The records of <see cref="DeliveryAuditOptions.ChunkSize"/> consecutive sequences of one producer: live
    /// (every field per message) or settled (every message in its final state; only reads beyond it are kept, a bit
    /// per message and group).
    /// </summary>
    private sealed class Chunk
    {
        public readonly long[] Offsets;
        public readonly int[] Partitions;
        public readonly int[] States;
        public readonly int[] Consumed;
        private readonly int[]? _readAgain;
        private readonly int _wordsPerGroup;

        private Chunk(int liveSize, int groupWords, int[]? readAgain, int wordsPerGroup)
        {
            Offsets = new long[liveSize];
            Partitions = new int[liveSize];
            States = new int[liveSize];
            Consumed = new int[liveSize * groupWords];
            _readAgain = readAgain;
            _wordsPerGroup = wordsPerGroup;
        }

        public bool IsSettled => _readAgain is not null;

        public static Chunk Live(int size, int groupWords) => new(size, groupWords, null, 0);

        public static Chunk Settled(int size, int groups)
        {
            var wordsPerGroup = (size + 31) / 32;
            return new Chunk(0, 0, new int[Math.Max(1, groups) * wordsPerGroup], wordsPerGroup);
        }

        public void MarkReadAgain(int group, int index) =>
            Interlocked.Or(ref _readAgain![(group * _wordsPerGroup) + (index >> 5)], 1 << (index & 31));

        public bool IsReadAgain(int group, int index) =>
            (Volatile.Read(ref _readAgain![(group * _wordsPerGroup) + (index >> 5)]) & (1 << (index & 31))) != 0;

        public long ReadAgainCount(int group)
        {
            long count = 0;
            for (var w = 0; w < _wordsPerGroup; w++)
            {
                count += System.Numerics.BitOperations.PopCount((uint)Volatile.Read(ref _readAgain![(group * _wordsPerGroup) + w]));
            }

            return count;
        }
    }

    private sealed class Ledger
    {
        private readonly DeliveryAudit _audit;
        private readonly Lock _growLock = new();

        /// <summary>Chunk per sequence range; null until its first record (chunks are created as the run reaches them).</summary>
        public Chunk?[] Chunks;

        public Ledger(DeliveryAudit audit, long plannedMessages)
        {
            _audit = audit;
            var size = audit._options.ChunkSize;
            var planned = (int)Math.Max(1, (Math.Max(0, plannedMessages) + size - 1) / size);
            ChunkLimit = Math.Max((long)planned * audit._options.GrowthLimitFactor, planned + 1);
            Chunks = new Chunk?[planned];
        }

        public long ChunkLimit { get; }

        /// <summary>The chunk now stored for <paramref name="chunkIndex"/> (after any settling).</summary>
        public Chunk? Current(long chunkIndex)
        {
            var chunks = Volatile.Read(ref Chunks);
            return chunkIndex < chunks.Length ? Volatile.Read(ref chunks[chunkIndex]) : null;
        }

        /// <summary>Creates the chunk of <paramref name="chunkIndex"/> (and room for it) unless another thread did.</summary>
        public Chunk Grow(int chunkIndex)
        {
            lock (_growLock)
            {
                var chunks = Chunks;
                if (chunkIndex >= chunks.Length)
                {
                    var grown = new Chunk?[chunkIndex + 1];
                    Array.Copy(chunks, grown, chunks.Length);
                    chunks = grown;
                }

                var chunk = chunks[chunkIndex] ??= Chunk.Live(_audit._options.ChunkSize, _audit._groupWords);
                Volatile.Write(ref Chunks, chunks);
                return chunk;
            }
        }

        /// <summary>Stores a settled chunk in place of a live one; under the grow lock so a growing copy cannot drop it.</summary>
        public void Replace(int chunkIndex, Chunk settled)
        {
            lock (_growLock)
            {
                Volatile.Write(ref Chunks[chunkIndex], settled);
            }
        }
    }

    private sealed class GroupTally(string group, int examplesPerClass)
    {
        private readonly Dictionary<Outcome, long> _counts = [];
        private readonly Dictionary<Outcome, List<AuditExample>> _examples = [];

        public long Torn { get; private set; }

        public long Replayed { get; private set; }

        /// <summary>Lost messages acknowledged without an offset (librdkafka's -1001).</summary>
        public long LostWithoutOffset { get; private set; }

        public long Count(Outcome kind) => kind == Outcome.Torn ? Torn : _counts.GetValueOrDefault(kind);

        public IEnumerable<AuditExample> Examples(Outcome kind) => _examples.GetValueOrDefault(kind) ?? [];

        public void Add(Outcome outcome, Place place)
        {
            if ((outcome & Outcome.Lost) != 0 && place.HasPlace && place.Offset < 0)
            {
                LostWithoutOffset++;
            }

            for (var bit = 1; bit <= (int)Outcome.AbortedVisible; bit <<= 1)
            {
                var kind = (Outcome)bit;
                if ((outcome & kind) == 0)
                {
                    continue;
                }

                _counts[kind] = Count(kind) + 1;
                if (kind is Outcome.Delivered or Outcome.DuplicatedInLog or Outcome.Aborted || !place.HasPlace)
                {
                    continue;
                }

                AddExample(kind, place);
            }
        }

        /// <summary>A settled chunk without transactions: every message delivered; those read again are duplicated (no examples: places are not kept).</summary>
        public void AddSettled(long delivered, long readAgain)
        {
            _counts[Outcome.Delivered] = Count(Outcome.Delivered) + delivered;
            if (readAgain > 0)
            {
                _counts[Outcome.Duplicated] = Count(Outcome.Duplicated) + readAgain;
            }
        }

        /// <summary>A torn transaction, named by the first message of it the audit met.</summary>
        public void AddTorn(Place first)
        {
            Torn++;
            if (first.HasPlace)
            {
                AddExample(Outcome.Torn, first);
            }
        }

        public void AddReplayed(long replayed) => Replayed += replayed;

        private void AddExample(Outcome kind, Place place)
        {
            if (!_examples.TryGetValue(kind, out var list))
            {
                _examples[kind] = list = [];
            }

            if (list.Count < examplesPerClass)
            {
                list.Add(new AuditExample(KindName(kind), place.Topic, place.Partition, place.Offset, place.ProducerId, place.Sequence));
            }
        }

        public GroupAudit ToGroupAudit(ConsumerIsolation isolation) => new(
            group,
            Count(Outcome.Delivered),
            Count(Outcome.Lost),
            Count(Outcome.Duplicated),
            Count(Outcome.Reordered),
            Count(Outcome.Truncated),
            Count(Outcome.Indeterminate),
            Count(Outcome.Unreached),
            Count(Outcome.DuplicatedInLog))
        {
            Isolation = isolation == ConsumerIsolation.ReadCommitted ? "read_committed" : "read_uncommitted",
            LostWithoutOffset = LostWithoutOffset,
            Aborted = Count(Outcome.Aborted),
            AbortedVisible = Count(Outcome.AbortedVisible),
            Torn = Torn,
            Replayed = Replayed,
        };

        public PipelineAudit ToPipelineAudit(AuditedPipeline pipeline) => new()
        {
            Group = pipeline.Group,
            InputTopic = pipeline.InputTopic,
            OutputTopic = pipeline.OutputTopic,
            VerifiedBy = pipeline.VerifiedBy,
            Inputs = Count(Outcome.Delivered) + Count(Outcome.Lost) + Count(Outcome.Unreached) + Count(Outcome.Truncated),
            ExactlyOnce = Count(Outcome.Delivered) - Count(Outcome.Duplicated),
            LostOutputs = Count(Outcome.Lost),
            DuplicatedOutputs = Count(Outcome.Duplicated),
            Unreached = Count(Outcome.Unreached),
            Truncated = Count(Outcome.Truncated),
            AbortedInputs = Count(Outcome.Aborted),
            AbortedInputsForwarded = Count(Outcome.AbortedVisible),
            ReplayedOutputs = Replayed,
            Examples = [.. new[] { Outcome.Lost, Outcome.Duplicated, Outcome.AbortedVisible }.SelectMany(kind => Examples(kind).Select(e => e with { Kind = PipelineKind(kind) }))],
        };

        private static string PipelineKind(Outcome kind) => kind switch
        {
            Outcome.Lost => "lost-output",
            Outcome.Duplicated => "duplicated-output",
            _ => "aborted-input-forwarded",
        };
    }
}
