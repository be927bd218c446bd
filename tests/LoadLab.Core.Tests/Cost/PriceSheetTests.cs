using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class PriceSheetTests
{
    [Fact]
    public void Instance_NotOnASheetBuiltInCode_ListsTheSheetsInstancesAndHowToAddIt()
    {
        var sheet = CostTestData.VendorPrices(720, CostTestData.Instance("r6i.large"), CostTestData.Instance("i4i.large"));

        var error = Assert.Throws<InvalidInputException>(() => sheet.Instance("m7g.4xlarge"));

        Assert.Equal(
            "given: instances.m7g.4xlarge: expected prices and specifications for instance type \"m7g.4xlarge\" (the sheet has: r6i.large, i4i.large). "
            + "Fix: add instances.m7g.4xlarge with on-demand, vcpus, memory, network-baseline, … (see environments/pricing/README.md), or choose a listed instance type in the platform profile",
            Assert.Single(error.Problems).ToString());
    }
}
