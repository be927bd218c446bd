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

    [Theory]
    [InlineData(10, 11, 1)] // decided after 10 s, arriving 11 s later: 20 s on one broker, exactly the bucket
    [InlineData(20, 0, 1)] // decided after 20 s, carrying load from the next second: 20 s on one broker
    [InlineData(21, 0, 2)] // one second later the bucket runs dry first: a second broker all month
    public void Size_ElasticPlatform_RidesItsCreditsUntilTheNewBrokerArrives(int triggerSeconds, int delaySeconds, int floor)
    {
        // 100 s at 150 MiB/s spend 50 MiB/s of one broker's 1,000 MiB bucket until the second broker carries load.
        var fleet = FleetSimulation.Size(Load(600, 100, 150), [Network], headroom: 0, minBrokers: 1, new Elasticity(triggerSeconds, delaySeconds, 30), billingMinimumSeconds: 0);

        Assert.Equal(floor, fleet.Floor);
    }

    [Theory]
    [InlineData(60, 460)] // billed from the launch decision (second 559) until removed (second 1,019)
    [InlineData(3_600, 3_600)] // removed before the billing minimum: billed the whole minimum
    public void Size_BrokerRemovedBeforeTheBillingMinimum_IsBilledTheMinimum(double billingMinimumSeconds, double billedSeconds)
    {
        var deepCredits = BrokerLimit.Rate("network", 1, 100, 200, 100, "test");
        var perSecond = Enumerable.Repeat(50.0, 2_000).ToArray();
        for (var second = 500; second < 900; second++)
        {
            perSecond[second] = 180;
        }

        var fleet = FleetSimulation.Size(perSecond, [deepCredits], headroom: 0, minBrokers: 1, new Elasticity(60, 30, 120), billingMinimumSeconds);

        Assert.Equal(1 + (billedSeconds / 2_000), fleet.MeanBrokers, precision: 9);
    }

    [Theory]
    [InlineData(new double[] { 300, 100, 100, 200, 300, 300, 300, 300 }, 2)] // no 3-second stretch below 2 brokers (100, 100, 200)
    [InlineData(new double[] { 100, 100, 100, 300, 200, 300, 200, 300, 200, 300 }, 1)] // the quiet stretch opens the profile
    [InlineData(new double[] { 100, 300, 300, 300, 300, 300, 300, 300, 100, 100 }, 1)] // and wrapping around its end
    public void Size_ElasticPlatform_KeepsTheLowestDemandThatLastsAWholeScaleInPeriod(double[] perSecond, int floor)
    {
        // Credits never run out here, so only the scale-in period (3 s) holds the fleet up; 100 MiB/s is one broker.
        var endless = BrokerLimit.Rate("network", 1, 100, 10_000, 1_000_000, "test");

        var fleet = FleetSimulation.Size(perSecond, [endless], headroom: 0, minBrokers: 1, new Elasticity(1, 0, 3), billingMinimumSeconds: 0);

        Assert.Equal(floor, fleet.Floor);
    }

    [Theory]
    [InlineData(20, 1)] // 20 s at 2 × 75 = 150 MiB/s out spends 20 × 50 = 1,000 MiB: exactly the bucket
    [InlineData(21, 2)]
    public void Size_LimitCarryingTwiceTheIngress_SpendsItsCreditsOnTheDoubledRate(int peakSeconds, int brokers)
    {
        var networkOut = BrokerLimit.Rate("network out", 2, 100, 200, 10, "test");

        var fleet = FleetSimulation.Size(Load(600, peakSeconds, 75, calm: 25), [networkOut], headroom: 0, minBrokers: 1, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal((brokers, brokers == 1 ? "minimum brokers" : "network out"), (fleet.Floor, fleet.BindingLimit));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Size_TwoLimitsExceededInTheSameSecond_NamesTheMostOverloadedWhateverTheirOrder(bool ebsFirst)
    {
        // At 120 MiB/s one broker's network (no burst) carries 120 of 100 MiB/s, its EBS 0.6 × 120 = 72 of 50: EBS is the
        // more overloaded (1.44 against 1.2), so it is what one broker fewer runs out of.
        var network = BrokerLimit.Rate("network", 1, 100, 100, 0, "test");
        var ebs = BrokerLimit.Rate("EBS", 0.6, 50, 50, 0, "test");
        var perSecond = Enumerable.Repeat(10.0, 100).ToArray();
        perSecond[50] = 120;

        var fleet = FleetSimulation.Size(perSecond, ebsFirst ? [ebs, network] : [network, ebs], headroom: 0, minBrokers: 1, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal((2, "EBS"), (fleet.Floor, fleet.BindingLimit));
    }

    [Fact]
    public void Size_StaticFleetHeldAtTheAverage_NamesTheLimitTheAverageLoadNeedsMostOf()
    {
        // Idle and 300 MiB/s in turn, deep credits: the average 150 MiB/s needs 2 brokers' network (1 byte per byte)
        // and 3 brokers' EBS (2 bytes per byte), and 3 carry the bursts. The idle seconds need nothing of either.
        var network = BrokerLimit.Rate("network", 1, 100, 400, 1_000, "test");
        var ebs = BrokerLimit.Rate("EBS", 2, 100, 400, 1_000, "test");
        double[] perSecond = [.. Enumerable.Range(0, 100).Select(second => second % 2 == 0 ? 0.0 : 300)];

        var fleet = FleetSimulation.Size(perSecond, [network, ebs], headroom: 0, minBrokers: 1, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal((3, "EBS", 3), (fleet.Floor, fleet.BindingLimit, fleet.AverageBrokers));
    }

    [Fact]
    public void Size_BrokersInMultiplesOfThree_KeepsTheSmallestMultipleThatCreditsAllow()
    {
        // 450 MiB/s for 10 s needs 5 brokers at the baseline, but 3 carry it at 150 MiB/s each on half their credits.
        var fleet = FleetSimulation.Size(Load(600, 10, 450), [Network], headroom: 0, minBrokers: 3, elasticity: null, billingMinimumSeconds: 60, brokerMultiple: 3);

        Assert.Equal((3, "minimum brokers", 3, 5), (fleet.Floor, fleet.BindingLimit, fleet.AverageBrokers, fleet.PeakDemandBrokers));
    }

    [Fact]
    public void Size_NoLoadAndNoMinimum_NeedsNoBrokers()
    {
        var fleet = FleetSimulation.Size([0.0], [Network], headroom: 0, minBrokers: 0, elasticity: null, billingMinimumSeconds: 60);

        Assert.Equal((0, "minimum brokers"), (fleet.Floor, fleet.BindingLimit));
    }

    [Fact]
    public void Size_NoProfileOrNoLimits_AreRefusedNamingTheArgument()
    {
        var empty = Assert.Throws<ArgumentException>("ingressMiBps", () => FleetSimulation.Size([], [Network], 0, 1, null, 60));

        Assert.Equal("The load profile needs at least one second. (Parameter 'ingressMiBps')", empty.Message);
        Assert.Throws<ArgumentNullException>("ingressMiBps", () => FleetSimulation.Size(null!, [Network], 0, 1, null, 60));
        Assert.Throws<ArgumentNullException>("limits", () => FleetSimulation.Size([1.0], null!, 0, 1, null, 60));
    }
}
