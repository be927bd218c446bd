using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class QuantityTests
{
    [Fact]
    public void ToString_EachQuantity_NamesItAndTheUnitsAFileWritesItIn()
    {
        Assert.Equal("bandwidth (MiB/s, MB/s, Gbps, Mbps)", Quantity.Bandwidth.ToString());
        Assert.Equal("USD/hour (USD/hour)", Quantity.Exactly("USD/hour").ToString());
        Assert.Equal("number ()", Quantity.Number.ToString());
        Assert.Equal("size (in GiB)", Quantity.Size.ToString());
        Assert.Equal("duration (in hours)", Quantity.DurationIn("hours", 3600).ToString());
    }
}
