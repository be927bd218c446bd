using Confluent.Kafka;

namespace LoadLab.Kafka.Native;

/// <summary>Receives a <see cref="NativeProducer"/>'s reports on the thread that serves them (the producing thread); must not block.</summary>
internal interface IDeliveryListener
{
    /// <summary>The message produced with <paramref name="token"/> was acknowledged at <paramref name="partition"/>/<paramref name="offset"/> (offset −1 when the client did not learn it).</summary>
    void OnDelivered(long token, int partition, long offset);

    /// <summary>The message produced with <paramref name="token"/> failed for good.</summary>
    void OnFailed(long token, ErrorCode error);

    /// <summary>A client-level error (connection, authentication, fatal idempotence errors); the client may recover from it.</summary>
    void OnClientError(ErrorCode error);
}
