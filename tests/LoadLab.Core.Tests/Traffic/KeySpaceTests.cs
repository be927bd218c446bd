using System.Text;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public class KeySpaceTests
{
    [Theory]
    [InlineData(KeyKind.Account, 10_000, "acct-000042")]
    [InlineData(KeyKind.User, 10_000, "user-00000042")]
    [InlineData(KeyKind.Tenant, 50, "tenant-0042")]
    [InlineData(KeyKind.Device, 1_000, "dev-00000042")]
    [InlineData(KeyKind.Account, 2_000_000, "acct-0000042")]
    public void Key_FormatsRealisticFixedWidthIds(KeyKind kind, int space, string expected)
    {
        var keys = new KeySpace(new KeySpec { Kind = kind, Space = space });

        Assert.Equal(expected, Encoding.ASCII.GetString(keys.Key(42)));
        Assert.All(Enumerable.Range(0, space), index => Assert.Equal(expected.Length, keys.Key(index).Length));
    }

    [Fact]
    public void Identity_OfAUserKey_NamesItsTenantAndAccountAndTheKey()
    {
        var keys = new KeySpace(new KeySpec { Kind = KeyKind.User, Space = 10_000 });

        var identity = Encoding.ASCII.GetString(keys.Identity(1234));

        Assert.Matches("""^tenant-000\d","account_id":"acct-000\d{3}","user_id":"user-00001234$""", identity);
        Assert.Equal(identity, Encoding.ASCII.GetString(new KeySpace(new KeySpec { Kind = KeyKind.User, Space = 10_000 }).Identity(1234)));
    }
}
