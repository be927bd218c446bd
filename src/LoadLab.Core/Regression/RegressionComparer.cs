using System.Globalization;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Regression;

/// <summary>
/// Compares current runs with baseline runs rule by rule. A rule regresses only when the change is both larger
/// than it allows and significant: the Mann–Whitney U test rejects "same distribution" at 1 − confidence and the
/// bootstrap confidence interval of the change of medians lies wholly on the worse side. Anything the noise
/// explains is "unchanged", however large its point estimate.
/// </summary>
public static class RegressionComparer
{
    /// <summary>Values needed on each side; with fewer, no two-sided rank test can reach p &lt; 0.05.</summary>
    public const int MinimumValues = 4;

    /// <summary>Consecutive seconds resampled together: a slow second tends to have slow neighbours.</summary>
    public const int SecondsPerBlock = 5;

    public static RegressionReport Compare(
        string scenario,
        string baselineName,
        IReadOnlyList<RunSample> baseline,
        IReadOnlyList<RunSample> current,
        RegressionSpec spec,
        IReadOnlyList<SloCase> slos)
    {
        // List patterns rather than ThrowIfZero(x.Count): Stryker's mutant of that Count does not compile, which made it
        // drop every mutant of this method from mutation testing.
        if (baseline is [])
        {
            throw new ArgumentOutOfRangeException(nameof(baseline), "A comparison needs at least one baseline run.");
        }

        if (current is [])
        {
            throw new ArgumentOutOfRangeException(nameof(current), "A comparison needs at least one current run.");
        }

        return new RegressionReport
        {
            Scenario = scenario,
            BaselineName = baselineName,
            BaselineRuns = [.. baseline.Select(r => r.RunId)],
            CurrentRuns = [.. current.Select(r => r.RunId)],
            Confidence = spec.Confidence,
            Rules = [.. spec.Rules.Select(rule => Judge(rule, baseline, current, spec.Confidence))],
            Slos = slos,
        };
    }

    public static RuleVerdict Judge(RegressionRule rule, IReadOnlyList<RunSample> baseline, IReadOnlyList<RunSample> current, double confidence) =>
        RegressionMetrics.IsCount(rule.Metric) ? JudgeCount(rule, baseline, current) : JudgeDistribution(rule, baseline, current, confidence);

    private static RuleVerdict JudgeCount(RegressionRule rule, IReadOnlyList<RunSample> baseline, IReadOnlyList<RunSample> current)
    {
        var before = Headlines(baseline, rule.Metric);
        var after = Headlines(current, rule.Metric);
        if (before.Count < baseline.Count || after.Count < current.Count)
        {
            return Insufficient(rule, ComparisonMethod.ExactCount, before, after, "not measured in every run (no delivery audit)");
        }

        // Strict both ways: the current worst run against the baseline's best, so a baseline run that happened to
        // duplicate messages does not license duplicates from now on.
        var higherIsWorse = rule.Worse == WorseDirection.Higher;
        var bestBefore = higherIsWorse ? before.Min() : before.Max();
        var worstAfter = higherIsWorse ? after.Max() : after.Min();
        var change = ChangeOf(rule, worstAfter, bestBefore);
        var worse = higherIsWorse ? change : -change;
        var verdict = worse > rule.MaxChange ? Verdict.Regressed : -worse > rule.MaxChange ? Verdict.Improved : Verdict.Unchanged;
        return new RuleVerdict
        {
            Rule = rule,
            Verdict = verdict,
            Method = ComparisonMethod.ExactCount,
            Baseline = bestBefore,
            Current = worstAfter,
            Change = change,
            BaselineValues = before.Count,
            CurrentValues = after.Count,
            Explanation = $"{rule.Metric}: baseline {RegressionMetrics.Format(rule.Metric, bestBefore)} (best run), current {RegressionMetrics.Format(rule.Metric, worstAfter)} " +
                $"(worst run; exact count): {RegressionMetrics.FormatChange(rule, change)}, allowed {rule.AllowedChange}.",
        };
    }

    private static RuleVerdict JudgeDistribution(RegressionRule rule, IReadOnlyList<RunSample> baseline, IReadOnlyList<RunSample> current, double confidence)
    {
        var perSecond = baseline.Concat(current).All(r => r.Intervals.TryGetValue(rule.Metric, out var values) && values.Count > 0);
        var method = perSecond ? ComparisonMethod.PerSecond : ComparisonMethod.PerRun;
        var before = perSecond ? Pooled(baseline, rule.Metric) : Headlines(baseline, rule.Metric);
        var after = perSecond ? Pooled(current, rule.Metric) : Headlines(current, rule.Metric);
        if (before.Count < MinimumValues || after.Count < MinimumValues)
        {
            var why = method == ComparisonMethod.PerRun
                ? $"{before.Count} baseline and {after.Count} current run value(s); {MinimumValues} per side are needed (save and check repeated runs)"
                : $"{before.Count} baseline and {after.Count} current per-second value(s); {MinimumValues} per side are needed";
            return Insufficient(rule, method, before, after, why);
        }

        var medianBefore = Statistics.Median(before);
        var medianAfter = Statistics.Median(after);
        var change = ChangeOf(rule, medianAfter, medianBefore);
        var (low, high) = Statistics.BootstrapInterval(
            perSecond ? PerRun(baseline, rule.Metric) : [before],
            perSecond ? PerRun(current, rule.Metric) : [after],
            (a, b) => ChangeOf(rule, a, b),
            confidence,
            perSecond ? SecondsPerBlock : 1,
            StableSeed(rule.Metric));
        var p = Statistics.MannWhitneyPValue(before, after);
        var significant = p < 1 - confidence;
        var higherIsWorse = rule.Worse == WorseDirection.Higher;
        var worse = higherIsWorse ? change : -change;
        var (worseLow, worseHigh) = higherIsWorse ? (low, high) : (-high, -low);
        var verdict =
            significant && worseLow > 0 && worse > rule.MaxChange ? Verdict.Regressed
            : significant && worseHigh < 0 && -worse > rule.MaxChange ? Verdict.Improved
            : Verdict.Unchanged;
        var level = (confidence * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var values = method == ComparisonMethod.PerSecond ? "per-second values" : "run values";
        return new RuleVerdict
        {
            Rule = rule,
            Verdict = verdict,
            Method = method,
            Baseline = medianBefore,
            Current = medianAfter,
            Change = change,
            ChangeLow = low,
            ChangeHigh = high,
            PValue = p,
            BaselineValues = before.Count,
            CurrentValues = after.Count,
            Explanation = $"{rule.Metric}: median {RegressionMetrics.Format(rule.Metric, medianBefore)} → {RegressionMetrics.Format(rule.Metric, medianAfter)} " +
                $"({RegressionMetrics.FormatChange(rule, change)}, {level}% CI {RegressionMetrics.FormatChange(rule, low)} … {RegressionMetrics.FormatChange(rule, high)}; " +
                $"Mann-Whitney {RegressionMetrics.PClause(p)}, {before.Count} vs {after.Count} {values}); allowed {rule.AllowedChange}" +
                (verdict == Verdict.Unchanged && worse > rule.MaxChange ? "; the change is within the noise." : "."),
        };
    }

    private static RuleVerdict Insufficient(RegressionRule rule, ComparisonMethod method, List<double> before, List<double> after, string why) => new()
    {
        Rule = rule,
        Verdict = Verdict.InsufficientData,
        Method = method,
        Baseline = before.Count > 0 ? Statistics.Median(before) : null,
        Current = after.Count > 0 ? Statistics.Median(after) : null,
        BaselineValues = before.Count,
        CurrentValues = after.Count,
        Explanation = $"{rule.Metric}: insufficient data: {why}.",
    };

    /// <summary>Relative: current/baseline − 1 (a rise from zero is infinite); absolute: current − baseline.</summary>
    private static double ChangeOf(RegressionRule rule, double current, double baseline) =>
        !rule.IsRelative ? current - baseline
        : baseline != 0 ? current / baseline - 1
        : current == 0 ? 0
        : current > 0 ? double.PositiveInfinity : double.NegativeInfinity;

    private static List<double> Headlines(IReadOnlyList<RunSample> runs, string metric) =>
        [.. runs.Where(r => r.Headline.ContainsKey(metric)).Select(r => r.Headline[metric])];

    private static List<IReadOnlyList<double>> PerRun(IReadOnlyList<RunSample> runs, string metric) =>
        [.. runs.Select(r => r.Intervals[metric])];

    private static List<double> Pooled(IReadOnlyList<RunSample> runs, string metric) =>
        [.. runs.SelectMany(r => r.Intervals[metric])];

    // string.GetHashCode is randomised per process; verdicts must be reproducible.
    private static int StableSeed(string metric) => metric.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
}
