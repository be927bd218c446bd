namespace LoadLab.Kafka.Protocol;

/// <summary>
/// The requests LoadLab encodes itself, each at one version every Kafka-protocol broker of our platforms answers:
/// ApiVersions v0 (does this broker answer at all?), Metadata v1 asking for no topics (which brokers does this broker
/// list?) and ListPartitionReassignments v0 (KIP-455; librdkafka has no API for it). Layouts from Apache Kafka's
/// <c>ApiVersionsRequest/Response.json</c>, <c>MetadataRequest/Response.json</c> and
/// <c>ListPartitionReassignmentsRequest/Response.json</c>.
/// </summary>
internal static class ProbeRequests
{
    /// <summary>ApiVersions v0: the error code of the answer (0 when the broker serves requests).</summary>
    public static async Task<short> ApiVersionsAsync(BrokerConnection connection, CancellationToken cancellationToken)
    {
        var body = await connection.SendAsync(ApiKeys.ApiVersions, 0, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return new KafkaReader(body).ReadInt16();
    }

    /// <summary>Metadata v1 for no topics: the brokers the answering broker lists, and its controller id.</summary>
    public static async Task<(IReadOnlyList<(int Id, string Host, int Port)> Brokers, int ControllerId)> BrokersAsync(BrokerConnection connection, CancellationToken cancellationToken)
    {
        var request = new KafkaWriter();
        request.WriteArrayLength(0, compact: false);
        var body = await connection.SendAsync(ApiKeys.Metadata, 1, request.Written.ToArray(), cancellationToken).ConfigureAwait(false);
        var reader = new KafkaReader(body);
        var count = reader.ReadArrayLength(compact: false);
        var brokers = new List<(int, string, int)>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadInt32();
            var host = reader.ReadString(compact: false) ?? "";
            var port = reader.ReadInt32();
            reader.ReadString(compact: false);
            brokers.Add((id, host, port));
        }

        return (brokers, reader.ReadInt32());
    }

    /// <summary>
    /// FindCoordinator v1 (Apache Kafka's <c>FindCoordinatorRequest/Response.json</c>): the broker coordinating
    /// <paramref name="key"/> of <paramref name="keyType"/> (0 a consumer group, 1 a transactional id).
    /// </summary>
    public static async Task<int> CoordinatorAsync(BrokerConnection connection, string key, sbyte keyType, CancellationToken cancellationToken)
    {
        var request = new KafkaWriter();
        request.WriteString(key, compact: false);
        request.WriteInt8(keyType);
        var body = await connection.SendAsync(ApiKeys.FindCoordinator, 1, request.Written.ToArray(), cancellationToken).ConfigureAwait(false);
        var reader = new KafkaReader(body);
        reader.ReadInt32();
        var error = reader.ReadInt16();
        var message = reader.ReadString(compact: false);
        if (error != 0)
        {
            throw new KafkaErrorException(error, message ?? $"FindCoordinator failed with error {error}");
        }

        return reader.ReadInt32();
    }

    /// <summary>ListPartitionReassignments v0 for one partition: its reassignment in progress, or null when there is none.</summary>
    public static async Task<PartitionReassignment?> ReassignmentAsync(BrokerConnection connection, string topic, int partition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = new KafkaWriter();
        request.WriteInt32((int)timeout.TotalMilliseconds);
        request.WriteArrayLength(1, compact: true);
        request.WriteString(topic, compact: true);
        request.WriteArrayLength(1, compact: true);
        request.WriteInt32(partition);
        request.WriteEmptyTaggedFields();
        request.WriteEmptyTaggedFields();
        var body = await connection.SendAsync(ApiKeys.ListPartitionReassignments, 0, request.Written.ToArray(), cancellationToken).ConfigureAwait(false);
        var reader = new KafkaReader(body);
        reader.ReadInt32();
        var error = reader.ReadInt16();
        var message = reader.ReadString(compact: true);
        if (error != 0)
        {
            throw new KafkaErrorException(error, message ?? $"ListPartitionReassignments failed with error {error}");
        }

        var topics = reader.ReadArrayLength(compact: true);
        PartitionReassignment? found = null;
        for (var t = 0; t < topics; t++)
        {
            var name = reader.ReadString(compact: true);
            var partitions = reader.ReadArrayLength(compact: true);
            for (var p = 0; p < partitions; p++)
            {
                var index = reader.ReadInt32();
                var reassignment = new PartitionReassignment(reader.ReadInt32Array(compact: true), reader.ReadInt32Array(compact: true), reader.ReadInt32Array(compact: true));
                reader.SkipTaggedFields();
                if (name == topic && index == partition)
                {
                    found = reassignment;
                }
            }

            reader.SkipTaggedFields();
        }

        return found;
    }
}

/// <summary>A reassignment in progress: the replica set while it runs, and the replicas being added and removed.</summary>
public sealed record PartitionReassignment(int[] Replicas, int[] Adding, int[] Removing);

/// <summary>A broker answered a request with a Kafka error code.</summary>
public sealed class KafkaErrorException(short errorCode, string message) : Exception(message)
{
    public short ErrorCode { get; } = errorCode;
}
