using Confluent.Kafka;
using HdrHistogram;
using LoadLab.Core.Environments;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Transactions;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;
using LoadLab.Engine.Messages;
using LoadLab.Engine.Running;
using LoadLab.Kafka.Native;

namespace LoadLab.Engine.Producing;

/// <summary>
/// One open-loop producer instance: a dedicated thread sends each message at its intended time (from the
/// stream's schedule), never waiting for acknowledgements and never slowing down because the cluster is slow.
/// When the generator falls behind, messages keep their intended times, so the delay shows up as schedule
/// delay and produce latency instead of silently lowering the load (coordinated omission).
/// </summary>
/// <remarks>
/// <para>
/// The same thread serves the client's delivery reports, like a C producer (see <see cref="NativeProducer"/> for
/// why): between messages it sleeps until the next one is due or a report arrives, whichever comes first
/// (<see cref="NativeProducer.WaitForReports"/>), and never spins. When messages are due closer together than the
/// shortest sleep (<see cref="ShortestWaitMicros"/>), one pass sends every message whose intended time has come;
/// each still gets its own intended and actual send time, so schedule delay and produce latency mean what they meant. A backlog is sent in passes of at most <see cref="ServeEveryMicros"/>, with the reports served
/// between them, so an acknowledgement waits at most that long to be timed.
/// </para>
/// <para>After the load the thread goes on serving reports until none is outstanding or <see cref="Flush"/>'s deadline passes.</para>
/// <para>
/// A stream with transactions is produced by the same thread in transactions of its own transactional id
/// (<see cref="TransactionalIds"/>): a transaction begins (locally) with its first message and ends after its
/// <c>messages</c>, or at its <c>duration</c> after that message's intended time, with <c>commit_transaction</c> — or
/// <c>abort_transaction</c> for the share aborted on purpose, after the messages were flushed into the log. These calls
/// block (the commit waits for every acknowledgement, serving the reports on this thread, then for the coordinator), and
/// a transactional producer may not send while it commits, so messages that fall due meanwhile wait: they keep their
/// intended times, so produce latency includes the wait — what a transactional application feels — while schedule delay
/// is counted from the end of the call (<c>actual send − max(intended, end of the last transactional call)</c>), so a
/// commit never reads as a generator falling behind. Transaction latency is commit acknowledged − the intended time of
/// the transaction's first message. A fatal error (fenced) ends the transaction and restarts the client with the same
/// transactional id, whose <c>init_transactions</c> fences the old one.
/// </para>
/// </remarks>
internal sealed class OpenLoopProducer : IDisposable, IDeliveryListener
{
    /// <summary>Longest sleep in one piece, so a stop is noticed within it.</summary>
    private const long LongestWaitMicros = 50_000;

    /// <summary>
    /// Shortest sleep: a message due sooner waits this long, with those due meanwhile, and they are sent in one pass.
    /// A wake-up costs several microseconds of CPU (system call, context switch, serving reports), so at 60,000 msg/s
    /// waking for every message would cost more than sending it; this bounds wake-ups for sending at 5,000 a second
    /// and adds at most this much schedule delay (p99 well under the 1 ms goal). Reports still wake the thread at once.
    /// </summary>
    private const long ShortestWaitMicros = 200;

    /// <summary>While sending a backlog, reports are served at least this often.</summary>
    private const long ServeEveryMicros = 100;

    /// <summary>How long a send waits for the client to make room when its queue is full before trying again.</summary>
    private const long QueueFullWaitMicros = 1_000;

    /// <summary>Longest wait of one transactional call; a retriable timeout is retried after the stop has been checked.</summary>
    private static readonly TimeSpan TransactionCallSlice = TimeSpan.FromSeconds(1);

    /// <summary>How long a new (or restarted) transactional client may take to get its producer id.</summary>
    private static readonly TimeSpan InitTransactionsTimeout = TimeSpan.FromSeconds(30);

    private readonly RunContext _run;
    private readonly TrafficStream _stream;
    private readonly ArrivalSequence _arrivals;
    private readonly MessageSource _source;
    private readonly ProducerConfig _config;
    private readonly TransactionSpec? _transactionSpec;
    private readonly Random? _abortChooser;
    private readonly HistogramBase? _transactionLatency;
    private NativeProducer _producer;
    private readonly RunStamp _stamp;
    private readonly bool _opaqueValues;
    private readonly long[] _sentBySecond;
    private readonly int _firstPartitionIndex;
    private readonly int _topicIndex;
    private readonly long[] _intendedBySequence;
    private readonly long[] _sentBySequence;
    private readonly int[] _sizeBySequence;
    private readonly long _sequenceMask;
    private readonly Thread _thread;
    // A task, not an event to wait on: the run awaits every producer's load for the whole run, and a thread-pool thread
    // blocked that long leaves one of the pool's two minimum threads (on two cores) to everything else, so a fault's
    // timer may wait for the pool to add a thread (every ~500 ms) — the likely cause of a 1 s pause seen lasting 1,496
    // and 1,948 ms.
    private readonly TaskCompletionSource _loadEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DeliveryLogWriter? _deliveryLog;
    private CancellationToken _stop;
    private long _drainDeadlineMicros = long.MaxValue;
    private volatile bool _disposing;
    private bool _started;
    private long _intervalBytes;
    private long _intervalMessages;
    private int _transaction = -1;
    private long _transactionFirstIntended;
    private long _transactionMessages;
    private bool _abortTransaction;
    /// <summary>When the last transactional call returned (run clock, µs); messages due before it could not be sent earlier.</summary>
    private long _barrierMicros;
    private int _restarts;

    /// <param name="run">The run.</param>
    /// <param name="stream">The traffic stream this producer is one instance of.</param>
    /// <param name="schedule">The stream's rate schedule.</param>
    /// <param name="producerId">The audit's producer id (carried in every message).</param>
    /// <param name="index">The instance's index in the stream.</param>
    /// <param name="seed">The scenario seed.</param>
    /// <param name="topicIndex">The topic's index in the scenario (acknowledgement gaps).</param>
    /// <param name="transactions">Where this instance records its transactions (the audit reads them); required when the stream has transactions.</param>
    public OpenLoopProducer(RunContext run, TrafficStream stream, RateSchedule schedule, int producerId, int index, int seed, int topicIndex, TransactionLedger? transactions = null)
    {
        _run = run;
        _stream = stream;
        ProducerId = producerId;
        _arrivals = new ArrivalSequence(schedule, stream.Arrivals, index, stream.Producers, seed, stream.Name);
        _source = new MessageSource(stream, seed, index, schedule.Total, run.Clock.StartedAt);
        _stamp = new RunStamp(run.RunNonce, producerId);
        _opaqueValues = stream.Payload.Kind == PayloadKind.Fixed;
        _firstPartitionIndex = run.Partitions.FirstIndexOf(stream.Topic);
        _topicIndex = topicIndex;
        _deliveryLog = run.Segment?.AckLog(producerId);

        var config = new ProducerConfig(new Dictionary<string, string>(run.ClientDefaults))
        {
            BootstrapServers = run.BootstrapServers,
            ClientId = $"loadlab-{stream.Name}-{index}",
        };
        foreach (var (key, value) in stream.ProducerConfig)
        {
            config.Set(key, value);
        }

        // Bytes on the wire (keys, headers, batching, compression, framing) come from the client's own statistics.
        if (config.Get(NativeProducer.StatisticsIntervalSetting) is null)
        {
            config.Set(NativeProducer.StatisticsIntervalSetting, WireStatistics.DefaultIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        StatisticsIntervalMs = int.TryParse(config.Get(NativeProducer.StatisticsIntervalSetting), out var interval) ? interval : 0;
        Compression = config.Get("compression.type") ?? config.Get("compression.codec") ?? "none";

        // Every message in flight needs its slot; librdkafka never holds more than this many.
        var inFlight = int.TryParse(config.Get("queue.buffering.max.messages"), out var configured) ? configured : 100_000;
        var slots = (int)Math.Min(1 << 26, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1024, inFlight) * 2));
        _intendedBySequence = new long[slots];
        _sentBySequence = new long[slots];
        _sizeBySequence = new int[slots];
        _sentBySecond = new long[(run.EndMicros / 1_000_000) + 2];
        _sequenceMask = slots - 1;

        _transactionSpec = stream.Transactions;
        if (_transactionSpec is not null)
        {
            TransactionalId = TransactionalIds.For(stream.Topic, stream.Name, index);
            config.TransactionalId = TransactionalId;
            Transactions = transactions ?? throw new ArgumentNullException(nameof(transactions), "A stream with transactions needs a ledger the audit reads.");
            _abortChooser = new Random(HashCode.Combine(seed, stream.Name.GetHashCode(StringComparison.Ordinal), index));
            _transactionLatency = LatencyRecorders.CreateHistogram();
        }

        _config = config;
        _producer = CreateClient();
        _thread = new Thread(Run) { IsBackground = true, Name = config.ClientId, Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>This instance's transactional id; null when the stream has no transactions.</summary>
    public string? TransactionalId { get; }

    /// <summary>This instance's transactions (for the audit and the summary); null when the stream has no transactions.</summary>
    public TransactionLedger? Transactions { get; }

    /// <summary>Latency of this instance's committed measured transactions; null without transactions. Read after the load.</summary>
    public HistogramBase? TransactionLatency => _transactionLatency;

    /// <summary>Times the client was restarted (same transactional id) after a fatal error.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The librdkafka client; a transactional one has its producer id (<c>init_transactions</c>), which fences an older one.</summary>
    private NativeProducer CreateClient()
    {
        var producer = new NativeProducer(_config, _stream.Topic, RunStamps.Key, this);
        if (_transactionSpec is null)
        {
            return producer;
        }

        var result = producer.InitTransactions(InitTransactionsTimeout);
        if (!result.Succeeded)
        {
            producer.Dispose();
            throw new EnvironmentException(
                $"The cluster refused transactions for {TransactionalId} ({result.Code}: {result.Message}). " +
                "Check that it supports transactions (a transaction coordinator, transaction.state.log replicas on enough brokers) and that the client may use transactional ids.");
        }

        return producer;
    }

    public int ProducerId { get; }

    public string StreamName => _stream.Name;

    public ProducerStats Stats { get; } = new();

    /// <summary>The traffic stream this producer is one instance of.</summary>
    public TrafficStream Stream => _stream;

    /// <summary>librdkafka's statistics interval for this producer (0: statistics off).</summary>
    public int StatisticsIntervalMs { get; }

    /// <summary>The producer's <c>compression.type</c> as configured.</summary>
    public string Compression { get; }

    /// <summary>What the client put on the wire so far (null when statistics are off).</summary>
    public WireTotals? Wire => _producer.Wire;

    /// <summary>Waits for the client's next statistics report (call after <see cref="Flush"/>); false when none came in time.</summary>
    /// <exception cref="InvalidOperationException">The producing thread is still serving reports.</exception>
    public bool AwaitNextStatistics(TimeSpan timeout) => _started && _thread.IsAlive
        ? throw new InvalidOperationException("Statistics are awaited after Flush, when this thread serves the client's reports.")
        : _producer.AwaitNextStatistics(timeout);

    /// <summary>
    /// Before <see cref="Start"/>: waits until a statistics report shows the client can send at once (leaders of the
    /// topic known, the producer id of an idempotent client assigned), so that the run's clock starts when messages
    /// can leave rather than charging the client's start-up (0.5-1 s for an idempotent one) to the first messages.
    /// Returns what was seen: null when ready, else why not (not within <paramref name="timeout"/>, or statistics
    /// off or too rare to tell).
    /// </summary>
    public string? AwaitReady(TimeSpan timeout)
    {
        if (_started)
        {
            throw new InvalidOperationException("Readiness is awaited before Start, while no thread serves the client's reports.");
        }

        if (StatisticsIntervalMs <= 0 || StatisticsIntervalMs > timeout.TotalMilliseconds / 2)
        {
            return $"statistics.interval.ms {StatisticsIntervalMs} does not report within {timeout.TotalSeconds:0} s";
        }

        return _producer.AwaitReadyToSend(_stream.Topic, timeout)
            ? null
            : $"not ready within {timeout.TotalSeconds:0} s (idempotence state {_producer.IdempotenceState ?? "not reported"})";
    }

    /// <summary>Messages handed out by the schedule so far (sent or being sent).</summary>
    public long Scheduled => _arrivals.Count;

    public void Start(CancellationToken stop)
    {
        // The source was made before the run waited for its consumer groups; the run clock started since.
        _source.StartRunAt(_run.Clock.StartedAt);
        _stop = stop;
        _started = true;
        _thread.Start();
    }

    /// <summary>Completes when the load ends (at the end of the schedule or on stop); reports are still served after it.</summary>
    public Task LoadEnded => _loadEnded.Task;

    /// <summary>Waits up to <paramref name="timeout"/> for outstanding acknowledgements; returns how many are still outstanding.</summary>
    public int Flush(TimeSpan timeout)
    {
        if (!_started)
        {
            return _producer.Flush(timeout);
        }

        Volatile.Write(ref _drainDeadlineMicros, _run.Clock.NowMicros() + (long)timeout.TotalMicroseconds);
        _producer.Wake();
        _thread.Join();
        return _producer.Outstanding;
    }

    /// <summary>Average value size of the messages sent since the last call, or null when none was sent.</summary>
    public (long Messages, long Bytes) TakeSizeInterval() =>
        (Interlocked.Exchange(ref _intervalMessages, 0), Interlocked.Exchange(ref _intervalBytes, 0));

    /// <summary>Messages handed to the client during the given second of the run (by send time).</summary>
    public long SentInSecond(int second) => second >= 0 && second < _sentBySecond.Length ? Volatile.Read(ref _sentBySecond[second]) : 0;

    public void Dispose()
    {
        _disposing = true;
        if (_started)
        {
            _producer.Wake();
            _thread.Join();
        }

        _producer.Dispose();
    }

    private void Run()
    {
        try
        {
            Pace();
        }
        finally
        {
            _loadEnded.TrySetResult();
        }

        // The load is over (or stopped): the open transaction commits like any other, within the drain deadline.
        if (_transaction >= 0 && !_disposing)
        {
            EndTransaction(failed: false);
        }

        Drain();
    }

    private void Pace()
    {
        long sequence = 0;
        var now = _run.Clock.NowMicros();
        var lastServed = now;
        while (!_stop.IsCancellationRequested && !_disposing)
        {
            var intendedTicks = _arrivals.Next();
            if (intendedTicks < 0)
            {
                return;
            }

            var intended = intendedTicks / TimeSpan.TicksPerMicrosecond;
            if (intended >= _run.EndMicros)
            {
                return;
            }

            // The clock read of the last send is recent enough to tell that a message is overdue; a message that
            // seems not due yet is checked against a fresh reading before the thread sleeps for it.
            while (intended > now)
            {
                now = _run.Clock.NowMicros();
                if (intended > now)
                {
                    if (_stop.IsCancellationRequested || _disposing)
                    {
                        return;
                    }

                    // A transaction bounded by time ends at its deadline, also when no message falls due before it.
                    var wakeAt = intended;
                    if (TransactionDeadline is { } deadline)
                    {
                        if (deadline <= now)
                        {
                            EndTransaction(failed: false);
                            now = _run.Clock.NowMicros();
                            continue;
                        }

                        wakeAt = Math.Min(wakeAt, deadline);
                    }

                    _producer.WaitForReports(Math.Clamp(wakeAt - now, ShortestWaitMicros, LongestWaitMicros));
                    now = _run.Clock.NowMicros();
                    lastServed = now;
                }
            }

            if (_transactionSpec is not null)
            {
                if (TransactionDeadline is { } due && intended >= due)
                {
                    EndTransaction(failed: false);
                }

                if (_transaction < 0 && !BeginTransaction(sequence, intended))
                {
                    return;
                }
            }

            var generated = _source.Next(TimeSpan.FromTicks(intendedTicks));
            // The value is the source's buffer, rewritten for every message: stamping it in place costs nothing.
            byte[]? header = null;
            if (_opaqueValues && RunStamps.FitsInOpaqueValue(generated.Value.Length))
            {
                _stamp.StampValue(generated.Value, sequence, intended);
            }
            else
            {
                _stamp.Stamp(sequence, intended);
                header = _stamp.Value;
            }

            var slot = sequence & _sequenceMask;
            _intendedBySequence[slot] = intended;
            _sizeBySequence[slot] = generated.Value.Length;
            if (!Send(sequence, intended, generated.Key, generated.Value, header, ref now))
            {
                return;
            }

            sequence++;
            if (_transaction >= 0 && ++_transactionMessages >= _transactionSpec!.Messages)
            {
                EndTransaction(failed: false);
                now = _run.Clock.NowMicros();
            }

            if (now - lastServed >= ServeEveryMicros)
            {
                _producer.ServeReports();
                lastServed = now;
            }
        }
    }

    /// <summary>When the open transaction must end (run clock, µs), for transactions bounded by time; null otherwise.</summary>
    private long? TransactionDeadline =>
        _transaction >= 0 && _transactionSpec!.Duration is { } duration ? _transactionFirstIntended + (long)duration.TotalMicroseconds : null;

    /// <summary>
    /// Begins a transaction whose first message is <paramref name="sequence"/>; restarts the client when it is no
    /// longer usable. False when the load is over before a transaction could begin.
    /// </summary>
    private bool BeginTransaction(long sequence, long intended)
    {
        while (true)
        {
            var result = _producer.BeginTransaction();
            if (result.Succeeded)
            {
                _transaction = Transactions!.Begin(sequence);
                _transactionFirstIntended = intended;
                _transactionMessages = 0;
                _abortTransaction = _abortChooser!.NextDouble() < _transactionSpec!.AbortShare;
                return true;
            }

            // The client is in a state that allows no transaction (fatal, or an earlier one never ended): start over.
            Stats.RecordError(result.Code.ToString());
            if (_stop.IsCancellationRequested || _disposing || _run.Clock.NowMicros() >= _run.EndMicros || !Restart())
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Ends the open transaction: commits it (retrying while librdkafka says the commit may be retried), or aborts it
    /// when it was chosen to abort (after flushing its messages into the log) or <paramref name="failed"/> (a message of
    /// it could not be sent); an abortable error aborts it; a fatal one restarts the client.
    /// </summary>
    private void EndTransaction(bool failed)
    {
        var index = _transaction;
        _transaction = -1;
        TransactionOutcome outcome;
        if (failed || _abortTransaction)
        {
            if (!failed)
            {
                // Aborted on purpose after its messages were written, so the abort marker covers records in the log.
                _producer.Flush(TransactionCallSlice * 10);
            }

            var aborted = Retry(() => _producer.AbortTransaction(TransactionCallSlice));
            outcome = aborted.IsFatal ? TransactionOutcome.Fenced
                : !aborted.Succeeded ? TransactionOutcome.Undecided
                : failed ? TransactionOutcome.AbortedAfterError : TransactionOutcome.AbortedOnPurpose;
        }
        else
        {
            var committed = Retry(() => _producer.CommitTransaction(TransactionCallSlice));
            var acknowledged = _run.Clock.NowMicros();
            if (committed.Succeeded)
            {
                outcome = TransactionOutcome.Committed;
                var latency = acknowledged - _transactionFirstIntended;
                var measured = _transactionFirstIntended >= _run.MeasuredFromMicros;
                _run.Latency.Record(LatencyMetric.Transaction, latency, measured);
                if (measured)
                {
                    _transactionLatency!.RecordValue(Math.Clamp(latency, 0, LatencyRecorders.HighestTrackableMicros));
                }
            }
            else if (committed.IsFatal)
            {
                outcome = TransactionOutcome.Fenced;
            }
            else if (committed.RequiresAbort)
            {
                Stats.RecordError(committed.Code.ToString());
                var aborted = Retry(() => _producer.AbortTransaction(TransactionCallSlice));
                outcome = aborted.IsFatal ? TransactionOutcome.Fenced : aborted.Succeeded ? TransactionOutcome.AbortedAfterError : TransactionOutcome.Undecided;
            }
            else
            {
                // Neither committed nor abortable (the retries ran out with the run): the coordinator decides alone.
                outcome = TransactionOutcome.Undecided;
            }
        }

        Transactions!.End(index, outcome);
        if (outcome == TransactionOutcome.Fenced)
        {
            Restart();
        }

        _barrierMicros = _run.Clock.NowMicros();
    }

    /// <summary>
    /// Repeats a transactional call while librdkafka says it may be retried, until the drain deadline. A call still
    /// retrying when the load ends (or is stopped) lets the run go on to its drain, which sets that deadline.
    /// </summary>
    private TransactionCallResult Retry(Func<TransactionCallResult> call)
    {
        while (true)
        {
            var result = call();
            var now = _run.Clock.NowMicros();
            if (result.Succeeded || !result.IsRetriable || _disposing || now >= Volatile.Read(ref _drainDeadlineMicros))
            {
                return result;
            }

            if (now >= _run.EndMicros || _stop.IsCancellationRequested)
            {
                _loadEnded.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Gives the client up after a fatal error (its outstanding messages fail and are reported) and starts a new one with
    /// the same transactional id, which fences the old. False when the cluster refused the new one.
    /// </summary>
    private bool Restart()
    {
        if (Transactions is null)
        {
            return false;
        }

        _producer.Abandon(TransactionCallSlice);
        _producer.Dispose();
        Interlocked.Increment(ref _restarts);
        try
        {
            _producer = CreateClient();
            return true;
        }
        catch (EnvironmentException exception)
        {
            Stats.RecordError(exception.Message);
            _producer = new NativeProducer(_config, _stream.Topic, RunStamps.Key, this);
            return false;
        }
    }

    /// <summary>
    /// Hands one message to the client, with the run stamp as its header unless <paramref name="header"/> is null (the
    /// value carries it); <paramref name="now"/> is read just before the hand-over (its send time).
    /// </summary>
    /// <returns>False when the load is over (the clock passed its end, or a stop) before the message could be sent.</returns>
    private bool Send(long sequence, long intended, byte[]? key, byte[] value, byte[]? header, ref long now)
    {
        var slot = sequence & _sequenceMask;
        var measured = intended >= _run.MeasuredFromMicros;
        while (true)
        {
            // The load ends on the clock, not when the backlog is gone: a generator that fell behind leaves its
            // overdue messages unsent, so "sent" and the achieved rate show honestly what it managed.
            now = _run.Clock.NowMicros();
            if (now >= _run.EndMicros)
            {
                return false;
            }

            _sentBySequence[slot] = now;
            var error = _producer.Produce(key, value, header, sequence);
            if (error == ErrorCode.NoError)
            {
                // A message due while its producer committed could not be sent before the commit returned.
                _run.Latency.Record(LatencyMetric.ScheduleDelay, now - Math.Max(intended, _barrierMicros), measured);
                var size = value.Length;
                Stats.RecordSent(size, measured);
                Interlocked.Increment(ref _intervalMessages);
                var second = now / 1_000_000;
                if (second < _sentBySecond.Length)
                {
                    // This thread is the only writer.
                    Volatile.Write(ref _sentBySecond[second], _sentBySecond[second] + 1);
                }

                Interlocked.Add(ref _intervalBytes, size);
                return true;
            }

            if (error == ErrorCode.Local_QueueFull)
            {
                // The client holds as many messages as it may: serve reports until there is room. The message keeps
                // its intended time, so the wait is measured (schedule delay, produce latency) rather than hidden.
                Stats.RecordQueueFull();
                if (_stop.IsCancellationRequested || _disposing)
                {
                    return false;
                }

                _producer.WaitForReports(QueueFullWaitMicros);
            }
            else
            {
                Stats.RecordFailed(error.ToString(), measured);
                _run.Audit?.RecordFailed(ProducerId, sequence);
                _deliveryLog?.Failed(now, sequence);
                if (_transaction >= 0)
                {
                    // The transaction can no longer commit every message it was given.
                    EndTransaction(failed: true);
                }

                return true;
            }
        }
    }

    /// <summary>After the load: serves reports until none is outstanding, the flush deadline passes or the producer is disposed.</summary>
    private void Drain()
    {
        while (!_disposing && _producer.Outstanding > 0)
        {
            var left = Volatile.Read(ref _drainDeadlineMicros) - _run.Clock.NowMicros();
            if (left <= 0)
            {
                return;
            }

            _producer.WaitForReports(Math.Min(left, LongestWaitMicros));
        }
    }

    void IDeliveryListener.OnFailed(long token, ErrorCode error)
    {
        var measured = _intendedBySequence[token & _sequenceMask] >= _run.MeasuredFromMicros;
        Stats.RecordFailed(error.ToString(), measured);
        _run.Audit?.RecordFailed(ProducerId, token);
        _deliveryLog?.Failed(_run.Clock.NowMicros(), token);
    }

    void IDeliveryListener.OnClientError(ErrorCode error) => Stats.RecordError(error.ToString());

    void IDeliveryListener.OnDelivered(long token, int partition, long offset)
    {
        var sequence = token;
        var now = _run.Clock.NowMicros();
        var slot = sequence & _sequenceMask;
        var intended = _intendedBySequence[slot];
        var measured = intended >= _run.MeasuredFromMicros;

        _run.Latency.Record(LatencyMetric.Produce, now - intended, measured);
        _run.Latency.Record(LatencyMetric.Service, now - Volatile.Read(ref _sentBySequence[slot]), measured);
        var size = _sizeBySequence[slot];
        Stats.RecordAcked(size, measured);
        _run.Ledger.RecordAck(_firstPartitionIndex + partition, offset, size, intended);
        _run.Audit?.RecordAcked(ProducerId, sequence, partition, offset);
        _deliveryLog?.Acked(now, sequence, partition, offset, intended);
        _run.AckGaps?.RecordAck(_topicIndex, partition, _run.Clock.TimestampAt(now));
    }
}
