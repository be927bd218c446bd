using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class SensitivityAnalysisTests
{
    [Fact]
    public void Run_HeadroomGivenAsAnOption_MovesTheOptionByTwentyPercent()
    {
        // --headroom 0.2 moved to 0.16 and 0.24: 500 MiB/s × 3 B per byte out × 1.16 / 100 MiB/s = 17.4 → 18
        // brokers, × 1.24 = 18.6 → 19 (at 0.25 it would also be 19, at 0.2 it is 18).
        var workload = CostTestData.Flat(500, fanOut: 1);
        var prices = CostTestData.VendorPrices();
        double Total(double headroom) => CostModel.Estimate(workload, CostTestData.Kafka(), prices, new CostOptions { Headroom = headroom }).TotalMonthlyUsd;

        var rows = SensitivityAnalysis.Run(workload, [CostTestData.Kafka()], prices, new CostOptions { Headroom = 0.2 });

        var headroom = Assert.Single(rows, r => r.Input == "headroom");
        Assert.Equal((Total(0.16), Total(0.2), Total(0.24)), (headroom.LowUsd, headroom.BaseUsd, headroom.HighUsd));
        Assert.NotEqual(Total(0.16), Total(0.25));
    }

    [Fact]
    public void Run_NullProfiles_IsNamed()
    {
        var error = Assert.Throws<ArgumentNullException>(() => SensitivityAnalysis.Run(CostTestData.Flat(10, fanOut: 1), null!, CostTestData.VendorPrices(), new CostOptions()));

        Assert.Equal("profiles", error.ParamName);
    }
}
