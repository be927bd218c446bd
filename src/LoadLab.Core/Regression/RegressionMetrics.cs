using System.Globalization;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Regression;

/// <summary>Units and display of the metrics regression rules name (the SLO metric names).</summary>
public static class RegressionMetrics
{
    /// <summary>Audit counts: compared exactly, there is no noise to allow for in a lost message.</summary>
    public static IReadOnlyList<string> Counts { get; } = ["lost", "duplicated", "reordered"];

    public static bool IsCount(string metric) => Counts.Contains(metric);

    public static string Unit(string metric) => metric switch
    {
        "recovery" => "s",
        "rate.achieved" => "msg/s",
        _ when IsCount(metric) => "msg",
        _ => "ms",
    };

    /// <summary>A value with its unit, e.g. <c>12.3 ms</c>.</summary>
    public static string Format(string metric, double? value) =>
        value is not { } v ? "–"
        : double.IsInfinity(v) ? "∞"
        : $"{(IsCount(metric) ? v.ToString("0", CultureInfo.InvariantCulture) : Math.Abs(v) >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture))} {Unit(metric)}";

    /// <summary>A change as the rule measures it: <c>+12.3%</c> or <c>+4.1 ms</c>.</summary>
    public static string FormatChange(RegressionRule rule, double? change)
    {
        if (change is not { } c)
        {
            return "–";
        }

        if (double.IsInfinity(c))
        {
            return c > 0 ? "+∞" : "−∞";
        }

        var sign = c >= 0 ? "+" : "−";
        return rule.IsRelative
            ? $"{sign}{Math.Abs(c * 100).ToString("0.#", CultureInfo.InvariantCulture)}%"
            : $"{sign}{Format(rule.Metric, Math.Abs(c))}";
    }

    /// <summary>"p = 0.0123" or "p &lt; 0.0001".</summary>
    public static string PClause(double p) => p < 0.0001 ? "p < 0.0001" : $"p = {FormatP(p)}";

    /// <summary>A p-value with enough digits to tell 0.04 from 0.0004.</summary>
    public static string FormatP(double? p) =>
        p is not { } v ? "–" : v < 0.0001 ? "<0.0001" : v.ToString("0.####", CultureInfo.InvariantCulture);
}
