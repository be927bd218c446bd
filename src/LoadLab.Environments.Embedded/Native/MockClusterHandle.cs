using System.Runtime.InteropServices;

namespace LoadLab.Environments.Embedded.Native;

/// <summary>
/// An <c>rd_kafka_mock_cluster_t</c>. It keeps its <see cref="KafkaHandle"/> alive (reference count) because
/// librdkafka requires the mock cluster to be destroyed before the <c>rd_kafka_t</c> it was created on; the
/// SafeHandle reference counting also keeps a call in flight on another thread from racing the destruction.
/// </summary>
internal sealed class MockClusterHandle : SafeHandle
{
    private readonly KafkaHandle _owner;

    private MockClusterHandle(IntPtr cluster, KafkaHandle owner) : base(IntPtr.Zero, ownsHandle: true)
    {
        _owner = owner;
        SetHandle(cluster);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Creates a cluster of <paramref name="brokerCount"/> brokers (ids 1..N) on <paramref name="owner"/>.</summary>
    public static MockClusterHandle Create(KafkaHandle owner, int brokerCount)
    {
        var added = false;
        owner.DangerousAddRef(ref added);
        var cluster = MockNative.ClusterNew(owner, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            owner.DangerousRelease();
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new failed for {brokerCount} brokers (see librdkafka's log above).");
        }

        return new MockClusterHandle(cluster, owner);
    }

    protected override bool ReleaseHandle()
    {
        MockNative.ClusterDestroy(handle);
        _owner.DangerousRelease();
        return true;
    }
}
