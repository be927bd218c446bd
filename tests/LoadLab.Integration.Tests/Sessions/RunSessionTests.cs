using System.Text.Json;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Environments;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Environments.Embedded;

namespace LoadLab.Integration.Tests.Sessions;

public sealed class RunSessionTests : IDisposable
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

        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), SessionOptions.For(scenario, "test"), CancellationToken.None);
        var summary = await session.RunAsync(new RunRequest { Scenario = scenario, RunId = "test", ResultsDirectory = _directory }, CancellationToken.None);

        Assert.Equal(RunOutcome.Completed, summary.Outcome);
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

        // The measured messages' histograms are what the summary describes, count for count and percentile for
        // percentile, whenever the messages completed; the per-second logs after the warm-up are not (they also hold
        // warm-up messages acknowledged or consumed after it, and end-to-end has them whenever consumers lag).
        var measured = RunResults.Load(_directory).MeasuredHistograms;
        foreach (var (metric, expected) in new[]
        {
            (LatencyMetric.Produce, summary.LatencyMs.Produce),
            (LatencyMetric.Service, summary.LatencyMs.Service),
            (LatencyMetric.ScheduleDelay, summary.LatencyMs.ScheduleDelay),
            (LatencyMetric.EndToEnd, summary.LatencyMs.EndToEnd),
        })
        {
            Assert.Equal(expected, LatencyRecorders.ToPercentiles(measured[metric.LogName()]));
        }
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

        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), SessionOptions.For(scenario, "test"), CancellationToken.None);
        var summary = await session.RunAsync(new RunRequest { Scenario = scenario, RunId = "test", ResultsDirectory = _directory }, CancellationToken.None);

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
        // Uncompressed batches add only Kafka's framing: a 61-byte header per batch and 8-10 bytes per record of 300 B
        // (length, attributes, timestamp and offset deltas, key and value lengths, header count). The run stamp is in
        // the opaque values, so no header is on the wire: the 29-byte `ll` header would add 33 bytes per record.
        Assert.Equal("none", wire.Compression);
        Assert.InRange(wire.BatchBytes, wire.MessageBytes + (wire.Messages * 8), wire.MessageBytes + (wire.Messages * 10) + (wire.Batches * 61));
        Assert.True(wire.RequestBytes > wire.BatchBytes, $"requests {wire.RequestBytes} B, batches {wire.BatchBytes} B");
        Assert.InRange(wire.ProduceRequests, 1, wire.Batches);
        var written = ResultsJson.ReadSummary(Path.Combine(_directory, "summary.json"));
        Assert.Equal(wire, written.Produce.Wire);
    }

    [Fact]
    public async Task StartAsync_FaultTheEnvironmentCannotPerform_RefusesWithTheFaultsLineBeforeTheEnvironmentStarts()
    {
        var scenario = Smoke("refused") with
        {
            SourcePath = "refused.yaml",
            Faults = [new FaultSpec { At = TimeSpan.FromSeconds(1), Action = FaultAction.NetworkPartition, Target = new BrokerTarget(1), Line = 14 }],
        };
        var provider = new RecordingProvider(new EmbeddedClusterProvider());

        var refused = await Assert.ThrowsAsync<UnsupportedFaultsException>(() => RunSession.StartAsync(provider, SessionOptions.For(scenario, "test"), CancellationToken.None));

        Assert.Equal(0, provider.Starts);
        Assert.Equal("embedded", refused.EnvironmentKind);
        var problem = Assert.Single(refused.Problems);
        Assert.StartsWith("refused.yaml: faults[0] (line 14): network.partition needs the NetworkDisconnect operation", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ScenarioWithFaultsTheSessionWasNotToldAbout_RefusesBeforeTheRunStarts()
    {
        var scenario = Smoke("late-faults");
        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), new SessionOptions { Id = "test", Topics = scenario.Topics }, CancellationToken.None);
        var withFault = scenario with
        {
            Faults = [new FaultSpec { At = TimeSpan.FromSeconds(1), Action = FaultAction.NetworkPartition, Target = new BrokerTarget(1) }],
        };

        await Assert.ThrowsAsync<UnsupportedFaultsException>(() => session.RunAsync(new RunRequest { Scenario = withFault, RunId = "test", ResultsDirectory = _directory }, CancellationToken.None));

        Assert.False(Directory.Exists(_directory), "a refused run must not write a results folder");
    }

    [Fact]
    public async Task RunAsync_FaultTheEnvironmentWasNotPreparedFor_IsRefusedBeforeTheRunStarts()
    {
        var scenario = Smoke("unannounced");
        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), new SessionOptions { Id = "test", Topics = scenario.Topics }, CancellationToken.None);
        var withFault = scenario with
        {
            Faults = [new FaultSpec { At = TimeSpan.FromSeconds(1), Action = FaultAction.BrokerSlow, Target = new BrokerTarget(1), Latency = TimeSpan.FromMilliseconds(50) }],
        };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync(new RunRequest { Scenario = withFault, RunId = "test", ResultsDirectory = _directory }, CancellationToken.None));

        Assert.Contains("not prepared for BrokerSlow", refused.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory), "a refused run must not write a results folder");
    }

    [Fact]
    public async Task RunAsync_TopicTheSessionDidNotPrepare_IsRefused()
    {
        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), SessionOptions.For(Smoke("one"), "test"), CancellationToken.None);
        var other = Smoke("other") with { Topics = [new TopicSpec("elsewhere", 1, 1)] };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync(new RunRequest { Scenario = other, RunId = "test", ResultsDirectory = _directory }, CancellationToken.None));

        Assert.Contains("elsewhere", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_TopicOnTheClusterHasOtherPartitionCount_FailsAndTearsTheEnvironmentDown()
    {
        var provider = new RecordingProvider(new EmbeddedClusterProvider(), topics => [.. topics.Select(t => t with { Partitions = t.Partitions + 1 })]);

        var failure = await Assert.ThrowsAsync<EnvironmentException>(() => RunSession.StartAsync(provider, SessionOptions.For(Smoke("partitions"), "test"), CancellationToken.None));

        Assert.Contains("topic events has 3 partitions on the cluster, but the scenario wants 2", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, provider.Disposals);
    }

    [Fact]
    public async Task RunAsync_ClusterThatRenamesTopics_RunsOnTheClustersNames()
    {
        var provider = new RecordingProvider(new EmbeddedClusterProvider(), topics => [.. topics.Select(t => t with { Name = "run-7-" + t.Name })], prefix: "run-7-");
        await using var session = await RunSession.StartAsync(provider, SessionOptions.For(Smoke("renamed"), "test"), CancellationToken.None);

        var summary = await session.RunAsync(new RunRequest { Scenario = Smoke("renamed"), RunId = "test", ResultsDirectory = _directory }, CancellationToken.None);

        Assert.Equal("run-7-events", session.TopicName("events"));
        Assert.All(summary.Partitions, p => Assert.Equal("run-7-events", p.Topic));
        Assert.Equal("run-7-events", Assert.Single(summary.Consume.Groups).Topic);
        Assert.Equal(summary.Produce.Acked, summary.Consume.Groups[0].Consumed);
    }

    private static Scenario Smoke(string name) => new()
    {
        Name = name,
        Duration = TimeSpan.FromSeconds(2),
        DrainTimeout = TimeSpan.FromSeconds(10),
        Topics = [new TopicSpec("events", 2, 1)],
        Traffic = [new TrafficStream { Name = "load", Topic = "events", Rate = 200, Payload = new PayloadSpec { Size = 100 } }],
        Consumers = [new ConsumerGroupSpec("readers", "events", 1, TimeSpan.Zero, new Dictionary<string, string>())],
    };

    /// <summary>
    /// A provider that records what the session asked of it, and optionally starts the cluster with other topics than
    /// asked (another partition count, prefixed names the cluster then reports through <see cref="ITopicNames"/>).
    /// </summary>
    private sealed class RecordingProvider(IClusterProvider inner, Func<IReadOnlyList<TopicSpec>, IReadOnlyList<TopicSpec>>? onCluster = null, string? prefix = null) : IClusterProvider
    {
        public int Starts { get; private set; }

        public int Disposals { get; private set; }

        public string Kind => inner.Kind;

        public FaultCapabilities FaultCapabilities => inner.FaultCapabilities;

        public async Task<ICluster> StartAsync(ClusterRequest request, CancellationToken cancellationToken)
        {
            Starts++;
            var cluster = await inner.StartAsync(request with { Topics = onCluster?.Invoke(request.Topics) ?? request.Topics }, cancellationToken);
            return new Cluster(cluster, prefix is null ? null : request.Topics.ToDictionary(t => t.Name, t => prefix + t.Name), () => Disposals++);
        }

        private sealed class Cluster(ICluster inner, IReadOnlyDictionary<string, string>? names, Action disposed) : ICluster, ITopicNames
        {
            public string Kind => inner.Kind;

            public string BootstrapServers => inner.BootstrapServers;

            public IReadOnlyDictionary<string, string> ClientDefaults => inner.ClientDefaults;

            public IReadOnlyList<BrokerInfo> Brokers => inner.Brokers;

            public IFaultOperations Faults => inner.Faults;

            public IReadOnlyDictionary<string, string> Description => inner.Description;

            public IReadOnlyDictionary<string, string> TopicNames => names ?? new Dictionary<string, string>();

            public ValueTask DisposeAsync()
            {
                disposed();
                return inner.DisposeAsync();
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
