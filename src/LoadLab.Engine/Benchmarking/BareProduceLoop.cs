using System.Diagnostics;
using Confluent.Kafka;
using LoadLab.Core.Environments;

namespace LoadLab.Engine.Benchmarking;

/// <summary>
/// The .NET client's ceiling: one thread produces pre-made arrays as fast as the client accepts them, and
/// the delivery handler only counts acknowledgements.
/// </summary>
internal static class BareProduceLoop
{
    private const int DistinctValues = 64;

    /// <summary>Acknowledged messages per second over <paramref name="duration"/> after <paramref name="warmup"/>, and the process's CPU per acknowledged message over that window.</summary>
    public static ContenderTurn Run(ICluster cluster, string topic, int size, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig(new Dictionary<string, string>(cluster.ClientDefaults)) { BootstrapServers = cluster.BootstrapServers, ClientId = "loadlab-bench-bare" };
        foreach (var (key, value) in ProduceBenchmark.ProducerSettings)
        {
            config.Set(key, value);
        }

        config.Set("dotnet.producer.delivery.report.fields", "status");
        var random = new Random(size);
        var values = Enumerable.Range(0, DistinctValues).Select(_ =>
        {
            var value = new byte[size];
            random.NextBytes(value);
            return value;
        }).ToArray();
        var keys = Enumerable.Range(0, DistinctValues).Select(i => BitConverter.GetBytes(i)).ToArray();
        long acked = 0;
        Action<DeliveryReport<byte[], byte[]>> onDelivery = report =>
        {
            if (!report.Error.IsError)
            {
                Interlocked.Increment(ref acked);
            }
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var message = new Message<byte[], byte[]> { Key = keys[0], Value = values[0] };
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long ackedAtWindowStart = -1;
        long ackedAtWindowEnd = -1;
        var cpuAtWindowStart = TimeSpan.Zero;
        var cpuAtWindowEnd = TimeSpan.Zero;
        var sequence = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (ackedAtWindowStart < 0 && now >= windowStart)
            {
                ackedAtWindowStart = Interlocked.Read(ref acked);
                cpuAtWindowStart = ProcessCpu.Self();
                windowStart = now;
            }

            if (now >= windowEnd)
            {
                ackedAtWindowEnd = Interlocked.Read(ref acked);
                cpuAtWindowEnd = ProcessCpu.Self();
                windowEnd = now;
                break;
            }

            message.Key = keys[sequence % DistinctValues];
            message.Value = values[sequence % DistinctValues];
            try
            {
                producer.Produce(topic, message, onDelivery);
                sequence++;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Same back-off as LoadLab's producer, so neither gets an advantage when the client is full.
                Thread.Sleep(1);
            }
        }

        producer.Flush(TimeSpan.FromSeconds(10));
        var messages = ackedAtWindowEnd - ackedAtWindowStart;
        return ackedAtWindowEnd < 0 || ackedAtWindowStart < 0 || messages <= 0
            ? new ContenderTurn(0, null)
            : new ContenderTurn(ProduceBenchmark.RatePerSecond(messages, windowStart, windowEnd), (cpuAtWindowEnd - cpuAtWindowStart).TotalMicroseconds / messages);
    }
}
