namespace LoadLab.Kafka.Protocol;

/// <summary>
/// Rewrites the broker addresses in the responses that tell a client where brokers are — Metadata, FindCoordinator and
/// DescribeCluster — so that a client reaching the cluster through a proxy keeps talking to every broker through it
/// (the technique of Kafka-aware proxies; a plain TCP proxy loses the client at its first metadata answer). Everything
/// else of the response is copied byte for byte. Layouts: Apache Kafka's <c>MetadataResponse.json</c> (v0–12, flexible
/// from 9), <c>FindCoordinatorResponse.json</c> (v0–6, flexible from 3, a list of coordinators from 4) and
/// <c>DescribeClusterResponse.json</c> (v0–1, always flexible).
/// </summary>
internal static class BrokerAddressRewriter
{
    /// <summary>Maps a broker (id, advertised host, port) to the address clients should use instead.</summary>
    public delegate (string Host, int Port) AddressMap(int brokerId, string host, int port);

    public static bool Rewrites(short apiKey) => apiKey is ApiKeys.Metadata or ApiKeys.FindCoordinator or ApiKeys.DescribeCluster;

    /// <summary>
    /// The response (correlation id, header and body, without the size prefix) with every broker address mapped.
    /// Throws <see cref="KafkaProtocolException"/> for a response that does not follow its layout.
    /// </summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> response, short apiKey, short version, AddressMap map)
    {
        var reader = new KafkaReader(response);
        var writer = new KafkaWriter();
        reader.ReadInt32();
        if (ApiKeys.HasFlexibleResponseHeader(apiKey, version))
        {
            reader.SkipTaggedFields();
        }

        var copied = 0;
        void CopyUpTo(int end, ReadOnlySpan<byte> source)
        {
            writer.WriteBytes(source[copied..end]);
            copied = end;
        }

        var flexible = ApiKeys.IsFlexible(apiKey, version);
        switch (apiKey)
        {
            case ApiKeys.Metadata:
                if (version >= 3)
                {
                    reader.ReadInt32();
                }

                CopyUpTo(reader.Position, response);
                RewriteBrokers(ref reader, writer, response, flexible, hasRack: version >= 1, map);
                break;
            case ApiKeys.DescribeCluster:
                reader.ReadInt32();
                reader.ReadInt16();
                reader.ReadString(compact: true);
                if (version >= 1)
                {
                    reader.ReadInt8();
                }

                reader.ReadString(compact: true);
                reader.ReadInt32();
                CopyUpTo(reader.Position, response);
                RewriteBrokers(ref reader, writer, response, flexible, hasRack: true, map);
                break;
            case ApiKeys.FindCoordinator when version <= 3:
                if (version >= 1)
                {
                    reader.ReadInt32();
                }

                reader.ReadInt16();
                if (version >= 1)
                {
                    reader.ReadString(flexible);
                }

                CopyUpTo(reader.Position, response);
                RewriteAddress(ref reader, writer, flexible, map);
                break;
            case ApiKeys.FindCoordinator:
                reader.ReadInt32();
                CopyUpTo(reader.Position, response);
                var coordinators = reader.ReadArrayLength(compact: true);
                writer.WriteArrayLength(coordinators, compact: true);
                for (var i = 0; i < coordinators; i++)
                {
                    writer.WriteString(reader.ReadString(compact: true), compact: true);
                    RewriteAddress(ref reader, writer, flexible: true, map);
                    var rest = reader.Position;
                    reader.ReadInt16();
                    reader.ReadString(compact: true);
                    reader.SkipTaggedFields();
                    writer.WriteBytes(response[rest..reader.Position]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(apiKey), apiKey, "Only Metadata, FindCoordinator and DescribeCluster responses carry broker addresses.");
        }

        writer.WriteBytes(response[reader.Position..]);
        return writer.Written.ToArray();
    }

    private static void RewriteBrokers(ref KafkaReader reader, KafkaWriter writer, ReadOnlySpan<byte> source, bool flexible, bool hasRack, AddressMap map)
    {
        var count = reader.ReadArrayLength(flexible);
        writer.WriteArrayLength(count, flexible);
        for (var i = 0; i < count; i++)
        {
            RewriteAddress(ref reader, writer, flexible, map);
            if (hasRack)
            {
                writer.WriteString(reader.ReadString(flexible), flexible);
            }

            if (flexible)
            {
                var tags = reader.Position;
                reader.SkipTaggedFields();
                writer.WriteBytes(source[tags..reader.Position]);
            }
        }
    }

    /// <summary>Node id, host and port; a node id below 0 (no coordinator) is copied unchanged.</summary>
    private static void RewriteAddress(ref KafkaReader reader, KafkaWriter writer, bool flexible, AddressMap map)
    {
        var id = reader.ReadInt32();
        var host = reader.ReadString(flexible) ?? "";
        var port = reader.ReadInt32();
        var (newHost, newPort) = id < 0 ? (host, port) : map(id, host, port);
        writer.WriteInt32(id);
        writer.WriteString(newHost, flexible);
        writer.WriteInt32(newPort);
    }
}
