using System.Globalization;

namespace LoadLab.Core.Cost;

/// <summary>
/// What a sourced number measures, and the units a file may write it in. The model computes in one unit per
/// quantity (<see cref="Canonical"/>); a file writes the unit of its source (AWS publishes network bandwidth in
/// Gbps, EBS bandwidth in Mbps, volume sizes in TiB) and the loader converts, so every value can be checked
/// against its page as written.
/// </summary>
public sealed class Quantity
{
    private const double Mebi = 1 << 20;

    private readonly IReadOnlyList<(string Unit, double Factor)> _units;

    private Quantity(string name, params (string Unit, double Factor)[] units)
    {
        Name = name;
        _units = units;
    }

    /// <summary>Bandwidth; canonical MiB/s. Gbps and Mbps are decimal bits (AWS's network and EBS figures).</summary>
    public static Quantity Bandwidth { get; } = new("bandwidth",
        ("MiB/s", 1), ("MB/s", 1e6 / Mebi), ("Gbps", 1e9 / 8 / Mebi), ("Mbps", 1e6 / 8 / Mebi));

    /// <summary>Data size; canonical GiB. GB and TB are decimal (instance-store sizes), GiB and TiB binary (EBS limits).</summary>
    public static Quantity Size { get; } = new("size",
        ("GiB", 1), ("TiB", 1024), ("MiB", 1.0 / 1024), ("KiB", 1.0 / (1 << 20)), ("GB", 1e9 / (1 << 30)), ("TB", 1e12 / (1 << 30)));

    /// <summary>Time; canonical seconds.</summary>
    public static Quantity Duration { get; } = new("duration",
        ("seconds", 1), ("minutes", 60), ("hours", 3600), ("days", 86_400));

    /// <summary>A plain number (count, fraction, ratio); no unit is written.</summary>
    public static Quantity Number { get; } = new("number", ("", 1));

    /// <summary>A price or rate in exactly one unit, e.g. <c>USD/hour</c>: the model multiplies by it, so nothing is converted.</summary>
    public static Quantity Exactly(string unit) => new(unit, (unit, 1));

    public string Name { get; }

    /// <summary>The unit the model computes in.</summary>
    public string Canonical => _units[0].Unit;

    /// <summary>Units a file may write, e.g. <c>MiB/s, MB/s, Gbps, Mbps</c>.</summary>
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Allowed})");
}
