using LoadLab.Core.Environments;
using System.Text.Json;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Environments.Embedded;

namespace LoadLab.Integration.Tests.Running;

public sealed class RunEngineTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-engine-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RunAsync_ShortRunOnEmbeddedCluster_EveryAcknowledgedMessageIsConsumedAndCountsAgree()
    {
        var scenario = new Scenario
        {
            Name = "engine-smoke",
            Duration = TimeSpan.FromSeconds(4),
            Warmup = TimeSpan.FromSeconds(1),
            DrainTimeout = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("events", 4, 3)],
            Traffic =
            [
                new TrafficStream
                {
                    Name = "predictions",
                    Topic = "events",
                    Rate = 2_000,
                    Producers = 2,
                    Phases = [new SpikePhase(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2)],
                    Payload = new PayloadSpec { Size = 256 },
                    ProducerConfig = new Dictionary<string, string> { ["acks"] = "all", ["linger.ms"] = "5" },
                },
            ],
            Consumers = [new ConsumerGroupSpec("audit", "events", 2, TimeSpan.Zero, new Dictionary<string, string>())],
        };

        await using var cluster = await new EmbeddedClusterProvider().StartAsync(new ClusterRequest("test", scenario.Topics), CancellationToken.None);
        var summary = await RunEngine.RunAsync(
            new RunRequest { Scenario = scenario, Cluster = cluster, RunId = "test", ResultsDirectory = _directory },
            CancellationToken.None);

        Assert.Equal("completed", summary.Outcome);
        // 4 s at 2,000 msg/s plus one second at twice the rate.
        Assert.Equal(10_000, summary.Produce.Target);
        Assert.InRange(summary.Produce.Sent, 9_900, 10_000);
        Assert.Equal(summary.Produce.Sent, summary.Produce.Acked);
        Assert.Equal(0, summary.Produce.Failed);
        var group = Assert.Single(summary.Consume.Groups);
        var ackedInWholeRun = summary.Partitions.Sum(p => p.Messages);
        Assert.Equal(ackedInWholeRun, group.Consumed);
        Assert.Equal(0, group.FinalLagMessages);
        Assert.Equal(summary.Produce.Acked, summary.LatencyMs.Produce.Count);
        Assert.True(summary.LatencyMs.EndToEnd.P50 > 0);
        Assert.True(summary.LatencyMs.Produce.P99 >= summary.LatencyMs.Produce.P50);

        var written = ResultsJson.ReadSummary(Path.Combine(_directory, "summary.json"));
        Assert.Equal(summary.Produce.Acked, written.Produce.Acked);
        var series = File.ReadAllLines(Path.Combine(_directory, "series.csv"));
        Assert.StartsWith("second,targetRate,sent,acked", series[0], StringComparison.Ordinal);
        Assert.True(series.Length >= 6, $"expected a row per second, got {series.Length - 1}");
        Assert.Equal(ackedInWholeRun, series.Skip(1).Sum(line => long.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)));
        var hlog = File.ReadAllText(Path.Combine(_directory, "histograms", "produce.hlog"));
        Assert.StartsWith("#[Histogram log format version", hlog, StringComparison.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(_directory, "events.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("type", out _));
        }
    }

    [Fact]
    public async Task RunAsync_LibrdkafkaStatistics_CountTheSameMessagesAndBytesLoadLabSent()
    {
        var scenario = new Scenario
        {
            Name = "engine-wire",
            Duration = TimeSpan.FromSeconds(3),
            Warmup = TimeSpan.FromSeconds(1),
            DrainTimeout = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("events", 4, 1)],
            Traffic =
            [
                new TrafficStream
                {
                    Name = "predictions",
                    Topic = "events",
                    Rate = 1_000,
                    Producers = 2,
                    Payload = new PayloadSpec { Size = 300 },
                    Keys = new KeySpec { Distribution = KeyDistribution.None },
                    ProducerConfig = new Dictionary<string, string> { ["acks"] = "all", ["linger.ms"] = "5" },
                },
            ],
            Consumers = [new ConsumerGroupSpec("audit", "events", 1, TimeSpan.Zero, new Dictionary<string, string>())],
        };

        await using var cluster = await new EmbeddedClusterProvider().StartAsync(new ClusterRequest("test", scenario.Topics), CancellationToken.None);
        var summary = await RunEngine.RunAsync(
            new RunRequest { Scenario = scenario, Cluster = cluster, RunId = "test", ResultsDirectory = _directory },
            CancellationToken.None);

        var wire = summary.Produce.Wire;
        Assert.NotNull(wire);
        var ackedInWholeRun = summary.Partitions.Sum(p => p.Messages);
        var valueBytesAcked = summary.Partitions.Sum(p => p.Bytes);
        // Every message reached librdkafka's counters, and its message bytes (keys + values) are exactly the value
        // bytes LoadLab handed over and the group read back (no keys here).
        Assert.True(wire.Complete);
        Assert.Equal(summary.Partitions.Sum(p => p.Messages), wire.Messages);
        Assert.Equal(wire.ValueBytes, wire.MessageBytes);
        Assert.Equal(summary.Partitions.Sum(p => p.Bytes), wire.ValueBytes);
        Assert.Equal(wire.ValueBytes, Assert.Single(summary.Consume.Groups).Bytes);
        // Uncompressed batches carry the 29-byte header and record framing on top; requests add the protocol around them.
        Assert.Equal("none", wire.Compression);
        Assert.InRange(wire.BatchBytes, wire.MessageBytes + (wire.Messages * 29), wire.MessageBytes * 2);
        Assert.True(wire.RequestBytes > wire.BatchBytes, $"requests {wire.RequestBytes} B, batches {wire.BatchBytes} B");
        Assert.InRange(wire.ProduceRequests, 1, wire.Batches);
        var written = ResultsJson.ReadSummary(Path.Combine(_directory, "summary.json"));
        Assert.Equal(wire, written.Produce.Wire);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
