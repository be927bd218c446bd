using BenchmarkDotNet.Attributes;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Benchmarks.Harness;

/// <summary>
/// Cost of every per-message step of LoadLab's produce path (issue 9): the pacer tick, key choice, payload
/// stamping, histogram recording and the delivery callback's bookkeeping (OpenLoopProducer.OnDelivery without
/// the Confluent client). Run with <c>--job short</c>; each operation is one message.
/// </summary>
[MemoryDiagnoser]
public class PerMessageBenchmarks
{
    private const int Messages = 100_000;
    private const int Partitions = 6;
    private static readonly TimeSpan Total = TimeSpan.FromHours(1);

    private ArrivalSequence _arrivals = null!;
    private KeyChooser _keys = null!;
    private FastRandom _random;
    private MessageSource _source = null!;
    private LatencyRecorders _latency = null!;
    private ProducerStats _stats = null!;
    private PartitionLedger _ledger = null!;
    private DeliveryAudit _audit = null!;
    private AckGapTracker _ackGaps = null!;
    private RunClock _clock = null!;
    private long[] _intended = null!;
    private long[] _sent = null!;
    private int[] _sizes = null!;
    private long _sequence;
    private long _elapsedTicks;

    [GlobalSetup]
    public void Setup()
    {
        var stream = new TrafficStream
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
        _stats = new ProducerStats();
        var topics = new[] { new TopicSpec("events", Partitions, 1) };
        _ledger = new PartitionLedger(new PartitionMap(topics));
        _audit = new DeliveryAudit([new AuditedProducer("events", Partitions, Messages)], [new AuditedGroup("g", "events")]);
        _clock = new RunClock(TimeProvider.System);
        _clock.Restart();
        _ackGaps = new AckGapTracker([("events", Partitions)], TimeProvider.System, _clock.StartTimestamp);
        _intended = new long[1 << 18];
        _sent = new long[1 << 18];
        _sizes = new int[1 << 18];
    }

    /// <summary>A fresh ledger and audit per iteration, so the callback's storage stays at a run's size.</summary>
    [IterationSetup(Target = nameof(DeliveryCallback))]
    public void ResetDeliveryState()
    {
        _sequence = 0;
        _ledger = new PartitionLedger(new PartitionMap([new TopicSpec("events", Partitions, 1)]));
        _audit = new DeliveryAudit([new AuditedProducer("events", Partitions, Messages)], [new AuditedGroup("g", "events")]);
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

    /// <summary>One LatencyRecorders.Record into the interval and the measured histogram.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void HistogramRecording()
    {
        for (var i = 0; i < Messages; i++)
        {
            _latency.Record(LatencyMetric.Produce, 1_000 + (i & 4095), measured: true);
        }
    }

    /// <summary>Everything OpenLoopProducer.OnDelivery does for an acknowledged message, minus the Confluent client.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public void DeliveryCallback()
    {
        for (var i = 0; i < Messages; i++)
        {
            var sequence = _sequence++;
            var slot = sequence & (_intended.Length - 1);
            _intended[slot] = sequence * 20;
            _sent[slot] = sequence * 20 + 5;
            _sizes[slot] = 1024;
            var now = _clock.NowMicros();
            var intended = _intended[slot];
            _latency.Record(LatencyMetric.Produce, now - intended, measured: true);
            _latency.Record(LatencyMetric.Service, now - Volatile.Read(ref _sent[slot]), measured: true);
            _stats.RecordAcked(_sizes[slot], measured: true);
            var partition = (int)(sequence % Partitions);
            var offset = sequence / Partitions;
            _ledger.RecordAck(partition, offset, _sizes[slot], intended);
            _audit.RecordAcked(0, sequence, partition, offset);
            _ackGaps.RecordAck(0, partition, _clock.Time.GetTimestamp());
        }
    }
}
