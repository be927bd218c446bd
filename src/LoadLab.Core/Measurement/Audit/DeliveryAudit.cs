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
/// <item><b>duplicated</b>: consumed more than once (a message, not the number of extra copies; acknowledged or not);</item>
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
/// lock-free and allocate nothing except when storage grows by a chunk beyond the planned count. Storage is
/// about 16 bytes per message plus 4 bytes per message for every four groups.
/// </para>
/// </summary>
public sealed class DeliveryAudit
{
    private const int AckedFlag = 1;
    private const int FailedFlag = 2;
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
    private long _outOfRange;

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

        Interlocked.Or(ref chunk.States[index], FailedFlag);
    }

    /// <summary>Group <paramref name="groupIndex"/> read message <paramref name="sequence"/> of a producer at this partition and offset.</summary>
    public void RecordConsumed(int groupIndex, int producerId, long sequence, int partition, long offset)
    {
        if ((uint)groupIndex >= (uint)_groups.Count || !TryLocate(producerId, sequence, out var chunk, out var index))
        {
            Interlocked.Increment(ref _outOfRange);
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

        if (previousCount != 0 || (uint)partition >= (uint)_partitionCounts[producerId])
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

    /// <summary>Classifies every message; call after producers and consumers have stopped.</summary>
    public DeliveryAuditReport Classify(AuditEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        var tallies = _groups.Select(g => new GroupTally(g.Group, _options.ExamplesPerClass)).ToArray();
        long acked = 0;
        for (var p = 0; p < _producers.Count; p++)
        {
            var producer = _producers[p];
            var readers = Enumerable.Range(0, _groups.Count).Where(g => _groups[g].Topic == producer.Topic).ToArray();
            var chunks = Volatile.Read(ref _ledgers[p].Chunks);
            for (var c = 0; c < chunks.Length; c++)
            {
                var chunk = chunks[c];
                for (var i = 0; i < _options.ChunkSize; i++)
                {
                    var state = chunk.States[i];
                    var isAcked = (state & AckedFlag) != 0;
                    acked += isAcked ? 1 : 0;
                    var sequence = ((long)c << _chunkShift) + i;
                    var place = new Place(producer.Topic, chunk.Partitions[i], chunk.Offsets[i], p, sequence);
                    foreach (var g in readers)
                    {
                        var slot = (chunk.Consumed[(i * _groupWords) + (g >> 2)] >> ((g & 3) * 8)) & 0xFF;
                        tallies[g].Add(Classify(isAcked, slot & CountMask, (slot & ReorderedFlag) != 0, place, _groups[g].Group, end), place);
                    }
                }
            }
        }

        return new DeliveryAuditReport(Combine(acked, tallies), Interlocked.Read(ref _outOfRange));
    }

    private static Outcome Classify(bool isAcked, int count, bool reordered, Place place, string group, AuditEnd end)
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
        if (chunkIndex < chunks.Length)
        {
            chunk = chunks[chunkIndex];
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
    }

    private readonly record struct Place(string Topic, int Partition, long Offset, int ProducerId, long Sequence);

    private sealed class Chunk(int size, int groupWords)
    {
        public readonly long[] Offsets = new long[size];
        public readonly int[] Partitions = new int[size];
        public readonly int[] States = new int[size];
        public readonly int[] Consumed = new int[size * groupWords];
    }

    private sealed class Ledger
    {
        private readonly DeliveryAudit _audit;
        private readonly Lock _growLock = new();
        public Chunk[] Chunks;
        public long ChunkLimit { get; }

        public Ledger(DeliveryAudit audit, long plannedMessages)
        {
            _audit = audit;
            var size = audit._options.ChunkSize;
            var planned = (int)Math.Max(1, (Math.Max(0, plannedMessages) + size - 1) / size);
            ChunkLimit = Math.Max((long)planned * audit._options.GrowthLimitFactor, planned + 1);
            Chunks = [.. Enumerable.Range(0, planned).Select(_ => new Chunk(size, audit._groupWords))];
        }

        public Chunk Grow(int chunkIndex)
        {
            lock (_growLock)
            {
                var current = Chunks;
                if (chunkIndex < current.Length)
                {
                    return current[chunkIndex];
                }

                var grown = new Chunk[chunkIndex + 1];
                Array.Copy(current, grown, current.Length);
                for (var i = current.Length; i < grown.Length; i++)
                {
                    grown[i] = new Chunk(_audit._options.ChunkSize, _audit._groupWords);
                }

                Volatile.Write(ref Chunks, grown);
                return grown[chunkIndex];
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
            for (var bit = 1; bit <= (int)Outcome.Unreached; bit <<= 1)
            {
                var kind = (Outcome)bit;
                if ((outcome & kind) == 0)
                {
                    continue;
                }

                _counts[kind] = Count(kind) + 1;
                if (kind == Outcome.Delivered)
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

        public GroupAudit ToGroupAudit() => new(
            group,
            Count(Outcome.Delivered),
            Count(Outcome.Lost),
            Count(Outcome.Duplicated),
            Count(Outcome.Reordered),
            Count(Outcome.Truncated),
            Count(Outcome.Indeterminate),
            Count(Outcome.Unreached));
    }
}
