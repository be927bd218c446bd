using System.Text.RegularExpressions;
using LoadLab.Reporting.Reports;

namespace LoadLab.Reporting.Tests.Reports;

public sealed partial class ReportTests
{
    [Fact]
    public void Generate_FixtureRun_WritesHtmlMarkdownAndEveryChart()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "report-files");

        var written = ReportGenerator.Generate(run).Select(path => Path.GetRelativePath(run, path).Replace('\\', '/')).ToList();

        Assert.Equal(
            ["report.html", "report.md", "charts/latency-produce.png", "charts/latency-e2e.png", "charts/rate.png", "charts/lag.png",
             "charts/latency-distribution.png", "charts/partitions-throughput.png", "charts/partitions-lag.png", "charts/cost.png", "charts/cost-sensitivity.png"],
            written);
        Assert.All(written, path => Assert.True(new FileInfo(Path.Combine(run, path)).Length > 0, path));
    }

    [Theory]
    [InlineData("broker-kill-embedded")]
    [InlineData("broker-kill-redpanda")]
    public void Markdown_FixtureRun_MatchesCommittedSnapshot(string fixture)
    {
        var run = TestPaths.CopyOfFixture(fixture, $"report-md-{fixture}");
        ReportGenerator.Generate(run);
        var markdown = File.ReadAllText(Path.Combine(run, ReportGenerator.MarkdownFile));

        AssertSnapshot($"{fixture}.report.md", markdown);
    }

    [Fact]
    public void Generate_Twice_GivesIdenticalBytes()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "report-stable");
        var first = ReportGenerator.Generate(run).ToDictionary(path => path, File.ReadAllBytes);

        var second = ReportGenerator.Generate(run);

        Assert.Equal(first.Keys, second);
        Assert.All(second, path => Assert.True(first[path].AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed between two generations"));
    }

    [Fact]
    public void Html_FixtureRun_IsSelfContained()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "report-self-contained");
        ReportGenerator.Generate(run);
        var html = File.ReadAllText(Path.Combine(run, ReportGenerator.HtmlFile));

        var sources = SourceAttribute().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(9, sources.Count); // every chart of the fixture, the cost breakdown and sensitivity included
        Assert.All(sources, source => Assert.StartsWith("data:image/png;base64,", source, StringComparison.Ordinal));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Html_FixtureRun_ShowsSloFaultAuditScenarioAndEnvironment()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "report-sections");
        ReportGenerator.Generate(run);
        var html = File.ReadAllText(Path.Combine(run, ReportGenerator.HtmlFile));

        Assert.Contains("<h2>SLOs</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Faults and recovery</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Delivery audit</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Environment as run</h2>", html, StringComparison.Ordinal);
        Assert.Contains("librdkafka mock cluster 2.16.0", html, StringComparison.Ordinal);
        Assert.Contains("action: broker.kill", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"bad\">FAIL</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_RunWithCapabilities_ShowTheEnvironmentCaveatsAndHowEachFaultWasVerified()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-redpanda", "report-capabilities");
        ReportGenerator.Generate(run);
        var html = File.ReadAllText(Path.Combine(run, ReportGenerator.HtmlFile));
        var markdown = File.ReadAllText(Path.Combine(run, ReportGenerator.MarkdownFile));

        Assert.Contains("<h2>Faults this environment can perform</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>caveat</td><td>--mode dev-container: no fsync", html, StringComparison.Ordinal);
        Assert.Contains("a request sent through the proxy to the broker takes at least the latency", html, StringComparison.Ordinal);
        Assert.Contains("client-side only: traffic between brokers does not pass LoadLab&#39;s proxy", html, StringComparison.Ordinal);
        Assert.Contains("> **Environment caveats:**\n> - --mode dev-container: no fsync", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_RunWithoutOptionalFiles_ListsWhatIsMissingAndStillRenders()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "report-minimal");
        File.Delete(Path.Combine(run, "partitions.csv"));
        File.Delete(Path.Combine(run, "scenario.yaml"));
        File.Delete(Path.Combine(run, "cost.json"));
        Directory.Delete(Path.Combine(run, "histograms"), recursive: true);

        var written = ReportGenerator.Generate(run);
        var html = File.ReadAllText(Path.Combine(run, ReportGenerator.HtmlFile));

        Assert.Equal(6, written.Count);
        Assert.Contains("partitions.csv: no per-partition heatmaps", html, StringComparison.Ordinal);
        Assert.Contains("scenario.yaml: the scenario as run is not shown", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_TwoFixtureRuns_MarksBestAndMatchesSnapshot()
    {
        var output = TestPaths.OutputDirectory("compare-files");
        string[] runs = [TestPaths.CopyOfFixture("broker-kill-embedded", "compare-a"), TestPaths.CopyOfFixture("broker-kill-redpanda", "compare-b")];

        var written = ComparisonReport.Generate(runs, output).Select(path => Path.GetRelativePath(output, path).Replace('\\', '/')).ToList();
        var markdown = File.ReadAllText(Path.Combine(output, ComparisonReport.MarkdownFile));

        Assert.Equal(
            ["comparison.html", "comparison.md", "charts/compare-latency-e2e.png", "charts/compare-latency-produce.png",
             "charts/compare-lag.png", "charts/compare-distribution-endToEnd.png"],
            written);
        Assert.Contains("| slowest recovery (s) | 14.2 | **9.8** ★ |", markdown, StringComparison.Ordinal);
        AssertSnapshot("comparison.md", markdown);
    }

    [Fact]
    public void Compare_OneRun_IsRejected()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "compare-one");

        var error = Assert.Throws<ArgumentException>(() => ComparisonReport.Generate([run], TestPaths.OutputDirectory("compare-one-out")));

        Assert.Contains("at least two run folders", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_Twice_GivesIdenticalBytes()
    {
        string[] runs = [TestPaths.CopyOfFixture("broker-kill-embedded", "compare-stable-a"), TestPaths.CopyOfFixture("broker-kill-redpanda", "compare-stable-b")];
        var output = TestPaths.OutputDirectory("compare-stable");
        var first = ComparisonReport.Generate(runs, output).ToDictionary(path => path, File.ReadAllBytes);

        var second = ComparisonReport.Generate(runs, output);

        Assert.All(second, path => Assert.True(first[path].AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed between two generations"));
    }

    /// <summary>Compares with <c>Expected/&lt;name&gt;</c>; with LOADLAB_UPDATE_SNAPSHOTS=1 rewrites it instead.</summary>
    private static void AssertSnapshot(string name, string actual)
    {
        if (TestPaths.UpdateSnapshots)
        {
            var source = Path.Combine(TestPaths.ProjectDirectory, "Expected", name);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual);
            return;
        }

        var expectedPath = Path.Combine(AppContext.BaseDirectory, "Expected", name);
        Assert.True(File.Exists(expectedPath), $"No snapshot Expected/{name}; run the tests with {TestPaths.UpdateSnapshotsVariable}=1 and review it.");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [GeneratedRegex("src=\"([^\"]*)\"")]
    private static partial Regex SourceAttribute();
}
