using System.Text.Json;
using System.Xml.Linq;
using LoadLab.Core.Regression;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using static LoadLab.Core.Tests.Regression.SyntheticRuns;

namespace LoadLab.Core.Tests.Regression;

/// <summary>The verdict's outputs on reports whose every number is known: exact counts and hand-made verdicts.</summary>
public sealed class VerdictOutputTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 20, 0, 0, TimeSpan.FromHours(2));

    private static readonly RegressionRule Lost = RegressionRule.Absolute("lost", 0);
    private static readonly RegressionRule ProduceP99 = RegressionRule.Relative("produce.p99", 0.15);

    private static RuleVerdict Rule(RegressionRule rule, Verdict verdict, double? baseline = 10, double? current = 12, double? change = 0.2, double? low = null, double? high = null, double? p = null) => new()
    {
        Rule = rule,
        Verdict = verdict,
        Method = ComparisonMethod.PerSecond,
        Baseline = baseline,
        Current = current,
        Change = change,
        ChangeLow = low,
        ChangeHigh = high,
        PValue = p,
        BaselineValues = 60,
        CurrentValues = 60,
        Explanation = $"{rule.Metric} explained",
    };

    private static RegressionReport Report(IReadOnlyList<RuleVerdict> rules, IReadOnlyList<SloCase>? slos = null, IReadOnlyList<string>? current = null) => new()
    {
        Scenario = "nightly",
        BaselineName = "main",
        BaselineRuns = ["b1", "b2"],
        CurrentRuns = current ?? ["c1"],
        Confidence = 0.9,
        Rules = rules,
        Slos = slos ?? [],
    };

    [Fact]
    public void Overall_RegressedBeatsImprovedBeatsUnchangedBeatsInsufficient()
    {
        RuleVerdict Of(Verdict v) => Rule(ProduceP99, v);

        Assert.Equal(Verdict.Regressed, Report([Of(Verdict.Improved), Of(Verdict.Regressed)]).Overall);
        Assert.Equal(Verdict.Improved, Report([Of(Verdict.Unchanged), Of(Verdict.Improved)]).Overall);
        Assert.Equal(Verdict.Unchanged, Report([Of(Verdict.InsufficientData), Of(Verdict.Unchanged)]).Overall);
        Assert.Equal(Verdict.InsufficientData, Report([Of(Verdict.InsufficientData)]).Overall);
    }

    [Fact]
    public void Passed_ImprovedRulesButAFailedSlo_Fails()
    {
        SloCase[] slos = [new("c1", new SloResult("p99", "steady", 10, 5, true, "lessOrEqual")), new("c1", new SloResult("lost", "overall", 0, 1, false, "lessOrEqual"))];

        Assert.False(Report([Rule(ProduceP99, Verdict.Improved)], slos).Passed);
        Assert.True(Report([Rule(ProduceP99, Verdict.Improved)], slos[..1]).Passed);
    }

    [Fact]
    public void ToXml_RegressedCountWithoutIntervalOrPValue_FailsWithBaselineVersusCurrentAndTheRuns()
    {
        var report = Report([Rule(Lost, Verdict.Regressed, baseline: 0, current: 3, change: 3)]);

        var failure = XDocument.Parse(JUnitReport.ToXml(report, At)).Descendants("failure").Single();

        Assert.Equal(("regression", "regressed: baseline 0 msg vs current 3 msg (+3 msg), allowed +0"), (failure.Attribute("type")!.Value, failure.Attribute("message")!.Value));
        Assert.Equal("lost explained\nbaseline: main (b1, b2)\ncurrent: c1", failure.Value);
        Assert.Equal("lost (allowed +0)", failure.Parent!.Attribute("name")!.Value);
    }

    [Fact]
    public void ToXml_RegressedDistribution_StatesTheIntervalAtTheReportsConfidenceAndThePValue()
    {
        var report = Report([Rule(ProduceP99, Verdict.Regressed, baseline: 10, current: 15, change: 0.5, low: 0.31, high: 0.72, p: 0.0021)]);

        var failure = XDocument.Parse(JUnitReport.ToXml(report, At)).Descendants("failure").Single();

        Assert.Equal("regressed: baseline 10 ms vs current 15 ms (+50%, 90% CI +31% … +72%, p = 0.0021), allowed +15%", failure.Attribute("message")!.Value);
    }

    [Fact]
    public void ToXml_UnchangedAndImprovedRules_PassWithTheirVerdictInTheOutput()
    {
        var report = Report([Rule(ProduceP99, Verdict.Unchanged), Rule(Lost, Verdict.Improved)]);

        var cases = XDocument.Parse(JUnitReport.ToXml(report, At)).Descendants("testcase").ToList();

        Assert.Empty(cases.Elements("failure"));
        Assert.Empty(cases.Elements("skipped"));
        Assert.Equal(
            ["unchanged: produce.p99 explained\nbaseline: main (b1, b2)\ncurrent: c1", "improved: lost explained\nbaseline: main (b1, b2)\ncurrent: c1"],
            cases.Select(c => c.Element("system-out")!.Value));
        Assert.All(cases, c => Assert.Equal(("loadlab.regression", "0"), (c.Attribute("classname")!.Value, c.Attribute("time")!.Value)));
    }

    [Fact]
    public void Create_CountsPerSuiteAndInTotal()
    {
        SloCase[] slos =
        [
            new("c1", new SloResult("p99", "steady", 10, 5, true, "lessOrEqual")),
            new("c1", new SloResult("lost", "overall", 0, 1, false, "lessOrEqual")),
            new("c1", new SloResult("rate", "overall", 100, 90, false, "greaterOrEqual")),
        ];
        var report = Report(
            [Rule(ProduceP99, Verdict.Regressed), Rule(Lost, Verdict.InsufficientData), Rule(ProduceP99, Verdict.InsufficientData), Rule(Lost, Verdict.Unchanged)],
            slos);

        var root = JUnitReport.Create(report, At).Root!;

        string[] counts = ["tests", "failures", "errors", "skipped", "time"];
        Assert.Equal(["loadlab nightly", "7", "3", "0", "2", "0"], new[] { "name" }.Concat(counts).Select(a => root.Attribute(a)!.Value));
        var suites = root.Elements("testsuite").ToList();
        Assert.Equal(["nightly.slo", "3", "2", "0", "0", "0"], new[] { "name" }.Concat(counts).Select(a => suites[0].Attribute(a)!.Value));
        Assert.Equal(["nightly.regression", "4", "1", "0", "2", "0"], new[] { "name" }.Concat(counts).Select(a => suites[1].Attribute(a)!.Value));
        Assert.Equal("2026-11-26T18:00:00", suites[1].Attribute("timestamp")!.Value);
    }

    [Fact]
    public void Create_SloCases_NameTheRunOnlyWhenSeveralRunsAreChecked()
    {
        SloCase[] slos = [new("c1", new SloResult("p99", "steady", 10, null, false, "lessOrEqual"))];

        var one = JUnitReport.Create(Report([], slos), At).Descendants("testcase").Single();
        var two = JUnitReport.Create(Report([], slos, current: ["c1", "c2"]), At).Descendants("testcase").Single();

        Assert.Equal(("p99", "loadlab.slo", "0"), (one.Attribute("name")!.Value, one.Attribute("classname")!.Value, one.Attribute("time")!.Value));
        Assert.Equal("p99 [c1]", two.Attribute("name")!.Value);
        var failure = one.Element("failure")!;
        Assert.Equal(("slo", "observed not measured, limit lessOrEqual 10 (phase steady, run c1)"), (failure.Attribute("type")!.Value, failure.Attribute("message")!.Value));
        Assert.Equal(failure.Attribute("message")!.Value, failure.Value);
    }

    [Fact]
    public void ToXml_StartsWithTheUtf8DeclarationAndEndsWithANewline()
    {
        var xml = JUnitReport.ToXml(Report([]), At);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites ", xml, StringComparison.Ordinal);
        Assert.EndsWith("</testsuites>\n", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_KnownReport_HasItsHeaderRowsAndSloTable()
    {
        SloCase[] slos = [new("c1", new SloResult("p99", "steady", 10, 5.25, true, "lessOrEqual")), new("c1", new SloResult("lost", "overall", 0, null, false, "lessOrEqual"))];
        var report = Report(
            [Rule(ProduceP99, Verdict.Unchanged, baseline: 10, current: 11, change: 0.1, low: -0.05, high: 0.2, p: 0.2), Rule(Lost, Verdict.Regressed, baseline: 0, current: 2, change: 2) with { Method = ComparisonMethod.ExactCount, BaselineValues = 2, CurrentValues = 1 }],
            slos);

        var lines = VerdictDocuments.Markdown(report).Split('\n');

        Assert.Equal("## LoadLab regression check: nightly — FAILED", lines[0]);
        Assert.Equal("Overall verdict: **regressed** against baseline `main` (2 baseline run(s), 1 current run(s); 90% confidence).", lines[2]);
        Assert.Equal("| rule | allowed | baseline | current | change | 90% CI | p | values | verdict |", lines[4]);
        Assert.Equal("| `produce.p99` | +15% | 10 ms | 11 ms | +10% | −5% … +20% | 0.2 | 60 vs 60 per-second values | unchanged |", lines[6]);
        Assert.Equal("| `lost` | +0 | 0 msg | 2 msg | +2 msg | – | – | 2 vs 1 exact count | **regressed** |", lines[7]);
        Assert.Contains("| p99 | c1 | steady | lessOrEqual 10 | 5.25 | passed |", lines);
        Assert.Contains("| lost | c1 | overall | lessOrEqual 0 | – | **failed** |", lines);
    }

    [Fact]
    public void Markdown_PassingReportWithoutSlos_SaysPassedAndHasNoSloTable()
    {
        var markdown = VerdictDocuments.Markdown(Report([Rule(ProduceP99, Verdict.Unchanged)]));

        Assert.StartsWith("## LoadLab regression check: nightly — passed\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| SLO |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_InfiniteChange_IsNullWithTheUnitAndEveryField()
    {
        var report = Report([Rule(RegressionRule.Relative("recovery", 0.2), Verdict.Regressed, baseline: 0, current: 2.5, change: double.PositiveInfinity, low: double.PositiveInfinity, high: double.PositiveInfinity, p: 0.021)]);

        using var json = JsonDocument.Parse(VerdictDocuments.Json(report));
        var root = json.RootElement;
        var rule = root.GetProperty("rules")[0];

        Assert.Equal(("regressed", false, "nightly", "main", 0.9), (root.GetProperty("verdict").GetString(), root.GetProperty("passed").GetBoolean(), root.GetProperty("scenario").GetString(), root.GetProperty("baseline").GetString(), root.GetProperty("confidence").GetDouble()));
        Assert.Equal(("recovery", "+20%", "s", 0.0, 2.5, true, 0.021, 60), (rule.GetProperty("metric").GetString(), rule.GetProperty("allowed").GetString(), rule.GetProperty("unit").GetString(), rule.GetProperty("baseline").GetDouble(), rule.GetProperty("current").GetDouble(), rule.GetProperty("changeIsRelative").GetBoolean(), rule.GetProperty("pValue").GetDouble(), rule.GetProperty("currentValues").GetInt32()));
        Assert.All(new[] { "change", "changeLow", "changeHigh" }, name => Assert.Equal(JsonValueKind.Null, rule.GetProperty(name).ValueKind));
    }

    [Fact]
    public void Json_Slos_AreListedWithTheirRunAndResult()
    {
        SloCase[] slos = [new("c1", new SloResult("lost", "overall", 0, 1, false, "lessOrEqual"))];

        using var json = JsonDocument.Parse(VerdictDocuments.Json(Report([], slos)));
        var slo = json.RootElement.GetProperty("slos")[0];

        Assert.Equal(("c1", "lost", "overall", "lessOrEqual", 0.0, 1.0, false), (slo.GetProperty("run").GetString(), slo.GetProperty("name").GetString(), slo.GetProperty("phase").GetString(), slo.GetProperty("comparison").GetString(), slo.GetProperty("limit").GetDouble(), slo.GetProperty("observed").GetDouble(), slo.GetProperty("passed").GetBoolean()));
        Assert.Equal("insufficient data", json.RootElement.GetProperty("verdict").GetString());
    }
    [Fact]
    public void Markdown_FractionalConfidenceAndValues_KeepTheirDecimalsAndExplainTheMethodAboveTheSloTable()
    {
        SloCase[] slos = [new("c1", new SloResult("p99", "steady", 10.0004, 5.123456, true, "lessOrEqual"))];
        var report = Report([Rule(ProduceP99, Verdict.Unchanged)], slos) with { Confidence = 0.995 };

        var markdown = VerdictDocuments.Markdown(report);
        var lines = markdown.Split('\n');

        Assert.Contains("99.5% confidence", lines[2], StringComparison.Ordinal);
        Assert.Equal("| rule | allowed | baseline | current | change | 99.5% CI | p | values | verdict |", lines[4]);
        Assert.Contains("Baseline and current are medians (per-second values of the measured window pooled over runs, or one value per run); " +
            "a rule regresses only when its change exceeds the allowed change and is significant", markdown, StringComparison.Ordinal);
        Assert.Contains("Audit counts are compared exactly (worst current run against the best baseline run).", markdown, StringComparison.Ordinal);
        var sloHeader = Array.IndexOf(lines, "| SLO | run | phase | limit | observed | result |");
        Assert.True(sloHeader > 6, markdown);
        Assert.Equal("|---|---|---|---:|---:|---|", lines[sloHeader + 1]);
        Assert.Equal("| p99 | c1 | steady | lessOrEqual 10 | 5.123 | passed |", lines[sloHeader + 2]);
        Assert.EndsWith("\n", VerdictDocuments.Json(report), StringComparison.Ordinal);
    }

    [Fact]
    public void ToXml_FractionalConfidenceValuesAndSeveralCurrentRuns_KeepTheirDecimalsAndListEveryRun()
    {
        SloCase[] slos = [new("c1", new SloResult("p99", "steady", 10.0004, 12.345678, false, "lessOrEqual"))];
        var report = Report([Rule(ProduceP99, Verdict.Regressed, baseline: 10, current: 15, change: 0.5, low: 0.31, high: 0.72, p: 0.0021)], slos, current: ["c1", "c2"]) with { Confidence = 0.995 };

        var xml = XDocument.Parse(JUnitReport.ToXml(report, At));
        var failures = xml.Descendants("failure").ToList();

        Assert.Equal("observed 12.346, limit lessOrEqual 10 (phase steady, run c1)", failures.Single(f => f.Attribute("type")!.Value == "slo").Attribute("message")!.Value);
        var regression = failures.Single(f => f.Attribute("type")!.Value == "regression");
        Assert.Contains("99.5% CI +31% … +72%", regression.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.EndsWith("current: c1, c2", regression.Value, StringComparison.Ordinal);
    }
}
