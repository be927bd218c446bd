using BenchmarkDotNet.Attributes;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;
using LoadLab.Engine.Messages;
using LoadLab.Engine.Producing;
using LoadLab.Engine.Running;
using LoadLab.Kafka.Native;

namespace LoadLab.Benchmarks.Harness;

/// <summary>
/// Cost of every per-message step of LoadLab's produce path (issues 9 and 19), in the order a message meets them:
/// the pacer tick, a clock reading, key choice, payload stamping, the header stamp, (the native produce call:
/// <see cref="ProduceCallBenchmarks"/>), histogram recording, and on acknowledgement the producer's counters, the
/// partition ledger, the delivery audit, the ack-gap tracker, and the whole delivery callback (the real
/// OpenLoopProducer's, called as the native client calls it). Run with <c>--job short</c>; each operation is one
/// message, and every row must allocate 0 B.
/// </summary>
[MemoryDiagnoser]
public class PerMessageBenchmarks : IDisposable
{
    private const int Messages = 100_000;
    private const int Partitions = 6;
    private static readonly TimeSpan Total = TimeSpan.FromHours(1);

    private ArrivalSequence _arrivals = null!;
    private KeyChooser _keys = null!;
    private FastRandom _random;
    private MessageSource _source = null!;
    private LatencyRecorders _latency = null!;
    private RunClock _clock = null!;
    private RunStamp _stamp = null!;
    private readonly byte[] _opaqueValue = new byte[100];
    private ProducerStats _stats = null!;
    private PartitionLedger _ledger = null!;
    private DeliveryAudit _audit = null!;
    private AckGapTracker _ackGaps = null!;
    private string _resultsDirectory = null!;
    private TrafficStream _stream = null!;
    private RunContext _run = null!;
    private OpenLoopProducer _producer = null!;
    private long _sequence;
    private long _elapsedTicks;

    [GlobalSetup]
    public void Setup()
    {
        var stream = _stream = new TrafficStream
        {
            Name = "bench",
            Topic = "events",
            Rate = 50_000,
            Payload = new PayloadSpec { Kind = PayloadKind.Prediction, Size = 1024 },
            Keys = new KeySpec { Distribution = KeyDistribution.Zipf, ZipfExponent = 1.1, Space = 10_000, Kind = KeyKind.Account },
        };
        _arrivals = new ArrivalSequence(RateSchedule.Create(stream, Total), ArrivalProcess.Poisson, 0, 1, 42);
        _keys = new KeyChooser(stream.Keys, 0, 1);
        _random = new FastRandom(42);
        _source = new MessageSource(stream, 42, 0, Total);
        _latency = new LatencyRecorders();
        _clock = new RunClock(TimeProvider.System);
        _clock.Restart();
        _stamp = new RunStamp(runNonce: 1, producerId: 0);
        _stats = new ProducerStats();
        _resultsDirectory = Directory.CreateTempSubdirectory("loadlab-bench-").FullName;
    }

    /// <summary>Fresh ledger, audit and ack-gap tracker per iteration, so their storage stays at a run's size.</summary>
    [IterationSetup(Targets = [nameof(LedgerRecordAck), nameof(AuditRecordAcked), nameof(AckGapRecord)])]
    public void ResetAckState()
    {
        _sequence = 0;
        var map = new PartitionMap([new TopicSpec("events", Partitions, 1)]);
        _ledger = new PartitionLedger(map);
        _audit = new DeliveryAudit([new AuditedProducer("events", Partitions, Messages)], [new AuditedGroup("g", "events")]);
        _ackGaps = new AckGapTracker([("events", Partitions)], TimeProvider.System, _clock.StartTimestamp);
    }

    /// <summary>
    /// A fresh run (ledger, audit, ack gaps) per iteration, so the callback's storage stays at a run's size. The
    /// producer's client points at an unreachable address and never sends: only its callback is exercised.
    /// </summary>
    [IterationSetup(Target = nameof(DeliveryCallback))]
    public void ResetDeliveryState()
    {
        _producer?.Dispose();
        _run?.Results.Dispose();
        _sequence = 0;
        var map = new PartitionMap([new TopicSpec("events", Partitions, 1)]);
        _run = new RunContext
        {
            Clock = _clock,
            Latency = _latency,
            Partitions = map,
            Ledger = new PartitionLedger(map),
            Results = new ResultsWriter(Path.Combine(_resultsDirectory, Guid.NewGuid().ToString("N"))),
            Audit = new DeliveryAudit([new AuditedProducer("events", Partitions, Messages)], [new AuditedGroup("g", "events")]),
            AckGaps = new AckGapTracker([("events", Partitions)], TimeProvider.System, _clock.StartTimestamp),
            RunNonce = 1,
            MeasuredFromMicros = 0,
            EndMicros = (long)Total.TotalMicroseconds,
            BootstrapServers = "127.0.0.1:9",
            ClientDefaults = new Dictionary<string, string>(),
        };
        _producer = new OpenLoopProducer(_run, _stream, RateSchedule.Create(_stream, Total), producerId: 0, index: 0, seed: 42, topicIndex: 0);
    }

    /// <summary>BenchmarkDotNet calls global clean-up, not Dispose: the producer's client and the results folder go here.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _producer?.Dispose();
        _run?.Results.Dispose();
        Directory.Delete(_resultsDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>ArrivalSequence.Next plus the wait computation (no wait: the pacer is always behind here).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long PacerTick()
    {
        long due = 0;
        for (var i = 0; i < Messages; i++)
        {
            var intended = _arrivals.Next() / TimeSpan.TicksPerMicrosecond;
            due += intended - _clock.NowMicros();
        }

        return due;
    }

    /// <summary>RunClock.NowMicros: the pacer reads it once per message sent (its send time), the callback once per acknowledgement.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long ClockRead()
    {
        long sum = 0;
        for (var i = 0; i < Messages; i++)
        {
            sum += _clock.NowMicros();
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int KeyChoice()
    {
        var sum = 0;
        for (var i = 0; i < Messages; i++)
        {
            sum += _keys.Next(i * 200L, ref _random);
        }

        return sum;
    }

    /// <summary>MessageSource.Next: picks a pooled 1 KiB prediction envelope and patches ids, timestamp and key.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int PayloadStamping()
    {
        var bytes = 0;
        for (var i = 0; i < Messages; i++)
        {
            _elapsedTicks += 200;
            bytes += _source.Next(TimeSpan.FromTicks(_elapsedTicks)).Value.Length;
        }

        return bytes;
    }

    /// <summary>RunStamp.StampValue: the 29-byte run stamp written over an opaque value's first bytes (a header value the same way).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public byte RunStamping()
    {
        for (var i = 0; i < Messages; i++)
        {
            _stamp.StampValue(_opaqueValue, i, i * 20L);
        }

        return _opaqueValue[RunStamps.Length - 1];
    }

    /// <summary>ProducerStats.RecordSent and RecordAcked: the producer's counters of one message.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long ProducerCounters()
    {
        for (var i = 0; i < Messages; i++)
        {
            _stats.RecordSent(100, measured: true);
            _stats.RecordAcked(100, measured: true);
        }

        return _stats.Acked;
    }

    /// <summary>PartitionLedger.RecordAck: counts, bytes, high watermark and the time-lag ring of one acknowledgement.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void LedgerRecordAck()
    {
        for (var i = 0; i < Messages; i++)
        {
            var sequence = _sequence++;
            _ledger.RecordAck((int)(sequence % Partitions), sequence / Partitions, 100, sequence * 20);
        }
    }

    /// <summary>DeliveryAudit.RecordAcked: the exact audit's record of one acknowledgement.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void AuditRecordAcked()
    {
        for (var i = 0; i < Messages; i++)
        {
            var sequence = _sequence++;
            _audit.RecordAcked(0, sequence, (int)(sequence % Partitions), sequence / Partitions);
        }
    }

    /// <summary>AckGapTracker.RecordAck: the unavailability window's record of one acknowledgement.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void AckGapRecord()
    {
        var start = _clock.StartTimestamp;
        for (var i = 0; i < Messages; i++)
        {
            var sequence = _sequence++;
            _ackGaps.RecordAck(0, (int)(sequence % Partitions), start + sequence);
        }
    }

    /// <summary>One LatencyRecorders.Record into the interval and the measured histogram.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void HistogramRecording()
    {
        for (var i = 0; i < Messages; i++)
        {
            _latency.Record(LatencyMetric.Produce, 1_000 + (i & 4095), measured: true);
        }
    }

    /// <summary>OpenLoopProducer's delivery callback for an acknowledged message, as the native client calls it.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void DeliveryCallback()
    {
        IDeliveryListener listener = _producer;
        for (var i = 0; i < Messages; i++)
        {
            var sequence = _sequence++;
            listener.OnDelivered(sequence, (int)(sequence % Partitions), sequence / Partitions);
        }
    }
}
