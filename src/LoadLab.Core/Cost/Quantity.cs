using System.Globalization;

namespace LoadLab.Core.Cost;

/// <summary>How a sourced value's <c>value</c> is written.</summary>
public enum QuantityGrammar
{
    /// <summary>A number, with its unit (when the quantity has one) in a separate <c>unit</c> key.</summary>
    Number,

    /// <summary>The one duration grammar of every LoadLab file (<c>5m</c>, <c>720h</c>, <c>1h30m</c>, <c>7d</c>); no <c>unit</c> key.</summary>
    Duration,

    /// <summary>The one size grammar of every LoadLab file (<c>64GiB</c>, <c>468GB</c>, <c>256KiB</c>); no <c>unit</c> key.</summary>
    Size,
}

/// <summary>
/// What a sourced number measures, and how a file writes it. The model computes in one unit per quantity
/// (<see cref="Canonical"/>). Durations and sizes are written in the one grammar every LoadLab file uses
/// (<c>value: 5m</c>, <c>value: 64TiB</c>); bandwidths and prices keep a <c>unit</c> key because the pages they come
/// from write them that way (AWS publishes network bandwidth in Gbps and EBS bandwidth in Mbps) and the loader
/// converts, so every value can be checked against its page as written.
/// </summary>
public sealed class Quantity
{
    private const double Mebi = 1 << 20;

    private readonly IReadOnlyList<(string Unit, double Factor)> _units;

    private Quantity(string name, QuantityGrammar grammar, double perCanonical, params (string Unit, double Factor)[] units)
    {
        Name = name;
        Grammar = grammar;
        PerCanonical = perCanonical;
        _units = units;
    }

    /// <summary>Bandwidth; canonical MiB/s. Gbps and Mbps are decimal bits (AWS's network and EBS figures).</summary>
    public static Quantity Bandwidth { get; } = new("bandwidth", QuantityGrammar.Number, 1,
        ("MiB/s", 1), ("MB/s", 1e6 / Mebi), ("Gbps", 1e9 / 8 / Mebi), ("Mbps", 1e6 / 8 / Mebi));

    /// <summary>Data size in the size grammar; canonical GiB.</summary>
    public static Quantity Size { get; } = SizeIn("GiB", 1L << 30);

    /// <summary>Time in the duration grammar; canonical seconds.</summary>
    public static Quantity Duration { get; } = DurationIn("seconds", 1);

    /// <summary>A plain number (count, fraction, ratio); no unit is written.</summary>
    public static Quantity Number { get; } = new("number", QuantityGrammar.Number, 1, ("", 1));

    /// <summary>A price or rate in exactly one unit, e.g. <c>USD/hour</c>: the model multiplies by it, so nothing is converted.</summary>
    public static Quantity Exactly(string unit) => new(unit, QuantityGrammar.Number, 1, (unit, 1));

    /// <summary>A size in the size grammar that the model computes in <paramref name="unit"/> (<paramref name="bytes"/> bytes each).</summary>
    public static Quantity SizeIn(string unit, double bytes) => new("size", QuantityGrammar.Size, bytes, (unit, 1));

    /// <summary>A duration in the duration grammar that the model computes in <paramref name="unit"/> (<paramref name="seconds"/> seconds each).</summary>
    public static Quantity DurationIn(string unit, double seconds) => new("duration", QuantityGrammar.Duration, seconds, (unit, 1));

    public string Name { get; }

    public QuantityGrammar Grammar { get; }

    /// <summary>Bytes (sizes) or seconds (durations) in one <see cref="Canonical"/> unit; 1 for numbers.</summary>
    public double PerCanonical { get; }

    /// <summary>The unit the model computes in.</summary>
    public string Canonical => _units[0].Unit;

    /// <summary>Units a file may write in the <c>unit</c> key, e.g. <c>MiB/s, MB/s, Gbps, Mbps</c>.</summary>
    public string Allowed => string.Join(", ", _units.Select(u => u.Unit));

    /// <summary>The value in <see cref="Canonical"/> units; null when <paramref name="unit"/> is not one of <see cref="Allowed"/>.</summary>
    public double? ToCanonical(double value, string unit)
    {
        foreach (var (name, factor) in _units)
        {
            if (string.Equals(name, unit, StringComparison.Ordinal))
            {
                return value * factor;
            }
        }

        return null;
    }

    public override string ToString() => Grammar == QuantityGrammar.Number
        ? string.Create(CultureInfo.InvariantCulture, $"{Name} ({Allowed})")
        : $"{Name} (in {Canonical})";
}
