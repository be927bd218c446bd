using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class SourcedValueTests
{
    [Fact]
    public void Given_ValueStatedInCode_SaysSoAndIsWrittenWithItsUnit()
    {
        Assert.Equal(new SourcedValue(0.5, "GiB", "--memory", DateOnly.MinValue, "", "given", "0.5 GiB"), SourcedValue.Given(0.5, "GiB", "--memory"));
        // A plain number has no unit to append; 0.00001 stays in full decimals rather than "1E-05".
        Assert.Equal(new SourcedValue(0.00001, "", "test", DateOnly.MinValue, "", "given", "0.00001"), SourcedValue.Given(0.00001, "", "test"));
    }

    [Fact]
    public void Scaled_ByAFactor_MultipliesTheValueAndNotesTheFactorToTwoDecimals()
    {
        var price = SourcedValue.Given(0.126, "USD/hour", "test");

        var scaled = price.Scaled(1.234);

        Assert.Equal(price with { Value = 0.126 * 1.234, Note = "(×1.23)" }, scaled);
        Assert.Equal("(×1.23) (×0.5)", scaled.Scaled(0.5).Note);
    }
}
