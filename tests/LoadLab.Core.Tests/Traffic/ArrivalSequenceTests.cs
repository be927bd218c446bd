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

    [Fact]
    public void Next_MessageDueExactlyWhenAPauseStarts_IsDueAtThePauseStartNotItsEnd()
    {
        // 500 msg/s for 1 ms (the running total reaches ½ exactly at 1 ms), nothing until 5 ms, then 500 msg/s again.
        var stream = Stream(rate: 500, new StepPhase(TimeSpan.FromMilliseconds(1), 0), new StepPhase(TimeSpan.FromMilliseconds(5), 500));

        var times = Drain(Sequence(stream, TimeSpan.FromMilliseconds(10)));

        Assert.Equal([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(7), TimeSpan.FromMilliseconds(9)], times);
    }

    [Fact]
    public void Next_MessagesDueInTheFirstTick_AreReturnedAtOffsetZeroAndCounted()
    {
        // 20 million msg/s: two messages per 100 ns tick, the first two at offset 0.
        var arrivals = Sequence(Stream(rate: 20_000_000), TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, arrivals.Next());
        Assert.Equal(1, arrivals.Count);
        Assert.Equal(0, arrivals.Next());
        Assert.Equal(2, arrivals.Count);
        Assert.Equal(1, arrivals.Next());
        Assert.Equal(3, arrivals.Count);
    }

    [Fact]
    public void Count_AfterTheScheduleEnds_IsTheNumberOfMessagesHandedOut()
    {
        var arrivals = Sequence(Stream(rate: 1_000), TimeSpan.FromSeconds(1));

        var times = Drain(arrivals);

        Assert.Equal(1_000, times.Count);
        Assert.Equal(1_000, arrivals.Count);
        Assert.Equal(-1, arrivals.Next());
        Assert.Equal(1_000, arrivals.Count);
    }

    [Fact]
    public void Next_PoissonFirstArrival_IsExponentialWithTheMeanGap()
    {
        // At 1,000 msg/s the first arrival of a Poisson process is exponential with mean 1 ms: over 4,000 seeds the
        // sample mean is within 4 standard errors (4 · 1 ms/√4,000 = 0.063 ms), and P(T > 1 ms) = 1/e within
        // 4 · √(p(1 − p)/4,000) = 0.031.
        const int seeds = 4_000;
        var schedule = RateSchedule.Create(Stream(rate: 1_000), TimeSpan.FromSeconds(1));
        var first = Enumerable.Range(0, seeds)
            .Select(seed => TimeSpan.FromTicks(new ArrivalSequence(schedule, ArrivalProcess.Poisson, 0, 1, seed).Next()).TotalMilliseconds)
            .ToList();

        Assert.InRange(first.Average(), 1 - 0.063, 1 + 0.063);
        Assert.InRange(first.Count(ms => ms > 1) / (double)seeds, Math.Exp(-1) - 0.031, Math.Exp(-1) + 0.031);
    }

    [Fact]
    public void Next_PoissonProducersShareAStream_EachSendsItsShareAndTogetherAPoissonStreamAtTheRate()
    {
        // 4 producers of a 1,000 msg/s Poisson stream for 20 s: each a Poisson process at 250 msg/s (5,000 ± 4·√5,000
        // messages), their union one at 1,000 msg/s (20,000 ± 4·√20,000; counts per 10 ms with variance = mean).
        var stream = Stream(rate: 1_000) with { Arrivals = ArrivalProcess.Poisson, Producers = 4 };
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(20));
        var perProducer = Enumerable.Range(0, 4)
            .Select(i => Drain(new ArrivalSequence(schedule, ArrivalProcess.Poisson, i, 4, seed: 3, streamName: "s")))
            .ToList();

        Assert.All(perProducer, times => Assert.InRange(times.Count, 5_000 - 283, 5_000 + 283));
        var all = perProducer.SelectMany(times => times).ToList();
        Assert.InRange(all.Count, 20_000 - 566, 20_000 + 566);
        var perTenMs = new double[2_000];
        foreach (var time in all)
        {
            perTenMs[(int)(time.TotalMilliseconds / 10)]++;
        }

        var mean = perTenMs.Average();
        var variance = perTenMs.Sum(c => (c - mean) * (c - mean)) / (perTenMs.Length - 1);
        Assert.InRange(variance / mean, 0.9, 1.1);
    }

    [Fact]
    public void Next_PoissonWithAGivenSeed_ReproducesTheRecordedTimesOnEveryPlatform()
    {
        // README: the same seed gives the same arrival times. These were recorded once; a change here changes every
        // seeded Poisson schedule (results stop being comparable with earlier runs of the same seed), so it must be
        // deliberate. The gaps use LoadLab's own SplitMix64, not System.Random, whose algorithm may change.
        var stream = Stream(rate: 1_000) with { Arrivals = ArrivalProcess.Poisson };
        var times = Drain(new ArrivalSequence(RateSchedule.Create(stream, TimeSpan.FromSeconds(1)), ArrivalProcess.Poisson, 1, 2, seed: 42, streamName: "orders"));

        Assert.Equal([7_388, 14_137, 30_672, 40_039, 105_637], times.Take(5).Select(time => time.Ticks));
        Assert.Equal(9_999_014, times[^1].Ticks);
        Assert.Equal(499, times.Count);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 1)]
    public void Constructor_NoProducersOrANegativeIndex_Throws(int producerIndex, int producers)
    {
        var schedule = RateSchedule.Create(Stream(rate: 1_000), TimeSpan.FromSeconds(1));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ArrivalSequence(schedule, ArrivalProcess.Uniform, producerIndex, producers, seed: 1));

        Assert.Equal(producers < 1 ? "producers" : "producerIndex", error.ParamName);
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
