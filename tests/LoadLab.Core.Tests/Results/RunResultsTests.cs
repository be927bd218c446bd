using System.Text.Json;
using System.Text.Json.Nodes;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Results;

/// <summary>The reader of the results folder against what its writer writes, and against every kind of damage.</summary>
public sealed class RunResultsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-results-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Load_FolderWrittenByResultsWriter_ReadsBackEveryFile()
    {
        var written = WrittenRun.Write(_directory);

        var run = RunResults.Load(_directory);

        Assert.Equal(JsonSerializer.Serialize(written, ResultsJson.Indented), JsonSerializer.Serialize(run.Summary, ResultsJson.Indented));
        Assert.Equal(WrittenRun.Seconds, run.Series.Count);
        Assert.Equal([WrittenRun.Group], run.Series.Groups);
        Assert.Equal(WrittenRun.Seconds * 2, run.Partitions!.Count);
        Assert.Equal([RunEventTypes.RunStarted, RunEventTypes.FaultInjected, RunEventTypes.FaultReverted, RunEventTypes.RunEnded], run.Events.Select(e => e.Type));
        Assert.Equal(LatencyMetrics.All.Select(m => m.LogName()).Order(StringComparer.Ordinal), run.Histograms.Keys);
        Assert.Equal(WrittenRun.ScenarioYaml, run.ScenarioYaml);
        Assert.Null(run.Cost);
        Assert.Empty(run.Missing);
    }

    [Fact]
    public void Load_MeasuredHistogramsWrittenByResultsWriter_ReadBackWithTheirValuesAndWindow()
    {
        WrittenRun.Write(_directory);

        var run = RunResults.Load(_directory);

        Assert.Equal(LatencyMetrics.All.Select(m => m.LogName()).Order(StringComparer.Ordinal), run.MeasuredHistograms.Keys);
        var expected = LatencyRecorders.ToPercentiles(WrittenRun.Measured());
        Assert.All(run.MeasuredHistograms.Values, histogram => Assert.Equal(expected, LatencyRecorders.ToPercentiles(histogram)));
        var interval = Assert.Single(HistogramLog.Read(Path.Combine(_directory, RunFiles.MeasuredHistogram(LatencyMetric.Produce.LogName()))));
        Assert.Equal(((double)WrittenRun.WarmupSeconds, (double)WrittenRun.Seconds), (interval.StartSeconds, interval.EndSeconds));
    }

    [Fact]
    public void Load_IntervalLogs_AreWholeSecondsSinceTheRunStartInMicroseconds()
    {
        WrittenRun.Write(_directory);

        var produce = RunResults.Load(_directory).Histograms[LatencyMetric.Produce.LogName()];

        Assert.Equal(Enumerable.Range(0, WrittenRun.Seconds).Select(s => ((double)s, s + 1.0)), produce.Select(i => (i.StartSeconds, i.EndSeconds)));
        Assert.Equal(Enumerable.Range(0, WrittenRun.Seconds).Select(s => 100L + s), produce.Select(i => i.TotalCount));
        Assert.Equal(4_000, produce[3].ToHistogram().GetValueAtPercentile(50), 4_000 * 0.001);
    }

    [Fact]
    public void Load_FaultWindow_TakesRecoveryFromTheSummaryAndTheEndFromTheDuration()
    {
        WrittenRun.Write(_directory);

        var fault = Assert.Single(RunResults.Load(_directory).Faults);

        Assert.Equal("broker.kill broker 1", fault.Label);
        Assert.Equal(5.004, fault.Start);
        Assert.Equal(8.004, fault.End);
        Assert.Equal(4.5, fault.RecoverySeconds);
    }

    [Fact]
    public void Load_SummaryWithoutFaults_TakesWindowsFromTheEventMarkers()
    {
        WrittenRun.Write(_directory);
        EditSummary(json => json["faults"] = new JsonArray());

        var fault = Assert.Single(RunResults.Load(_directory).Faults);

        Assert.Equal(5.004, fault.Start);
        Assert.Equal(8.002, fault.End);
        Assert.Null(fault.RecoverySeconds);
    }

    [Fact]
    public void Load_CrashedRunWithoutOptionalFiles_SaysWhatTheReportLeavesOut()
    {
        WrittenRun.Write(_directory);
        File.Delete(Path.Combine(_directory, RunFiles.Partitions));
        File.Delete(Path.Combine(_directory, RunFiles.Scenario));
        Directory.Delete(Path.Combine(_directory, RunFiles.HistogramsFolder), recursive: true);

        var run = RunResults.Load(_directory);

        Assert.Null(run.Partitions);
        Assert.Null(run.ScenarioYaml);
        Assert.Empty(run.Histograms);
        Assert.Equal(3, run.Missing.Count);
    }

    [Fact]
    public void Load_MissingFolder_NamesItAndSaysWhatToPass()
    {
        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("results/<run-id>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderWithoutSummary_SaysItIsNotAResultsFolder()
    {
        WrittenRun.Write(_directory);
        File.Delete(Path.Combine(_directory, RunFiles.Summary));

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.Contains("has no summary.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SummaryMissingRequiredProperty_NamesFileAndProperty()
    {
        WrittenRun.Write(_directory);
        EditSummary(json => json.AsObject().Remove("runId"));

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.StartsWith("summary.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("runId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SummaryWithUnknownOutcome_NamesFileAndPath()
    {
        WrittenRun.Write(_directory);
        EditSummary(json => json["outcome"] = "exploded");

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.StartsWith("summary.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.outcome", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedSummary_NamesFileAndLine()
    {
        WrittenRun.Write(_directory);
        var path = Path.Combine(_directory, RunFiles.Summary);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length / 2)]);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.Matches("^summary.json line [0-9]+", error.Message);
    }

    [Fact]
    public void Load_SeriesRowWithWrongFieldCount_NamesLine()
    {
        WrittenRun.Write(_directory);
        EditLines(RunFiles.Series, lines => lines[5] = lines[5][..lines[5].LastIndexOf(',')]);

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.StartsWith("series.csv line 6:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeriesCellNotANumber_NamesLineAndColumn()
    {
        WrittenRun.Write(_directory);
        EditLines(RunFiles.Series, lines =>
        {
            var fields = lines[3].Split(',');
            fields[3] = "lots";
            lines[3] = string.Join(',', fields);
        });

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.Equal("series.csv line 4, column 'acked': 'lots' is not a number.", error.Message);
    }

    [Fact]
    public void Load_SeriesWithoutContractColumn_NamesIt()
    {
        WrittenRun.Write(_directory);
        EditLines(RunFiles.Series, lines => lines[0] = lines[0].Replace(",acked,", ",ackd,", StringComparison.Ordinal));

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.Contains("missing column(s) acked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptHlog_NamesFileAndInterval()
    {
        WrittenRun.Write(_directory);
        EditLines(RunFiles.Histogram(LatencyMetric.Produce), lines => lines[5] = lines[5][..(lines[5].LastIndexOf(',') + 1)] + "not-base64!");

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.StartsWith("histograms/produce.hlog: interval 3 cannot be decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EventLineNotJson_NamesLine()
    {
        WrittenRun.Write(_directory);
        File.AppendAllText(Path.Combine(_directory, RunFiles.Events), "{\"t\": 70, \"type\": \n");

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.StartsWith("events.jsonl line 5: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CostOfAnOlderSchema_SaysHowToRewriteIt()
    {
        WrittenRun.Write(_directory);
        File.WriteAllText(Path.Combine(_directory, RunFiles.Cost), "{\"rows\": [{\"platform\": \"kafka\", \"lineItem\": \"compute\", \"monthlyUsd\": 1}]}");

        var error = Assert.Throws<RunResultsException>(() => RunResults.Load(_directory));

        Assert.Contains("expected schemaVersion 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("loadlab cost <run folder>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PartitionsWithQuotedFieldHoldingAComma_ReadItAsOneField()
    {
        WrittenRun.Write(_directory);
        File.WriteAllText(Path.Combine(_directory, RunFiles.Partitions), "second,topic,partition,produced,bytes,lagMessages\n0,\"odd,topic\",0,5,50,1\n");

        var sample = Assert.Single(RunResults.Load(_directory).Partitions!);

        Assert.Equal("odd,topic", sample.Topic);
        Assert.Equal(5, sample.Produced);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void EditSummary(Action<JsonNode> edit)
    {
        var path = Path.Combine(_directory, RunFiles.Summary);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private void EditLines(string file, Action<string[]> edit)
    {
        var path = Path.Combine(_directory, file);
        var lines = File.ReadAllLines(path);
        edit(lines);
        File.WriteAllLines(path, lines);
    }
}
