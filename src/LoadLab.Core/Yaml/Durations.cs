using System.Globalization;
using System.Text;

namespace LoadLab.Core.Yaml;

/// <summary>
/// Durations as people write them: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h30m</c>, <c>1.5s</c>; a bare <c>0</c>
/// is zero. Units (h, m, s, ms) appear at most once each, largest first.
/// </summary>
public static class Durations
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("h", TimeSpan.TicksPerHour),
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond),
    ];

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

    /// <summary>The shortest spelling that <see cref="TryParse"/> reads back as the same value: <c>1h30m</c>, <c>500ms</c>, <c>0s</c>.</summary>
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
}
