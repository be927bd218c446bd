using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LoadLab.Cli.Tests.Metrics;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c> package) started for one test on a loopback port, scraping one
/// target every second, with its data in a temporary folder; killed and removed on dispose.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string RequireAllVariable = "LOADLAB_REQUIRE_ALL";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    /// <summary>The server's HTTP address (graph page, API).</summary>
    public Uri Address { get; }

    /// <summary>The executable, or null when Prometheus is not installed.</summary>
    public static string? Executable { get; } = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists);

    /// <summary>Skips the calling test when Prometheus is absent, unless LOADLAB_REQUIRE_ALL is set (then it fails).</summary>
    public static void SkipUnlessInstalled()
    {
        const string Reason = "Prometheus is not installed (apt-get install -y prometheus)";
        Skip.If(Executable is null && Environment.GetEnvironmentVariable(RequireAllVariable) is null, $"{Reason}; set {RequireAllVariable}=1 to make this a failure");
        Assert.True(Executable is not null, $"{RequireAllVariable} is set but {Reason}");
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (<c>host:port</c>) every second; returns when it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var directory = Directory.CreateTempSubdirectory("loadlab-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: loadlab
                static_configs:
                  - targets: ['{target}']
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--web.enable-lifecycle",
            "--storage.tsdb.retention.time=1h",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var ready = await server._http.GetAsync(new Uri(server.Address, "-/ready"));
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                server.Dispose();
                throw new InvalidOperationException($"Prometheus did not become ready on {server.Address} (exited: {process.HasExited}).");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Every raw sample of <paramref name="selector"/> (a series selector) in the last <paramref name="window"/>, per series.</summary>
    public async Task<IReadOnlyList<Series>> RawSamplesAsync(string selector, TimeSpan window)
    {
        var query = $"{selector}[{(int)Math.Ceiling(window.TotalSeconds)}s]";
        using var document = await QueryAsync("api/v1/query", ("query", query));
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(Series.FromMatrix)];
    }

    /// <summary>A range query (<c>query_range</c>) from <paramref name="start"/> to <paramref name="end"/> at one-second steps.</summary>
    public async Task<IReadOnlyList<Series>> RangeAsync(string query, DateTimeOffset start, DateTimeOffset end)
    {
        using var document = await QueryAsync(
            "api/v1/query_range",
            ("query", query),
            ("start", Seconds(start)),
            ("end", Seconds(end)),
            ("step", "1"));
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(Series.FromMatrix)];
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<JsonDocument> QueryAsync(string path, params (string Key, string Value)[] parameters)
    {
        using var content = new FormUrlEncodedContent(parameters.Select(p => KeyValuePair.Create(p.Key, p.Value)));
        using var response = await _http.PostAsync(new Uri(Address, path), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} {string.Join(" ", parameters)}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static string Seconds(DateTimeOffset time) => (time.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>One series: its labels and its (time, value) samples.</summary>
    public sealed record Series(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Time, double Value)> Samples)
    {
        public static Series FromMatrix(JsonElement element) => new(
            element.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
            [.. element.GetProperty("values").EnumerateArray().Select(v => (v[0].GetDouble(), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))]);
    }
}
