using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// Intended send times of one producer instance. A stream served by <c>n</c> producers is split so that
/// together they send the stream's schedule: for uniform arrivals producer <c>i</c> sends the stream's
/// messages <c>i, i+n, i+2n…</c>; for Poisson arrivals each producer is an independent Poisson process at
/// 1/n of the rate (the time-change theorem: unit-mean exponential gaps in the running total give a
/// non-homogeneous Poisson process with exactly the planned rate).
/// </summary>
public sealed class ArrivalSequence
{
    /// <summary>Distinguishes this generator's seed from the key and payload generators' seeds of the same producer.</summary>
    private const ulong ArrivalsPurpose = 0xA7;

    private readonly IntendedTimes _times;
    private readonly ArrivalProcess _process;
    private readonly int _producers;
    private readonly double _firstTotal;
    private ulong _rngState;
    private double _total;
    private long _count;

    /// <param name="schedule">The stream's schedule.</param>
    /// <param name="process">Uniform or Poisson spacing.</param>
    /// <param name="producerIndex">This producer's index in 0..producers-1.</param>
    /// <param name="producers">Producers sharing the stream.</param>
    /// <param name="seed">Scenario seed for Poisson gaps.</param>
    /// <param name="streamName">The stream's name, so streams of one scenario draw different gaps.</param>
    public ArrivalSequence(RateSchedule schedule, ArrivalProcess process, int producerIndex, int producers, int seed, string streamName = "")
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfLessThan(producers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(producerIndex);
        _times = schedule.CreateCursor();
        _process = process;
        _producers = producers;
        _firstTotal = producerIndex + 0.5;
        _rngState = FastRandom.DeriveSeed(seed, streamName, producerIndex, ArrivalsPurpose);
    }

    /// <summary>Messages handed out so far.</summary>
    public long Count => _count;

    /// <summary>
    /// The next intended send time as an offset from the run start in <see cref="TimeSpan"/> ticks, or
    /// -1 when the schedule has ended.
    /// </summary>
    public long Next()
    {
        _total = _count == 0
            ? (_process == ArrivalProcess.Uniform ? _firstTotal : ExponentialGap())
            : _total + (_process == ArrivalProcess.Uniform ? _producers : ExponentialGap());
        var offset = _times.OffsetTicksOf(_total);
        if (offset >= 0)
        {
            _count++;
        }

        return offset;
    }

    private double ExponentialGap()
    {
        // SplitMix64: tiny, allocation-free and deterministic across runtimes, unlike System.Random's algorithm choice.
        var z = FastRandom.SplitMix64(ref _rngState);
        var uniform = ((z >> 11) + 0.5) * (1.0 / (1UL << 53));
        return -Math.Log(uniform) * _producers;
    }
}
