using System.Diagnostics;

namespace LoadLab.Integration.Tests.Chaos;

/// <summary>
/// A run clock that a test stops and moves, as a process frozen by the machine sees time: while it stands, every reader
/// (the generator, the delivery callbacks) reads the same instant; when it moves, it jumps. It starts standing.
/// Its timestamps are <see cref="Stopwatch"/> ticks, so moves are exact to the tick.
/// </summary>
internal sealed class StallableClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Lock _gate = new();
    private long _offset;
    private long _limit;

    public StallableClock()
    {
        Start = Stopwatch.GetTimestamp();
        _limit = Start;
    }

    /// <summary>The timestamp it stands at when created.</summary>
    public long Start { get; }

    public override long TimestampFrequency => Stopwatch.Frequency;

    /// <summary>Timestamp <paramref name="micros"/> microseconds after <see cref="Start"/>.</summary>
    public long At(long micros) => Start + (micros * Stopwatch.Frequency / 1_000_000);

    /// <summary>Lets time pass as it really does from where the clock stands, until it reaches <paramref name="limit"/>, where it stops by itself.</summary>
    public void RunUntil(long limit)
    {
        lock (_gate)
        {
            var now = Read();
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, now);
            _offset = now - Stopwatch.GetTimestamp();
            _limit = limit;
        }
    }

    /// <summary>Jumps forward to <paramref name="timestamp"/> and stands there.</summary>
    public void JumpTo(long timestamp)
    {
        lock (_gate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timestamp, Read());
            _offset = timestamp - Stopwatch.GetTimestamp();
            _limit = timestamp;
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return Read();
        }
    }

    public override DateTimeOffset GetUtcNow() => Epoch + Stopwatch.GetElapsedTime(Start, GetTimestamp());

    private long Read() => Math.Min(Stopwatch.GetTimestamp() + _offset, _limit);
}
