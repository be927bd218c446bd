using System.Globalization;

namespace LoadLab.Core.Cost;

/// <summary>
/// A number taken from the outside world (a price, an instance's bandwidth, a default) together with where it
/// came from, so that every figure of an estimate can name its source.
/// </summary>
/// <param name="Value">The number in <see cref="Unit"/> (the quantity's canonical unit; the file may have written another).</param>
/// <param name="Unit">Canonical unit, e.g. <c>MiB/s</c>, <c>GiB</c>, <c>seconds</c>, <c>USD/hour</c>; empty for plain numbers.</param>
/// <param name="Source">URL or document the value was taken from, or <c>assumption: …</c> for a stated judgement.</param>
/// <param name="Date">When the value was read from its source.</param>
/// <param name="Note">Optional remark (conditions, how it was derived, what could not be confirmed).</param>
/// <param name="Path">Where the value is defined: file, line and YAML path.</param>
/// <param name="Written">The value as the file wrote it (e.g. <c>0.781 Gbps</c>), for checking it against its page.</param>
/// <param name="Confirmed">False when the file says the value could not be confirmed on its source page.</param>
public sealed record SourcedValue(double Value, string Unit, string Source, DateOnly Date, string Note, string Path, string Written = "", bool Confirmed = true)
{
    /// <summary>A value stated in code (tests, command-line options); its source says so.</summary>
    public static SourcedValue Given(double value, string unit, string source) =>
        new(value, unit, source, DateOnly.MinValue, "", "given", value.ToString("0.######", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : ""));

    /// <summary>This value scaled by <paramref name="factor"/> (sensitivity analysis), citing the original.</summary>
    public SourcedValue Scaled(double factor) => this with { Value = Value * factor, Note = $"{Note} (×{factor.ToString("0.##", CultureInfo.InvariantCulture)})".Trim() };

    /// <summary>Short citation for tables: the source, when known the date, and an "unconfirmed" mark.</summary>
    public string Citation =>
        (Date == DateOnly.MinValue ? Source : $"{Source} ({Date:yyyy-MM-dd})") + (Confirmed ? "" : " [unconfirmed]");
}
