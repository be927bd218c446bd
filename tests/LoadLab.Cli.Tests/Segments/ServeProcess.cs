using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace LoadLab.Cli.Tests.Segments;

/// <summary>
/// <c>loadlab cluster serve</c> in a process of its own (so the workers' CPU is theirs alone), with its control endpoint
/// on a free loopback port; killed when disposed.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, string bootstrap, Uri control)
    {
        _process = process;
        BootstrapServers = bootstrap;
        Control = control;
    }

    public string BootstrapServers { get; }

    /// <summary>The control endpoint, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public Uri Control { get; }

    /// <summary>The client settings the mock needs, as <c>client:</c> lines of an external definition.</summary>
    public static string ClientLines(string indent) => string.Concat(
        new[] { ("fetch.wait.max.ms", "10"), ("fetch.error.backoff.ms", "10"), ("reconnect.backoff.max.ms", "1000"), ("session.timeout.ms", "10000"), ("heartbeat.interval.ms", "1000") }
            .Select(s => $"{indent}{s.Item1}: \"{s.Item2}\"\n"));

    public static async Task<ServeProcess> StartAsync(params string[] topics)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "loadlab.dll"), "cluster", "serve", "--brokers", "3", "--control", $"127.0.0.1:{port}", "--detection-delay", "1s", "--restore-delay", "1s" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var topic in topics)
        {
            start.ArgumentList.Add("--topic");
            start.ArgumentList.Add(topic);
        }

        var process = Process.Start(start)!;
        var output = new StringBuilder();
        var serving = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
                if (e.Data?.StartsWith("Serving", StringComparison.Ordinal) == true)
                {
                    serving.TrySetResult(output.ToString());
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var printed = await serving.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var bootstrap = Bootstrap().Match(printed).Groups[1].Value;
        return new ServeProcess(process, bootstrap, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"bootstrap\.servers=(\S+)")]
    private static partial Regex Bootstrap();
}
