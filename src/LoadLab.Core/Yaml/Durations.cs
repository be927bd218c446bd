using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LoadLab.Core.Yaml;

/// <summary>
/// The one duration grammar of every file and option: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h30m</c>, <c>7d</c>,
/// <c>1.5s</c>; a bare <c>0</c> is zero. Units (d, h, m, s, ms) appear at most once each, largest first, with no
/// space. Callers bound the value (a timeout of days is refused by its range, not by the grammar).
/// </summary>
public static partial class Durations
{
    /// <summary>Examples of the grammar, for "expected a duration such as …" messages.</summary>
    public const string Examples = "500ms, 30s, 2m, 1h30m or 7d";

    /// <summary>
    /// What a value must be, for "expected …, got …" in files and options alike: <c>a positive duration such as
    /// 500ms, 30s, 2m, 1h30m or 7d, at most 1d</c>. A <paramref name="min"/> above zero replaces "positive".
    /// </summary>
    public static string Expected(bool allowZero = false, TimeSpan? min = null, TimeSpan? max = null)
    {
        var kind = min is { } least && least > TimeSpan.Zero ? $"a duration of at least {Format(least)}"
            : allowZero ? "a duration" : "a positive duration";
        var limit = max is { } most ? $", at most {Format(most)}" : "";
        return $"{kind} such as {Examples}{limit}";
    }

    /// <summary>True when <paramref name="duration"/> is within what <see cref="Expected"/> describes for the same arguments.</summary>
    public static bool IsWithin(TimeSpan duration, bool allowZero = false, TimeSpan? min = null, TimeSpan? max = null) =>
        (allowZero ? duration >= TimeSpan.Zero : duration > TimeSpan.Zero) && (min is null || duration >= min) && (max is null || duration <= max);

    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

    /// <summary>Spellings people use for the units, mapped to the grammar's (<c>sec</c> → <c>s</c>, <c>hours</c> → <c>h</c>).</summary>
    private static readonly Dictionary<string, string> UnitSynonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["d"] = "d", ["day"] = "d", ["days"] = "d",
        ["h"] = "h", ["hr"] = "h", ["hrs"] = "h", ["hour"] = "h", ["hours"] = "h",
        ["m"] = "m", ["min"] = "m", ["mins"] = "m", ["minute"] = "m", ["minutes"] = "m",
        ["s"] = "s", ["sec"] = "s", ["secs"] = "s", ["second"] = "s", ["seconds"] = "s",
        ["ms"] = "ms", ["msec"] = "ms", ["millis"] = "ms", ["millisecond"] = "ms", ["milliseconds"] = "ms",
    };

    /// <summary>Parses <paramref name="text"/>; false (and zero) when it is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        decimal ticks = 0;
        var position = 0;
        var nextUnit = 0;
        while (position < s.Length)
        {
            var numberStart = position;
            while (position < s.Length && (char.IsAsciiDigit(s[position]) || s[position] == '.'))
            {
                position++;
            }

            if (position == numberStart || !decimal.TryParse(s.AsSpan(numberStart, position - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = position;
            while (position < s.Length && char.IsAsciiLetterLower(s[position]))
            {
                position++;
            }

            var unit = s[unitStart..position];
            var unitIndex = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (unitIndex < 0)
            {
                return false;
            }

            nextUnit = unitIndex + 1;
            ticks += number * Units[unitIndex].Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)decimal.Round(ticks));
        return true;
    }

    /// <summary>The shortest spelling that <see cref="TryParse"/> reads back as the same value: <c>1h30m</c>, <c>500ms</c>, <c>2d</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Durations are never negative.");
        }

        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        var remaining = duration.Ticks;
        foreach (var (unit, unitTicks) in Units)
        {
            var whole = remaining / unitTicks;
            remaining -= whole * unitTicks;
            if (unit == "ms" && remaining > 0)
            {
                var fraction = whole + (decimal)remaining / unitTicks;
                builder.Append(fraction.ToString(CultureInfo.InvariantCulture)).Append(unit);
                break;
            }

            if (whole > 0)
            {
                builder.Append(whole.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// For text that is not a duration, the spelling the user most likely meant (<c>90 sec</c> → <c>90s</c>,
    /// <c>30m1h</c> → <c>1h30m</c>, <c>10</c> → <c>10s</c>, <c>00:01:30</c> → <c>1m30s</c>), or null when none is clear.
    /// </summary>
    public static string? Correction(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || TryParse(text, out _))
        {
            return null;
        }

        var s = text.Trim();
        if (decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            // A bare number: seconds is what most tools assume; the fix says so by writing the unit.
            return $"{bare.ToString(CultureInfo.InvariantCulture)}s";
        }

        if (s.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var clock) && clock >= TimeSpan.Zero)
        {
            return Format(clock);
        }

        // Number-unit pairs with spaces, long unit names, upper case or out of order: add them up and write them properly.
        var parts = Part().Matches(s);
        if (parts.Count == 0 || Part().Replace(s, "").Trim().Length > 0)
        {
            return null;
        }

        decimal ticks = 0;
        foreach (Match part in parts)
        {
            if (!UnitSynonyms.TryGetValue(part.Groups["unit"].Value, out var unit)
                || !decimal.TryParse(part.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            ticks += number * Array.Find(Units, u => u.Unit == unit).Ticks;
        }

        return ticks > TimeSpan.MaxValue.Ticks ? null : Format(TimeSpan.FromTicks((long)decimal.Round(ticks)));
    }

    [GeneratedRegex(@"(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[A-Za-z]+)[\s,]*")]
    private static partial Regex Part();
}
