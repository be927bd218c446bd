using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LoadLab.Cli.Commands;

namespace LoadLab.Cli.Tests.Cluster;

public sealed class ClusterCommandTests
{
    [Fact]
    public async Task Serve_WithTopicAndControl_PrintsBootstrapServesControlAndStopsOnCancel()
    {
        var port = FreePort();
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var parse = Root().Parse(["cluster", "serve", "--brokers", "2", "--topic", "orders:4:2", "--control", $"127.0.0.1:{port}", "--detection-delay", "1"]);

        var serving = parse.InvokeAsync(new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = error }, stop.Token);
        var watch = Stopwatch.StartNew();
        while (!output.ToString().Contains("Serving", StringComparison.Ordinal) && !serving.IsCompleted)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "cluster serve did not start within 20 s: " + output + error);
            await Task.Delay(50);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var brokers = JsonDocument.Parse(await http.GetStringAsync("brokers"));
        await stop.CancelAsync();
        var exitCode = await serving.WaitAsync(TimeSpan.FromSeconds(20));

        var printed = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Matches(@"bootstrap\.servers=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\n", printed.ReplaceLineEndings("\n"));
        Assert.Contains("topic orders: 4 partitions, replication factor 2", printed, StringComparison.Ordinal);
        Assert.Contains($"Control endpoint: http://127.0.0.1:{port}/", printed, StringComparison.Ordinal);
        Assert.Contains("Stopping the embedded cluster.", printed, StringComparison.Ordinal);
        Assert.Equal(2, brokers.RootElement.GetArrayLength());
        Assert.Equal("", error.ToString());
    }

    [Theory]
    [InlineData(new[] { "--brokers", "2", "--topic", "orders:4:3" }, "cluster serve: --topic: topic 'orders' has replication factor 3, but the embedded cluster has 2 brokers: use 1 to 2, or more brokers.")]
    [InlineData(new[] { "--topic", "orders:many" }, "cluster serve: --topic 'orders:many': partitions 'many' is not a whole number, e.g. --topic orders:6.")]
    [InlineData(new[] { "--control", "0.0.0.0:8089" }, "cluster serve: --control '0.0.0.0:8089' is not a loopback address with a port: the endpoint has no authentication, so use e.g. --control 127.0.0.1:8089.")]
    [InlineData(new[] { "--brokers", "0" }, "cluster serve: --brokers is 0: use 1 to 64 brokers.")]
    public async Task Serve_BadInput_ExitsWithTwoAndNamesTheFix(string[] arguments, string expected)
    {
        var error = new StringWriter();
        var parse = Root().Parse(["cluster", "serve", .. arguments]);

        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, error.ToString().Trim());
    }

    private static RootCommand Root()
    {
        var root = new RootCommand("test root");
        root.Subcommands.Add(ClusterCommand.Create());
        return root;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
