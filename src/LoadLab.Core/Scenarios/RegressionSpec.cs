namespace LoadLab.Core.Scenarios;

/// <summary>
/// How <c>loadlab baseline check</c> decides that a run regressed against its baseline (the scenario's
/// <c>regression:</c> block, or <see cref="Default"/> when the block is absent).
/// </summary>
public sealed record RegressionSpec
{
    /// <summary>Default confidence level of a verdict (two-sided test at 1 − confidence).</summary>
    public const double DefaultConfidence = 0.95;

    /// <summary>Confidence level in (0.5, 1): a change counts only when it is significant at 1 − confidence.</summary>
    public double Confidence { get; init; } = DefaultConfidence;

    public required IReadOnlyList<RegressionRule> Rules { get; init; }

    /// <summary>
    /// The rules of a scenario without a <c>regression:</c> block: produce and end-to-end p99 and p99.9 may get
    /// 15 % worse, the achieved rate 2 % lower, recovery 20 % longer; lost and duplicated messages may not increase.
    /// </summary>
    public static RegressionSpec Default { get; } = new()
    {
        Rules =
        [
            RegressionRule.Relative("produce.p99", 0.15),
            RegressionRule.Relative("produce.p999", 0.15),
            RegressionRule.Relative("e2e.p99", 0.15),
            RegressionRule.Relative("e2e.p999", 0.15),
            RegressionRule.Relative("rate.achieved", 0.02),
            RegressionRule.Relative("recovery", 0.20),
            RegressionRule.Absolute("lost", 0),
            RegressionRule.Absolute("duplicated", 0),
        ],
    };
}

/// <summary>Which way a metric gets worse.</summary>
public enum WorseDirection
{
    /// <summary>Latencies, recovery time, lost/duplicated/reordered messages.</summary>
    Higher,
    /// <summary>Throughput (<c>rate.achieved</c>).</summary>
    Lower,
}

/// <summary>
/// One regression rule: <see cref="Metric"/> (an SLO metric name) may change by at most <see cref="MaxChange"/> in
/// the <see cref="Worse"/> direction — a fraction of the baseline when <see cref="IsRelative"/> (0.15 = 15 %),
/// otherwise in the metric's unit.
/// </summary>
public sealed record RegressionRule(string Metric, double MaxChange, bool IsRelative, WorseDirection Worse)
{
    /// <summary>A relative rule in the metric's natural direction.</summary>
    public static RegressionRule Relative(string metric, double fraction) => new(metric, fraction, true, NaturalDirection(metric));

    /// <summary>An absolute rule in the metric's natural direction.</summary>
    public static RegressionRule Absolute(string metric, double amount) => new(metric, amount, false, NaturalDirection(metric));

    /// <summary>Throughput is worse when lower; every other metric when higher.</summary>
    public static WorseDirection NaturalDirection(string metric) => metric == "rate.achieved" ? WorseDirection.Lower : WorseDirection.Higher;

    /// <summary>The allowed change as written in YAML, e.g. <c>+15%</c>, <c>-2%</c>, <c>+0</c>.</summary>
    public string AllowedChange
    {
        get
        {
            var sign = Worse == WorseDirection.Higher ? "+" : "-";
            var amount = IsRelative ? MaxChange * 100 : MaxChange;
            return $"{sign}{amount.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}{(IsRelative ? "%" : "")}";
        }
    }
}
