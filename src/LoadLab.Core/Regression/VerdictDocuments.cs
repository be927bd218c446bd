using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadLab.Core.Results;

namespace LoadLab.Core.Regression;

/// <summary>The Markdown summary (for <c>$GITHUB_STEP_SUMMARY</c>) and the machine-readable JSON verdict of a check.</summary>
public static class VerdictDocuments
{
    public static string Markdown(RegressionReport report)
    {
        var level = (report.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## LoadLab regression check: {report.Scenario} — {(report.Passed ? "passed" : "FAILED")}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Overall verdict: **{Names.Of(report.Overall)}** against baseline `{report.BaselineName}` ")
            .Append(CultureInfo.InvariantCulture, $"({report.BaselineRuns.Count} baseline run(s), {report.CurrentRuns.Count} current run(s); {level}% confidence).\n\n");
        text.Append("| rule | allowed | baseline | current | change | ").Append(level).Append("% CI | p | values | verdict |\n");
        text.Append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var rule in report.Rules)
        {
            var metric = rule.Rule.Metric;
            var ci = rule.ChangeLow is null ? "–" : $"{RegressionMetrics.FormatChange(rule.Rule, rule.ChangeLow)} … {RegressionMetrics.FormatChange(rule.Rule, rule.ChangeHigh)}";
            var verdict = rule.Verdict == Verdict.Regressed ? "**regressed**" : Names.Of(rule.Verdict);
            text.Append(CultureInfo.InvariantCulture,
                $"| `{metric}` | {rule.Rule.AllowedChange} | {RegressionMetrics.Format(metric, rule.Baseline)} | {RegressionMetrics.Format(metric, rule.Current)} | ")
                .Append(CultureInfo.InvariantCulture,
                $"{RegressionMetrics.FormatChange(rule.Rule, rule.Change)} | {ci} | {RegressionMetrics.FormatP(rule.PValue)} | {rule.BaselineValues} vs {rule.CurrentValues} {Names.Of(rule.Method)} | {verdict} |\n");
        }

        text.Append("\nBaseline and current are medians (per-second values of the measured window pooled over runs, or one value per run); ")
            .Append("a rule regresses only when its change exceeds the allowed change and is significant (Mann-Whitney U and a block-bootstrap confidence interval of the change of medians). ")
            .Append("Audit counts are compared exactly (worst current run against the best baseline run).\n");
        if (report.Slos.Count > 0)
        {
            text.Append("\n| SLO | run | phase | limit | observed | result |\n|---|---|---|---:|---:|---|\n");
            foreach (var slo in report.Slos)
            {
                var r = slo.Result;
                var observed = r.Observed is { } o ? o.ToString("0.###", CultureInfo.InvariantCulture) : "–";
                text.Append(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {slo.RunId} | {r.Phase} | {r.Comparison} {r.Limit.ToString("0.###", CultureInfo.InvariantCulture)} | {observed} | {(r.Passed ? "passed" : "**failed**")} |\n");
            }
        }

        return text.ToString();
    }

    public static string Json(RegressionReport report)
    {
        var document = new
        {
            verdict = Names.Of(report.Overall),
            passed = report.Passed,
            scenario = report.Scenario,
            baseline = report.BaselineName,
            baselineRuns = report.BaselineRuns,
            currentRuns = report.CurrentRuns,
            confidence = report.Confidence,
            rules = report.Rules.Select(r => new
            {
                metric = r.Rule.Metric,
                allowed = r.Rule.AllowedChange,
                verdict = Names.Of(r.Verdict),
                method = r.Method,
                unit = RegressionMetrics.Unit(r.Rule.Metric),
                baseline = Finite(r.Baseline),
                current = Finite(r.Current),
                change = Finite(r.Change),
                changeIsRelative = r.Rule.IsRelative,
                changeLow = Finite(r.ChangeLow),
                changeHigh = Finite(r.ChangeHigh),
                pValue = r.PValue,
                baselineValues = r.BaselineValues,
                currentValues = r.CurrentValues,
                explanation = r.Explanation,
            }),
            slos = report.Slos.Select(s => new
            {
                run = s.RunId,
                name = s.Result.Name,
                phase = s.Result.Phase,
                comparison = s.Result.Comparison,
                limit = s.Result.Limit,
                observed = s.Result.Observed,
                passed = s.Result.Passed,
            }),
        };
        return JsonSerializer.Serialize(document, ResultsJson.Indented) + "\n";
    }

    // JSON has no infinity; a rise from zero is written as null with the explanation saying so.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
