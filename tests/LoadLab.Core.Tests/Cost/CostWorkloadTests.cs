using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class CostWorkloadTests
{
    [Fact]
    public void CostWorkload_BuiltWithoutSources_CitesNothingAndPricesValueBytesOnly()
    {
        var workload = CostTestData.Flat(10, fanOut: 1);

        // A source left out stays empty in the report rather than standing in for a citation.
        Assert.Equal(("", "", ""), (workload.FanOutSource, workload.ReplicationSource, workload.RetentionSource));
        Assert.Equal((1.0, 1.0, "value bytes only"), (workload.WireFactor, workload.StoredFactor, workload.FactorSource));
    }

    [Fact]
    public void BurstProfile_SecondsExactlyAtNinetyPercentOfThePeak_CountAsNearIt()
    {
        // Peak 10, so 9 is exactly the 90 % threshold: 9, 10, 9 is one 3-second stretch near the peak; average 29 / 4.
        var burst = BurstProfile.Of([9, 10, 9, 1]);

        Assert.Equal(new BurstProfile(10 / 7.25, TimeSpan.FromSeconds(3), 0.75), burst);
    }

    [Fact]
    public void BurstProfile_NoLoadAtAll_IsFlat()
    {
        var flat = new BurstProfile(1, TimeSpan.Zero, 0);

        Assert.Equal(flat, BurstProfile.Of([]));
        Assert.Equal(flat, BurstProfile.Of([0, 0]));
        Assert.Throws<ArgumentNullException>("perSecond", () => BurstProfile.Of(null!));
    }

    [Fact]
    public void BurstProfile_IdleSecondsBesideTheLoad_AreAveragedIn()
    {
        // An idle second does not make the profile flat: peak 5 over an average of 2.5, near the peak half the time.
        Assert.Equal(new BurstProfile(2, TimeSpan.FromSeconds(1), 0.5), BurstProfile.Of([0, 5]));
    }
}
