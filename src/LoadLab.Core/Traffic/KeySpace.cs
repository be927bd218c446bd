using System.Text;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// The ids of a key space, formatted once: the message key of every index (<c>user-00001234</c>) and the
/// identity fields of the envelope that the key determines. Ids form a hierarchy — a tenant has about
/// 100 accounts, an account about 10 users, a user about 2 devices — so a key also fixes its parents
/// (the tenant and account of a user key), the same way for every producer and seed. Ids finer than the
/// key (the user behind an account key) vary per event and come from the payload pool.
/// </summary>
internal sealed class KeySpace
{
    /// <summary>Levels of the id hierarchy, coarsest first; the envelope writes them in this order.</summary>
    public static readonly IdLevel[] Levels =
    [
        new("tenant_id", "tenant-", MinimumDigits: 4, ChildrenPerParent: 100),
        new("account_id", "acct-", MinimumDigits: 6, ChildrenPerParent: 10),
        new("user_id", "user-", MinimumDigits: 8, ChildrenPerParent: 2),
        new("device_id", "dev-", MinimumDigits: 8, ChildrenPerParent: 1),
    ];

    private readonly byte[][] _keys;
    private readonly byte[] _identities;

    public KeySpace(KeySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Space < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Space, "keys.space must be at least 1.");
        }

        Size = spec.Space;
        KeyLevel = LevelOf(spec.Kind);
        Counts = new int[Levels.Length];
        Counts[KeyLevel] = spec.Space;
        for (var level = KeyLevel - 1; level >= 0; level--)
        {
            Counts[level] = (int)Math.Max(1, (Counts[level + 1] + (long)Levels[level].ChildrenPerParent - 1) / Levels[level].ChildrenPerParent);
        }

        for (var level = KeyLevel + 1; level < Levels.Length; level++)
        {
            Counts[level] = (int)Math.Min(int.MaxValue, (long)Counts[level - 1] * Levels[level - 1].ChildrenPerParent);
        }

        Digits = new int[Levels.Length];
        for (var level = 0; level < Levels.Length; level++)
        {
            Digits[level] = Math.Max(Levels[level].MinimumDigits, (Counts[level] - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        }

        _keys = new byte[spec.Space][];
        IdentityLength = IdentityText(0).Length;
        _identities = new byte[checked(IdentityLength * spec.Space)];
        for (var index = 0; index < spec.Space; index++)
        {
            _keys[index] = Encoding.ASCII.GetBytes(FormatId(KeyLevel, index));
            Encoding.ASCII.GetBytes(IdentityText(index), _identities.AsSpan(index * IdentityLength, IdentityLength));
        }
    }

    public int Size { get; }

    /// <summary>Index into <see cref="Levels"/> of the key's own level.</summary>
    public int KeyLevel { get; }

    /// <summary>Number of distinct ids per level (parents derived from the key space, children multiplied out).</summary>
    public int[] Counts { get; }

    /// <summary>Zero-padded digit count of each level's ids, so every id of a level has the same width.</summary>
    public int[] Digits { get; }

    /// <summary>
    /// Length of the identity text of a key: the JSON from the first character of the tenant id value to the
    /// last character of the key's own value, e.g. <c>tenant-0012","account_id":"acct-000345</c>.
    /// </summary>
    public int IdentityLength { get; }

    public byte[] Key(int index) => _keys[index];

    public ReadOnlySpan<byte> Identity(int index) => _identities.AsSpan(index * IdentityLength, IdentityLength);

    public string FormatId(int level, long index) =>
        Levels[level].Prefix + index.ToString("D" + Digits[level].ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id of the key's ancestor at <paramref name="level"/>, fixed by a seed-independent hash.</summary>
    public long AncestorIndex(int keyIndex, int level) =>
        level == KeyLevel ? keyIndex : (long)(FastRandom.Mix(((ulong)level << 40) ^ (ulong)keyIndex) % (ulong)Counts[level]);

    private string IdentityText(int keyIndex)
    {
        var text = new StringBuilder();
        for (var level = 0; level <= KeyLevel; level++)
        {
            if (level > 0)
            {
                text.Append("\",\"").Append(Levels[level].Field).Append("\":\"");
            }

            text.Append(FormatId(level, AncestorIndex(keyIndex, level)));
        }

        return text.ToString();
    }

    private static int LevelOf(KeyKind kind) => kind switch
    {
        KeyKind.Tenant => 0,
        KeyKind.Account => 1,
        KeyKind.User => 2,
        KeyKind.Device => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown key kind."),
    };
}

/// <summary>One level of the id hierarchy: its envelope field, id prefix and fan-out below it.</summary>
internal sealed record IdLevel(string Field, string Prefix, int MinimumDigits, int ChildrenPerParent);
