using System.Net;
using System.Net.Sockets;
using LoadLab.Core.Faults;
using LoadLab.Core.Results;
using LoadLab.Engine.Running;
using LoadLab.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace LoadLab.Integration.Tests.Telemetry;

public sealed class LiveMetricsTests
{
    private static readonly RunLabels Labels = new("20261206-120000-x", "x", "embedded");

    [Fact]
    public void Collect_AfterIntervals_CountersAreCumulativeAndGaugesAreTheLastInterval()
    {
        using var harness = new InMemoryHarness();
        harness.Metrics.IntervalClosed(Interval(0, RunPhase.WarmUp, sent: 100, lag: 5, p99Ms: 4.5));
        harness.Metrics.IntervalClosed(Interval(1, RunPhase.Measuring, sent: 120, lag: 2, p99Ms: 7.25));

        var points = harness.Collect();

        Assert.Equal(220, points.Value("loadlab.stream.messages.sent", ("stream", "s")));
        Assert.Equal(218, points.Value("loadlab.stream.messages.acknowledged", ("stream", "s")));
        Assert.Equal(2, points.Value("loadlab.stream.messages.failed", ("stream", "s")));
        Assert.Equal(220.5, points.Value("loadlab.stream.messages.target", ("stream", "s")));
        Assert.Equal(216, points.Value("loadlab.group.messages.consumed", ("group", "g")));
        Assert.Equal(2, points.Value("loadlab.group.lag.messages", ("group", "g")));
        Assert.Equal(0.2, points.Value("loadlab.group.lag", ("group", "g")));
        Assert.Equal(0.00725, points.Value("loadlab.latency", ("metric", "produce"), ("quantile", "0.99")));
        Assert.Equal(0.009, points.Value("loadlab.latency", ("metric", "produce"), ("quantile", "1")));
        Assert.Equal(2, points.Value("loadlab.run.elapsed"));
        Assert.Equal(1, points.Value("loadlab.run.phase", ("phase", "measuring")));
        Assert.Equal(0, points.Value("loadlab.run.phase", ("phase", "warm-up")));
        // No end-to-end samples in the second: no series, as series.csv leaves the cell empty.
        Assert.DoesNotContain(points, p => p.Name == "loadlab.latency" && p.Tags["metric"] == "end_to_end");
        Assert.All(points, p => Assert.Equal(("20261206-120000-x", "x", "embedded", "0"), (p.Tags["run_id"], p.Tags["scenario"], p.Tags["environment"], p.Tags["segment"])));
    }

    [Fact]
    public void FaultMarked_InjectionThenRevert_ActiveIsOneBetweenThemAndStepsAreCounted()
    {
        using var harness = new InMemoryHarness();

        harness.Metrics.FaultMarked(Marker(FaultStep.Inject, FaultStepOutcome.Succeeded, "broker 2 (leader of t/0)"));
        var during = harness.Collect();
        harness.Metrics.FaultMarked(Marker(FaultStep.Revert, FaultStepOutcome.Succeeded, "broker 2"));
        var after = harness.Collect();

        (string, string)[] fault = [("fault", "0"), ("action", "broker.kill"), ("target", "broker 2 (leader of t/0)")];
        Assert.Equal(1, during.Value("loadlab.fault.active", fault));
        Assert.Equal(0, after.Value("loadlab.fault.active", fault));
        Assert.Equal(1, after.Value("loadlab.fault.steps", [.. fault, ("step", "inject"), ("outcome", "succeeded")]));
        Assert.Equal(1, after.Value("loadlab.fault.steps", [.. fault, ("step", "revert"), ("outcome", "succeeded")]));
    }

    [Fact]
    public void FaultMarked_FailedInjection_IsNeverActive()
    {
        using var harness = new InMemoryHarness();

        harness.Metrics.FaultMarked(Marker(FaultStep.Inject, FaultStepOutcome.Failed, "broker 9"));

        var points = harness.Collect();
        Assert.Equal(0, points.Value("loadlab.fault.active", ("action", "broker.kill")));
        Assert.Equal(1, points.Value("loadlab.fault.steps", ("outcome", "failed")));
    }

    [Fact]
    public async Task Collect_WhileIntervalsArePublished_EveryCollectionIsOfOneInterval()
    {
        using var harness = new InMemoryHarness();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var publisher = Task.Run(() =>
        {
            for (var second = 0; !stop.IsCancellationRequested; second++)
            {
                harness.Metrics.IntervalClosed(Interval(second, RunPhase.Measuring, sent: 10, lag: second, p99Ms: 1));
            }
        });

        var collections = 0;
        while (!stop.IsCancellationRequested)
        {
            var points = harness.Collect();
            var elapsed = points.Value("loadlab.run.elapsed");
            if (elapsed == 0)
            {
                continue;
            }

            // Interval n leaves 10·(n+1) sent, lag n and elapsed n+1: all of one collection must agree.
            Assert.Equal(elapsed * 10, points.Value("loadlab.stream.messages.sent", ("stream", "s")));
            Assert.Equal(elapsed - 1, points.Value("loadlab.group.lag.messages", ("group", "g")));
            collections++;
        }

        await publisher;
        Assert.True(collections > 10, $"only {collections} collections");
    }

    [Fact]
    public async Task PrometheusEndpoint_Scraped_ServesTheSeriesUnderPrometheusNames()
    {
        var port = FreePort();
        using var export = MetricsExport.Start(new MetricsExportOptions(PrometheusPort: port));
        using var metrics = new LiveMetrics(Labels);
        metrics.IntervalClosed(Interval(0, RunPhase.Measuring, sent: 100, lag: 5, p99Ms: 4.5));
        metrics.FaultMarked(Marker(FaultStep.Inject, FaultStepOutcome.Succeeded, "broker 2"));

        using var http = new HttpClient();
        var text = await http.GetStringAsync(export.Options.ScrapeUrl);

        Assert.Contains("loadlab_stream_messages_sent_total{", text, StringComparison.Ordinal);
        Assert.Contains("loadlab_group_lag_seconds{", text, StringComparison.Ordinal);
        Assert.Contains("loadlab_group_lag_messages{", text, StringComparison.Ordinal);
        Assert.Contains("loadlab_latency_seconds{", text, StringComparison.Ordinal);
        Assert.Contains("loadlab_fault_active{", text, StringComparison.Ordinal);
        Assert.Contains("loadlab_run_elapsed_seconds{", text, StringComparison.Ordinal);
        Assert.Contains("run_id=\"20261206-120000-x\"", text, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "loadlab-scrape-sample.txt"), text);
    }

    [Fact]
    public async Task PrometheusEndpoint_OnEveryInterface_AnswersOnLoopbackAndSaysWhere()
    {
        var port = FreePort();
        using var export = MetricsExport.Start(new MetricsExportOptions(PrometheusPort: port, PrometheusHost: "0.0.0.0"));
        using var metrics = new LiveMetrics(Labels);
        metrics.IntervalClosed(Interval(0, RunPhase.Measuring, sent: 7, lag: 0, p99Ms: 1));

        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));

        Assert.Equal(new Uri($"http://0.0.0.0:{port}/metrics"), export.Options.ScrapeUrl);
        Assert.Contains("loadlab_stream_messages_sent_total{", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_PortTaken_FailsWithTheAddressInTheMessage()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = Assert.Throws<MetricsExportException>(() => MetricsExport.Start(new MetricsExportOptions(PrometheusPort: port)));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static RunInterval Interval(int second, RunPhase phase, long sent, long lag, double p99Ms)
    {
        var produce = new Percentiles(sent, 1, 2, p99Ms, 8, 8.5, 9, 2);
        var row = new SeriesRow
        {
            Second = second,
            TargetRate = sent + 0.25,
            Sent = sent,
            Acked = sent - 1,
            Failed = 1,
            Consumed = sent - 2,
            QueueFull = 0,
            Latency = [produce, produce, produce, null],
            Lag = [(lag, lag / 10.0)],
        };
        return new RunInterval(row, ["g"], phase, 60)
        {
            Streams = [new StreamInterval("s", "t", sent + 0.25, sent, sent - 1, 1)],
            GroupDetails = [new GroupInterval("g", "t", sent - 2, lag, lag / 10.0)],
        };
    }

    private static FaultMarker Marker(FaultStep step, FaultStepOutcome outcome, string target) =>
        new(0, step, "broker.kill", target, 10, 10.2, outcome, "observed", 0.2);

    /// <summary>A provider with the in-memory exporter over its own meter, so tests in parallel never see each other's instruments.</summary>
    private sealed class InMemoryHarness : IDisposable
    {
        private readonly List<Metric> _exported = [];
        private readonly MeterProvider _provider;

        public InMemoryHarness()
        {
            var meterName = "LoadLab.Test." + Guid.NewGuid().ToString("N");
            _provider = MetricsExport.Configure(Sdk.CreateMeterProviderBuilder(), meterName).AddInMemoryExporter(_exported).Build();
            Metrics = new LiveMetrics(Labels, meterName);
        }

        public LiveMetrics Metrics { get; }

        public MetricPoints Collect()
        {
            _exported.Clear();
            _provider.ForceFlush();
            return MetricPoints.From(_exported);
        }

        public void Dispose()
        {
            Metrics.Dispose();
            _provider.Dispose();
        }
    }
}
