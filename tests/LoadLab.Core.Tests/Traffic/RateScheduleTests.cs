using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public sealed class RateScheduleTests
{
    [Fact]
    public void RateAt_OffsetsOutsideTheSchedule_AreTheRateOfTheNearestMillisecond()
    {
        var schedule = RateSchedule.Create(Stream(rate: 100, new StepPhase(TimeSpan.FromMilliseconds(500), 300)), TimeSpan.FromSeconds(1));

        Assert.Equal(100, schedule.RateAt(TimeSpan.FromSeconds(-1)), 9);
        Assert.Equal(100, schedule.RateAt(TimeSpan.FromMilliseconds(499)), 9);
        Assert.Equal(300, schedule.RateAt(TimeSpan.FromMilliseconds(500)), 9);
        Assert.Equal(300, schedule.RateAt(TimeSpan.FromMilliseconds(999)), 9);
        Assert.Equal(300, schedule.RateAt(TimeSpan.FromSeconds(1)), 9);
        Assert.Equal(300, schedule.RateAt(TimeSpan.FromSeconds(5)), 9);
    }

    [Fact]
    public void CumulativeAt_BeforeTheStart_IsZero()
    {
        var schedule = RateSchedule.Create(Stream(rate: 1_000), TimeSpan.FromSeconds(1));

        Assert.Equal(0, schedule.CumulativeAt(TimeSpan.Zero));
        Assert.Equal(0, schedule.CumulativeAt(TimeSpan.FromMilliseconds(-0.5)));
        Assert.Equal(0, schedule.CumulativeAt(TimeSpan.FromMilliseconds(-5)));
    }

    [Fact]
    public void CumulativeAt_InsideAMillisecond_IsLinearBetweenItsEnds()
    {
        // 1,000 msg/s in the first millisecond (1 message), 3,000 msg/s after it (3 per millisecond).
        var schedule = RateSchedule.Create(Stream(rate: 1_000, new StepPhase(TimeSpan.FromMilliseconds(1), 3_000)), TimeSpan.FromMilliseconds(10));

        Assert.Equal(0.5, schedule.CumulativeAt(TimeSpan.FromMilliseconds(0.5)), 12);
        Assert.Equal(1.0, schedule.CumulativeAt(TimeSpan.FromMilliseconds(1)), 12);
        Assert.Equal(1.75, schedule.CumulativeAt(TimeSpan.FromMilliseconds(1.25)), 12);
        Assert.Equal(1.5, schedule.MessagesBetween(TimeSpan.FromMilliseconds(1.25), TimeSpan.FromMilliseconds(1.75)), 12);
        Assert.Equal(28, schedule.CumulativeAt(TimeSpan.FromMilliseconds(10)), 12);
        Assert.Equal(28, schedule.CumulativeAt(TimeSpan.FromSeconds(1)), 12);
        Assert.Equal(28, schedule.TotalMessages, 12);
    }

    [Fact]
    public void RateAt_RampAfterAStep_RisesLinearlyFromTheSteppedRate()
    {
        // 100 → 300 at 1 s, then 300 → 500 over [2 s, 3 s]; each millisecond carries the rate at its midpoint.
        var stream = Stream(rate: 100, new StepPhase(TimeSpan.FromSeconds(1), 300), new RampPhase(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 500));
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(4));

        Assert.Equal(300, schedule.RateAt(TimeSpan.FromMilliseconds(1_999)), 9);
        Assert.Equal(300.1, schedule.RateAt(TimeSpan.FromMilliseconds(2_000)), 9);
        Assert.Equal(400.1, schedule.RateAt(TimeSpan.FromMilliseconds(2_500)), 9);
        Assert.Equal(499.9, schedule.RateAt(TimeSpan.FromMilliseconds(2_999)), 9);
        Assert.Equal(500, schedule.RateAt(TimeSpan.FromMilliseconds(3_000)), 9);
        // The area of the trapezoid: (300 + 500) / 2 messages per second for one second.
        Assert.Equal(400, schedule.MessagesBetween(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)), 9);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(5_000)]
    public void Create_RampStartingAtOrAfterTheEnd_LeavesTheRateAsItWas(int rampAtMilliseconds)
    {
        var stream = Stream(rate: 100, new RampPhase(TimeSpan.FromMilliseconds(rampAtMilliseconds), TimeSpan.FromSeconds(1), 500));

        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(1));

        Assert.Equal(100, schedule.TotalMessages, 9);
        Assert.Equal(100, schedule.RateAt(TimeSpan.FromMilliseconds(999)), 9);
    }

    [Fact]
    public void MessagesBetween_QuarterPeriodsOfASine_EqualTheIntegralOfTheRate()
    {
        // r(t) = 100·(1 + 0.5·sin(2π(t − 1.5 s)/2 s)) from 1.5 s: ∫ over the first quarter period (0.5 s) is
        // 50 + 50/π messages and over the second the same; the third and fourth give 50 − 50/π each. Midpoint sampling
        // per millisecond is exact to about 1e-5 messages here, a phase shift of one millisecond moves a quarter by 0.05.
        var stream = Stream(rate: 100, new SinePhase(TimeSpan.FromSeconds(1.5), null, TimeSpan.FromSeconds(2), 0.5));
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(4));

        Assert.Equal(50 + (50 / Math.PI), schedule.MessagesBetween(TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(2.0)), 1e-4);
        Assert.Equal(50 + (50 / Math.PI), schedule.MessagesBetween(TimeSpan.FromSeconds(2.0), TimeSpan.FromSeconds(2.5)), 1e-4);
        Assert.Equal(50 - (50 / Math.PI), schedule.MessagesBetween(TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3.0)), 1e-4);
        Assert.Equal(50 - (50 / Math.PI), schedule.MessagesBetween(TimeSpan.FromSeconds(3.0), TimeSpan.FromSeconds(3.5)), 1e-4);
    }

    [Fact]
    public void RateAt_SineWithADuration_ReturnsToTheBaseRateWhenItEnds()
    {
        var stream = Stream(rate: 100, new SinePhase(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0.5));
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(3));

        Assert.Equal(100, schedule.RateAt(TimeSpan.FromMilliseconds(999)), 9);
        Assert.Equal(150, schedule.RateAt(TimeSpan.FromMilliseconds(1_250)), 2);
        Assert.Equal(50, schedule.RateAt(TimeSpan.FromMilliseconds(1_750)), 2);
        Assert.Equal(100, schedule.RateAt(TimeSpan.FromMilliseconds(2_000)), 9);
        Assert.Equal(100, schedule.RateAt(TimeSpan.FromMilliseconds(2_250)), 9);
        // One whole period averages to the base rate.
        Assert.Equal(300, schedule.TotalMessages, 6);
    }

    [Fact]
    public void Create_PhasesThatWouldGoBelowZero_PlanZeroMessagesThere()
    {
        // Scenario files cannot ask for it (amplitude ≤ 1), but the type is public: with amplitude 2 the rate
        // 100·(1 + 2·sin θ) is negative for sin θ < −½, a third of each period. The schedule plans nothing there, so
        // the running total never falls: one period sends 100·(2/3 + √3/π) messages, the positive part's integral.
        var stream = Stream(rate: 100, new SinePhase(TimeSpan.Zero, null, TimeSpan.FromSeconds(1), 2));
        var schedule = RateSchedule.Create(stream, TimeSpan.FromSeconds(1));

        Assert.Equal(0, schedule.RateAt(TimeSpan.FromMilliseconds(750)));
        Assert.Equal(100 * ((2.0 / 3) + (Math.Sqrt(3) / Math.PI)), schedule.TotalMessages, 1e-3);
        Assert.Equal(schedule.CumulativeAt(TimeSpan.FromMilliseconds(600)), schedule.CumulativeAt(TimeSpan.FromMilliseconds(900)), 12);
    }

    private static TrafficStream Stream(double rate, params RatePhase[] phases) =>
        new() { Name = "s", Topic = "t", Rate = rate, Phases = phases };
}
