using BenchmarkDotNet.Attributes;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Benchmarks.Traffic;

/// <summary>
/// Cost of generating one message (key + value) per payload kind, with uniform keys. Each invocation makes
/// <see cref="MessagesPerInvoke"/> messages on a source that is warm (pools built, buffers allocated), so
/// the reported time and allocation are per message.
/// </summary>
[MemoryDiagnoser]
public class TrafficPayloadBenchmarks
{
    public const int MessagesPerInvoke = 1024;

    private MessageSource _source = null!;
    private long _ticks;

    [Params("fixed-100B", "fixed-1KiB", "prediction-1KiB", "prediction-4KiB", "agent-chain-2KiB", "mixed-2KiB")]
    public string Payload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var payload = Payload switch
        {
            "fixed-100B" => new PayloadSpec { Kind = PayloadKind.Fixed, Size = 100 },
            "fixed-1KiB" => new PayloadSpec { Kind = PayloadKind.Fixed, Size = 1024 },
            "prediction-1KiB" => new PayloadSpec { Kind = PayloadKind.Prediction, Size = 1024 },
            "prediction-4KiB" => new PayloadSpec { Kind = PayloadKind.Prediction, Size = 4096, Blocks = [PayloadBlock.Explanation, PayloadBlock.Retrieval] },
            "agent-chain-2KiB" => new PayloadSpec { Kind = PayloadKind.AgentChain, Size = 2048 },
            "mixed-2KiB" => new PayloadSpec { Kind = PayloadKind.Mixed, Size = 2048, ChainShare = 0.3 },
            _ => throw new InvalidOperationException($"Unknown payload case '{Payload}'."),
        };
        _source = TrafficBenchmarkSources.Create(payload, new KeySpec());
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public long Next() => TrafficBenchmarkSources.Drain(_source, ref _ticks, MessagesPerInvoke);
}

/// <summary>Cost of generating one message per key distribution, with 100-byte opaque values so the key choice dominates.</summary>
[MemoryDiagnoser]
public class TrafficKeyBenchmarks
{
    private MessageSource _source = null!;
    private long _ticks;

    [Params("none", "sequential", "uniform-100k", "zipf-1.0-100k", "zipf-1.0-1M", "zipf-hot-window")]
    public string Keys { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var keys = Keys switch
        {
            "none" => new KeySpec { Distribution = KeyDistribution.None },
            "sequential" => new KeySpec { Distribution = KeyDistribution.Sequential, Space = 100_000 },
            "uniform-100k" => new KeySpec { Distribution = KeyDistribution.Uniform, Space = 100_000 },
            "zipf-1.0-100k" => new KeySpec { Distribution = KeyDistribution.Zipf, Space = 100_000, ZipfExponent = 1.0 },
            "zipf-1.0-1M" => new KeySpec { Distribution = KeyDistribution.Zipf, Space = 1_000_000, ZipfExponent = 1.0 },
            "zipf-hot-window" => new KeySpec
            {
                Distribution = KeyDistribution.Zipf,
                Space = 100_000,
                HotKeys = [new HotKeyWindow(TimeSpan.Zero, TimeSpan.FromDays(1), 0.4, Key: null, TopN: 10)],
            },
            _ => throw new InvalidOperationException($"Unknown key case '{Keys}'."),
        };
        _source = TrafficBenchmarkSources.Create(new PayloadSpec { Kind = PayloadKind.Fixed, Size = 100 }, keys);
    }

    [Benchmark(OperationsPerInvoke = TrafficPayloadBenchmarks.MessagesPerInvoke)]
    public long Next() => TrafficBenchmarkSources.Drain(_source, ref _ticks, TrafficPayloadBenchmarks.MessagesPerInvoke);
}

internal static class TrafficBenchmarkSources
{
    public static MessageSource Create(PayloadSpec payload, KeySpec keys)
    {
        var stream = new TrafficStream { Name = "bench", Topic = "bench", Rate = 100_000, Payload = payload, Keys = keys };
        var source = new MessageSource(stream, seed: 1, producerIndex: 0, TimeSpan.FromDays(1));
        var ticks = 0L;
        Drain(source, ref ticks, 10_000);
        return source;
    }

    /// <summary>Generates <paramref name="count"/> messages 10 µs apart; the sum of lengths keeps the work observable.</summary>
    public static long Drain(MessageSource source, ref long ticks, int count)
    {
        var bytes = 0L;
        for (var i = 0; i < count; i++)
        {
            ticks += 100;
            var message = source.Next(new TimeSpan(ticks));
            bytes += message.Value.Length + (message.Key?.Length ?? 0);
        }

        return bytes;
    }
}
