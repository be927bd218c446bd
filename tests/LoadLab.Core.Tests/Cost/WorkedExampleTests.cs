using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

/// <summary>The published worked examples of issue 7, reproduced from their inputs.</summary>
public sealed class WorkedExampleTests
{
    [Fact]
    public void CrossAz_Rf3Over3ZonesAt100MiBpsFanOut3_IsAbout23600UsdPerMonth()
    {
        // W·(2/3 + 2 + F·2/3) at W = 100 MiB/s, F = 3, $0.01/GB each way. With a 720-hour month and
        // 1 GB = 1,024 MiB this is exactly 253,125 GB written × 4.667 × $0.02 = $23,625 (published: ~$23.6k).
        var estimate = CostModel.Estimate(CostTestData.Flat(100, fanOut: 3), CostTestData.Kafka(), CostTestData.Prices(), new CostOptions());

        var crossAz = estimate.Lines.Where(l => l.Item.StartsWith("crossAz.", StringComparison.Ordinal)).Sum(l => l.MonthlyUsd);

        Assert.Equal(23_600, crossAz, tolerance: 23_600 * 0.02);
        Assert.Equal(23_625, crossAz, precision: 6);
        Assert.Equal(253_125 * (2.0 / 3 + 2 + 2), estimate.Sizing.CrossAzGiBPerMonth, precision: 6);
    }

    [Fact]
    public void CrossAz_WithFetchFromFollower_IsAbout13500UsdPerMonth()
    {
        var estimate = CostModel.Estimate(CostTestData.Flat(100, fanOut: 3), CostTestData.Kafka(), CostTestData.Prices(), new CostOptions { FetchFromFollower = true });

        var crossAz = estimate.Lines.Where(l => l.Item.StartsWith("crossAz.", StringComparison.Ordinal)).Sum(l => l.MonthlyUsd);

        Assert.Equal(13_500, crossAz, tolerance: 13_500 * 0.02);
        Assert.Equal(0, estimate.Line("crossAz.consume").MonthlyUsd);
        // The consumer line names what it would cost without follower fetching: 253,125 GB × 2/3 × 3 × $0.02.
        Assert.Contains("10,125.00", estimate.Line("crossAz.consume").Note, StringComparison.Ordinal);
    }

    [Fact]
    public void CrossAz_730HourMonth_StaysWithinTwoPercentOfThePublishedFigure()
    {
        // Many calculators use 730 h (8,760 / 12); the published $23.6k matches 720 h exactly and 730 h ($23,953) within 1.5 %.
        var estimate = CostModel.Estimate(CostTestData.Flat(100, fanOut: 3), CostTestData.Kafka(), CostTestData.Prices(hoursPerMonth: 730), new CostOptions());

        var crossAz = estimate.Lines.Where(l => l.Item.StartsWith("crossAz.", StringComparison.Ordinal)).Sum(l => l.MonthlyUsd);

        Assert.Equal(23_625 * 730.0 / 720, crossAz, precision: 6);
        Assert.InRange(crossAz / 23_600, 0.98, 1.02);
    }

    [Fact]
    public void VendorComparison_SharedNothing_Needs15BrokersWith8437Point5GbEach()
    {
        // 500 MB/s write, 1:1 fan-out, 24 h retention, RF 3, r6i.large at 100 MB/s baseline (vendor's MB = MiB:
        // their 24 h × 3,600 s × 500 MB/s = 42,187.5 GB divides by 1,024).
        var estimate = CostModel.Estimate(CostTestData.Flat(500, fanOut: 1), CostTestData.Kafka(), CostTestData.Prices(), new CostOptions());

        Assert.Equal(3, estimate.Sizing.NetworkFactor);
        Assert.Equal(15, estimate.Sizing.PeakBrokers);
        Assert.Equal(8_437.5, estimate.Sizing.DataVolumeGiBPerBroker, precision: 6);
        Assert.Equal(0, estimate.Line("objectStorage").MonthlyUsd);
    }

    [Fact]
    public void VendorComparison_SharedStorage_Needs13BrokersWith10GbWalAnd42187Point5GbInObjectStorage()
    {
        // The vendor's own text derives out = 2.5 × 500 = 1,250 MB/s (S3 upload 1 + consumers 1 + compaction 0.5),
        // "which translates to 13 r6i.large", yet deploys 12 (3 servers + 9 brokers): 12.5 rounded down. Rounding
        // up is what keeps the brokers under their baseline, so the model says 13; the published 12 is one less.
        var estimate = CostModel.Estimate(CostTestData.Flat(500, fanOut: 1), CostTestData.AutoMq(), CostTestData.Prices(), new CostOptions());

        Assert.Equal(2.5, estimate.Sizing.NetworkFactor);
        Assert.Equal(13, estimate.Sizing.PeakBrokers);
        Assert.Equal(10, estimate.Sizing.DataVolumeGiBPerBroker);
        Assert.Equal(42_187.5, estimate.Sizing.ObjectStorageGiB, precision: 6);
        Assert.Equal(0, estimate.Sizing.CrossAzGiBPerMonth);
    }

    [Fact]
    public void VendorComparison_SharedStorageRequests_MatchThePublishedMonthlyPutAndGetCounts()
    {
        // Published: 381,801,600 PUT and 164,851,200 GET per 30 days at 500 MB/s.
        var estimate = CostModel.Estimate(CostTestData.Flat(500, fanOut: 1), CostTestData.AutoMq(), CostTestData.Prices(), new CostOptions());

        var expected = (381_801_600 / 1000.0 * 0.005) + (164_851_200 / 1000.0 * 0.0004);
        Assert.Equal(expected, estimate.Line("objectRequests").MonthlyUsd, precision: 6);
    }

    [Fact]
    public void BurstProvisioning_DoublingPeakToAverage_RaisesSharedNothingComputeOnly()
    {
        // Same average (400 MiB/s), 20 % of the time at the peak: peak/average 2 versus 4.
        var ratio2 = Synthetic(baseline: 300, peak: 800);
        var ratio4 = Synthetic(baseline: 100, peak: 1_600);
        var prices = CostTestData.Prices();
        var options = new CostOptions();

        double Compute(PlatformEstimate e) => e.Line("compute").MonthlyUsd + e.Line("burst").MonthlyUsd;
        var kafka2 = CostModel.Estimate(ratio2, CostTestData.Kafka(headroom: 0.2), prices, options);
        var kafka4 = CostModel.Estimate(ratio4, CostTestData.Kafka(headroom: 0.2), prices, options);
        var automq2 = CostModel.Estimate(ratio2, CostTestData.AutoMq(headroom: 0.2), prices, options);
        var automq4 = CostModel.Estimate(ratio4, CostTestData.AutoMq(headroom: 0.2), prices, options);

        Assert.Equal(2, ratio2.Burst.PeakToAverage, precision: 9);
        Assert.Equal(4, ratio4.Burst.PeakToAverage, precision: 9);
        Assert.Equal(29, kafka2.Sizing.PeakBrokers); // ceil(800 × 3 × 1.2 / 100)
        Assert.Equal(58, kafka4.Sizing.PeakBrokers); // ceil(1,600 × 3 × 1.2 / 100)
        Assert.True(Compute(kafka4) > Compute(kafka2));
        Assert.Equal(kafka2.Line("compute").MonthlyUsd, kafka4.Line("compute").MonthlyUsd);

        // Average + headroom: 400 × 2.5 × 1.2 / 100 = 12 brokers, whatever the peak.
        var averagePlusHeadroom = 12 * 720 * 0.126;
        Assert.Equal(averagePlusHeadroom, Compute(automq2), precision: 6);
        Assert.Equal(averagePlusHeadroom, Compute(automq4), precision: 6);
        Assert.Equal(12, automq4.Sizing.MeanBrokers, precision: 9);
    }

    private static CostWorkload Synthetic(double baseline, double peak)
    {
        var perSecond = new double[1_000];
        for (var second = 0; second < perSecond.Length; second++)
        {
            perSecond[second] = second % 10 < 8 ? baseline : peak;
        }

        return CostTestData.Profile(perSecond, fanOut: 1);
    }
}
