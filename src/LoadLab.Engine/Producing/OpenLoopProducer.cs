using Confluent.Kafka;
using LoadLab.Core.Measurement;
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
internal sealed class OpenLoopProducer : IDisposable, IDeliveryListener
{
    /// <summary>Waits longer than this sleep in whole milliseconds first.</summary>
    private const long MillisecondSleepAboveMicros = 2_000;

    /// <summary>
    /// Shorter waits longer than this sleep with <see cref="ShortSleep"/> until <see cref="ShortSleepMarginMicros"/>
    /// before the due time (the kernel's timer slack), then yield until it; shorter ones only yield.
    /// </summary>
    private const long ShortSleepAboveMicros = 150;
    private const long ShortSleepMarginMicros = 100;

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
    private CancellationToken _stop;
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
        _thread = new Thread(Pace) { IsBackground = true, Name = config.ClientId, Priority = ThreadPriority.AboveNormal };
    }

    public int ProducerId { get; }

    public string StreamName => _stream.Name;

    public ProducerStats Stats { get; } = new();

    /// <summary>librdkafka's statistics interval for this producer (0: statistics off).</summary>
    public int StatisticsIntervalMs { get; }

    /// <summary>The producer's <c>compression.type</c> as configured.</summary>
    public string Compression { get; }

    /// <summary>What the client put on the wire so far (null when statistics are off).</summary>
    public WireTotals? Wire => _producer.Wire;

    /// <summary>Waits for the client's next statistics report (call after <see cref="Flush"/>); false when none came in time.</summary>
    public bool AwaitNextStatistics(TimeSpan timeout) => _producer.AwaitNextStatistics(timeout);

    /// <summary>Messages handed out by the schedule so far (sent or being sent).</summary>
    public long Scheduled => _arrivals.Count;

    public void Start(CancellationToken stop)
    {
        // The source was made before the run waited for its consumer groups; the run clock started since.
        _source.StartRunAt(_run.Clock.StartedAt);
        _stop = stop;
        _thread.Start();
    }

    /// <summary>Waits for the pacer thread to end (at the end of the schedule or on stop).</summary>
    public void Join() => _thread.Join();

    /// <summary>Waits up to <paramref name="timeout"/> for outstanding acknowledgements; returns how many are still outstanding.</summary>
    public int Flush(TimeSpan timeout) => _producer.Flush(timeout);

    /// <summary>Average value size of the messages sent since the last call, or null when none was sent.</summary>
    public (long Messages, long Bytes) TakeSizeInterval() =>
        (Interlocked.Exchange(ref _intervalMessages, 0), Interlocked.Exchange(ref _intervalBytes, 0));

    /// <summary>Messages handed to the client during the given second of the run (by send time).</summary>
    public long SentInSecond(int second) => second >= 0 && second < _sentBySecond.Length ? Volatile.Read(ref _sentBySecond[second]) : 0;

    public void Dispose() => _producer.Dispose();

    private void Pace()
    {
        long sequence = 0;
        while (!_stop.IsCancellationRequested)
        {
            var intendedTicks = _arrivals.Next();
            if (intendedTicks < 0)
            {
                return;
            }

            var intended = intendedTicks / TimeSpan.TicksPerMicrosecond;
            if (intended >= _run.EndMicros || !WaitUntil(intended))
            {
                return;
            }

            // The load ends on the clock, not when the backlog is gone: a generator that fell behind leaves its
            // overdue messages unsent, so "sent" and the achieved rate show honestly what it managed.
            if (_run.Clock.NowMicros() >= _run.EndMicros)
            {
                return;
            }

            var generated = _source.Next(TimeSpan.FromTicks(intendedTicks));
            _stamp.Stamp(sequence, intended);
            var slot = sequence & _sequenceMask;
            _intendedBySequence[slot] = intended;
            _sizeBySequence[slot] = generated.Value.Length;
            if (!Send(sequence, intended, generated.Key, generated.Value))
            {
                return;
            }

            sequence++;
        }
    }

    private bool Send(long sequence, long intended, byte[]? key, byte[] value)
    {
        var slot = sequence & _sequenceMask;
        var measured = intended >= _run.MeasuredFromMicros;
        while (true)
        {
            var now = _run.Clock.NowMicros();
            Volatile.Write(ref _sentBySequence[slot], now);
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
                    // The pacer thread is the only writer.
                    Volatile.Write(ref _sentBySecond[second], _sentBySecond[second] + 1);
                }

                Interlocked.Add(ref _intervalBytes, size);
                return true;
            }

            if (error == ErrorCode.Local_QueueFull)
            {
                // The client holds as many messages as it may: wait for room. The message keeps its intended
                // time, so the wait is measured (schedule delay, produce latency) rather than hidden.
                Stats.RecordQueueFull();
                if (_stop.IsCancellationRequested || _run.Clock.NowMicros() >= _run.EndMicros)
                {
                    return false;
                }

                Thread.Sleep(1);
            }
            else
            {
                Stats.RecordFailed(error.ToString(), measured);
                _run.Audit.RecordFailed(ProducerId, sequence);
                return true;
            }
        }
    }

    private bool WaitUntil(long dueMicros)
    {
        while (true)
        {
            var wait = dueMicros - _run.Clock.NowMicros();
            if (wait <= 0)
            {
                return true;
            }

            if (_stop.IsCancellationRequested)
            {
                return false;
            }

            if (wait > MillisecondSleepAboveMicros)
            {
                // Whole milliseconds, leaving at least one to go: Thread.Sleep wakes up to ~1 ms late.
                Thread.Sleep((int)Math.Min(50, (wait - 1_000) / 1_000));
            }
            else if (wait > ShortSleepAboveMicros && ShortSleep.IsPrecise)
            {
                ShortSleep.For(wait - ShortSleepMarginMicros);
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    void IDeliveryListener.OnFailed(long token, ErrorCode error)
    {
        var measured = _intendedBySequence[token & _sequenceMask] >= _run.MeasuredFromMicros;
        Stats.RecordFailed(error.ToString(), measured);
        _run.Audit.RecordFailed(ProducerId, token);
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
        _run.Audit.RecordAcked(ProducerId, sequence, partition, offset);
        _run.AckGaps?.RecordAck(_topicIndex, partition, _run.Clock.TimestampAt(now));
    }
}
