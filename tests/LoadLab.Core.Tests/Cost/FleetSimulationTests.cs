using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class FleetSimulationTests
{
    /// <summary>One broker's network: 100 MiB/s sustained, 200 MiB/s for 10 s of full credits = a 1,000 MiB bucket.</summary>
    private static readonly BrokerLimit Network = BrokerLimit.Rate("network", 1, 100, 200, 10, "test");

    private static double[] Load(int seconds, int peakSeconds, double peak, double calm = 50)
    {
        var perSecond = Enumerable.Repeat(calm, seconds).ToArray();
        for (var second = 0; second < peakSeconds; second++)
        {
            perSecond[100 + second] = peak;
        }

        return perSecond;
    }

    [Theory]
    [InlineData(20, 1)] // 20 s at 150 MiB/s spends 20 × 50 = 1,000 MiB: exactly the bucket
    [InlineData(21, 2)] // one second more runs it dry: a second broker
    public void Size_PeakAgainstTheCreditBucket_NeedsASecondBrokerOnlyWhenTheBucketRunsDry(int peakSeconds, int brokers)
    {
        var fleet = FleetSimulation.Size(Load(600, peakSeconds, 150), [Network], headroom: 0, minBrokers: 1, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal(brokers, fleet.Floor);
        Assert.Equal(brokers == 1 ? "minimum brokers" : "network", fleet.BindingLimit);
    }

    [Fact]
    public void Size_PeakAboveTheBurstRate_NeedsBrokersWhateverTheCredits()
    {
        var fleet = FleetSimulation.Size(Load(600, 1, 250), [Network], headroom: 0, minBrokers: 1, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal(2, fleet.Floor);
    }

    [Fact]
    public void Size_AverageAboveTheBaseline_IsNeverCarriedOnCreditsAlone()
    {
        // 120 MiB/s all the time: credits would last 50 s per period but never come back.
        var fleet = FleetSimulation.Size(Enumerable.Repeat(120.0, 30).ToArray(), [Network], headroom: 0, minBrokers: 1, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal(2, fleet.Floor);
        Assert.Equal("network", fleet.BindingLimit);
    }

    [Fact]
    public void Size_ElasticPlatform_ScalesOutAfterTriggerAndDelayAndBillsFromTheDecision()
    {
        // 400 s at 180 MiB/s (two brokers' worth) in 2,000 s at 50: the one broker rides its 10,000 MiB of credits
        // through the 60 s trigger and 30 s delay (80 MiB/s over its baseline for 90 s), a second serves the rest of
        // the peak and is removed 120 s after it.
        var deepCredits = BrokerLimit.Rate("network", 1, 100, 200, 100, "test");
        var perSecond = Enumerable.Repeat(50.0, 2_000).ToArray();
        for (var second = 500; second < 900; second++)
        {
            perSecond[second] = 180;
        }

        var fleet = FleetSimulation.Size(perSecond, [deepCredits], headroom: 0, minBrokers: 1, new Elasticity(60, 30, 120), billingMinimumSeconds: 60);

        Assert.Equal(1, fleet.Floor);
        Assert.Equal(2, fleet.PeakBrokers);
        Assert.Equal(1, fleet.LaunchesPerPeriod);
        // Billed from the launch decision (second 559) until removed (second 1,019): 460 s of a 2,000 s period.
        Assert.Equal(1 + (460.0 / 2_000), fleet.MeanBrokers, precision: 9);
    }

    [Fact]
    public void Size_ElasticPlatformWhosePeakOutrunsItsCredits_KeepsABiggerFloor()
    {
        // At 300 MiB/s one broker would exceed its 200 MiB/s burst before the scale-out arrives.
        var perSecond = Enumerable.Repeat(50.0, 2_000).ToArray();
        for (var second = 500; second < 900; second++)
        {
            perSecond[second] = 300;
        }

        var fleet = FleetSimulation.Size(perSecond, [Network], headroom: 0, minBrokers: 1, new Elasticity(60, 30, 120), billingMinimumSeconds: 60);

        Assert.Equal(3, fleet.Floor);
        Assert.Equal("network", fleet.BindingLimit);
    }

    [Fact]
    public void Size_ShortSpikeOnAnElasticPlatform_LaunchesNothing()
    {
        var fleet = FleetSimulation.Size(Load(2_000, 10, 180), [Network], headroom: 0, minBrokers: 1, new Elasticity(60, 30, 120), billingMinimumSeconds: 60);

        Assert.Equal(0, fleet.LaunchesPerPeriod);
        Assert.Equal(1, fleet.MeanBrokers, precision: 9);
    }
}
