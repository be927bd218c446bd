using System.Runtime.InteropServices;
using LoadLab.Kafka.Native;

namespace LoadLab.Environments.Embedded.Native;

/// <summary>
/// The subset of <c>rdkafka_mock.h</c> (librdkafka 2.16) the embedded environment uses, plus <c>rd_kafka_new</c>
/// returning the host handle as a safe handle (the other client functions are in <see cref="Librdkafka"/>).
/// <c>rd_kafka_resp_err_t</c> is a C enum (<see cref="int"/>). Variadic functions cannot be called through
/// P/Invoke on every ABI, so only their <c>_array</c> variants are bound. Every mock call is executed on the mock
/// cluster's own thread by librdkafka (an op queue), so these functions may be called from any thread.
/// </summary>
internal static partial class MockNative
{
    /// <summary>Takes ownership of <paramref name="conf"/> on success only.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_new")]
    public static unsafe partial KafkaHandle KafkaNew(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr ClusterNew(KafkaHandle rk, int brokerCount);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(IntPtr cluster);

    /// <summary>Returns a UTF-8 string owned by the cluster.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr ClusterBootstraps(MockClusterHandle cluster);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_set_controller_id")]
    public static partial void SetControllerId(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    public static partial void GroupInitialRebalanceDelayMs(MockClusterHandle cluster, int delayMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(MockClusterHandle cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PartitionSetLeader(MockClusterHandle cluster, string topic, int partition, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int BrokerSetRtt(MockClusterHandle cluster, int brokerId, int rttMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_rack", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BrokerSetRack(MockClusterHandle cluster, int brokerId, string rack);

    /// <summary>Changes only the host and port the broker advertises in metadata; it keeps listening where it did.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_set_host_port", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void BrokerSetHostPort(MockClusterHandle cluster, int brokerId, string host, int port);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_add")]
    public static partial int BrokerAdd(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_broker_decommission")]
    public static partial int BrokerDecommission(MockClusterHandle cluster, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_coordinator_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int CoordinatorSet(MockClusterHandle cluster, string keyType, string key, int brokerId);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static unsafe partial void PushRequestErrorsArray(MockClusterHandle cluster, short apiKey, nuint count, int* errors);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_start_request_tracking")]
    public static partial void StartRequestTracking(MockClusterHandle cluster);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_stop_request_tracking")]
    public static partial void StopRequestTracking(MockClusterHandle cluster);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_clear_requests")]
    public static partial void ClearRequests(MockClusterHandle cluster);

    /// <summary>Returns an array of request pointers that the caller frees with <see cref="RequestDestroyArray"/>.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_get_requests")]
    public static partial IntPtr GetRequests(MockClusterHandle cluster, out nuint count);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_request_destroy_array")]
    public static partial void RequestDestroyArray(IntPtr requests, nuint count);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_request_id")]
    public static partial int RequestBrokerId(IntPtr request);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_mock_request_api_key")]
    public static partial short RequestApiKey(IntPtr request);
}
