using System.Globalization;

namespace LoadLab.Core.Yaml;

/// <summary>
/// Sizes in bytes: <c>512</c>, <c>512B</c>, <c>1KiB</c>, <c>8 KiB</c>, <c>0.5KiB</c>, <c>4KB</c>, <c>1MiB</c>. Binary units
/// (KiB, MiB, GiB) are powers of 1024 and decimal units (KB, MB, GB) powers of 1000, as IEC 80000-13 defines them;
/// unit letters are not case-sensitive. The result must be a whole number of bytes.
/// </summary>
public static class ByteSizes
{
    private static readonly (string Unit, long Bytes)[] Units =
    [
        ("b", 1),
        ("kib", 1L << 10),
        ("mib", 1L << 20),
        ("gib", 1L << 30),
        ("kb", 1_000),
        ("mb", 1_000_000),
        ("gb", 1_000_000_000),
    ];

    /// <summary>Parses <paramref name="text"/>; false when it is not a whole, non-negative number of bytes.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var numberEnd = 0;
        while (numberEnd < s.Length && (char.IsAsciiDigit(s[numberEnd]) || s[numberEnd] == '.'))
        {
            numberEnd++;
        }

        if (numberEnd == 0 || !decimal.TryParse(s.AsSpan(0, numberEnd), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = s[numberEnd..].Trim().ToLowerInvariant();
        var multiplier = unit.Length == 0 ? 1 : Array.Find(Units, u => u.Unit == unit).Bytes;
        if (multiplier == 0 || number > long.MaxValue / multiplier)
        {
            return false;
        }

        var value = number * multiplier;
        if (value != decimal.Truncate(value))
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }

    /// <summary>The spelling that <see cref="TryParse"/> reads back as the same value: <c>1KiB</c>, <c>8MiB</c>, <c>1000</c>.</summary>
    public static string Format(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        foreach (var (unit, size) in new[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
        {
            if (bytes > 0 && bytes % size == 0)
            {
                return (bytes / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
