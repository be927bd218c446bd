namespace LoadLab.Core.Measurement;

/// <summary>
/// What producers got acknowledged on each partition: counts, bytes, the highest acknowledged offset (the
/// high watermark as far as this run's messages go) and, in a ring, the intended send time of recent
/// offsets — so the age of the oldest unconsumed message (time lag) is known without asking the broker.
/// Written by producer delivery callbacks (several threads), read by the sampler.
/// </summary>
public sealed class PartitionLedger
{
    /// <summary>Offsets remembered per partition for time lag; older ones fall back to the oldest remembered.</summary>
    public const int RingSize = 1 << 17;

    private const int RingMask = RingSize - 1;
    private readonly long[] _acked;
    private readonly long[] _bytes;
    private readonly long[] _maxOffset;
    private readonly long[][] _ringOffsets;
    private readonly long[][] _ringIntended;

    public PartitionLedger(PartitionMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        _acked = new long[map.Count];
        _bytes = new long[map.Count];
        _maxOffset = new long[map.Count];
        Array.Fill(_maxOffset, -1);
        _ringOffsets = new long[map.Count][];
        _ringIntended = new long[map.Count][];
        for (var i = 0; i < map.Count; i++)
        {
            _ringOffsets[i] = new long[RingSize];
            Array.Fill(_ringOffsets[i], -1);
            _ringIntended[i] = new long[RingSize];
        }
    }

    public PartitionMap Map { get; }

    /// <summary>Records an acknowledged message.</summary>
    public void RecordAck(int partitionIndex, long offset, int bytes, long intendedMicros)
    {
        Interlocked.Increment(ref _acked[partitionIndex]);
        Interlocked.Add(ref _bytes[partitionIndex], bytes);
        var slot = (int)(offset & RingMask);
        Volatile.Write(ref _ringIntended[partitionIndex][slot], intendedMicros);
        Volatile.Write(ref _ringOffsets[partitionIndex][slot], offset);
        var current = Volatile.Read(ref _maxOffset[partitionIndex]);
        while (offset > current)
        {
            var seen = Interlocked.CompareExchange(ref _maxOffset[partitionIndex], offset, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }
    }

    /// <summary>Messages acknowledged on a partition so far.</summary>
    public long Acked(int partitionIndex) => Volatile.Read(ref _acked[partitionIndex]);

    /// <summary>Value bytes acknowledged on a partition so far.</summary>
    public long Bytes(int partitionIndex) => Volatile.Read(ref _bytes[partitionIndex]);

    /// <summary>One past the highest acknowledged offset (0 when nothing was acknowledged).</summary>
    public long HighWatermark(int partitionIndex) => Volatile.Read(ref _maxOffset[partitionIndex]) + 1;

    /// <summary>
    /// Intended send time of the message at <paramref name="offset"/>, or of the oldest remembered message
    /// after it when that offset is no longer remembered; null when nothing at or after it is remembered.
    /// </summary>
    public long? IntendedMicrosAtOrAfter(int partitionIndex, long offset)
    {
        var high = HighWatermark(partitionIndex);
        var offsets = _ringOffsets[partitionIndex];
        for (var candidate = Math.Max(offset, high - RingSize); candidate < high; candidate++)
        {
            var slot = (int)(candidate & RingMask);
            if (Volatile.Read(ref offsets[slot]) == candidate)
            {
                return Volatile.Read(ref _ringIntended[partitionIndex][slot]);
            }
        }

        return null;
    }

    /// <summary>
    /// The lowest remembered offset whose message was intended at or after <paramref name="intendedMicros"/>: where a
    /// replay "to T ago" starts. Null when no remembered message is that recent; the oldest remembered offset when every
    /// remembered message is (older ones are no longer known).
    /// </summary>
    public long? FirstOffsetIntendedAtOrAfter(int partitionIndex, long intendedMicros)
    {
        var high = HighWatermark(partitionIndex);
        var offsets = _ringOffsets[partitionIndex];
        for (var candidate = Math.Max(0, high - RingSize); candidate < high; candidate++)
        {
            var slot = (int)(candidate & RingMask);
            if (Volatile.Read(ref offsets[slot]) == candidate && Volatile.Read(ref _ringIntended[partitionIndex][slot]) >= intendedMicros)
            {
                return candidate;
            }
        }

        return null;
    }
}
