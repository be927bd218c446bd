using System.Net;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace LoadLab.Telemetry;

/// <summary>Where live metrics go; both are off unless asked for.</summary>
/// <param name="PrometheusPort">Serve a Prometheus scrape endpoint (<c>/metrics</c>) on this port; null: none.</param>
/// <param name="PrometheusHost">The address the scrape endpoint listens on; loopback unless another is asked for.</param>
/// <param name="OtlpEndpoint">Push to this OTLP receiver (gRPC, e.g. <c>http://localhost:4317</c>; the <c>OTEL_EXPORTER_OTLP_*</c> variables set protocol and headers); null: none.</param>
public sealed record MetricsExportOptions(int? PrometheusPort = null, string PrometheusHost = "127.0.0.1", Uri? OtlpEndpoint = null)
{
    /// <summary>How often the OTLP exporter pushes: as often as the run closes an interval.</summary>
    public TimeSpan OtlpInterval { get; init; } = TimeSpan.FromSeconds(1);

    public bool Enabled => PrometheusPort is not null || OtlpEndpoint is not null;

    /// <summary>Whether the host asks for every interface (<c>0.0.0.0</c>, <c>::</c>, <c>*</c>, <c>+</c>).</summary>
    internal bool ListensEverywhere => PrometheusHost is "0.0.0.0" or "::" or "[::]" or "*" or "+";

    /// <summary>The scrape URL, when a scrape endpoint is asked for.</summary>
    public Uri? ScrapeUrl => PrometheusPort is { } port ? new Uri($"http://{(ListensEverywhere ? "0.0.0.0" : PrometheusHost)}:{port}/metrics") : null;
}

/// <summary>
/// The OpenTelemetry meter provider that carries <see cref="LiveMetrics"/> to Prometheus (a scrape endpoint served by
/// <c>OpenTelemetry.Exporter.Prometheus.HttpListener</c>) and to an OTLP receiver. One per process: runs come and go
/// (<c>--repeat</c>), each with its own <see cref="LiveMetrics"/> on the same meter name.
/// </summary>
public sealed class MetricsExport : IDisposable
{
    private readonly MeterProvider _provider;

    private MetricsExport(MeterProvider provider, MetricsExportOptions options)
    {
        _provider = provider;
        Options = options;
    }

    public MetricsExportOptions Options { get; }

    /// <summary>Starts the exporters asked for.</summary>
    /// <exception cref="MetricsExportException">The scrape endpoint cannot listen (the port is taken, the address is not local).</exception>
    public static MetricsExport Start(MetricsExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            throw new ArgumentException("Neither a Prometheus port nor an OTLP endpoint is set.", nameof(options));
        }

        var builder = Sdk.CreateMeterProviderBuilder();
        Configure(builder, LiveMetrics.MeterName);
        if (options.PrometheusPort is { } port)
        {
            builder.AddPrometheusHttpListener(listener =>
            {
                listener.Host = options.ListensEverywhere ? "localhost" : options.PrometheusHost;
                listener.Port = port;
                if (options.ListensEverywhere)
                {
                    // The exporter builds its prefix with UriBuilder, which takes no wildcard host; HttpListener does.
                    listener.ConfigureHttpListener = (_, http) =>
                    {
                        http.Prefixes.Clear();
                        http.Prefixes.Add($"http://*:{port}/");
                    };
                }
                listener.ScrapeEndpointPath = "/metrics";
                // Each scrape collects afresh: a cached response could be a second older than the scrape's time stamp.
                listener.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        }

        if (options.OtlpEndpoint is { } endpoint)
        {
            builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpInterval.TotalMilliseconds;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            });
        }

        try
        {
            return new MetricsExport(builder.Build(), options);
        }
        catch (InvalidOperationException e) when (e.InnerException is HttpListenerException listener)
        {
            throw new MetricsExportException($"cannot serve metrics on {options.ScrapeUrl}: {listener.Message.TrimEnd('.')}", e);
        }
    }

    /// <summary>What every provider of LoadLab's live metrics needs, whatever it exports to.</summary>
    internal static MeterProviderBuilder Configure(MeterProviderBuilder builder, string meterName) =>
        builder.ConfigureResource(resource => resource.AddService("loadlab", serviceVersion: typeof(MetricsExport).Assembly.GetName().Version?.ToString())).AddMeter(meterName);

    /// <summary>Collects once more so receivers get the final values, then stops the exporters.</summary>
    public void Dispose()
    {
        _provider.ForceFlush(5_000);
        _provider.Dispose();
    }
}

/// <summary>The live-metrics exporters could not start.</summary>
public sealed class MetricsExportException(string message, Exception inner) : Exception(message, inner);
