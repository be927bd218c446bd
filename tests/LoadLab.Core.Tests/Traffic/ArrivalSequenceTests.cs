using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public sealed class ArrivalSequenceTests
{
    [Fact]
    public void Next_ConstantRate_MessagesAreEvenlySpacedAtHalfGapOffsets()
    {
        var arrivals = Sequence(Stream(rate: 1_000), TimeSpan.FromSeconds(1));

        var times = Drain(arrivals);

        Assert.Equal(1_000, times.Count);
        Assert.Equal(TimeSpan.FromMicroseconds(500), times[0]);
        Assert.Equal(TimeSpan.FromMicroseconds(1_500), times[1]);
        Assert.Equal(TimeSpan.FromMicroseconds(999_500), times[^1]);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(TimeSpan.FromMilliseconds(1), pair.Second - pair.First));
    }

    [Fact]
    public void Next_Spike_RateIsMultipliedInsideTheWindowOnly()
    {
        var stream = Stream(rate: 100, new SpikePhase(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 4));
        var times = Drain(Sequence(stream, TimeSpan.FromSeconds(3)));

        Assert.Equal(100, times.Count(t => t < TimeSpan.FromSeconds(1)));
        Assert.Equal(400, times.Count(t => t >= TimeSpan.FromSeconds(1) && t < TimeSpan.FromSeconds(2)));
        Assert.Equal(100, times.Count(t => t >= TimeSpan.FromSeconds(2)));
        var inSpike = times.Where(t => t > TimeSpan.FromSeconds(1.1) && t < TimeSpan.FromSeconds(1.9)).ToList();
        // Within one 100 ns tick: the running total is a sum of doubles.
        Assert.All(inSpike.Zip(inSpike.Skip(1)), pair => Assert.InRange((pair.Second - pair.First).Ticks, 24_999, 25_001));
    }

    [Fact]
    public void Next_Ramp_CountsFollowTheLinearRateAndStayAtTheTarget()
    {
        // 0 → 2,000 msg/s over 2 s: 2,000 messages during the ramp (area of the triangle), then 2,000/s.
        var stream = Stream(rate: 0, new RampPhase(TimeSpan.Zero, TimeSpan.FromSeconds(2), 2_000));
        var times = Drain(Sequence(stream, TimeSpan.FromSeconds(3)));

        Assert.InRange(times.Count(t => t < TimeSpan.FromSeconds(1)), 499, 501);
        Assert.InRange(times.Count(t => t >= TimeSpan.FromSeconds(1) && t < TimeSpan.FromSeconds(2)), 1_499, 1_501);
        Assert.InRange(times.Count(t => t >= TimeSpan.FromSeconds(2)), 1_999, 2_001);
        // The n-th message of a linear ramp r(t) = a·t is due at sqrt(2(n + ½)/a).
        Assert.Equal(Math.Sqrt(2 * 99.5 / 1_000), times[99].TotalSeconds, 3);
    }

    [Fact]
    public void Next_StepAndSine_FollowThePlannedRate()
    {
        var stream = Stream(rate: 100,
            new StepPhase(TimeSpan.FromSeconds(1), 300),
            new SinePhase(TimeSpan.FromSeconds(2), null, TimeSpan.FromSeconds(2), 0.5));
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(4));

        Assert.Equal(100, schedule.RateAt(TimeSpan.FromMilliseconds(500)), 6);
        Assert.Equal(300, schedule.RateAt(TimeSpan.FromMilliseconds(1500)), 6);
        Assert.Equal(450, schedule.RateAt(TimeSpan.FromMilliseconds(2500)), 0);
        Assert.Equal(150, schedule.RateAt(TimeSpan.FromMilliseconds(3500)), 0);
        // A full sine period averages to the base rate.
        Assert.Equal(600, schedule.MessagesBetween(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), 3);
    }

    [Fact]
    public void Next_PoissonArrivals_MeanAndVarianceOfCountsPerIntervalMatchPoisson()
    {
        var stream = Stream(rate: 1_000) with { Arrivals = ArrivalProcess.Poisson };
        var times = Drain(Sequence(stream, TimeSpan.FromSeconds(20)));
        var perTenMs = times.GroupBy(t => (int)(t.TotalMilliseconds / 10)).Select(g => (double)g.Count()).ToList();
        while (perTenMs.Count < 2_000)
        {
            perTenMs.Add(0);
        }

        var mean = perTenMs.Average();
        var variance = perTenMs.Sum(c => (c - mean) * (c - mean)) / (perTenMs.Count - 1);

        Assert.InRange(times.Count, 19_600, 20_400);
        Assert.InRange(mean, 9.8, 10.2);
        Assert.InRange(variance / mean, 0.9, 1.1);
    }

    [Fact]
    public void Next_ProducersShareAStream_TogetherTheySendTheStreamsScheduleWithoutOverlap()
    {
        var stream = Stream(rate: 1_000) with { Producers = 3 };
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(1));
        var all = Enumerable.Range(0, 3)
            .SelectMany(i => Drain(new ArrivalSequence(schedule, ArrivalProcess.Uniform, i, 3, seed: 1)))
            .Order()
            .ToList();

        Assert.Equal(1_000, all.Count);
        Assert.All(all.Zip(all.Skip(1)), pair => Assert.Equal(TimeSpan.FromMilliseconds(1), pair.Second - pair.First));
    }

    [Fact]
    public void Next_SameSeed_SamePoissonTimes()
    {
        var stream = Stream(rate: 500) with { Arrivals = ArrivalProcess.Poisson };
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(1));

        var first = Drain(new ArrivalSequence(schedule, ArrivalProcess.Poisson, 0, 1, seed: 7));
        var second = Drain(new ArrivalSequence(schedule, ArrivalProcess.Poisson, 0, 1, seed: 7));
        var other = Drain(new ArrivalSequence(schedule, ArrivalProcess.Poisson, 0, 1, seed: 8));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    private static TrafficStream Stream(double rate, params RatePhase[] phases) =>
        new() { Name = "s", Topic = "t", Rate = rate, Phases = phases };

    private static ArrivalSequence Sequence(TrafficStream stream, TimeSpan total) =>
        new(RateSchedule.Create(stream, total), stream.Arrivals, 0, 1, seed: 1);

    private static List<TimeSpan> Drain(ArrivalSequence arrivals)
    {
        var times = new List<TimeSpan>();
        for (var ticks = arrivals.Next(); ticks >= 0; ticks = arrivals.Next())
        {
            times.Add(TimeSpan.FromTicks(ticks));
        }

        return times;
    }
}
