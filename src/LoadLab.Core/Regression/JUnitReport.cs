using System.Globalization;
using System.Xml.Linq;

namespace LoadLab.Core.Regression;

/// <summary>
/// JUnit XML in the shape CI systems read (<c>testsuites/testsuite/testcase</c> with <c>failure</c> and
/// <c>skipped</c>): one suite of SLO test cases (one per SLO of each current run) and one of regression rules.
/// A rule with insufficient data is skipped, never failed.
/// </summary>
public static class JUnitReport
{
    /// <summary>The document as UTF-8 XML text with its declaration.</summary>
    public static string ToXml(RegressionReport report, DateTimeOffset timestamp)
    {
        var document = Create(report, timestamp);
        return $"{document.Declaration}\n{document.Root}\n";
    }

    public static XDocument Create(RegressionReport report, DateTimeOffset timestamp)
    {
        var sloCases = report.Slos.Select(s => SloCase(s, report.CurrentRuns.Count > 1)).ToList();
        var ruleCases = report.Rules.Select(r => RuleCase(r, report)).ToList();
        var slos = Suite($"{report.Scenario}.slo", sloCases, timestamp);
        var rules = Suite($"{report.Scenario}.regression", ruleCases, timestamp);
        return new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                "testsuites",
                new XAttribute("name", $"loadlab {report.Scenario}"),
                new XAttribute("tests", sloCases.Count + ruleCases.Count),
                new XAttribute("failures", sloCases.Concat(ruleCases).Count(c => c.Element("failure") is not null)),
                new XAttribute("errors", 0),
                new XAttribute("skipped", sloCases.Concat(ruleCases).Count(c => c.Element("skipped") is not null)),
                new XAttribute("time", "0"),
                slos,
                rules));
    }

    private static XElement Suite(string name, List<XElement> cases, DateTimeOffset timestamp) => new(
        "testsuite",
        new XAttribute("name", name),
        new XAttribute("tests", cases.Count),
        new XAttribute("failures", cases.Count(c => c.Element("failure") is not null)),
        new XAttribute("errors", 0),
        new XAttribute("skipped", cases.Count(c => c.Element("skipped") is not null)),
        new XAttribute("time", "0"),
        new XAttribute("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
        cases);

    private static XElement SloCase(SloCase slo, bool nameRun)
    {
        var result = slo.Result;
        var name = nameRun ? $"{result.Name} [{slo.RunId}]" : result.Name;
        var testCase = new XElement("testcase", new XAttribute("classname", "loadlab.slo"), new XAttribute("name", name), new XAttribute("time", "0"));
        if (!result.Passed)
        {
            var observed = result.Observed is { } o ? o.ToString("0.###", CultureInfo.InvariantCulture) : "not measured";
            var message = $"observed {observed}, limit {result.Comparison} {result.Limit.ToString("0.###", CultureInfo.InvariantCulture)} (phase {result.Phase}, run {slo.RunId})";
            testCase.Add(new XElement("failure", new XAttribute("type", "slo"), new XAttribute("message", message), message));
        }

        return testCase;
    }

    private static XElement RuleCase(RuleVerdict verdict, RegressionReport report)
    {
        var testCase = new XElement(
            "testcase",
            new XAttribute("classname", "loadlab.regression"),
            new XAttribute("name", $"{verdict.Rule.Metric} (allowed {verdict.Rule.AllowedChange})"),
            new XAttribute("time", "0"));
        var detail = $"{verdict.Explanation}\nbaseline: {report.BaselineName} ({string.Join(", ", report.BaselineRuns)})\ncurrent: {string.Join(", ", report.CurrentRuns)}";
        switch (verdict.Verdict)
        {
            case Verdict.Regressed:
                var message = $"regressed: baseline {RegressionMetrics.Format(verdict.Rule.Metric, verdict.Baseline)} vs current {RegressionMetrics.Format(verdict.Rule.Metric, verdict.Current)} " +
                    $"({RegressionMetrics.FormatChange(verdict.Rule, verdict.Change)}" +
                    (verdict.ChangeLow is null ? "" : $", {(report.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture)}% CI {RegressionMetrics.FormatChange(verdict.Rule, verdict.ChangeLow)} … {RegressionMetrics.FormatChange(verdict.Rule, verdict.ChangeHigh)}") +
                    (verdict.PValue is { } p ? $", {RegressionMetrics.PClause(p)}" : "") +
                    $"), allowed {verdict.Rule.AllowedChange}";
                testCase.Add(new XElement("failure", new XAttribute("type", "regression"), new XAttribute("message", message), detail));
                break;
            case Verdict.InsufficientData:
                testCase.Add(new XElement("skipped", new XAttribute("message", verdict.Explanation)));
                break;
            default:
                testCase.Add(new XElement("system-out", $"{Names.Of(verdict.Verdict)}: {detail}"));
                break;
        }

        return testCase;
    }
}
