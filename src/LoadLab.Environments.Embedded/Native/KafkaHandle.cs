using System.Runtime.InteropServices;
using LoadLab.Kafka.Native;

namespace LoadLab.Environments.Embedded.Native;

/// <summary>The <c>rd_kafka_t</c> instance that hosts the mock cluster (a producer that never connects anywhere).</summary>
internal sealed class KafkaHandle : SafeHandle
{
    public KafkaHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Librdkafka.KafkaDestroy(handle);
        return true;
    }
}
