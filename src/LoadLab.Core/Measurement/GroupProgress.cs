namespace LoadLab.Core.Measurement;

/// <summary>
/// How far a consumer group got on each partition of its topic (next offset to consume), as reported by
/// its members after each message, plus what it consumed. Lag is computed against a <see cref="PartitionLedger"/>.
/// </summary>
public sealed class GroupProgress
{
    private readonly long[] _nextOffset;
    private readonly long[] _replayUntil;
    private readonly long[] _replayReachedMicros;
    private readonly long[] _replayReads;
    private long _consumed;
    private long _consumedBytes;
    private int _rebalances;

    public GroupProgress(string group, string topic, int firstPartitionIndex, int partitions)
    {
        Group = group;
        Topic = topic;
        FirstPartitionIndex = firstPartitionIndex;
        _nextOffset = new long[partitions];
        _replayUntil = new long[partitions];
        _replayReachedMicros = new long[partitions];
        _replayReads = new long[partitions];
    }

    public string Group { get; }

    public string Topic { get; }

    /// <summary>Index (in the run's <see cref="PartitionMap"/>) of the topic's partition 0.</summary>
    public int FirstPartitionIndex { get; }

    public int Partitions => _nextOffset.Length;

    /// <summary>Messages of this run the group consumed.</summary>
    public long Consumed => Volatile.Read(ref _consumed);

    public long ConsumedBytes => Volatile.Read(ref _consumedBytes);

    /// <summary>Partition assignments the group's members received (the first join counts).</summary>
    public int Rebalances => Volatile.Read(ref _rebalances);

    /// <summary>Records a consumed message of this run (called by the member that owns the partition).</summary>
    public void RecordConsumed(int partition, long offset, int bytes)
    {
        Volatile.Write(ref _nextOffset[partition], offset + 1);
        Interlocked.Increment(ref _consumed);
        Interlocked.Add(ref _consumedBytes, bytes);
    }

    /// <summary>Records where a member starts on a partition it was assigned (committed or reset position).</summary>
    public void RecordPosition(int partition, long nextOffset) => Volatile.Write(ref _nextOffset[partition], nextOffset);

    /// <summary>Counts a partition assignment.</summary>
    public void RecordRebalance() => Interlocked.Increment(ref _rebalances);

    /// <summary>
    /// A <c>group.replay</c> moved the group back on <paramref name="partition"/> from <paramref name="until"/> (where it
    /// was) to an earlier offset: reads below <paramref name="until"/> are re-reads until the group gets there again.
    /// </summary>
    public void BeginReplay(int partition, long until)
    {
        Volatile.Write(ref _replayReachedMicros[partition], 0);
        Volatile.Write(ref _replayUntil[partition], Math.Max(until, Volatile.Read(ref _replayUntil[partition])));
    }

    /// <summary>Whether a read at <paramref name="offset"/> re-reads what the group had read before a replay moved it back.</summary>
    public bool IsReplayRead(int partition, long offset) => offset < Volatile.Read(ref _replayUntil[partition]);

    /// <summary>
    /// Records a replayed read at <paramref name="offset"/>; the read of the last offset below where the replay began
    /// marks the partition as read again, at <paramref name="nowMicros"/>.
    /// </summary>
    public void RecordReplayRead(int partition, long offset, long nowMicros)
    {
        Interlocked.Increment(ref _replayReads[partition]);
        if (offset + 1 >= Volatile.Read(ref _replayUntil[partition]))
        {
            Interlocked.CompareExchange(ref _replayReachedMicros[partition], nowMicros, 0);
        }
    }

    /// <summary>Replayed reads on <paramref name="partition"/> so far.</summary>
    public long ReplayReads(int partition) => Volatile.Read(ref _replayReads[partition]);

    /// <summary>When the group had read again up to where the last replay began on <paramref name="partition"/> (run clock, µs); null while it has not.</summary>
    public long? ReplayReachedMicros(int partition) => Volatile.Read(ref _replayReachedMicros[partition]) is > 0 and var at ? at : null;

    /// <summary>Next offset the group will consume on a partition.</summary>
    public long NextOffset(int partition) => Volatile.Read(ref _nextOffset[partition]);

    /// <summary>
    /// Lag now: messages acknowledged but not yet consumed (summed over partitions), and the age in seconds of
    /// the oldest of them (0 when there are none).
    /// </summary>
    public (long Messages, double Seconds) Lag(PartitionLedger ledger, long nowMicros)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        long messages = 0;
        long oldestIntended = long.MaxValue;
        for (var p = 0; p < _nextOffset.Length; p++)
        {
            var index = FirstPartitionIndex + p;
            var behind = ledger.HighWatermark(index) - NextOffset(p);
            if (behind <= 0)
            {
                continue;
            }

            messages += behind;
            if (ledger.IntendedMicrosAtOrAfter(index, NextOffset(p)) is { } intended)
            {
                oldestIntended = Math.Min(oldestIntended, intended);
            }
        }

        var seconds = oldestIntended == long.MaxValue ? 0 : Math.Max(0, (nowMicros - oldestIntended) / 1_000_000.0);
        return (messages, seconds);
    }

    /// <summary>Lag of one partition in messages.</summary>
    public long PartitionLag(PartitionLedger ledger, int partition)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return Math.Max(0, ledger.HighWatermark(FirstPartitionIndex + partition) - NextOffset(partition));
    }
}
