using System.Globalization;

namespace LoadLab.Reporting.Reports;

/// <summary>Number formatting shared by the HTML and Markdown reports (invariant culture, so output never depends on the machine).</summary>
internal static class Format
{
    public const string None = "—";

    public static string Ms(double value) => double.IsFinite(value) ? Significant(value) + " ms" : None;

    public static string Ms(double? value) => value is { } v ? Ms(v) : None;

    public static string Number(double value) => double.IsFinite(value) ? Significant(value) : None;

    /// <summary>A value that may be unknown: <see cref="None"/> when it is.</summary>
    public static string Number(double? value) => value is { } known ? Number(known) : None;

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double value) => value.ToString("N1", CultureInfo.InvariantCulture) + " msg/s";

    public static string Seconds(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) + " s" : None;

    /// <summary>Two decimals; a share too small to show is "&lt; 0.01 %", never a misleading "0 %".</summary>
    public static string Percent(double value) => value is > 0 and < 0.005
        ? "< 0.01 %"
        : value.ToString("0.##", CultureInfo.InvariantCulture) + " %";

    public static string Bytes(long value) => value switch
    {
        >= 1L << 30 => (value / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (value / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (value / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Usd(double value) => "$" + value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Three significant digits at most, as HdrHistogram measures them, with thousands separators.</summary>
    private static string Significant(double value) => Math.Abs(value) switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };
}
