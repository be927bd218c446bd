using System.Globalization;
using System.Text.Json;
using LoadLab.Core.Results;
using Xunit.Abstractions;

namespace LoadLab.Cli.Tests.Metrics;

/// <summary>
/// A real Prometheus scrapes a real run (<c>loadlab run --metrics-port</c>, embedded cluster, a fault): what PromQL
/// returns must be what the run wrote to <c>series.csv</c> — counts exactly, percentiles within one HdrHistogram bucket —
/// and must show the fault's active window; every query of the Grafana dashboard must return data.
/// </summary>
public sealed class PrometheusRunTests(ITestOutputHelper output) : IDisposable
{
    private const string Scenario = """
        version: 1
        name: live-metrics
        warmup: 2s
        duration: 18s
        drain-timeout: 10s
        topics:
          - {name: events, partitions: 3, replication-factor: 3}
        traffic:
          - {name: predictions, topic: events, rate: 400, payload: {kind: fixed, size: 200}, producer: {acks: all, linger.ms: 5}}
          - {name: audits, topic: events, rate: 100, payload: {kind: fixed, size: 100}, producer: {acks: all, linger.ms: 5}}
        consumers:
          - {group: scorers, topic: events, instances: 1}
        faults:
          - {at: 8s, action: broker.slow, target: {broker: 1}, latency: 40ms, duration: 5s}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-prometheus-run-").FullName;

    [SkippableFact]
    public async Task Run_ScrapedByPrometheus_PromQlAgreesWithSeriesCsvAndShowsTheFaultWindow()
    {
        PrometheusServer.SkipUnlessInstalled();
        var metricsPort = PrometheusServer.FreePort();
        using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{metricsPort}");
        var scenario = Path.Combine(_directory, "live-metrics.yaml");
        await File.WriteAllTextAsync(scenario, Scenario);

        var run = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(3), "run", scenario, "--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture), "--out", _directory);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains($"Metrics: http://127.0.0.1:{metricsPort}/metrics", run.Output, StringComparison.Ordinal);
        var results = RunResults.Load(Directory.GetDirectories(_directory).Single());
        var runId = results.Summary.RunId;
        var series = results.Series;
        var selector = $"run_id=\"{runId}\"";
        var window = TimeSpan.FromMinutes(5);

        var elapsed = Single(await prometheus.RawSamplesAsync($"loadlab_run_elapsed_seconds{{{selector}}}", window)).Samples;
        Assert.True(elapsed.Count >= 15, $"Prometheus scraped {elapsed.Count} times");
        var scrapes = elapsed.ToDictionary(s => s.Time, s => (int)s.Value);

        // Counters: at every scrape, the value is series.csv's sum up to the second the scrape's elapsed gauge names.
        var table = new List<string> { "| series | scrapes compared | PromQL (last scrape) | series.csv | largest difference |", "|---|---|---|---|---|" };
        foreach (var (metric, column) in new[]
        {
            ("loadlab_stream_messages_sent_total", "sent"),
            ("loadlab_stream_messages_acknowledged_total", "acked"),
            ("loadlab_stream_messages_failed_total", "failed"),
            ("loadlab_group_messages_consumed_total", "consumed"),
            ("loadlab_stream_messages_target_total", "targetRate"),
        })
        {
            var summed = await SumBySampleTime(prometheus, metric, selector, window);
            var cumulative = Cumulative(series.Column(column));
            var compared = 0;
            var worst = 0.0;
            foreach (var (time, value) in summed)
            {
                var second = scrapes[time];
                var expected = cumulative[second];
                worst = Math.Max(worst, Math.Abs(value - expected));
                Assert.True(column == "targetRate" ? Math.Abs(value - expected) < 1e-6 : value == expected, $"{metric} at run second {second}: Prometheus {value}, series.csv {expected}");
                compared++;
            }

            var last = summed[^1];
            table.Add($"| `{metric}` | {compared} | {last.Value:0.###} | {cumulative[scrapes[last.Time]]:0.###} | {worst:0.###} |");
        }

        // Per-stream counters split the totals by stream, with each stream's own schedule.
        var sentByStream = await prometheus.RawSamplesAsync($"loadlab_stream_messages_target_total{{{selector}}}", window);
        Assert.Equal(["audits", "predictions"], sentByStream.Select(s => s.Labels["stream"]).Order());
        foreach (var stream in sentByStream)
        {
            // Constant rates for the 20 s of load (warm-up included), nothing due while the consumers drain.
            var rate = stream.Labels["stream"] == "predictions" ? 400 : 100;
            Assert.All(stream.Samples, s => Assert.Equal(rate * Math.Min(scrapes[s.Time], 20), s.Value, precision: 6));
        }

        // Gauges: lag exactly, percentiles within one HdrHistogram bucket (3 significant digits: 1/1024 of the value).
        var lag = Single(await prometheus.RawSamplesAsync($"loadlab_group_lag_messages{{{selector}}}", window)).Samples;
        Assert.All(lag, s => Assert.Equal(series.Column(SeriesTable.LagMessagesColumn("scorers"))[scrapes[s.Time] - 1], s.Value));
        table.Add($"| `loadlab_group_lag_messages` | {lag.Count} | {lag[^1].Value} | {series.Column(SeriesTable.LagMessagesColumn("scorers"))[scrapes[lag[^1].Time] - 1]} | 0 |");
        foreach (var (metric, prefix) in new[] { ("produce", "produce"), ("end_to_end", "e2e"), ("schedule_delay", "scheduleDelay"), ("service", "service") })
        {
            foreach (var (quantile, statistic) in new[] { ("0.5", "P50"), ("0.9", "P90"), ("0.99", "P99"), ("0.999", "P999"), ("1", "Max") })
            {
                var samples = Single(await prometheus.RawSamplesAsync($"loadlab_latency_seconds{{{selector},metric=\"{metric}\",quantile=\"{quantile}\"}}", window)).Samples;
                var column = series.Column(SeriesTable.LatencyColumn(prefix, statistic));
                var worst = 0.0;
                foreach (var (time, value) in samples)
                {
                    var expectedMs = column[scrapes[time] - 1];
                    var actualMs = value * 1000;
                    var bucket = Math.Max(0.001, expectedMs / 1024);
                    worst = Math.Max(worst, Math.Abs(actualMs - expectedMs));
                    Assert.True(Math.Abs(actualMs - expectedMs) <= bucket, $"{metric} {quantile} at run second {scrapes[time]}: Prometheus {actualMs} ms, series.csv {expectedMs} ms");
                }

                if (quantile is "0.99" or "1")
                {
                    table.Add($"| `loadlab_latency_seconds{{metric=\"{metric}\",quantile=\"{quantile}\"}}` (ms) | {samples.Count} | {samples[^1].Value * 1000:0.###} | {column[scrapes[samples[^1].Time] - 1]:0.###} | {worst:0.######} |");
                }
            }
        }

        // The fault's window: active from its observed injection until its observed revert, as events.jsonl has them.
        var injected = results.Events.Single(e => e.Type == RunEventTypes.FaultInjected).T;
        var reverted = results.Events.Single(e => e.Type == RunEventTypes.FaultReverted).T;
        var active = Single(await prometheus.RawSamplesAsync($"loadlab_fault_active{{{selector}}}", window));
        Assert.Equal(("broker.slow", "0"), (active.Labels["action"], active.Labels["fault"]));
        var on = active.Samples.Where(s => s.Value == 1).Select(s => scrapes[s.Time]).ToList();
        var off = active.Samples.Where(s => s.Value == 0).Select(s => scrapes[s.Time]).ToList();
        Assert.NotEmpty(on);
        Assert.NotEmpty(off);
        // The run clock of a scrape is the last closed second; a marker lands between two of them.
        Assert.All(on, second => Assert.InRange(second, Math.Floor(injected), Math.Ceiling(reverted) + 1));
        Assert.All(off, second => Assert.True(second >= Math.Floor(reverted), $"inactive at {second} s, before the revert at {reverted} s"));
        var range = await prometheus.RangeAsync($"max_over_time(loadlab_fault_active{{{selector}}}[1s])", DateTimeOffset.FromUnixTimeMilliseconds((long)(elapsed[0].Time * 1000)), DateTimeOffset.FromUnixTimeMilliseconds((long)(elapsed[^1].Time * 1000)));
        table.Add($"| fault window (`loadlab_fault_active` = 1) | {active.Samples.Count} | run seconds {on.Min()}–{on.Max()} | events.jsonl {injected:0.###}–{reverted:0.###} s | |");
        Assert.NotEmpty(Single(range).Samples);

        await AssertDashboardQueriesReturnData(prometheus, runId, elapsed[0].Time, elapsed[^1].Time);
        output.WriteLine($"run {runId}, {elapsed.Count} scrapes");
        table.ForEach(output.WriteLine);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task AssertDashboardQueriesReturnData(PrometheusServer prometheus, string runId, double from, double to)
    {
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFile(Path.Combine("environments", "dashboards", "loadlab.json"))));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(panel => panel.TryGetProperty("targets", out _))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(t => (Panel: panel.GetProperty("title").GetString()!, Expr: t.GetProperty("expr").GetString()!)))
            .Concat(dashboard.RootElement.GetProperty("annotations").GetProperty("list").EnumerateArray()
                .Where(a => a.TryGetProperty("expr", out _))
                .Select(a => (Panel: "annotation " + a.GetProperty("name").GetString()!, Expr: a.GetProperty("expr").GetString()!)))
            .ToList();
        Assert.True(queries.Count >= 15, $"{queries.Count} queries");
        foreach (var (panel, expr) in queries)
        {
            var query = expr.Replace("$run_id", runId, StringComparison.Ordinal).Replace("$segment", ".*", StringComparison.Ordinal).Replace("$__rate_interval", "4s", StringComparison.Ordinal);
            var result = await prometheus.RangeAsync(query, DateTimeOffset.FromUnixTimeMilliseconds((long)(from * 1000)), DateTimeOffset.FromUnixTimeMilliseconds((long)(to * 1000)));
            // No fault step failed in this run, so only that annotation may be empty.
            Assert.True(result.Count > 0 || panel == "annotation Failed fault steps", $"dashboard '{panel}': {query} returned nothing");
        }
    }

    private static async Task<List<(double Time, double Value)>> SumBySampleTime(PrometheusServer prometheus, string metric, string selector, TimeSpan window)
    {
        var all = await prometheus.RawSamplesAsync($"{metric}{{{selector}}}", window);
        Assert.NotEmpty(all);
        return [.. all.SelectMany(s => s.Samples).GroupBy(s => s.Time).OrderBy(g => g.Key).Select(g => (g.Key, g.Sum(s => s.Value)))];
    }

    /// <summary>Element n is the sum of the first n rows (run seconds 0 to n − 1).</summary>
    private static double[] Cumulative(IReadOnlyList<double> column)
    {
        var sums = new double[column.Count + 1];
        for (var i = 0; i < column.Count; i++)
        {
            sums[i + 1] = sums[i] + (double.IsNaN(column[i]) ? 0 : column[i]);
        }

        return sums;
    }

    private static PrometheusServer.Series Single(IReadOnlyList<PrometheusServer.Series> series) =>
        series.Count == 1 ? series[0] : throw new InvalidOperationException($"expected one series, got {series.Count}: {string.Join("; ", series.Select(s => string.Join(",", s.Labels)))}");

    private static string RepositoryFile(string relative)
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "LoadLab.sln")))
            {
                return Path.Combine(directory, relative);
            }
        }

        throw new InvalidOperationException($"No LoadLab.sln above {AppContext.BaseDirectory}.");
    }
}
