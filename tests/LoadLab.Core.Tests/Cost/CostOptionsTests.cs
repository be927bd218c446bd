using LoadLab.Core.Cost;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class CostOptionsTests
{
    [Theory]
    [InlineData(0, 0)] // both at their lower edge: a fleet without headroom, an operator who never steps in
    [InlineData(10, 1e6)] // headroom at its upper edge; operations have none
    public void Validate_ValuesAtTheirEdges_AreAccepted(double headroom, double operations)
    {
        Assert.Empty(new CostOptions { Headroom = headroom, OperationsPerMonth = operations }.Validate());
    }

    [Theory]
    [InlineData(-0.5, "-0.5")]
    [InlineData(10.5, "10.5")]
    [InlineData(double.NaN, "NaN")]
    public void Validate_HeadroomOutsideZeroToTen_NamesTheOptionTheValueAndAnExample(double headroom, string shown)
    {
        var problem = Assert.Single(new CostOptions { Headroom = headroom }.Validate());

        Assert.Equal(ValidationProblem.ForOption("--headroom", $"expected a fraction from 0 to 10, got {shown}", "e.g. --headroom 0.2 for 20 %"), problem);
    }

    [Theory]
    [InlineData(-1, "-1")]
    [InlineData(double.NaN, "NaN")]
    public void Validate_NegativeOrNaNOperations_NameTheOptionTheValueAndAnExample(double operations, string shown)
    {
        var problem = Assert.Single(new CostOptions { OperationsPerMonth = operations }.Validate());

        Assert.Equal(ValidationProblem.ForOption("--operations", $"expected operations per month, 0 or more, got {shown}", "e.g. --operations 4"), problem);
    }

    [Fact]
    public void Describe_Defaults_ListsTheThreeChoicesEveryEstimateMakes()
    {
        Assert.Equal(["consumers read from leaders", "no tiered storage", "sized for all zones up"], new CostOptions().Describe());
    }

    [Fact]
    public void Describe_EveryOptionSet_ListsEachWithItsValueToTwoDecimals()
    {
        var options = new CostOptions
        {
            FetchFromFollower = true,
            TieredStorage = true,
            AzLoss = true,
            Headroom = 0.1234,
            OperationsPerMonth = 2.3456,
            Wal = WalKind.EbsS3Express,
        };

        Assert.Equal(
            [
                "fetch from follower",
                "tiered storage where supported",
                "sized to carry the load with one zone down",
                "headroom 0.12 for every platform",
                "2.35 operations per month for every platform",
                "WAL: ebs-s3-express",
            ],
            options.Describe());
    }
}
