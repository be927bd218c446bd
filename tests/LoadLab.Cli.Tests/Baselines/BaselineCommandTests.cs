using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using LoadLab.Cli.Commands;
using LoadLab.Core.Regression;

namespace LoadLab.Cli.Tests.Baselines;

/// <summary>Save/check round trips on the reporting fixture run (65 s, broker kill), with its copies made slower or faster.</summary>
public sealed class BaselineCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-baseline-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private string Baselines => Path.Combine(_directory, "baselines");

    [Fact]
    public void Save_FixtureRun_StoresHeadlineAndPerSecondValuesOfTheMeasuredWindow()
    {
        var run = Fixture("base");

        var exitCode = Invoke("save", run, "--name", "nightly", "--dir", Baselines);

        Assert.True(exitCode == 0, _error.ToString());
        var baseline = Baseline.FromJson(File.ReadAllText(Path.Combine(Baselines, "nightly.json")), "nightly.json");
        var sample = Assert.Single(baseline.Runs);
        Assert.Equal(("nightly", "broker-kill-runbook", "embedded"), (baseline.Name, baseline.Scenario, baseline.Environment));
        Assert.Equal(60, sample.Intervals["produce.p99"].Count);
        Assert.Equal(60, sample.Intervals["rate.achieved"].Count);
        Assert.Equal(0, sample.Headline["lost"]);
        Assert.Equal(14.2, sample.Headline["recovery"]);
        Assert.True(new FileInfo(Path.Combine(Baselines, "nightly.json")).Length < 64 * 1024, "a baseline holds the metrics that matter, not the whole run");
    }

    [Fact]
    public void Check_SameRun_IsUnchangedAndExitsZero()
    {
        var baseline = SaveBaseline();
        var run = Fixture("same", passSlos: true);
        var json = Path.Combine(_directory, "out", "verdict.json");

        var exitCode = Invoke("check", run, "--baseline", baseline, "--json", json);

        Assert.True(exitCode == 0, _output + _error.ToString());
        using var verdict = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("unchanged", verdict.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public void Check_ThreeTimesSlowerProduce_IsRegressedExitsOneAndWritesTheFailure()
    {
        var baseline = SaveBaseline();
        var run = Fixture("slow", passSlos: true, produceFactor: 3);
        var junit = Path.Combine(_directory, "junit.xml");
        var markdown = Path.Combine(_directory, "summary.md");

        var exitCode = Invoke("check", run, "--baseline", baseline, "--junit", junit, "--markdown", markdown);

        Assert.Equal(1, exitCode);
        Assert.Contains("Verdict: regressed; FAILED", _output.ToString(), StringComparison.Ordinal);
        var failure = XDocument.Load(junit).Descendants("testcase").Single(c => c.Attribute("name")!.Value == "produce.p99 (allowed +15%)").Element("failure");
        Assert.NotNull(failure);
        Assert.StartsWith("regressed: baseline ", failure.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.Contains("| `produce.p99` | +15% |", File.ReadAllText(markdown), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ThreeTimesFasterProduce_IsImprovedAndExitsZero()
    {
        var baseline = SaveBaseline();
        var run = Fixture("fast", passSlos: true, produceFactor: 1 / 3.0);
        var json = Path.Combine(_directory, "verdict.json");

        var exitCode = Invoke("check", run, "--baseline", baseline, "--json", json);

        Assert.True(exitCode == 0, _output + _error.ToString());
        using var verdict = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("improved", verdict.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public void Check_FailedSloOfTheCurrentRun_ExitsOneEvenWhenNothingRegressed()
    {
        var baseline = SaveBaseline();
        var junit = Path.Combine(_directory, "junit.xml");

        var exitCode = Invoke("check", Fixture("slo"), "--baseline", baseline, "--junit", junit);

        Assert.Equal(1, exitCode);
        Assert.Contains("Verdict: unchanged; FAILED", _output.ToString(), StringComparison.Ordinal);
        Assert.Single(XDocument.Load(junit).Descendants("failure"), f => f.Attribute("type")!.Value == "slo");
    }

    [Fact]
    public void Check_RulesOfTheScenario_ReplaceTheDefaults()
    {
        var baseline = SaveBaseline();
        var scenario = Path.Combine(_directory, "lenient.yaml");
        File.WriteAllText(scenario, """
            version: 1
            name: broker-kill-runbook
            duration: 60s
            topics: [{name: inference-events, partitions: 6, replication-factor: 3}]
            traffic: [{name: predictions, topic: inference-events, rate: 2000}]
            regression:
              rules:
                - {metric: produce.p99, max-change: +400%}
            """);

        var exitCode = Invoke("check", Fixture("slow", passSlos: true, produceFactor: 3), "--baseline", baseline, "--scenario", scenario);

        Assert.True(exitCode == 0, _output + _error.ToString());
        Assert.Contains("allowed +400%", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RepeatedRunsOnBothSides_PoolTheirSeconds()
    {
        var exitCode = Invoke("save", Fixture("b1"), Fixture("b2"), "--name", "repeats", "--dir", Baselines);
        Assert.True(exitCode == 0, _error.ToString());
        var json = Path.Combine(_directory, "verdict.json");

        exitCode = Invoke("check", Fixture("c1", passSlos: true), Fixture("c2", passSlos: true), Fixture("c3", passSlos: true), "--baseline", "repeats", "--dir", Baselines, "--json", json);

        Assert.True(exitCode == 0, _output + _error.ToString());
        using var verdict = JsonDocument.Parse(File.ReadAllText(json));
        var produce = verdict.RootElement.GetProperty("rules").EnumerateArray().First(r => r.GetProperty("metric").GetString() == "produce.p99");
        Assert.Equal((120, 180), (produce.GetProperty("baselineValues").GetInt32(), produce.GetProperty("currentValues").GetInt32()));
    }

    [Fact]
    public void Check_MissingBaseline_ExitsTwoAndSaysHowToSaveOne()
    {
        var exitCode = Invoke("check", Fixture("run"), "--dir", Baselines);

        Assert.Equal(2, exitCode);
        Assert.Contains("loadlab baseline save <run-dir> --name broker-kill-runbook", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CorruptBaseline_ExitsTwoNamingTheFile()
    {
        Directory.CreateDirectory(Baselines);
        File.WriteAllText(Path.Combine(Baselines, "broken.json"), "{\"formatVersion\": 1, \"name\": ");

        var exitCode = Invoke("check", Fixture("run"), "--baseline", "broken", "--dir", Baselines);

        Assert.Equal(2, exitCode);
        Assert.Contains("broken.json", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_FolderThatIsNotARun_ExitsTwo()
    {
        Assert.Equal(2, Invoke("save", _directory, "--dir", Baselines));
        Assert.Contains("summary.json", _error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string SaveBaseline()
    {
        var exitCode = Invoke("save", Fixture("base"), "--name", "nightly", "--dir", Baselines);
        Assert.True(exitCode == 0, _error.ToString());
        _output.GetStringBuilder().Clear();
        return Path.Combine(Baselines, "nightly.json");
    }

    private int Invoke(params string[] arguments) =>
        BaselineCommand.Create().Parse(arguments).Invoke(new InvocationConfiguration { Output = _output, Error = _error });

    /// <summary>
    /// A copy of the fixture run without its scenario.yaml (written in an older key style; the default rules apply),
    /// optionally with every SLO passed and the produce latency columns scaled.
    /// </summary>
    private string Fixture(string name, bool passSlos = false, double produceFactor = 1)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "ReportFixtures", "broker-kill-embedded");
        var target = Path.Combine(_directory, name);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        File.Delete(Path.Combine(target, "scenario.yaml"));
        if (passSlos)
        {
            var summaryPath = Path.Combine(target, "summary.json");
            var summary = JsonNode.Parse(File.ReadAllText(summaryPath))!;
            foreach (var slo in summary["slo"]!.AsArray())
            {
                slo!["passed"] = true;
            }

            File.WriteAllText(summaryPath, summary.ToJsonString());
        }

        if (produceFactor != 1)
        {
            ScaleProduceColumns(Path.Combine(target, "series.csv"), produceFactor);
        }

        return target;
    }

    private static void ScaleProduceColumns(string path, double factor)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var produce = Enumerable.Range(0, header.Length).Where(i => header[i].StartsWith("produce", StringComparison.Ordinal)).ToHashSet();
        for (var l = 1; l < lines.Length; l++)
        {
            var cells = lines[l].Split(',');
            foreach (var i in produce.Where(i => cells[i].Length > 0))
            {
                cells[i] = (double.Parse(cells[i], CultureInfo.InvariantCulture) * factor).ToString("0.###", CultureInfo.InvariantCulture);
            }

            lines[l] = string.Join(',', cells);
        }

        File.WriteAllLines(path, lines);
    }
}
