using BenchmarkDotNet.Attributes;
using LoadLab.Core.Measurement.Audit;

namespace LoadLab.Benchmarks.Audit;

/// <summary>Cost of the audit's hot-path calls: one ack and one read by each of two groups per message.</summary>
[MemoryDiagnoser]
public class DeliveryAuditBenchmarks
{
    private const int Messages = 1_000_000;
    private const int Partitions = 12;
    private DeliveryAudit _audit = null!;

    [GlobalSetup]
    public void Setup() =>
        _audit = new DeliveryAudit([new AuditedProducer("events", Partitions, Messages)], [new AuditedGroup("a", "events"), new AuditedGroup("b", "events")]);

    [Benchmark(OperationsPerInvoke = Messages)]
    public void AckAndConsumeByTwoGroups()
    {
        for (var s = 0; s < Messages; s++)
        {
            var partition = s % Partitions;
            long offset = s / Partitions;
            _audit.RecordAcked(0, s, partition, offset);
            _audit.RecordConsumed(0, 0, s, partition, offset);
            _audit.RecordConsumed(1, 0, s, partition, offset);
        }
    }
}
