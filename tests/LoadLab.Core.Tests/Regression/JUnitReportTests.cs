using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using LoadLab.Core.Regression;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using static LoadLab.Core.Tests.Regression.SyntheticRuns;

namespace LoadLab.Core.Tests.Regression;

public sealed class JUnitReportTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 20, 0, 0, TimeSpan.Zero);

    private static RegressionReport Report()
    {
        var spec = new RegressionSpec
        {
            Rules = [RegressionRule.Relative("produce.p99", 0.15), RegressionRule.Relative("e2e.p99", 0.15), RegressionRule.Relative("recovery", 0.2)],
        };
        var baseline = Run("base-1", "produce.p99", 10, 0.2, 60, 1, new Dictionary<string, double> { ["recovery"] = 5 });
        baseline = baseline with { Intervals = new Dictionary<string, IReadOnlyList<double>>(baseline.Intervals) { ["e2e.p99"] = LogNormal(20, 0.2, 60, 5) } };
        var current = Run("cur-1", "produce.p99", 30, 0.2, 60, 2, new Dictionary<string, double> { ["recovery"] = 6 });
        current = current with { Intervals = new Dictionary<string, IReadOnlyList<double>>(current.Intervals) { ["e2e.p99"] = LogNormal(20, 0.2, 60, 6) } };
        SloCase[] slos =
        [
            new("cur-1", new SloResult("steady produce p99", "steady", 100, 31.5, true, "lessOrEqual")),
            new("cur-1", new SloResult("nothing lost", "overall", 0, 2, false, "lessOrEqual")),
        ];
        return RegressionComparer.Compare("nightly", "nightly", [baseline], [current], spec, slos);
    }

    [Fact]
    public void ToXml_ParsesBackWithTheJUnitShape()
    {
        var document = XDocument.Parse(JUnitReport.ToXml(Report(), At));

        var root = document.Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal(["5", "2", "0", "1"], new[] { "tests", "failures", "errors", "skipped" }.Select(a => root.Attribute(a)?.Value));
        var suites = root.Elements("testsuite").ToList();
        Assert.Equal(["nightly.slo", "nightly.regression"], suites.Select(s => s.Attribute("name")?.Value));
        foreach (var suite in suites)
        {
            foreach (var attribute in new[] { "tests", "failures", "errors", "skipped" })
            {
                Assert.True(int.TryParse(suite.Attribute(attribute)?.Value, CultureInfo.InvariantCulture, out _), $"{suite.Attribute("name")} lacks {attribute}");
            }

            Assert.Equal("2026-11-26T20:00:00", suite.Attribute("timestamp")?.Value);
            var cases = suite.Elements("testcase").ToList();
            Assert.Equal(cases.Count, int.Parse(suite.Attribute("tests")!.Value, CultureInfo.InvariantCulture));
            Assert.Equal(cases.Count(c => c.Element("failure") is not null), int.Parse(suite.Attribute("failures")!.Value, CultureInfo.InvariantCulture));
            Assert.All(cases, c => Assert.All(new[] { "classname", "name", "time" }, a => Assert.NotNull(c.Attribute(a))));
            Assert.All(cases.Elements("failure"), f => Assert.All(new[] { "message", "type" }, a => Assert.False(string.IsNullOrEmpty(f.Attribute(a)?.Value))));
        }
    }

    [Fact]
    public void ToXml_FailuresCarryObservedVersusLimitAndBaselineVersusCurrentWithTheInterval()
    {
        var document = XDocument.Parse(JUnitReport.ToXml(Report(), At));
        var failures = document.Descendants("failure").ToDictionary(f => f.Parent!.Attribute("name")!.Value, f => f.Attribute("message")!.Value);

        Assert.Equal("observed 2, limit lessOrEqual 0 (phase overall, run cur-1)", failures["nothing lost"]);
        var regression = failures["produce.p99 (allowed +15%)"];
        Assert.StartsWith("regressed: baseline ", regression, StringComparison.Ordinal);
        Assert.Contains(" vs current ", regression, StringComparison.Ordinal);
        Assert.Contains("95% CI +", regression, StringComparison.Ordinal);
        Assert.Contains(", p ", regression, StringComparison.Ordinal);
        Assert.Equal("recovery (allowed +20%)", document.Descendants("skipped").Single().Parent!.Attribute("name")!.Value);
    }

    [Fact]
    public void Json_VerdictIsMachineReadable()
    {
        using var json = JsonDocument.Parse(VerdictDocuments.Json(Report()));

        Assert.Equal("regressed", json.RootElement.GetProperty("verdict").GetString());
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(["regressed", "unchanged", "insufficient data"], json.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("verdict").GetString()));
    }

    [Fact]
    public void Markdown_HasOneRowPerRuleAndPerSlo()
    {
        var markdown = VerdictDocuments.Markdown(Report());

        Assert.Contains("— FAILED", markdown, StringComparison.Ordinal);
        Assert.Contains("| `produce.p99` | +15% |", markdown, StringComparison.Ordinal);
        Assert.Contains("**regressed**", markdown, StringComparison.Ordinal);
        Assert.Contains("| nothing lost | cur-1 | overall |", markdown, StringComparison.Ordinal);
    }
}
