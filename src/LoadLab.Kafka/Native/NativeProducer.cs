using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace LoadLab.Kafka.Native;

/// <summary>
/// A librdkafka producer for one topic, driven directly instead of through Confluent.Kafka's
/// <c>IProducer</c>: a message costs one native call with pinned spans and no managed allocation, and its
/// delivery report arrives as a number (the caller's token) instead of a report object.
/// </summary>
/// <remarks>
/// <para>
/// Reports are served on the caller's thread (<see cref="ServeReports"/>, <see cref="WaitForReports"/>), as a C
/// producer such as kcat does, not on a poll thread of its own: librdkafka allocates a message (and its headers) on
/// the producing thread and frees it when its report is served, and glibc's allocator frees memory of another
/// thread's arena through that arena's lock and unsorted bin, which made <c>malloc</c>, <c>free</c> and futex
/// wake-ups half of the generator's CPU time at 100-byte messages.
/// </para>
/// <para>
/// Confluent.Kafka's <c>Produce</c> allocates per message (topic-partition, handler shim and its GC handle, a
/// UTF-8 copy and two pinned handles per header, the delivery report), which made the .NET client, not
/// LoadLab, the ceiling of the generator. This class binds to the very librdkafka file Confluent.Kafka loaded,
/// so settings, defaults and wire behaviour are librdkafka's; consumers and admin calls stay on Confluent.Kafka.
/// Settings starting with <c>dotnet.</c> belong to Confluent.Kafka and are ignored. With
/// <c>statistics.interval.ms</c> set, the client's statistics reports are summed into <see cref="Wire"/>: served on
/// the producing thread like every report, copied there and parsed on the thread pool, off the produce path.
/// </para>
/// </remarks>
internal sealed unsafe class NativeProducer : IDisposable
{
    private const int ErrorTextSize = 512;

    private readonly IDeliveryListener _listener;
    private readonly IntPtr _topic;
    private readonly IntPtr _headerName;
    private readonly IntPtr _reports;
    private readonly ReportSignal? _signal;
    private readonly ProducerWireCounter? _wire;
    private GCHandle _self;
    private IntPtr _client;

    /// <summary>Creates the client; its reports reach <paramref name="listener"/> on the thread that serves them.</summary>
    /// <exception cref="ArgumentException">librdkafka rejected a setting (the message is librdkafka's).</exception>
    public NativeProducer(IEnumerable<KeyValuePair<string, string>> settings, string topic, string headerName, IDeliveryListener listener)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _listener = listener;
        LibrdkafkaLibrary.EnsureBound(typeof(NativeProducer).Assembly);
        _self = GCHandle.Alloc(this);
        var conf = Librdkafka.ConfNew();
        try
        {
            var error = stackalloc byte[ErrorTextSize];
            foreach (var (name, value) in settings)
            {
                if (name == StatisticsIntervalSetting && int.TryParse(value, out var intervalMs) && intervalMs > 0)
                {
                    _wire = new ProducerWireCounter();
                }

                if (!name.StartsWith("dotnet.", StringComparison.Ordinal)
                    && Librdkafka.ConfSet(conf, name, value, error, ErrorTextSize) != Librdkafka.ConfOk)
                {
                    throw new ArgumentException($"producer setting {name}: {Text(error)}", nameof(settings));
                }
            }

            Librdkafka.ConfSetOpaque(conf, GCHandle.ToIntPtr(_self));
            Librdkafka.ConfSetDeliveryCallback(conf, &OnDeliveryReport);
            Librdkafka.ConfSetErrorCallback(conf, &OnError);
            Librdkafka.ConfSetLogCallback(conf, &OnLog);
            if (_wire is not null)
            {
                Librdkafka.ConfSetStatisticsCallback(conf, &OnStatistics);
            }

            _client = Librdkafka.KafkaNew(Librdkafka.ProducerType, conf, error, ErrorTextSize);
            if (_client == IntPtr.Zero)
            {
                throw new ArgumentException("producer: " + Text(error), nameof(settings));
            }
        }
        catch
        {
            Librdkafka.ConfDestroy(conf);
            _self.Free();
            throw;
        }

        _topic = Librdkafka.TopicNew(_client, topic, IntPtr.Zero);
        _headerName = Marshal.StringToCoTaskMemUTF8(headerName);
        _reports = Librdkafka.QueueGetMain(_client);
        _signal = ReportSignal.Attach(_reports);
    }

    /// <summary>Messages not yet reported: queued, in flight, or with a report waiting to be served.</summary>
    public int Outstanding => Librdkafka.OutQueueLength(_client);

    /// <summary>The librdkafka setting that turns statistics reports (and <see cref="Wire"/>) on.</summary>
    public const string StatisticsIntervalSetting = "statistics.interval.ms";

    /// <summary>What the client put on the wire so far; null when <c>statistics.interval.ms</c> is not set.</summary>
    public WireTotals? Wire => _wire?.Totals;

    /// <summary>The <c>eos.idemp_state</c> of a recent statistics report (e.g. <c>WaitTransport</c>, <c>Assigned</c>); null without one.</summary>
    public string? IdempotenceState => _wire?.IdempotenceState;

    /// <summary>
    /// Hands one message to the client, which copies it, with <paramref name="header"/> as the value of the header
    /// named at construction, or no header when it is null. <paramref name="token"/> comes back in the delivery
    /// report. Returns <see cref="ErrorCode.Local_QueueFull"/> when the client holds as many messages as it may.
    /// </summary>
    public ErrorCode Produce(byte[]? key, byte[] value, byte[]? header, long token)
    {
        var values = stackalloc Librdkafka.ProduceArgument[6];
        fixed (byte* keyBytes = key)
        fixed (byte* valueBytes = value)
        fixed (byte* headerBytes = header)
        {
            var count = 0;
            values[count++] = new() { Kind = Librdkafka.ArgumentKind.TopicHandle, First = _topic };
            values[count++] = new() { Kind = Librdkafka.ArgumentKind.Value, First = (IntPtr)valueBytes, Second = value.Length };
            if (key is not null)
            {
                values[count++] = new() { Kind = Librdkafka.ArgumentKind.Key, First = (IntPtr)keyBytes, Second = key.Length };
            }

            if (header is not null)
            {
                values[count++] = new() { Kind = Librdkafka.ArgumentKind.Header, First = _headerName, Second = (IntPtr)headerBytes, Third = header.Length };
            }

            values[count++] = new() { Kind = Librdkafka.ArgumentKind.Opaque, First = (IntPtr)token };
            values[count++] = new() { Kind = Librdkafka.ArgumentKind.MessageFlags, Int32 = Librdkafka.MessageFlagCopy };
            var error = Librdkafka.Produceva(_client, values, (nuint)count);
            if (error == IntPtr.Zero)
            {
                return ErrorCode.NoError;
            }

            var code = (ErrorCode)Librdkafka.ErrorCode(error);
            Librdkafka.ErrorDestroy(error);
            return code;
        }
    }

    /// <summary>Calls the listener for every report queued now, on this thread; returns how many events were served.</summary>
    public int ServeReports() => Librdkafka.Poll(_client, 0);

    /// <summary>
    /// Sleeps until a report is queued or <paramref name="micros"/> pass, whichever comes first, then serves the
    /// queued reports on this thread. Without <see cref="ReportSignal"/> (not Linux) the wait is rounded up to whole
    /// milliseconds inside <c>rd_kafka_poll</c>, which serves reports as they arrive.
    /// </summary>
    public void WaitForReports(long micros)
    {
        if (_signal is null)
        {
            Librdkafka.Poll(_client, (int)Math.Clamp((micros + 999) / 1_000, 1, int.MaxValue));
            return;
        }

        _signal.Wait(Math.Max(0, micros));
        Librdkafka.Poll(_client, 0);
    }

    /// <summary>Ends a <see cref="WaitForReports"/> early; callable from any thread.</summary>
    public void Wake()
    {
        if (_signal is null)
        {
            // rd_kafka_poll ends its wait when a report or an event arrives, or at its timeout (at most 50 ms for callers of this class).
            return;
        }

        _signal.Raise();
    }

    /// <summary>Serves reports on this thread until none is outstanding or <paramref name="timeout"/> passed; returns how many messages are still outstanding.</summary>
    public int Flush(TimeSpan timeout)
    {
        Librdkafka.Flush(_client, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));
        return Librdkafka.OutQueueLength(_client);
    }

    /// <summary>
    /// Fails every outstanding message (a producer given up after a fatal error) and serves their reports on this thread
    /// for up to <paramref name="timeout"/>, so each message's report reaches the listener before the client is destroyed.
    /// </summary>
    public void Abandon(TimeSpan timeout)
    {
        _ = Librdkafka.Purge(_client, Librdkafka.PurgeQueuedAndInFlight);
        Flush(timeout);
    }

    /// <summary>
    /// Serves reports on this thread for up to <paramref name="timeout"/> until the next statistics report has been
    /// counted, so that <see cref="Wire"/> covers everything sent before the call (after a flush: the whole run).
    /// False when none came in time or statistics are off. No other thread may be serving reports meanwhile.
    /// </summary>
    public bool AwaitNextStatistics(TimeSpan timeout)
    {
        if (_wire is null)
        {
            return false;
        }

        var seen = _wire.Totals.Reports;
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            // The report is parsed on the thread pool after the callback: wait briefly for that, then serve again.
            if (_wire.WaitForNextReport(seen, TimeSpan.FromMilliseconds(Math.Clamp(left, 0, 10))))
            {
                return true;
            }

            if (left <= 0)
            {
                return false;
            }

            Librdkafka.Poll(_client, (int)Math.Min(left, 100));
        }
    }

    /// <summary>
    /// <c>rd_kafka_init_transactions</c>: finds the transaction coordinator of the producer's <c>transactional.id</c> and
    /// gets its producer id and epoch, which fences any older producer with the same id and aborts its open transaction.
    /// Blocks up to <paramref name="timeout"/>.
    /// </summary>
    public TransactionCallResult InitTransactions(TimeSpan timeout) => Result(Librdkafka.InitTransactions(_client, Milliseconds(timeout)));

    /// <summary><c>rd_kafka_begin_transaction</c>: local, sends nothing.</summary>
    public TransactionCallResult BeginTransaction() => Result(Librdkafka.BeginTransaction(_client));

    /// <summary>
    /// <c>rd_kafka_commit_transaction</c>: waits for every message of the transaction to be acknowledged (serving their
    /// reports on this thread), then asks the coordinator to commit; blocks up to <paramref name="timeout"/>. A retriable
    /// result (e.g. the timeout passed) may be retried with the same call.
    /// </summary>
    public TransactionCallResult CommitTransaction(TimeSpan timeout) => Result(Librdkafka.CommitTransaction(_client, Milliseconds(timeout)));

    /// <summary>
    /// <c>rd_kafka_abort_transaction</c>: purges the transaction's messages not yet acknowledged (their reports fail on
    /// this thread) and asks the coordinator to abort; blocks up to <paramref name="timeout"/>.
    /// </summary>
    public TransactionCallResult AbortTransaction(TimeSpan timeout) => Result(Librdkafka.AbortTransaction(_client, Milliseconds(timeout)));

    private static int Milliseconds(TimeSpan timeout) => (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);

    private static TransactionCallResult Result(IntPtr error)
    {
        if (error == IntPtr.Zero)
        {
            return TransactionCallResult.Success;
        }

        try
        {
            return new TransactionCallResult(
                (ErrorCode)Librdkafka.ErrorCode(error),
                Librdkafka.ErrorIsFatal(error) != 0,
                Librdkafka.ErrorIsRetriable(error) != 0,
                Librdkafka.ErrorRequiresAbort(error) != 0,
                Marshal.PtrToStringUTF8(Librdkafka.ErrorString(error)) ?? "");
        }
        finally
        {
            Librdkafka.ErrorDestroy(error);
        }
    }

    /// <summary>
    /// Serves reports on this thread until a statistics report shows the client can send at once: every partition
    /// of its topic has a known leader and, for an idempotent producer, its producer id is assigned. librdkafka holds
    /// every message until then, and asks for the id only when a broker connection is up, retrying every 500 ms
    /// (rdkafka_idempotence.c, <c>rd_kafka_idemp_pid_timer_restart</c>), so a fresh client holds its first messages
    /// 0.5-1 s. False when that was not seen within <paramref name="timeout"/> or statistics are off.
    /// No other thread may be serving reports meanwhile.
    /// </summary>
    public bool AwaitReadyToSend(string topic, TimeSpan timeout)
    {
        if (_wire is null)
        {
            return false;
        }

        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var seen = _wire.Totals.Reports;
            if (_wire.WasReadyToSend(topic))
            {
                return true;
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return false;
            }

            Librdkafka.Poll(_client, (int)Math.Min(left, 100));
            // The report is parsed on the thread pool after the callback.
            _wire.WaitForNextReport(seen, TimeSpan.FromMilliseconds(Math.Clamp(left, 0, 10)));
        }
    }

    /// <summary>Destroys the client; no thread may be serving its reports any more.</summary>
    public void Dispose()
    {
        if (_client == IntPtr.Zero)
        {
            return;
        }

        Librdkafka.QueueDestroy(_reports);
        Librdkafka.TopicDestroy(_topic);
        Librdkafka.KafkaDestroy(_client);
        _client = IntPtr.Zero;
        // After the client: it may raise the signal until it is gone.
        _signal?.Dispose();
        Marshal.FreeCoTaskMem(_headerName);
        _self.Free();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDeliveryReport(IntPtr client, Librdkafka.Message* message, IntPtr opaque)
    {
        var producer = (NativeProducer)GCHandle.FromIntPtr(opaque).Target!;
        if (message->Error == 0)
        {
            producer._listener.OnDelivered((long)message->Opaque, message->Partition, message->Offset);
        }
        else
        {
            producer._listener.OnFailed((long)message->Opaque, (ErrorCode)message->Error);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(IntPtr client, int error, byte* reason, IntPtr opaque)
    {
        var producer = (NativeProducer)GCHandle.FromIntPtr(opaque).Target!;
        if (error == Librdkafka.FatalError)
        {
            // The callback names only "fatal"; the cause (e.g. an idempotence violation) has its own code.
            var text = stackalloc byte[ErrorTextSize];
            error = Librdkafka.FatalErrorOf(client, text, ErrorTextSize);
        }

        producer._listener.OnClientError((ErrorCode)error);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnStatistics(IntPtr client, byte* json, nuint length, IntPtr opaque)
    {
        var producer = (NativeProducer)GCHandle.FromIntPtr(opaque).Target!;
        // This is the producing thread: parsing a report (tens of kilobytes) here would hold up the next messages.
        var report = new ReadOnlySpan<byte>(json, checked((int)length)).ToArray();
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Wire.AddReport(state.Report), (Wire: producer._wire!, Report: report), preferLocal: false);
        return 0;
    }

    /// <summary>librdkafka logs to stderr by default, which would garble the live progress lines.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(IntPtr client, int level, byte* facility, byte* text)
    {
    }

    private static string Text(byte* nullTerminated) => Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(nullTerminated));
}

/// <summary>
/// What a transactional call of librdkafka returned: success, or an error with librdkafka's advice — retry the same call
/// (<see cref="IsRetriable"/>), abort the transaction and go on (<see cref="RequiresAbort"/>), or give the producer up
/// (<see cref="IsFatal"/>: fenced by a newer instance with the same transactional id, or an epoch the coordinator no
/// longer accepts).
/// </summary>
internal readonly record struct TransactionCallResult(ErrorCode Code, bool IsFatal, bool IsRetriable, bool RequiresAbort, string Message)
{
    public static TransactionCallResult Success { get; } = new(ErrorCode.NoError, false, false, false, "");

    public bool Succeeded => Code == ErrorCode.NoError;
}
