using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class BrokerLimitTests
{
    [Fact]
    public void CanBurst_BurstRateWithoutCredits_IsFalse()
    {
        // A higher burst rate for 0 s gives no credits to spend; 10 s of it gives 10 × 100 MiB.
        Assert.False(BrokerLimit.Rate("network", 1, 100, 200, 0, "test").CanBurst);
        Assert.True(BrokerLimit.Rate("network", 1, 100, 200, 10, "test").CanBurst);
    }

    [Fact]
    public void BrokersAtBaseline_StaticLimit_IsItsBrokersWhateverTheLoad()
    {
        var disk = BrokerLimit.Static("disk space", 3.2, "test");

        Assert.Equal(4, disk.BrokersAtBaseline(0, 0.2));
        Assert.Equal(4, disk.BrokersAtBaseline(1_000, 0.2));
    }
}
