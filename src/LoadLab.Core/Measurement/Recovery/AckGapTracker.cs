namespace LoadLab.Core.Measurement.Recovery;

/// <summary>A stretch of time in which a partition had no successful acknowledgement, in seconds since the run start.</summary>
public readonly record struct AckGap(double FromSeconds, double ToSeconds)
{
    public double Seconds => ToSeconds - FromSeconds;
}

/// <summary>The acknowledgement gaps of one partition.</summary>
public sealed record PartitionAckGaps(string Topic, int Partition, IReadOnlyList<AckGap> Gaps);

/// <summary>
/// Remembers, per partition, the stretches without a successful acknowledgement that are longer than
/// <see cref="MinimumGap"/>, which is all the unavailability window needs: the time of every ack is not kept.
/// Called from producer delivery callbacks (one thread per producer, several producers per partition); lock-free
/// and allocation-free except when a long gap is recorded.
/// </summary>
public sealed class AckGapTracker
{
    private readonly IReadOnlyList<(string Topic, int Partitions)> _topics;
    private readonly int[] _topicBase;
    private readonly long[] _lastAck;
    private readonly List<AckGap>[] _gaps;
    private readonly long _runStartTimestamp;
    private readonly long _minimumGapTicks;
    private readonly double _ticksPerSecond;

    /// <param name="topics">Topics and partition counts; a topic's index is its position.</param>
    /// <param name="time">Clock the timestamps come from.</param>
    /// <param name="runStartTimestamp"><see cref="TimeProvider.GetTimestamp"/> at the run start; a partition's first gap starts there.</param>
    /// <param name="minimumGap">Shorter gaps are ordinary spacing between acks and are not kept; default 100 ms.</param>
    public AckGapTracker(IReadOnlyList<(string Topic, int Partitions)> topics, TimeProvider time, long runStartTimestamp, TimeSpan? minimumGap = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(time);
        MinimumGap = minimumGap ?? TimeSpan.FromMilliseconds(100);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinimumGap, TimeSpan.Zero, nameof(minimumGap));
        _topics = topics;
        _topicBase = new int[topics.Count];
        var total = 0;
        for (var t = 0; t < topics.Count; t++)
        {
            _topicBase[t] = total;
            total += topics[t].Partitions;
        }

        _runStartTimestamp = runStartTimestamp;
        _ticksPerSecond = time.TimestampFrequency;
        _minimumGapTicks = (long)(MinimumGap.TotalSeconds * time.TimestampFrequency);
        _lastAck = new long[total];
        Array.Fill(_lastAck, runStartTimestamp);
        _gaps = [.. Enumerable.Range(0, total).Select(_ => new List<AckGap>())];
    }

    public TimeSpan MinimumGap { get; }

    /// <summary>A message to this partition was acknowledged at <paramref name="timestamp"/> (from the run's <see cref="TimeProvider"/>).</summary>
    public void RecordAck(int topicIndex, int partition, long timestamp)
    {
        if ((uint)topicIndex >= (uint)_topics.Count || (uint)partition >= (uint)_topics[topicIndex].Partitions)
        {
            return;
        }

        var slot = _topicBase[topicIndex] + partition;
        ref var last = ref _lastAck[slot];
        long previous;
        do
        {
            previous = Volatile.Read(ref last);
            if (timestamp <= previous)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref last, timestamp, previous) != previous);

        if (timestamp - previous > _minimumGapTicks)
        {
            var gaps = _gaps[slot];
            lock (gaps)
            {
                gaps.Add(new AckGap(ToSeconds(previous), ToSeconds(timestamp)));
            }
        }
    }

    /// <summary>Every partition's gaps, including the one still open at <paramref name="endTimestamp"/>.</summary>
    public IReadOnlyList<PartitionAckGaps> Gaps(long endTimestamp)
    {
        var result = new List<PartitionAckGaps>();
        for (var t = 0; t < _topics.Count; t++)
        {
            for (var p = 0; p < _topics[t].Partitions; p++)
            {
                var slot = _topicBase[t] + p;
                List<AckGap> gaps;
                lock (_gaps[slot])
                {
                    gaps = [.. _gaps[slot]];
                }

                var last = Volatile.Read(ref _lastAck[slot]);
                if (endTimestamp - last > _minimumGapTicks)
                {
                    gaps.Add(new AckGap(ToSeconds(last), ToSeconds(endTimestamp)));
                }

                result.Add(new PartitionAckGaps(_topics[t].Topic, p, gaps));
            }
        }

        return result;
    }

    private double ToSeconds(long timestamp) => (timestamp - _runStartTimestamp) / _ticksPerSecond;
}
