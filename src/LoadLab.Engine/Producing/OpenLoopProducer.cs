using Confluent.Kafka;
using LoadLab.Core.Measurement;
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

    private readonly RunContext _run;
    private readonly TrafficStream _stream;
    private readonly ArrivalSequence _arrivals;
    private readonly MessageSource _source;
    private readonly NativeProducer _producer;
    private readonly RunHeaderStamp _stamp;
    private readonly long[] _sentBySecond;
    private readonly int _firstPartitionIndex;
    private readonly int _topicIndex;
    private readonly long[] _intendedBySequence;
    private readonly long[] _sentBySequence;
    private readonly int[] _sizeBySequence;
    private readonly long _sequenceMask;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _loadEnded = new();
    private readonly DeliveryLogWriter? _deliveryLog;
    private CancellationToken _stop;
    private long _drainDeadlineMicros = long.MaxValue;
    private volatile bool _disposing;
    private bool _started;
    private long _intervalBytes;
    private long _intervalMessages;

    public OpenLoopProducer(RunContext run, TrafficStream stream, RateSchedule schedule, int producerId, int index, int seed, int topicIndex)
    {
        _run = run;
        _stream = stream;
        ProducerId = producerId;
        _arrivals = new ArrivalSequence(schedule, stream.Arrivals, index, stream.Producers, seed, stream.Name);
        _source = new MessageSource(stream, seed, index, schedule.Total, run.Clock.StartedAt);
        _stamp = new RunHeaderStamp(run.RunNonce, producerId);
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

        _producer = new NativeProducer(config, stream.Topic, RunHeaders.Key, this);
        _thread = new Thread(Run) { IsBackground = true, Name = config.ClientId, Priority = ThreadPriority.AboveNormal };
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

    /// <summary>Waits for the load to end (at the end of the schedule or on stop); reports are still served after it.</summary>
    public void Join() => _loadEnded.Wait();

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
        _loadEnded.Dispose();
    }

    private void Run()
    {
        try
        {
            Pace();
        }
        finally
        {
            _loadEnded.Set();
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

                    _producer.WaitForReports(Math.Clamp(intended - now, ShortestWaitMicros, LongestWaitMicros));
                    now = _run.Clock.NowMicros();
                    lastServed = now;
                }
            }

            var generated = _source.Next(TimeSpan.FromTicks(intendedTicks));
            _stamp.Stamp(sequence, intended);
            var slot = sequence & _sequenceMask;
            _intendedBySequence[slot] = intended;
            _sizeBySequence[slot] = generated.Value.Length;
            if (!Send(sequence, intended, generated.Key, generated.Value, ref now))
            {
                return;
            }

            sequence++;
            if (now - lastServed >= ServeEveryMicros)
            {
                _producer.ServeReports();
                lastServed = now;
            }
        }
    }

    /// <summary>Hands one message to the client; <paramref name="now"/> is read just before the hand-over (its send time).</summary>
    /// <returns>False when the load is over (the clock passed its end, or a stop) before the message could be sent.</returns>
    private bool Send(long sequence, long intended, byte[]? key, byte[] value, ref long now)
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
            var error = _producer.Produce(key, value, _stamp.Value, sequence);
            if (error == ErrorCode.NoError)
            {
                _run.Latency.Record(LatencyMetric.ScheduleDelay, now - intended, measured);
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
