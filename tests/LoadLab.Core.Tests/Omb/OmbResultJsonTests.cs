using LoadLab.Core.Omb;

namespace LoadLab.Core.Tests.Omb;

public sealed class OmbResultJsonTests
{
    [Theory]
    [InlineData(4.0, "4.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(3.222, "3.222")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0005, "5.0E-4")]
    [InlineData(8.280981931675837E-7, "8.280981931675837E-7")]
    [InlineData(50.00132495710907, "50.00132495710907")]
    [InlineData(203974.153890742, "203974.153890742")]
    [InlineData(9999999.0, "9999999.0")]
    [InlineData(10000000.0, "1.0E7")]
    [InlineData(12345678.9, "1.23456789E7")]
    [InlineData(-2.5, "-2.5")]
    public void JavaDouble_Value_IsPrintedAsJavasDoubleToString(double value, string expected)
    {
        Assert.Equal(expected, OmbResultJson.JavaDouble(value));
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void JavaDouble_NaN_IsRefusedBecauseJsonCannotHoldIt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OmbResultJson.JavaDouble(double.NaN));
    }
}
