using System.Globalization;

namespace LoadLab.Core.Yaml;

/// <summary>
/// The one size grammar of every file and option: <c>512</c>, <c>512B</c>, <c>1KiB</c>, <c>8 KiB</c>, <c>0.5KiB</c>,
/// <c>4KB</c>, <c>512MiB</c>, <c>2GiB</c>. Binary units (KiB, MiB, GiB, TiB) are powers of 1024 and decimal units
/// (KB, MB, GB, TB) powers of 1000, as IEC 80000-13 defines them, in scenarios, environment definitions and options
/// alike; unit letters are not case-sensitive. The result must be a whole number of bytes. Docker's and
/// Kubernetes' one-letter forms (<c>512m</c>, <c>512Mi</c>) are refused with the IEC spelling as the fix, because
/// <c>m</c> means MiB to Docker but would read as MB next to <c>KB</c>.
/// </summary>
public static class ByteSizes
{
    /// <summary>What the grammar accepts, for "expected …" messages.</summary>
    public const string Expected = "a size in bytes such as 512, 64KiB, 512MiB or 4KB (KiB, MiB, GiB = 1024-based; KB, MB, GB = 1000-based)";

    private static readonly (string Unit, long Bytes)[] Units =
    [
        ("b", 1),
        ("kib", 1L << 10),
        ("mib", 1L << 20),
        ("gib", 1L << 30),
        ("tib", 1L << 40),
        ("kb", 1_000),
        ("mb", 1_000_000),
        ("gb", 1_000_000_000),
        ("tb", 1_000_000_000_000),
    ];

    /// <summary>Docker's (<c>m</c>), Kubernetes' (<c>Mi</c>) and spelt-out binary units, with the IEC unit each means.</summary>
    private static readonly Dictionary<string, string> BinaryShorthands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["k"] = "KiB", ["ki"] = "KiB",
        ["m"] = "MiB", ["mi"] = "MiB",
        ["g"] = "GiB", ["gi"] = "GiB",
        ["t"] = "TiB", ["ti"] = "TiB",
        ["byte"] = "B", ["bytes"] = "B",
    };

    /// <summary>Parses <paramref name="text"/>; false when it is not a whole, non-negative number of bytes.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (!TrySplit(text, out var number, out var unit))
        {
            return false;
        }

        var multiplier = unit.Length == 0 ? 1 : Array.Find(Units, u => u.Unit == unit.ToLowerInvariant()).Bytes;
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
        foreach (var (unit, size) in new[] { ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
        {
            if (bytes > 0 && bytes % size == 0)
            {
                return (bytes / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// For text that is not a size, the spelling the user most likely meant (<c>512m</c> and <c>512Mi</c> →
    /// <c>512MiB</c>, <c>2g</c> → <c>2GiB</c>, <c>100 bytes</c> → <c>100B</c>), or null when none is clear.
    /// </summary>
    public static string? Correction(string? text)
    {
        if (TryParse(text, out _) || !TrySplit(text, out var number, out var unit) || !BinaryShorthands.TryGetValue(unit, out var iec))
        {
            return null;
        }

        var corrected = number.ToString(CultureInfo.InvariantCulture) + iec;
        return TryParse(corrected, out _) ? corrected : null;
    }

    private static bool TrySplit(string? text, out decimal number, out string unit)
    {
        number = 0;
        unit = "";
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

        if (numberEnd == 0 || !decimal.TryParse(s.AsSpan(0, numberEnd), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        unit = s[numberEnd..].Trim();
        return true;
    }
}
