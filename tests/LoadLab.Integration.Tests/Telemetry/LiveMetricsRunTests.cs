using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Environments.Embedded;
using LoadLab.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace LoadLab.Integration.Tests.Telemetry;

public sealed class LiveMetricsRunTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-live-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Run_ExportedThroughTheSdkAfterEveryInterval_ValuesAreThoseOfSeriesCsv()
    {
        var scenario = new Scenario
        {
            Name = "live",
            Warmup = TimeSpan.FromSeconds(1),
            Duration = TimeSpan.FromSeconds(5),
            DrainTimeout = TimeSpan.FromSeconds(10),
            Topics = [new TopicSpec("events", 3, 3)],
            Traffic =
            [
                new TrafficStream { Name = "a", Topic = "events", Rate = 300, Producers = 2, Payload = new PayloadSpec { Size = 128 } },
                new TrafficStream { Name = "b", Topic = "events", Rate = 100, Payload = new PayloadSpec { Size = 64 } },
            ],
            Consumers = [new ConsumerGroupSpec("g1", "events", 1, TimeSpan.Zero, new Dictionary<string, string>()), new ConsumerGroupSpec("g2", "events", 2, TimeSpan.Zero, new Dictionary<string, string>())],
        };
        var exported = new List<Metric>();
        var meterName = "LoadLab.Test." + Guid.NewGuid().ToString("N");
        using var provider = MetricsExport.Configure(Sdk.CreateMeterProviderBuilder(), meterName).AddInMemoryExporter(exported).Build();
        using var live = new LiveMetrics(new RunLabels("live-run", scenario.Name, "embedded"), meterName);
        // After the live metrics took each interval, export it as an OTLP reader would and keep what came out.
        var collections = new List<(int Elapsed, MetricPoints Points)>();
        var collector = RunObserver.OnInterval(interval =>
        {
            exported.Clear();
            provider.ForceFlush();
            collections.Add((interval.ElapsedSeconds, MetricPoints.From(exported)));
        });

        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), SessionOptions.For(scenario, "live-run"), CancellationToken.None);
        var summary = await session.RunAsync(
            new RunRequest { Scenario = scenario, RunId = "live-run", ResultsDirectory = _directory, Observers = [live, collector] },
            CancellationToken.None);

        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        var series = RunResults.Load(_directory).Series;
        Assert.Equal(series.Count, collections.Count);
        double sent = 0, acked = 0, consumed = 0;
        for (var row = 0; row < series.Count; row++)
        {
            var (elapsed, points) = collections[row];
            Assert.Equal(row + 1, elapsed);
            Assert.Equal(elapsed, points.Value("loadlab.run.elapsed"));
            sent += series.Column("sent")[row];
            acked += series.Column("acked")[row];
            consumed += series.Column("consumed")[row];
            Assert.Equal(sent, points.Where(p => p.Name == "loadlab.stream.messages.sent").Sum(p => p.Value));
            Assert.Equal(acked, points.Where(p => p.Name == "loadlab.stream.messages.acknowledged").Sum(p => p.Value));
            Assert.Equal(consumed, points.Where(p => p.Name == "loadlab.group.messages.consumed").Sum(p => p.Value));
            foreach (var group in new[] { "g1", "g2" })
            {
                Assert.Equal(series.Column(SeriesTable.LagMessagesColumn(group))[row], points.Value("loadlab.group.lag.messages", ("group", group)));
                Assert.Equal(series.Column(SeriesTable.LagSecondsColumn(group))[row], points.Value("loadlab.group.lag", ("group", group)), precision: 3);
            }

            var p99 = series.Column(SeriesTable.LatencyColumn("produce", "P99"))[row];
            if (!double.IsNaN(p99))
            {
                Assert.Equal(p99, points.Value("loadlab.latency", ("metric", "produce"), ("quantile", "0.99")) * 1000, precision: 9);
            }
        }

        // Stream a has three quarters of the traffic: its own counter, not a share of the total.
        var last = collections[^1].Points;
        Assert.Equal(summary.Partitions.Sum(p => p.Messages), last.Value("loadlab.stream.messages.acknowledged", ("stream", "a")) + last.Value("loadlab.stream.messages.acknowledged", ("stream", "b")));
        Assert.Equal(1800, last.Value("loadlab.stream.messages.target", ("stream", "a")), precision: 6);
        Assert.Equal(600, last.Value("loadlab.stream.messages.target", ("stream", "b")), precision: 6);
        Assert.Equal(1, last.Value("loadlab.run.phase", ("phase", "draining")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
