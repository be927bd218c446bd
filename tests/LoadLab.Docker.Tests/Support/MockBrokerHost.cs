using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace LoadLab.Docker.Tests.Support;

/// <summary>
/// The broker process of the test-only <c>local-mock</c> environment, run inside the locally built image: a one-broker
/// librdkafka mock cluster (a real Kafka-protocol broker) that advertises the host-published address, plus a TCP
/// forwarder from the container's port to the mock's loopback-only listener (the mock binds 127.0.0.1, which
/// Docker's published ports cannot reach). <c>loadlab cluster serve</c> has no advertise/listen options yet; once it
/// has, local-mock.yaml can run it instead.
/// </summary>
internal static class MockBrokerHost
{
    public const string ListeningMarker = "MOCK-BROKER-LISTENING";
    private const int BrokerId = 1;

    /// <summary>Arguments: <c>--listen PORT --advertise HOST:PORT [--topic name:partitions:replication]…</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var listenPort = 0;
        string? advertise = null;
        var topics = new List<(string Name, int Partitions, int Replication)>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--listen":
                    listenPort = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--advertise":
                    advertise = args[i + 1];
                    break;
                case "--topic":
                    var parts = args[i + 1].Split(':');
                    topics.Add((parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture)));
                    break;
                default:
                    await Console.Error.WriteLineAsync($"mock-broker: unknown argument {args[i]}");
                    return 2;
            }
        }

        if (listenPort == 0 || advertise is null || !IPEndPoint.TryParse(advertise, out var advertised))
        {
            await Console.Error.WriteLineAsync("usage: mock-broker --listen PORT --advertise HOST:PORT [--topic name:partitions:replication]…");
            return 2;
        }

        var mockEndpoint = StartMockCluster(advertised, topics);
        using var listener = new TcpListener(IPAddress.Any, listenPort);
        listener.Start();
        Console.Out.WriteLine($"{ListeningMarker} 0.0.0.0:{listenPort} -> mock {mockEndpoint}, advertised as {advertise}");
        Console.Out.Flush();
        while (true)
        {
            var client = await listener.AcceptTcpClientAsync();
            _ = ForwardAsync(client, mockEndpoint);
        }
    }

    private static unsafe IPEndPoint StartMockCluster(IPEndPoint advertised, List<(string Name, int Partitions, int Replication)> topics)
    {
        // Use the librdkafka build Confluent.Kafka picked for this system (on Debian 12: the centos8 build).
        _ = Library.Version;
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..].Trim() : "")
            .First(file => Path.GetFileName(file).Contains("librdkafka", StringComparison.Ordinal));
        var library = NativeLibrary.Load(path);
        var kafkaNew = (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_new");
        var clusterNew = (delegate* unmanaged<IntPtr, int, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_new");
        var bootstraps = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_bootstraps");
        var setController = (delegate* unmanaged<IntPtr, int, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_set_controller_id");
        var topicCreate = (delegate* unmanaged<IntPtr, IntPtr, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_topic_create");
        var setHostPort = (delegate* unmanaged<IntPtr, int, IntPtr, int, void>)NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_host_port");

        var error = stackalloc byte[512];
        var handle = kafkaNew(0, IntPtr.Zero, error, 512);
        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }

        var cluster = clusterNew(handle, 1);
        var listening = IPEndPoint.Parse(Marshal.PtrToStringUTF8(bootstraps(cluster))!.Split(',')[0]);
        // Without a controller id, admin requests (DescribeCluster…) hang on the mock.
        setController(cluster, BrokerId);
        foreach (var (name, partitions, replication) in topics)
        {
            var utf8Name = Marshal.StringToCoTaskMemUTF8(name);
            var result = topicCreate(cluster, utf8Name, partitions, replication);
            Marshal.FreeCoTaskMem(utf8Name);
            if (result != 0)
            {
                throw new InvalidOperationException($"creating topic {name} failed with error {result}");
            }
        }

        var host = Marshal.StringToCoTaskMemUTF8(advertised.Address.ToString());
        setHostPort(cluster, BrokerId, host, advertised.Port);
        Marshal.FreeCoTaskMem(host);
        return listening;
    }

    private static async Task ForwardAsync(TcpClient client, IPEndPoint target)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                upstream.NoDelay = client.NoDelay = true;
                await upstream.ConnectAsync(target);
                var downstream = client.GetStream();
                var toMock = upstream.GetStream();
                // When either side closes, close both: a client must see the broker go away.
                await Task.WhenAny(downstream.CopyToAsync(toMock), toMock.CopyToAsync(downstream));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // A connection that breaks ends here; the client sees it closed.
            }
        }
    }
}
