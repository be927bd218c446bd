namespace LoadLab.Core.Measurement;

/// <summary>
/// The one monotonic clock of a run. Every timestamp a run records (intended send, actual send,
/// acknowledgement, consume) is an offset from the run start on this clock, in microseconds, so producer and
/// consumer latencies are comparable without wall-clock skew.
/// </summary>
public sealed class RunClock
{
    private readonly TimeProvider _time;
    private long _startTimestamp;
    private readonly double _ticksPerMicrosecond;

    public RunClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _startTimestamp = time.GetTimestamp();
        _ticksPerMicrosecond = time.TimestampFrequency / 1_000_000.0;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>Wall-clock time of the run start (for file names and log headers only).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>
    /// Moves the start to now. Called once, when the load begins, after consumers have joined their groups,
    /// so that time spent joining is not part of the run.
    /// </summary>
    public void Restart()
    {
        StartedAt = _time.GetUtcNow();
        Volatile.Write(ref _startTimestamp, _time.GetTimestamp());
    }

    /// <summary>
    /// Moves the start to <paramref name="startedAt"/> on this machine's wall clock (the agreed start of a split run's
    /// workers): the run clock reads the wall-clock time since then, so every worker's intended send times share one
    /// epoch, off only by the machines' clock errors. Called once, at (or just after) that instant.
    /// </summary>
    public void RestartAt(DateTimeOffset startedAt)
    {
        var nowTimestamp = _time.GetTimestamp();
        var late = _time.GetUtcNow() - startedAt;
        StartedAt = startedAt;
        Volatile.Write(ref _startTimestamp, nowTimestamp - (long)(late.TotalSeconds * _time.TimestampFrequency));
    }

    /// <summary>The time provider behind the clock.</summary>
    public TimeProvider Time => _time;

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value at the run start.</summary>
    public long StartTimestamp => Volatile.Read(ref _startTimestamp);

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value of an offset from the run start, without reading the clock again.</summary>
    public long TimestampAt(long micros) => StartTimestamp + (long)(micros * _ticksPerMicrosecond);

    /// <summary>Microseconds since the run started.</summary>
    public long NowMicros() => (long)((_time.GetTimestamp() - Volatile.Read(ref _startTimestamp)) / _ticksPerMicrosecond);

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(NowMicros() * 10);
}
