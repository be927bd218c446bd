using LoadLab.Core.Results;

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
public sealed record AuditedProducer(string Topic, int Partitions, long PlannedMessages);

/// <summary>A consumer group whose reads are audited; its index is its position in the list.</summary>
public sealed record AuditedGroup(string Group, string Topic);

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
/// <item><b>indeterminate</b>: consumed although its delivery failed or was never reported;</item>
/// <item><b>duplicated</b>: consumed more than once (a message, not the number of extra copies; acknowledged or not);
/// <b>duplicated in log</b> are those of them read at two different places, so the log holds them twice (a producer
/// retry without idempotence); the others were read again at the same place (a consumer redelivery after a
/// rebalance or a lost offset commit: at-least-once consumption, not a producer fault). Re-reads of settled
/// messages count as redeliveries: a second copy in the log would have been read before the chunk settled;</item>
/// <item><b>reordered</b>: read by the group for the first time after a higher sequence of the same producer on
/// the same partition. A producer's messages to one partition (so every key's messages) must be read in send
/// order; re-reads after a rebalance are duplicates, not reorders.</item>
/// </list>
/// <para>
/// Groups are combined so that a promise holds only if it holds for every group: <c>acked</c> counts each
/// message once; per topic, <c>delivered</c> is the smallest count of the groups reading it and every problem
/// count the largest (examples come from that group); the summary adds these over topics. Messages of a topic
/// no group reads are acked only. <see cref="AuditSummary.Groups"/> lists each group's own counts.
/// </para>
/// <para>
/// The record methods are called from producer delivery callbacks and consumer threads at once; they are
/// lock-free and allocate nothing except a new chunk of storage every <see cref="DeliveryAuditOptions.ChunkSize"/>
/// messages. Storage is about 16 bytes per message plus 4 bytes per message for every four groups until
/// <see cref="Settle"/> folds a chunk whose every message was acknowledged and read exactly once by every group
/// reading its topic: from then on the chunk keeps one bit per message and group, for re-reads (which count as
/// duplicated, without an example since the place is no longer kept). So memory stays flat in a long run
/// while messages are delivered, and grows only with what is still in question.
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
    private readonly DeliveryAuditOptions _options;
    private readonly Ledger[] _ledgers;
    private readonly int _groupWords;
    private readonly int _chunkShift;
    private readonly int[] _partitionCounts;
    private readonly int[] _highestSequenceBase;
    private readonly long[] _highestSequence;
    private readonly int[][] _readersByProducer;
    private long _outOfRange;
    private long _settledChunks;

    public DeliveryAudit(IReadOnlyList<AuditedProducer> producers, IReadOnlyList<AuditedGroup> groups, DeliveryAuditOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(producers);
        ArgumentNullException.ThrowIfNull(groups);
        _options = options ?? new DeliveryAuditOptions();
        _options.Validate();
        _producers = producers;
        _groups = groups;
        _groupWords = Math.Max(1, (groups.Count + 3) / 4);
        _chunkShift = System.Numerics.BitOperations.Log2((uint)_options.ChunkSize);
        _ledgers = [.. producers.Select(p => new Ledger(this, p.PlannedMessages))];
        _partitionCounts = [.. producers.Select(p => p.Partitions)];
        _readersByProducer = [.. producers.Select(p => Enumerable.Range(0, groups.Count).Where(g => groups[g].Topic == p.Topic).ToArray())];

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

    /// <summary>Group <paramref name="groupIndex"/> read message <paramref name="sequence"/> of a producer at this partition and offset.</summary>
    public void RecordConsumed(int groupIndex, int producerId, long sequence, int partition, long offset)
    {
        if ((uint)groupIndex >= (uint)_groups.Count || !TryLocate(producerId, sequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
            return;
        }

        if (chunk.IsSettled)
        {
            chunk.MarkReadAgain(groupIndex, index);
            return;
        }

        if ((Volatile.Read(ref chunk.States[index]) & AckedFlag) == 0)
        {
            // Kept for the examples of indeterminate messages; an acknowledgement arriving later overwrites it with the same place.
            chunk.Offsets[index] = offset;
            chunk.Partitions[index] = partition;
        }

        ref var word = ref chunk.Consumed[(index * _groupWords) + (groupIndex >> 2)];
        var shift = (groupIndex & 3) * 8;
        int previousCount;
        while (true)
        {
            var old = Volatile.Read(ref word);
            var slot = (old >> shift) & 0xFF;
            previousCount = slot & CountMask;
            if (previousCount == CountMask)
            {
                break;
            }

            var updated = (old & ~(0xFF << shift)) | (((slot & ReorderedFlag) | (previousCount + 1)) << shift);
            if (Interlocked.CompareExchange(ref word, updated, old) == old)
            {
                break;
            }
        }

        if ((Volatile.Read(ref chunk.States[index]) & AckedFlag) != 0 && IsOtherPlace(chunk, index, partition, offset))
        {
            Interlocked.Or(ref chunk.States[index], InLogTwiceFlag);
        }

        if (previousCount != 0)
        {
            // Settle may have swapped this chunk out after this thread located it and before it counted the
            // re-read; the settled chunk must learn about the re-read then (it scans the old chunk only once).
            if (_ledgers[producerId].Current(sequence >> _chunkShift) is { IsSettled: true } settled)
            {
                settled.MarkReadAgain(groupIndex, index);
            }

            return;
        }

        if ((uint)partition >= (uint)_partitionCounts[producerId])
        {
            return;
        }

        ref var highest = ref _highestSequence[_highestSequenceBase[(groupIndex * _ledgers.Length) + producerId] + partition];
        while (true)
        {
            var seen = Volatile.Read(ref highest);
            if (sequence < seen)
            {
                Interlocked.Or(ref word, ReorderedFlag << shift);
                return;
            }

            if (Interlocked.CompareExchange(ref highest, sequence, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Folds every chunk whose messages were all acknowledged and read exactly once by every group reading their
    /// topic into a settled chunk of one bit per message and group, releasing its storage, and creates the chunk
    /// after the last one in use, so the record methods rarely allocate. Call from one thread at a time (the
    /// run's sampler does, once a second); it costs one pass over the chunks not yet settled.
    /// </summary>
    public void Settle()
    {
        for (var p = 0; p < _ledgers.Length; p++)
        {
            var ledger = _ledgers[p];
            var readers = _readersByProducer[p];
            var chunks = Volatile.Read(ref ledger.Chunks);
            var last = Array.FindLastIndex(chunks, chunk => chunk is not null);
            if (last >= 0 && IsInUse(chunks[last]!) && last + 1 < ledger.ChunkLimit)
            {
                ledger.Grow(last + 1);
            }

            for (var c = 0; c < chunks.Length; c++)
            {
                if (Volatile.Read(ref chunks[c]) is { IsSettled: false } live && IsDelivered(live, readers))
                {
                    var settled = Chunk.Settled(_options.ChunkSize, _groups.Count);
                    ledger.Replace(c, settled);

                    // Re-reads counted in the live chunk before the swap are carried over; later ones find the
                    // settled chunk themselves (RecordConsumed checks after counting).
                    Interlocked.MemoryBarrier();
                    foreach (var g in readers)
                    {
                        for (var i = 0; i < _options.ChunkSize; i++)
                        {
                            if ((ConsumedSlot(live, i, g) & CountMask) > 1)
                            {
                                settled.MarkReadAgain(g, i);
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

    private bool IsDelivered(Chunk chunk, int[] readers)
    {
        for (var i = 0; i < _options.ChunkSize; i++)
        {
            if (Volatile.Read(ref chunk.States[i]) != AckedFlag)
            {
                return false;
            }

            foreach (var g in readers)
            {
                if (ConsumedSlot(chunk, i, g) != 1)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool WasConsumed(Chunk chunk, int index)
    {
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

    private int ConsumedSlot(Chunk chunk, int index, int group) =>
        (Volatile.Read(ref chunk.Consumed[(index * _groupWords) + (group >> 2)]) >> ((group & 3) * 8)) & 0xFF;

    /// <summary>Classifies every message; call after producers and consumers have stopped.</summary>
    public DeliveryAuditReport Classify(AuditEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        var tallies = _groups.Select(g => new GroupTally(g.Group, _options.ExamplesPerClass)).ToArray();
        long acked = 0;
        for (var p = 0; p < _producers.Count; p++)
        {
            var producer = _producers[p];
            var readers = _readersByProducer[p];
            var chunks = Volatile.Read(ref _ledgers[p].Chunks);
            for (var c = 0; c < chunks.Length; c++)
            {
                var chunk = chunks[c];
                if (chunk is null)
                {
                    continue;
                }

                if (chunk.IsSettled)
                {
                    acked += _options.ChunkSize;
                    foreach (var g in readers)
                    {
                        tallies[g].AddSettled(_options.ChunkSize, chunk.ReadAgainCount(g));
                    }

                    continue;
                }

                for (var i = 0; i < _options.ChunkSize; i++)
                {
                    var state = chunk.States[i];
                    var isAcked = (state & AckedFlag) != 0;
                    acked += isAcked ? 1 : 0;
                    var sequence = ((long)c << _chunkShift) + i;
                    var place = new Place(producer.Topic, chunk.Partitions[i], chunk.Offsets[i], p, sequence);
                    foreach (var g in readers)
                    {
                        var slot = ConsumedSlot(chunk, i, g);
                        tallies[g].Add(Classify(isAcked, slot & CountMask, (slot & ReorderedFlag) != 0, (state & InLogTwiceFlag) != 0, place, _groups[g].Group, end), place);
                    }
                }
            }
        }

        return new DeliveryAuditReport(Combine(acked, tallies), Interlocked.Read(ref _outOfRange));
    }

    private static Outcome Classify(bool isAcked, int count, bool reordered, bool inLogTwice, Place place, string group, AuditEnd end)
    {
        var outcome = Outcome.None;
        if (count == 0)
        {
            if (isAcked)
            {
                var key = (place.Topic, place.Partition);
                var logStart = end.LogStartOffsets.TryGetValue(key, out var start) ? start : 0;
                // A negative offset is librdkafka's "unknown" (an idempotent retry answered as a duplicate): nothing
                // shows retention removed the message, so it is not excused as truncated.
                outcome = place.Offset >= 0 && place.Offset < logStart ? Outcome.Truncated
                    : end.FinalPositions is { } positions && positions.TryGetValue((group, place.Topic, place.Partition), out var position) && place.Offset >= position ? Outcome.Unreached
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
        var byTopic = tallies.Select((tally, g) => (tally, _groups[g].Topic)).GroupBy(t => t.Topic, t => t.tally).ToList();
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
            Duplicated = Worst(Outcome.Duplicated),
            DuplicatedInLog = Worst(Outcome.DuplicatedInLog),
            Reordered = Worst(Outcome.Reordered),
            Truncated = Worst(Outcome.Truncated),
            Indeterminate = Worst(Outcome.Indeterminate),
            Unreached = Worst(Outcome.Unreached),
            Examples = examples,
            Groups = [.. tallies.Select(t => t.ToGroupAudit())],
        };
    }

    private static readonly Outcome[] ProblemKinds =
        [Outcome.Lost, Outcome.Duplicated, Outcome.Reordered, Outcome.Truncated, Outcome.Indeterminate, Outcome.Unreached];

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
    }

    private readonly record struct Place(string Topic, int Partition, long Offset, int ProducerId, long Sequence);

    /// <summary>
    /// The records of <see cref="DeliveryAuditOptions.ChunkSize"/> consecutive sequences of one producer: live
    /// (every field per message) or settled (every message delivered once; only re-reads are kept, a bit per
    /// message and group).
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

        public long Count(Outcome kind) => _counts.GetValueOrDefault(kind);

        public IEnumerable<AuditExample> Examples(Outcome kind) => _examples.GetValueOrDefault(kind) ?? [];

        public void Add(Outcome outcome, Place place)
        {
            for (var bit = 1; bit <= (int)Outcome.DuplicatedInLog; bit <<= 1)
            {
                var kind = (Outcome)bit;
                if ((outcome & kind) == 0)
                {
                    continue;
                }

                _counts[kind] = Count(kind) + 1;
                if (kind is Outcome.Delivered or Outcome.DuplicatedInLog)
                {
                    continue;
                }

                if (!_examples.TryGetValue(kind, out var list))
                {
                    _examples[kind] = list = [];
                }

                if (list.Count < examplesPerClass)
                {
                    list.Add(new AuditExample(kind.ToString().ToLowerInvariant(), place.Topic, place.Partition, place.Offset, place.ProducerId, place.Sequence));
                }
            }
        }

        /// <summary>A settled chunk: every message delivered; those read again are duplicated (no examples: places are not kept).</summary>
        public void AddSettled(long delivered, long readAgain)
        {
            _counts[Outcome.Delivered] = Count(Outcome.Delivered) + delivered;
            if (readAgain > 0)
            {
                _counts[Outcome.Duplicated] = Count(Outcome.Duplicated) + readAgain;
            }
        }

        public GroupAudit ToGroupAudit() => new(
            group,
            Count(Outcome.Delivered),
            Count(Outcome.Lost),
            Count(Outcome.Duplicated),
            Count(Outcome.Reordered),
            Count(Outcome.Truncated),
            Count(Outcome.Indeterminate),
            Count(Outcome.Unreached),
            Count(Outcome.DuplicatedInLog));
    }
}
