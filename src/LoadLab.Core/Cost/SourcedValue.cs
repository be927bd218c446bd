namespace LoadLab.Core.Cost;

/// <summary>
/// A number taken from the outside world (a price, a broker throughput, a WAL size) together with where it came
/// from, so that every figure of an estimate can name its source.
/// </summary>
/// <param name="Value">The number, in <see cref="Unit"/>.</param>
/// <param name="Unit">Unit as written in the file (e.g. <c>USD/GB-month</c>); empty for plain counts.</param>
/// <param name="Source">URL or document the value was taken from, or <c>assumption: …</c> when it is a stated assumption.</param>
/// <param name="Date">When the value was read from its source.</param>
/// <param name="Note">Optional remark (conditions, how the value was derived).</param>
/// <param name="Path">Where the value is defined: file and key path.</param>
public sealed record SourcedValue(double Value, string Unit, string Source, DateOnly Date, string Note, string Path)
{
    /// <summary>A value stated in code by a caller (tests, options); its source says so.</summary>
    public static SourcedValue Given(double value, string unit, string source) =>
        new(value, unit, source, DateOnly.MinValue, "", "given");

    /// <summary>Short citation for tables: the source and, when known, the date.</summary>
    public string Citation => Date == DateOnly.MinValue ? Source : $"{Source} ({Date:yyyy-MM-dd})";
}
