using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HdrHistogram;
using Json.Schema;
using LoadLab.Core.Measurement;
using LoadLab.Core.Omb;
using LoadLab.Core.Results;
using LoadLab.Core.Tests.Scenarios;

namespace LoadLab.Core.Tests.Omb;

public sealed class OmbExportTests : IDisposable
{
    private const int WarmupSeconds = 2;
    private const int MeasuredSeconds = 25;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-omb-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void FromRun_ResultsFolder_MakesTenSecondPeriodsOfTheMeasuredWindowFromSeriesAndHistograms()
    {
        WriteRun();

        var export = OmbExport.FromRun(RunResults.Load(_directory), workload: "1 topic / 1 partition / 1Kb", driver: "LoadLab test");

        var result = export.Result;
        Assert.Equal(("1 topic / 1 partition / 1Kb", "LoadLab test", 512L, 1, 4, 2, 3), (result.Workload, result.Driver, result.MessageSize, result.Topics, result.Partitions, result.ProducersPerTopic, result.ConsumersPerTopic));
        // Measured seconds 2..26: periods 2-11, 12-21 and the last 5 s, 22-26.
        int[][] periods = [[.. Enumerable.Range(2, 10)], [.. Enumerable.Range(12, 10)], [.. Enumerable.Range(22, 5)]];
        Assert.Equal(periods.Select(p => p.Sum(Acked) / (double)p.Length), result.PublishRate);
        Assert.Equal(periods.Select(p => p.Sum(Failed) / (double)p.Length), result.PublishErrorRate);
        Assert.Equal(periods.Select(p => p.Sum(Consumed) / (double)p.Length), result.ConsumeRate);
        Assert.Equal(periods.Select(p => LagA(p[^1]) + LagB(p[^1])), result.Backlog);
        for (var i = 0; i < periods.Length; i++)
        {
            var service = Histogram(periods[i], ServiceMicros);
            Assert.Equal(service.GetValueAtPercentile(99) / 1000.0, result.PublishLatency[i].P99);
            Assert.Equal(service.GetValueAtPercentile(50) / 1000.0, result.PublishLatency[i].P50);
            Assert.Equal(service.GetMaxValue() / 1000.0, result.PublishLatency[i].Max);
            Assert.Equal(service.GetMean() / 1000.0, result.PublishLatency[i].Avg, precision: 9);
            var delay = Histogram(periods[i], DelayMicros);
            Assert.Equal(delay.GetValueAtPercentile(99.9), result.PublishDelayLatency[i].P999);
            Assert.Equal(Histogram(periods[i], EndToEndMicros).GetValueAtPercentile(95) / 1000.0, result.EndToEndLatency[i].P95);
        }

        var measured = Enumerable.Range(WarmupSeconds, MeasuredSeconds).ToArray();
        var all = Histogram(measured, ServiceMicros);
        Assert.Equal(all.GetValueAtPercentile(99.99) / 1000.0, result.AggregatedPublishLatency.P9999);
        Assert.Equal(Histogram(measured, DelayMicros).GetValueAtPercentile(75), result.AggregatedPublishDelayLatency.P75);
        Assert.Equal(Histogram(measured, EndToEndMicros).GetMaxValue() / 1000.0, result.AggregatedEndToEndLatency.Max);
        // The quantile map climbs to 100 % and ends at the maximum, as HdrHistogram's percentile iteration does.
        var quantiles = result.AggregatedPublishLatencyQuantiles;
        Assert.True(quantiles.Count > 50);
        Assert.Equal(quantiles.Select(q => q.Key).Order(), quantiles.Select(q => q.Key));
        Assert.Equal((100.0, all.GetMaxValue() / 1000.0), (quantiles[^1].Key, quantiles[^1].Value));
        Assert.Contains(export.Notes, n => n.Contains("last period holds 5 s", StringComparison.Ordinal));
    }

    [Fact]
    public void Serialize_ExportedRun_MatchesTheSchemaWrittenFromOmbsTestResult()
    {
        WriteRun();
        var json = OmbResultJson.Serialize(OmbExport.FromRun(RunResults.Load(_directory)).Result);

        using var document = JsonDocument.Parse(json);
        var schema = JsonSchema.FromFile(SchemaPath);
        var evaluation = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(evaluation.IsValid, Errors(evaluation));
        // Java's long fields hold no fraction (4, not 4.0); its double fields are written as Java prints them.
        AssertIntegersWhereTheSchemaSaysLong(JsonNode.Parse(File.ReadAllText(SchemaPath))!, document.RootElement);
        Assert.Equal("scenario-x", document.RootElement.GetProperty("workload").GetString());
        Assert.Equal("LoadLab embedded", document.RootElement.GetProperty("driver").GetString());
        Assert.Contains("\"publishRate\" : [ ", json, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishedOmbResult_HasOnlyFieldsOfTheSchemaWithTheSameTypes()
    {
        // A result OMB wrote (Redpanda's published Kafka run) read with the same schema, its older subset of fields allowed.
        var schemaNode = JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();
        schemaNode.Remove("required");
        schemaNode.Remove("$id");
        var schema = JsonSchema.FromText(schemaNode.ToJsonString());
        using var published = JsonDocument.Parse(File.ReadAllText(OmbFixtures.PublishedResult));

        var evaluation = schema.Evaluate(published.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(evaluation.IsValid, Errors(evaluation));
        Assert.Equal(39, published.RootElement.EnumerateObject().Count());
        Assert.Equal(60, published.RootElement.GetProperty("publishRate").GetArrayLength());
    }

    [Fact]
    public void FromRun_RunEndedDuringWarmup_IsAResultsErrorNotAnEmptyFile()
    {
        WriteRun(measuredSecondsWritten: 0);

        var error = Assert.Throws<RunResultsException>(() => OmbExport.FromRun(RunResults.Load(_directory)));

        Assert.Contains("warm-up", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string SchemaPath => RepositoryFiles.PathOf(Path.Combine("schemas", "omb-result.schema.json"));

    private static long Acked(int second) => 100 * (second + 1);

    private static long Failed(int second) => second % 3;

    private static long Consumed(int second) => Acked(second) - 7;

    private static long LagA(int second) => second;

    private static long LagB(int second) => 2L * second;

    // Latencies that grow over the run, with a spread inside each second, so every period has other percentiles.
    private static IEnumerable<long> ServiceMicros(int second) => Enumerable.Range(0, 200).Select(i => 1_000L + (second * 700L) + (i * 37L));

    private static IEnumerable<long> DelayMicros(int second) => Enumerable.Range(0, 200).Select(i => 5L + (i % 50) + second);

    private static IEnumerable<long> EndToEndMicros(int second) => Enumerable.Range(0, 150).Select(i => 9_000L + (second * 1_300L) + (i * 211L));

    private static HistogramBase Histogram(IEnumerable<int> seconds, Func<int, IEnumerable<long>> values)
    {
        var histogram = LatencyRecorders.CreateHistogram();
        foreach (var value in seconds.SelectMany(values))
        {
            histogram.RecordValue(value);
        }

        return histogram;
    }

    private void WriteRun(int measuredSecondsWritten = MeasuredSeconds)
    {
        var startedAt = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
        using var writer = new ResultsWriter(_directory);
        writer.WriteScenario("""
            version: 1
            name: scenario-x
            duration: 25s
            warmup: 2s
            topics:
              - {name: t, partitions: 4, replication-factor: 3}
            traffic:
              - {name: s, topic: t, rate: 100, producers: 2}
            consumers:
              - {group: a, topic: t, instances: 3}
              - {group: b, topic: t, instances: 1}
            """);
        writer.BeginIntervals(startedAt);
        // A completed run has two seconds of drain after the load: in the files, outside the measured window.
        var lastSecond = WarmupSeconds + measuredSecondsWritten + (measuredSecondsWritten == MeasuredSeconds ? 2 : 0);
        for (var second = 0; second < lastSecond; second++)
        {
            writer.AppendInterval(LatencyMetric.Produce, Histogram([second], ServiceMicros), second);
            writer.AppendInterval(LatencyMetric.Service, Histogram([second], ServiceMicros), second);
            writer.AppendInterval(LatencyMetric.ScheduleDelay, Histogram([second], DelayMicros), second);
            writer.AppendInterval(LatencyMetric.EndToEnd, Histogram([second], EndToEndMicros), second);
            writer.AppendSeries(
                new SeriesRow
                {
                    Second = second,
                    TargetRate = 100,
                    Sent = Acked(second),
                    Acked = Acked(second),
                    Failed = Failed(second),
                    Consumed = Consumed(second),
                    QueueFull = 0,
                    AvgPayloadBytes = 512,
                    Latency = [null, null, null, null],
                    Lag = [(LagA(second), 0.1), (LagB(second), 0.2)],
                },
                ["a", "b"]);
        }

        var none = new Percentiles(0, 0, 0, 0, 0, 0, 0, 0);
        writer.WriteSummary(new RunSummary
        {
            RunId = "run-x",
            Scenario = "scenario-x",
            StartedAt = startedAt,
            Outcome = measuredSecondsWritten == MeasuredSeconds ? RunOutcome.Completed : RunOutcome.Interrupted,
            DurationSeconds = MeasuredSeconds,
            WarmupSeconds = WarmupSeconds,
            Environment = new EnvironmentSummary("embedded", new Dictionary<string, string>()),
            Produce = new ProduceSummary { Target = 0, Sent = 0, Acked = 0, Failed = 0 },
            Consume = new ConsumeSummary([
                new GroupSummary { Group = "a", Topic = "t", Consumed = 0, Instances = 3 },
                new GroupSummary { Group = "b", Topic = "t", Consumed = 0, Instances = 1 }]),
            LatencyMs = new LatencySummary(none, none, none, none),
            Rate = new RateSummary { Target = 100, Achieved = 100 },
            Payload = new PayloadSummary(512, 512, 512),
            Partitions = [.. Enumerable.Range(0, 4).Select(p => new PartitionSummary("t", p, 0, 0, 0))],
        });
    }

    private static void AssertIntegersWhereTheSchemaSaysLong(JsonNode schema, JsonElement result)
    {
        foreach (var property in schema["properties"]!.AsObject())
        {
            var value = result.GetProperty(property.Key);
            var declared = property.Value!;
            var itemType = (declared["items"] ?? declared["additionalProperties"])?["type"]?.GetValue<string>();
            var type = declared["type"]!.GetValue<string>();
            IEnumerable<JsonElement> values = type switch
            {
                "array" => value.EnumerateArray(),
                "object" => value.EnumerateObject().Select(p => p.Value),
                _ => [value],
            };
            var expected = type is "array" or "object" ? itemType : type;
            foreach (var element in values)
            {
                if (expected == "integer")
                {
                    Assert.True(element.TryGetInt64(out _), $"{property.Key}: {element.GetRawText()} is not a whole number");
                }
                else if (expected == "number")
                {
                    var text = element.GetRawText();
                    Assert.True(text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal), $"{property.Key}: {text} is not printed as a Java double");
                }
            }
        }
    }

    private static string Errors(EvaluationResults evaluation) =>
        string.Join("\n", (evaluation.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")));
}
