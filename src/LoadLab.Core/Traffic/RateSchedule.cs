using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// The planned rate of one traffic stream over the whole run (warm-up included), sampled per millisecond,
/// and its running total. Message k of the stream is due when the running total reaches k + ½, so intended
/// send times follow the rate profile exactly, whatever the cluster does (open loop).
/// </summary>
public sealed class RateSchedule
{
    /// <summary>Resolution of the schedule: phases start and end on millisecond boundaries.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(1);

    private readonly double[] _cumulative;

    private RateSchedule(double[] cumulative, TimeSpan total)
    {
        _cumulative = cumulative;
        Total = total;
    }

    /// <summary>Length of the schedule (warm-up plus measured duration).</summary>
    public TimeSpan Total { get; }

    /// <summary>Messages the schedule asks for in the whole run.</summary>
    public double TotalMessages => _cumulative[^1];

    /// <summary>Builds the schedule of <paramref name="stream"/> for a run of <paramref name="total"/>.</summary>
    public static RateSchedule Create(TrafficStream stream, TimeSpan total)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var milliseconds = checked((int)Math.Ceiling(total.TotalMilliseconds));
        var rates = PlanRates(stream, milliseconds);
        var cumulative = new double[milliseconds + 1];
        for (var i = 0; i < milliseconds; i++)
        {
            cumulative[i + 1] = cumulative[i] + (rates[i] / 1000.0);
        }

        return new RateSchedule(cumulative, total);
    }

    /// <summary>Planned rate (messages per second) during the millisecond that starts at <paramref name="offset"/>.</summary>
    public double RateAt(TimeSpan offset)
    {
        var ms = (int)Math.Clamp(offset.TotalMilliseconds, 0, _cumulative.Length - 2);
        return (_cumulative[ms + 1] - _cumulative[ms]) * 1000.0;
    }

    /// <summary>Messages the schedule asks for between two offsets.</summary>
    public double MessagesBetween(TimeSpan from, TimeSpan to) => CumulativeAt(to) - CumulativeAt(from);

    /// <summary>Running total of planned messages at <paramref name="offset"/> (linear inside a millisecond).</summary>
    public double CumulativeAt(TimeSpan offset)
    {
        var ms = offset.TotalMilliseconds;
        if (ms <= 0)
        {
            return 0;
        }

        if (ms >= _cumulative.Length - 1)
        {
            return _cumulative[^1];
        }

        var whole = (int)ms;
        return _cumulative[whole] + ((_cumulative[whole + 1] - _cumulative[whole]) * (ms - whole));
    }

    /// <summary>
    /// A cursor over intended send times. Cursors only move forward, so each lookup costs O(1) amortised
    /// and allocates nothing.
    /// </summary>
    internal IntendedTimes CreateCursor() => new(_cumulative);

    private static double[] PlanRates(TrafficStream stream, int milliseconds)
    {
        var rates = new double[milliseconds];
        Array.Fill(rates, stream.Rate);
        var phases = stream.Phases.OrderBy(p => p.At).ToList();

        foreach (var phase in phases)
        {
            var start = Math.Clamp(ToMs(phase.At), 0, milliseconds);
            switch (phase)
            {
                case StepPhase step:
                    Array.Fill(rates, step.Rate, start, milliseconds - start);
                    break;
                case RampPhase ramp:
                    {
                        var from = start < milliseconds ? rates[start] : stream.Rate;
                        var length = Math.Max(1, ToMs(ramp.Duration));
                        for (var t = start; t < milliseconds; t++)
                        {
                            var progress = Math.Min(1.0, (t - start + 0.5) / length);
                            rates[t] = from + ((ramp.To - from) * progress);
                        }

                        break;
                    }
            }
        }

        foreach (var phase in phases)
        {
            var start = Math.Clamp(ToMs(phase.At), 0, milliseconds);
            switch (phase)
            {
                case SpikePhase spike:
                    for (var t = start; t < Math.Min(milliseconds, start + ToMs(spike.Duration)); t++)
                    {
                        rates[t] *= spike.Multiplier;
                    }

                    break;
                case SinePhase sine:
                    {
                        var end = sine.Duration is { } d ? Math.Min(milliseconds, start + ToMs(d)) : milliseconds;
                        var period = sine.Period.TotalMilliseconds;
                        for (var t = start; t < end; t++)
                        {
                            rates[t] *= 1 + (sine.Amplitude * Math.Sin(2 * Math.PI * (t - start + 0.5) / period));
                        }

                        break;
                    }
            }
        }

        for (var t = 0; t < milliseconds; t++)
        {
            rates[t] = Math.Max(0, rates[t]);
        }

        return rates;
    }

    private static int ToMs(TimeSpan value) => (int)Math.Round(value.TotalMilliseconds);
}

/// <summary>
/// Forward-only inverse of a running total: the time at which the total reaches a given value.
/// </summary>
internal sealed class IntendedTimes
{
    private readonly double[] _cumulative;
    private int _millisecond;

    internal IntendedTimes(double[] cumulative) => _cumulative = cumulative;

    /// <summary>
    /// The offset (in <see cref="TimeSpan"/> ticks) at which the running total reaches <paramref name="total"/>,
    /// or -1 when the schedule ends first. Totals must not decrease between calls.
    /// </summary>
    public long OffsetTicksOf(double total)
    {
        var last = _cumulative.Length - 1;
        while (_millisecond < last && _cumulative[_millisecond + 1] < total)
        {
            _millisecond++;
        }

        if (_millisecond >= last)
        {
            return -1;
        }

        var low = _cumulative[_millisecond];
        var high = _cumulative[_millisecond + 1];
        var fraction = high > low ? (total - low) / (high - low) : 0;
        return (long)((_millisecond + Math.Clamp(fraction, 0, 1)) * TimeSpan.TicksPerMillisecond);
    }
}
