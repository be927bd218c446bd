using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using LoadLab.Engine.Messages;
using LoadLab.Kafka.Native;

namespace LoadLab.Benchmarks.Harness;

/// <summary>
/// The cost of handing one 100-byte keyed message with LoadLab's header to librdkafka: through Confluent.Kafka's
/// <c>IProducer.Produce</c> (what <c>loadlab bench</c>'s bare loop does, plus the header) and through LoadLab's
/// <see cref="NativeProducer"/>. The broker address is unreachable, so messages only queue in the client (which
/// is where the caller's time goes) and time out later; every invocation is one message.
/// </summary>
[MemoryDiagnoser]
public class ProduceCallBenchmarks : IDeliveryListener
{
    private const int Messages = 50_000;
    private const string Topic = "bench";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["bootstrap.servers"] = "127.0.0.1:9",
        ["queue.buffering.max.messages"] = "2000000",
        ["queue.buffering.max.kbytes"] = "2097151",
        ["message.timeout.ms"] = "300000",
        ["linger.ms"] = "5",
    };

    private readonly byte[] _key = "acct-000123"u8.ToArray();
    private readonly byte[] _value = new byte[100];
    private readonly byte[] _header = new byte[RunStamps.Length];
    private IProducer<byte[]?, byte[]> _confluent = null!;
    private Message<byte[]?, byte[]> _message = null!;
    private Action<DeliveryReport<byte[]?, byte[]>> _handler = null!;
    private NativeProducer _native = null!;
    private long _failed;

    [IterationSetup]
    public void CreateProducers()
    {
        _confluent = new ProducerBuilder<byte[]?, byte[]>(Settings).SetLogHandler((_, _) => { }).Build();
        _message = new Message<byte[]?, byte[]> { Key = _key, Value = _value, Headers = new Headers { { RunStamps.Key, _header } } };
        _handler = _ => Interlocked.Increment(ref _failed);
        _native = new NativeProducer(Settings, Topic, RunStamps.Key, this);
    }

    [IterationCleanup]
    public void DisposeProducers()
    {
        // Disposing does not wait for delivery: the queued messages fail with "destroyed".
        _confluent.Dispose();
        _native.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public void ConfluentProduce()
    {
        for (var i = 0; i < Messages; i++)
        {
            _confluent.Produce(Topic, _message, _handler);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void NativeProduce()
    {
        for (var i = 0; i < Messages; i++)
        {
            _native.Produce(_key, _value, _header, i);
        }
    }

    void IDeliveryListener.OnDelivered(long token, int partition, long offset)
    {
    }

    void IDeliveryListener.OnFailed(long token, ErrorCode error) => Interlocked.Increment(ref _failed);

    void IDeliveryListener.OnClientError(ErrorCode error)
    {
    }
}
