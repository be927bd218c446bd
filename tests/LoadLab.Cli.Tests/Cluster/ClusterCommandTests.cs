using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Confluent.Kafka;
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
        var parse = Root().Parse(["cluster", "serve", "--brokers", "2", "--topic", "orders:4:2", "--control", $"127.0.0.1:{port}", "--detection-delay", "1s"]);

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
        // POST errors can make librdkafka acknowledge messages the mock never stored (#14): a client must be told.
        Assert.Matches(@"\n  InjectErrors: the mock checks the sequence numbers of transactional producers only.*offset -1001", printed.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("GroupRewind:", printed, StringComparison.Ordinal);
        Assert.Contains("Stopping the embedded cluster.", printed, StringComparison.Ordinal);
        Assert.Equal(2, brokers.RootElement.GetArrayLength());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task Serve_ListenAndAdvertise_ClientsBootstrapThroughTheListenerAndSeeTheAdvertisedBrokers()
    {
        var port = FreePortPair();
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var parse = Root().Parse(["cluster", "serve", "--brokers", "2", "--topic", "orders:2:2", "--listen", $"127.0.0.1:{port}", "--advertise", $"localhost:{port}"]);
        var serving = parse.InvokeAsync(new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = new StringWriter() }, stop.Token);
        await WaitUntilServingAsync(output, serving);

        var brokers = BrokersInMetadata($"127.0.0.1:{port}");
        var delivered = await ProduceToEveryPartitionAsync($"127.0.0.1:{port}", "orders", partitions: 2);
        await stop.CancelAsync();
        await serving.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([$"1@localhost:{port}", $"2@localhost:{port + 1}"], brokers);
        Assert.Equal([0, 1], delivered);
        Assert.Contains($"bootstrap.servers=localhost:{port},localhost:{port + 1}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"(listening on 127.0.0.1:{port + 1}, forwarded to 127.0.0.1:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ListenPortTaken_ExitsWithThreeAndNamesTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var error = new StringWriter();
        var parse = Root().Parse(["cluster", "serve", "--brokers", "1", "--listen", $"127.0.0.1:{port}"]);

        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, CancellationToken.None);

        Assert.Equal(3, exitCode);
        Assert.StartsWith($"loadlab: environment failure: Broker 1 cannot listen on 127.0.0.1:{port}: ", error.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("Choose another --listen port.", error.ToString().Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--listen", "localhost:9092" }, "loadlab: --listen 'localhost:9092' is not a port or an address:port, e.g. --listen 9092 (every interface) or --listen 127.0.0.1:9092.")]
    [InlineData(new[] { "--listen", "65535" }, "loadlab: --listen '65535': 3 brokers use ports 65535 to 65537; use a first port from 1 to 65533.")]
    [InlineData(new[] { "--brokers", "1", "--listen", "0" }, "loadlab: --listen '0': port 0 is out of range; use 1 to 65535.")]
    [InlineData(new[] { "--listen", "9092", "--advertise", "broker-1" }, "loadlab: --advertise 'broker-1' is not host:port, e.g. --advertise 127.0.0.1:19092 or --advertise broker-1:9092.")]
    [InlineData(new[] { "--advertise", "127.0.0.1:19092" }, "loadlab: --advertise '127.0.0.1:19092' needs --listen: the brokers' own ports are random ports on 127.0.0.1, so an advertised address reaches them only through a listener, e.g. --listen 9092 --advertise 127.0.0.1:19092.")]
    [InlineData(new[] { "--brokers", "2", "--topic", "orders:4:3" }, "loadlab: --topic: topic 'orders' has replication factor 3, but the embedded cluster has 2 brokers: use 1 to 2, or more brokers.")]
    [InlineData(new[] { "--topic", "orders:many" }, "loadlab: --topic 'orders:many': partitions 'many' is not a whole number, e.g. --topic orders:6.")]
    [InlineData(new[] { "--control", "0.0.0.0:8089" }, "loadlab: --control '0.0.0.0:8089' is not a loopback address with a port: the endpoint has no authentication, so use e.g. --control 127.0.0.1:8089.")]
    [InlineData(new[] { "--brokers", "0" }, "loadlab: --brokers: expected a whole number from 1 to 64, got \"0\". Fix: e.g. --brokers 3")]
    [InlineData(new[] { "--brokers", "1", "--listen", "99999" }, "loadlab: --listen '99999': port 99999 is out of range; use 1 to 65535.")]
    [InlineData(new[] { "--detection-delay", "90 sec" }, "loadlab: --detection-delay: expected a duration such as 500ms, 30s, 2m, 1h30m or 7d, at most 1h, got \"90 sec\". Fix: --detection-delay 1m30s")]
    public async Task Serve_BadInput_ExitsWithTwoAndNamesTheFix(string[] arguments, string expected)
    {
        var error = new StringWriter();

        var exitCode = await CommandLine.InvokeAsync(Root(), ["cluster", "serve", .. arguments], new StringWriter(), error);

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, error.ToString().Split(Environment.NewLine)[0]);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitUntilServingAsync(StringWriter output, Task<int> serving)
    {
        var watch = Stopwatch.StartNew();
        while (!output.ToString().Contains("Serving", StringComparison.Ordinal))
        {
            Assert.False(serving.IsCompleted, "cluster serve ended: " + output);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "cluster serve did not start within 20 s: " + output);
            await Task.Delay(50);
        }
    }

    /// <summary>What a fresh client learns from metadata: <c>id@host:port</c> per broker.</summary>
    private static List<string> BrokersInMetadata(string bootstrapServers)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers.OrderBy(broker => broker.BrokerId).Select(broker => $"{broker.BrokerId}@{broker.Host}:{broker.Port}").ToList();
    }

    /// <summary>One message to each partition (so to every leader, through its advertised address); the partitions that acknowledged.</summary>
    private static async Task<List<int>> ProduceToEveryPartitionAsync(string bootstrapServers, string topic, int partitions)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrapServers, MessageTimeoutMs = 10_000 })
            .SetLogHandler((_, _) => { }).Build();
        var delivered = new List<int>();
        for (var partition = 0; partition < partitions; partition++)
        {
            var result = await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<Null, string> { Value = "through the listener" });
            delivered.Add(result.Partition.Value);
        }

        return delivered;
    }

    /// <summary>A free port whose successor is free too (two brokers listen on consecutive ports).</summary>
    private static int FreePortPair()
    {
        while (true)
        {
            var port = FreePort();
            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException)
            {
                // The successor is taken: try another pair.
            }
        }
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
