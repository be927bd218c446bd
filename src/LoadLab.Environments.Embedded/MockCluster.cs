using System.Runtime.InteropServices;
using Confluent.Kafka;
using LoadLab.Environments.Embedded.Native;
using LoadLab.Kafka.Native;

namespace LoadLab.Environments.Embedded;

/// <summary>
/// librdkafka's mock cluster: real Kafka wire protocol on loopback ports, served by one thread inside this
/// process. This type only translates calls and errors; the controller behaviour the mock lacks lives in
/// <see cref="MockFaultOperations"/>. Thread-safe: librdkafka runs every command on the mock's own thread.
/// </summary>
internal sealed class MockCluster : IAsyncDisposable
{
    private readonly KafkaHandle _kafka;
    private readonly MockClusterHandle _cluster;
    private int _disposed;

    private MockCluster(KafkaHandle kafka, MockClusterHandle cluster, string bootstrapServers)
    {
        _kafka = kafka;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>host:port</c> of the brokers created at start.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a cluster with brokers 1..<paramref name="brokerCount"/>.</summary>
    public static MockCluster Start(int brokerCount)
    {
        LibrdkafkaLibrary.EnsureBound(typeof(MockCluster).Assembly);
        var kafka = CreateHostHandle();
        try
        {
            var cluster = MockClusterHandle.Create(kafka, brokerCount);
            var bootstraps = Marshal.PtrToStringUTF8(MockNative.ClusterBootstraps(cluster))
                ?? throw new InvalidOperationException("The mock cluster returned no bootstrap servers.");
            return new MockCluster(kafka, cluster, bootstraps);
        }
        catch
        {
            kafka.Dispose();
            throw;
        }
    }

    /// <summary>The controller id reported in metadata; without one, admin requests that need a controller hang.</summary>
    public void SetControllerId(int brokerId) => MockNative.SetControllerId(_cluster, brokerId);

    /// <summary>Kafka's <c>group.initial.rebalance.delay.ms</c> for every group of the cluster.</summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay) =>
        MockNative.GroupInitialRebalanceDelayMs(_cluster, checked((int)delay.TotalMilliseconds));

    public void CreateTopic(string topic, int partitions, int replicationFactor) =>
        Check(MockNative.TopicCreate(_cluster, topic, partitions, replicationFactor), $"create topic '{topic}'");

    /// <summary>Sets the leader; -1 makes the partition leaderless. Any existing broker is accepted, replica or not.</summary>
    public void SetLeader(string topic, int partition, int brokerId) =>
        Check(MockNative.PartitionSetLeader(_cluster, topic, partition, brokerId), $"set the leader of {topic}/{partition} to {brokerId}");

    /// <summary>Closes the broker's connections and refuses new ones; it disappears from metadata.</summary>
    public void SetBrokerDown(int brokerId) => Check(MockNative.BrokerSetDown(_cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(MockNative.BrokerSetUp(_cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of the broker; lowering it releases responses held back already.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Check(MockNative.BrokerSetRtt(_cluster, brokerId, checked((int)rtt.TotalMilliseconds)), $"set the round-trip time of broker {brokerId}");

    public void SetBrokerRack(int brokerId, string rack) =>
        Check(MockNative.BrokerSetRack(_cluster, brokerId, rack), $"set the rack of broker {brokerId}");

    /// <summary>
    /// The address metadata gives clients for the broker. The broker still listens on its loopback port only, so
    /// something (see <c>LoadLab.Kafka.Proxy.BrokerProxy</c>) must carry connections from that address to it.
    /// </summary>
    public void SetAdvertisedAddress(int brokerId, string host, int port) => MockNative.BrokerSetHostPort(_cluster, brokerId, host, port);

    /// <summary>Adds a broker; the mock then reassigns the replicas (and leaders) of every partition.</summary>
    public void AddBroker(int brokerId) => Check(MockNative.BrokerAdd(_cluster, brokerId), $"add broker {brokerId}");

    /// <summary>Destroys the broker; the mock then reassigns the replicas (and leaders) of every partition.</summary>
    public void DecommissionBroker(int brokerId) =>
        Check(MockNative.BrokerDecommission(_cluster, brokerId), $"decommission broker {brokerId}");

    /// <summary>Pins the coordinator of a key: <c>group</c> (a consumer group) or <c>transaction</c> (a transactional id).</summary>
    public void SetCoordinator(string keyType, string key, int brokerId) =>
        Check(MockNative.CoordinatorSet(_cluster, keyType, key, brokerId), $"move the {keyType} coordinator of '{key}' to {brokerId}");

    /// <summary>The next <paramref name="count"/> requests with <paramref name="apiKey"/>, on any broker, fail with <paramref name="errorCode"/>.</summary>
    public unsafe void PushRequestErrors(short apiKey, int errorCode, int count)
    {
        var errors = new int[count];
        Array.Fill(errors, errorCode);
        fixed (int* first = errors)
        {
            MockNative.PushRequestErrorsArray(_cluster, apiKey, (nuint)count, first);
        }
    }

    /// <summary>Records which broker receives which requests until <see cref="StopRequestTracking"/> (memory grows per request).</summary>
    public void StartRequestTracking()
    {
        MockNative.ClearRequests(_cluster);
        MockNative.StartRequestTracking(_cluster);
    }

    /// <summary>Stops tracking; returns the (broker id, API key) of every request received meanwhile, oldest first.</summary>
    public IReadOnlyList<(int BrokerId, short ApiKey)> StopRequestTracking()
    {
        // Stopping clears the mock's list, so it is read first.
        var requests = MockNative.GetRequests(_cluster, out var count);
        MockNative.StopRequestTracking(_cluster);
        if (requests == IntPtr.Zero)
        {
            return [];
        }

        try
        {
            var result = new List<(int, short)>((int)count);
            for (var i = 0; i < (int)count; i++)
            {
                var request = Marshal.ReadIntPtr(requests, i * IntPtr.Size);
                result.Add((MockNative.RequestBrokerId(request), MockNative.RequestApiKey(request)));
            }

            return result;
        }
        finally
        {
            MockNative.RequestDestroyArray(requests, count);
        }
    }

    /// <summary>Destroys the mock cluster (joining its thread, closing its sockets), then its host handle. Idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _cluster.Dispose();
            _kafka.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static unsafe KafkaHandle CreateHostHandle()
    {
        const int errorCapacity = 512;
        var error = stackalloc byte[errorCapacity];
        var conf = Librdkafka.ConfNew();
        try
        {
            // The host handle never connects to a broker, so its notices ("no bootstrap.servers") are noise;
            // errors from the mock itself (log level 3) still reach stderr.
            SetConf(conf, "log_level", "3", error, errorCapacity);
            SetConf(conf, "client.id", "loadlab-mock-host", error, errorCapacity);
            var kafka = MockNative.KafkaNew(Librdkafka.ProducerType, conf, error, errorCapacity);
            if (kafka.IsInvalid)
            {
                kafka.Dispose();
                throw new InvalidOperationException($"rd_kafka_new failed: {Utf8(error)}");
            }

            conf = IntPtr.Zero; // owned by the handle now
            return kafka;
        }
        finally
        {
            if (conf != IntPtr.Zero)
            {
                Librdkafka.ConfDestroy(conf);
            }
        }
    }

    private static unsafe void SetConf(IntPtr conf, string name, string value, byte* error, int capacity)
    {
        if (Librdkafka.ConfSet(conf, name, value, error, (nuint)capacity) != Librdkafka.ConfOk)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set({name}={value}) failed: {Utf8(error)}");
        }
    }

    private static unsafe string Utf8(byte* text) => Marshal.PtrToStringUTF8((IntPtr)text) ?? "";

    private static void Check(int error, string action)
    {
        if (error != 0)
        {
            throw new MockClusterException(action, (ErrorCode)error);
        }
    }
}

/// <summary>The mock refused a command; <see cref="Error"/> is librdkafka's error code.</summary>
internal sealed class MockClusterException(string action, ErrorCode error)
    : InvalidOperationException($"The mock cluster could not {action}: {error} ({(int)error}).")
{
    public ErrorCode Error { get; } = error;
}
