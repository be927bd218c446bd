using System.Runtime.InteropServices;

namespace LoadLab.Kafka.Native;

/// <summary>
/// The client functions of <c>rdkafka.h</c> (librdkafka 2.16) LoadLab calls itself: the native producer and the
/// embedded cluster's host handle. Error codes are
/// <c>rd_kafka_resp_err_t</c> values, the same numbers as <see cref="Confluent.Kafka.ErrorCode"/>.
/// </summary>
internal static unsafe partial class Librdkafka
{
    public const int ProducerType = 0;
    public const int ConfOk = 0;
    public const int MessageFlagCopy = 0x2;
    public const int FatalError = -150;

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set_opaque")]
    public static partial void ConfSetOpaque(IntPtr conf, IntPtr opaque);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set_dr_msg_cb")]
    public static partial void ConfSetDeliveryCallback(IntPtr conf, delegate* unmanaged[Cdecl]<IntPtr, Message*, IntPtr, void> callback);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set_error_cb")]
    public static partial void ConfSetErrorCallback(IntPtr conf, delegate* unmanaged[Cdecl]<IntPtr, int, byte*, IntPtr, void> callback);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set_log_cb")]
    public static partial void ConfSetLogCallback(IntPtr conf, delegate* unmanaged[Cdecl]<IntPtr, int, byte*, byte*, void> callback);

    /// <summary>The callback returns 0 so librdkafka frees the JSON text itself.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_set_stats_cb")]
    public static partial void ConfSetStatisticsCallback(IntPtr conf, delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, IntPtr, int> callback);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(IntPtr conf);

    /// <summary>Takes ownership of <paramref name="conf"/> on success only.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr KafkaNew(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_destroy")]
    public static partial void KafkaDestroy(IntPtr rk);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_topic_new", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr TopicNew(IntPtr rk, string topic, IntPtr conf);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_topic_destroy")]
    public static partial void TopicDestroy(IntPtr rkt);

    /// <summary>Returns null on success, else an error object the caller destroys.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_produceva")]
    public static partial IntPtr Produceva(IntPtr rk, ProduceArgument* values, nuint count);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_error_code")]
    public static partial int ErrorCode(IntPtr error);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_error_destroy")]
    public static partial void ErrorDestroy(IntPtr error);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_poll")]
    public static partial int Poll(IntPtr rk, int timeoutMs);

    /// <summary>Purge flags of <c>rd_kafka_purge</c>: queued and in-flight messages.</summary>
    public const int PurgeQueuedAndInFlight = 0x1 | 0x2;

    /// <summary>Fails every outstanding message with a purge error; their reports are served by the next poll.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_purge")]
    public static partial int Purge(IntPtr rk, int flags);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_flush")]
    public static partial int Flush(IntPtr rk, int timeoutMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_outq_len")]
    public static partial int OutQueueLength(IntPtr rk);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_queue_get_main")]
    public static partial IntPtr QueueGetMain(IntPtr rk);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_queue_destroy")]
    public static partial void QueueDestroy(IntPtr queue);

    /// <summary>librdkafka writes <paramref name="payload"/> to <paramref name="fd"/> when the queue gets an item after it was served.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_queue_io_event_enable")]
    public static partial void QueueIoEventEnable(IntPtr queue, int fd, void* payload, nuint size);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_fatal_error")]
    public static partial int FatalErrorOf(IntPtr rk, byte* errstr, nuint errstrSize);

    /// <summary>Returns null on success, else an error object the caller destroys. Blocks (FindCoordinator, InitProducerId).</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_init_transactions")]
    public static partial IntPtr InitTransactions(IntPtr rk, int timeoutMs);

    /// <summary>Local only: no request is sent until the transaction's first message.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_begin_transaction")]
    public static partial IntPtr BeginTransaction(IntPtr rk);

    /// <summary>Flushes the transaction's messages (serving their reports on the calling thread), then EndTxn(commit); blocks.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_commit_transaction")]
    public static partial IntPtr CommitTransaction(IntPtr rk, int timeoutMs);

    /// <summary>Purges the transaction's outstanding messages, then EndTxn(abort); blocks.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_abort_transaction")]
    public static partial IntPtr AbortTransaction(IntPtr rk, int timeoutMs);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_error_is_fatal")]
    public static partial int ErrorIsFatal(IntPtr error);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_error_is_retriable")]
    public static partial int ErrorIsRetriable(IntPtr error);

    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_error_txn_requires_abort")]
    public static partial int ErrorRequiresAbort(IntPtr error);

    /// <summary>The error's human-readable text, owned by the error object.</summary>
    [LibraryImport(LibrdkafkaLibrary.Name, EntryPoint = "rd_kafka_error_string")]
    public static partial IntPtr ErrorString(IntPtr error);

    /// <summary><c>rd_kafka_vtype_t</c>: what a <see cref="ProduceArgument"/> of <c>rd_kafka_produceva</c> holds.</summary>
    public enum ArgumentKind
    {
        TopicHandle = 2,
        Value = 4,
        Key = 5,
        Opaque = 6,
        MessageFlags = 7,
        Header = 9,
    }

    /// <summary><c>rd_kafka_vu_t</c>: a type tag and a 64-byte union, 8-byte aligned (72 bytes on 64-bit platforms).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 72)]
    public struct ProduceArgument
    {
        [FieldOffset(0)] public ArgumentKind Kind;
        [FieldOffset(8)] public IntPtr First;
        [FieldOffset(16)] public IntPtr Second;
        [FieldOffset(24)] public IntPtr Third;
        [FieldOffset(8)] public int Int32;
    }

    /// <summary><c>rd_kafka_message_t</c> as a delivery report shows it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Error;
        public IntPtr Topic;
        public int Partition;
        public IntPtr Payload;
        public nuint Length;
        public IntPtr Key;
        public nuint KeyLength;
        public long Offset;
        public IntPtr Opaque;
    }
}
