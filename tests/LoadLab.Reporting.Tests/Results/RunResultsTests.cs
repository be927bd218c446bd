using LoadLab.Core.Results;
using LoadLab.Reporting.Tests.Fixtures;

namespace LoadLab.Reporting.Tests.Results;

public sealed class RunResultsTests
{
    [Fact]
    public void Load_FixtureRun_ReadsEveryFile()
    {
        var run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));

        Assert.Equal("20261126-120000-broker-kill-runbook", run.Summary.RunId);
        Assert.Equal(FixtureRun.TotalSeconds, run.Series.Count);
        Assert.Equal(["fraud-scorer", "audit-archiver"], run.Series.Groups);
        Assert.Equal(FixtureRun.TotalSeconds * 3, run.Partitions!.Count);
        Assert.Equal(["endToEnd", "produce", "scheduleDelay", "service"], run.Histograms.Keys);
        Assert.Equal(FixtureRun.TotalSeconds, run.Histograms["produce"].Count);
        Assert.Equal(7, run.Events.Count);
        Assert.NotNull(run.ScenarioYaml);
        Assert.Equal(["Apache Kafka", "Redpanda", "AutoMQ"], run.Cost!.Platforms.Select(p => p.DisplayName));
        Assert.Equal(4, run.Cost.Platforms[0].Lines.Count);
        Assert.Equal("EBS bandwidth", run.Cost.Platforms[0].BindingLimit);
        Assert.Equal(6, run.Cost.Sensitivity.Count);
        Assert.Empty(run.Missing);
    }

    [Fact]
    public void Load_HlogIntervals_AreSecondsSinceRunStartInMicroseconds()
    {
        var run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));
        var produce = run.Histograms["produce"];

        Assert.Equal(Enumerable.Range(0, FixtureRun.TotalSeconds).Select(s => (double)s), produce.Select(i => i.StartSecond));
        Assert.All(produce, interval => Assert.Equal(1.0, interval.LengthSeconds));
        // Second 30 is steady state: a median of a few milliseconds, recorded in microseconds.
        Assert.InRange(produce[30].Histogram.GetValueAtPercentile(50), 1_000, 10_000);
    }

    [Fact]
    public void Load_FaultWindow_TakesRecoveryFromSummaryAndEndFromDuration()
    {
        var run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));

        var fault = Assert.Single(run.Faults);
        Assert.Equal("broker.kill broker 1", fault.Label);
        Assert.Equal(20, fault.Start);
        Assert.Equal(30, fault.End);
        Assert.Equal(14.2, fault.RecoverySeconds);
        Assert.Equal(2, fault.Groups.Count);
    }

    [Fact]
    public void Load_SummaryWithoutFaults_TakesWindowsFromEventMarkers()
    {
        var run = Copy("faults-from-events");
        var summaryPath = Path.Combine(run, "summary.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(summaryPath))!;
        json["faults"] = new System.Text.Json.Nodes.JsonArray();
        File.WriteAllText(summaryPath, json.ToJsonString());

        var fault = Assert.Single(RunResults.Load(run).Faults);

        Assert.Equal(20.003, fault.Start);
        Assert.Equal(30.004, fault.End);
        Assert.Null(fault.RecoverySeconds);
    }

    [Fact]
    public void Load_MissingFolder_NamesItAndSaysWhatToPass()
    {
        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(Path.Combine(AppContext.BaseDirectory, "no-such-run")));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("results/<run-id>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderWithoutSummary_SaysItIsNotAResultsFolder()
    {
        var run = Copy("no-summary");
        File.Delete(Path.Combine(run, "summary.json"));

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Contains("has no summary.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SummaryMissingRequiredProperty_NamesFileAndProperty()
    {
        var run = Copy("summary-no-runid");
        var summaryPath = Path.Combine(run, "summary.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(summaryPath))!.AsObject();
        json.Remove("runId");
        File.WriteAllText(summaryPath, json.ToJsonString());

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.StartsWith("summary.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("runId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedSummary_NamesFileAndLine()
    {
        var run = Copy("summary-truncated");
        var summaryPath = Path.Combine(run, "summary.json");
        var text = File.ReadAllText(summaryPath);
        File.WriteAllText(summaryPath, text[..(text.Length / 2)]);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Matches("^summary.json line [0-9]+", error.Message);
    }

    [Fact]
    public void Load_SeriesRowWithWrongFieldCount_NamesLine()
    {
        var run = Copy("series-short-row");
        var seriesPath = Path.Combine(run, "series.csv");
        var lines = File.ReadAllLines(seriesPath);
        lines[11] = lines[11][..lines[11].LastIndexOf(',')];
        File.WriteAllLines(seriesPath, lines);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.StartsWith("series.csv line 12:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeriesCellNotANumber_NamesLineAndColumn()
    {
        var run = Copy("series-bad-cell");
        var seriesPath = Path.Combine(run, "series.csv");
        var lines = File.ReadAllLines(seriesPath);
        var fields = lines[3].Split(',');
        fields[3] = "lots";
        lines[3] = string.Join(',', fields);
        File.WriteAllLines(seriesPath, lines);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Equal("series.csv line 4, column 'acked': 'lots' is not a number.", error.Message);
    }

    [Fact]
    public void Load_SeriesWithoutContractColumn_NamesIt()
    {
        var run = Copy("series-no-acked");
        var seriesPath = Path.Combine(run, "series.csv");
        var lines = File.ReadAllLines(seriesPath);
        lines[0] = lines[0].Replace(",acked,", ",ackd,", StringComparison.Ordinal);
        File.WriteAllLines(seriesPath, lines);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Contains("missing column(s) acked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptHlog_NamesFileAndInterval()
    {
        var run = Copy("hlog-corrupt");
        var hlogPath = Path.Combine(run, "histograms", "produce.hlog");
        var lines = File.ReadAllLines(hlogPath);
        lines[5] = lines[5][..(lines[5].LastIndexOf(',') + 1)] + "not-base64!";
        File.WriteAllLines(hlogPath, lines);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.StartsWith("histograms/produce.hlog: interval 3 cannot be decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EventLineNotJson_NamesLine()
    {
        var run = Copy("events-bad-line");
        File.AppendAllText(Path.Combine(run, "events.jsonl"), "{\"t\": 70, \"type\": \n");

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.StartsWith("events.jsonl line 8: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CostOfAnOlderSchema_SaysHowToRewriteIt()
    {
        var run = Copy("cost-old");
        File.WriteAllText(Path.Combine(run, "cost.json"), "{\"rows\": [{\"platform\": \"kafka\", \"lineItem\": \"compute\", \"monthlyUsd\": 1}]}");

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Contains("expected schemaVersion 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("loadlab cost <run folder>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CostLineWithANegativeAmount_NamesThePlatform()
    {
        var run = Copy("cost-negative");
        var path = Path.Combine(run, "cost.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"monthlyUsd\": 620.5", "\"monthlyUsd\": -620.5", StringComparison.Ordinal));

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(run));

        Assert.Contains("platforms[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_QuotedFieldWithComma_IsOneField()
    {
        var run = Copy("partitions-quoted");
        File.WriteAllText(Path.Combine(run, "partitions.csv"), "second,topic,partition,produced,bytes,lagMessages\n0,\"odd,topic\",0,5,50,1\n");

        var sample = Assert.Single(RunResults.Load(run).Partitions!);

        Assert.Equal("odd,topic", sample.Topic);
        Assert.Equal(5, sample.Produced);
    }

    private static string Copy(string name) => TestPaths.CopyOfFixture("broker-kill-embedded", $"results-{name}");
}
