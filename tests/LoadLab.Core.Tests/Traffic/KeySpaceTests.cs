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
    public void WriteKey_FormatsRealisticFixedWidthIds(KeyKind kind, int space, string expected)
    {
        var keys = new KeySpace(new KeySpec { Kind = kind, Space = space });
        var key = keys.NewKeyBuffer();

        keys.WriteKey(key, 42);
        Assert.Equal(expected, Encoding.ASCII.GetString(key));

        keys.WriteKey(key, space - 1);
        Assert.Equal(keys.FormatId(keys.KeyLevel, space - 1), Encoding.ASCII.GetString(key));
    }

    [Fact]
    public void IdentityText_OfAUserKey_NamesItsTenantAndAccountAndTheKey()
    {
        var keys = new KeySpace(new KeySpec { Kind = KeyKind.User, Space = 10_000 });

        var identity = keys.IdentityText(1234);

        Assert.Matches("""^tenant-000\d","account_id":"acct-000\d{3}","user_id":"user-00001234$""", identity);
        Assert.Equal(identity, new KeySpace(new KeySpec { Kind = KeyKind.User, Space = 10_000 }).IdentityText(1234));
    }

    [Theory]
    [InlineData(KeyKind.Tenant)]
    [InlineData(KeyKind.Account)]
    [InlineData(KeyKind.User)]
    [InlineData(KeyKind.Device)]
    public void WriteIdentity_OverAnotherKeysIdentity_GivesThisKeysIdentity(KeyKind kind)
    {
        var keys = new KeySpace(new KeySpec { Kind = kind, Space = 5_000 });
        var identity = Encoding.ASCII.GetBytes(keys.IdentityText(17));

        foreach (var index in new[] { 0, 1, 999, 4_999 })
        {
            keys.WriteIdentity(identity, index);
            Assert.Equal(keys.IdentityText(index), Encoding.ASCII.GetString(identity));
        }
    }

    [Fact]
    public void AncestorIndex_SpreadsKeysOverTheirParents()
    {
        var keys = new KeySpace(new KeySpec { Kind = KeyKind.User, Space = 100_000 });

        var accounts = Enumerable.Range(0, 100_000).Select(index => keys.AncestorIndex(index, 1)).ToArray();

        Assert.Equal(10_000, keys.Counts[1]);
        Assert.All(accounts, account => Assert.InRange(account, 0, 9_999));
        Assert.InRange(accounts.Distinct().Count(), 9_900, 10_000);
    }

    [Fact]
    public void Constructor_EmptyKeySpace_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new KeySpace(new KeySpec { Space = 0 }));

        Assert.Contains("keys.space must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UndefinedKeyKind_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new KeySpace(new KeySpec { Kind = (KeyKind)99 }));

        Assert.Contains("Unknown key kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteKey_SingleKeySpace_WritesItsOnlyKeyAndOneParentPerLevel()
    {
        var keys = new KeySpace(new KeySpec { Kind = KeyKind.User, Space = 1 });
        var key = keys.NewKeyBuffer();

        keys.WriteKey(key, 0);

        Assert.Equal("user-00000000", Encoding.ASCII.GetString(key));
        Assert.Equal([1, 1, 1, 2], keys.Counts);
        Assert.Equal("""tenant-0000","account_id":"acct-000000","user_id":"user-00000000""", keys.IdentityText(0));
    }

    [Theory]
    [InlineData(100_000_000, 8)]
    [InlineData(100_000_001, 9)]
    public void Digits_KeySpaceAroundAPowerOfTen_AreJustEnoughForTheLargestIndex(int space, int digits)
    {
        // Indices run from 0 to space − 1: 10^8 user keys end at user-99999999 (8 digits), one more needs a 9th.
        var keys = new KeySpace(new KeySpec { Kind = KeyKind.User, Space = space });

        Assert.Equal(digits, keys.Digits[keys.KeyLevel]);
        Assert.Equal("user-".Length + digits, keys.KeyLength);
        Assert.Equal("user-" + (space - 1), keys.FormatId(keys.KeyLevel, space - 1));
    }
}
