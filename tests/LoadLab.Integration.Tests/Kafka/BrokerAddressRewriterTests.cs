using LoadLab.Kafka.Protocol;

namespace LoadLab.Integration.Tests.Kafka;

/// <summary>
/// Responses built field by field after Apache Kafka's message definitions, rewritten, and read back: every broker
/// address is mapped, every other byte is kept.
/// </summary>
public sealed class BrokerAddressRewriterTests
{
    private static readonly BrokerAddressRewriter.AddressMap ToProxy = (id, _, _) => ("127.0.0.1", 40000 + id);

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(12)]
    public void Rewrite_Metadata_MapsEveryBrokerAndKeepsTheRest(short version)
    {
        var flexible = version >= 9;
        var response = Response(flexible, body =>
        {
            if (version >= 3)
            {
                body.WriteInt32(7);
            }

            body.WriteArrayLength(2, flexible);
            WriteBroker(body, 1, "kafka-1.internal", 9092, "rack-a", flexible);
            WriteBroker(body, 2, "kafka-2.internal", 9093, null, flexible);
            body.WriteString("cluster-id", flexible);
            body.WriteInt32(1);
            body.WriteBytes([0xCA, 0xFE, 0xBA, 0xBE]);
        });

        var rewritten = BrokerAddressRewriter.Rewrite(response, 3, version, ToProxy);

        var reader = new KafkaReader(rewritten);
        Assert.Equal(42, reader.ReadInt32());
        if (flexible)
        {
            reader.SkipTaggedFields();
        }

        if (version >= 3)
        {
            Assert.Equal(7, reader.ReadInt32());
        }

        Assert.Equal(2, reader.ReadArrayLength(flexible));
        Assert.Equal((1, "127.0.0.1", 40001, "rack-a"), ReadBroker(ref reader, flexible));
        Assert.Equal((2, "127.0.0.1", 40002, (string?)null), ReadBroker(ref reader, flexible));
        Assert.Equal("cluster-id", reader.ReadString(flexible));
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal([0xCA, 0xFE, 0xBA, 0xBE], reader.Take(4).ToArray());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rewrite_FindCoordinatorUpToV3_MapsTheCoordinator(short version)
    {
        var flexible = version >= 3;
        var response = Response(flexible, body =>
        {
            if (version >= 1)
            {
                body.WriteInt32(0);
            }

            body.WriteInt16(0);
            if (version >= 1)
            {
                body.WriteString(null, flexible);
            }

            body.WriteInt32(3);
            body.WriteString("kafka-3.internal", flexible);
            body.WriteInt32(9094);
            if (flexible)
            {
                body.WriteEmptyTaggedFields();
            }
        });

        var reader = new KafkaReader(BrokerAddressRewriter.Rewrite(response, 10, version, ToProxy));
        reader.ReadInt32();
        if (flexible)
        {
            reader.SkipTaggedFields();
        }

        if (version >= 1)
        {
            reader.ReadInt32();
        }

        Assert.Equal(0, reader.ReadInt16());
        if (version >= 1)
        {
            Assert.Null(reader.ReadString(flexible));
        }

        Assert.Equal(3, reader.ReadInt32());
        Assert.Equal("127.0.0.1", reader.ReadString(flexible));
        Assert.Equal(40003, reader.ReadInt32());
    }

    [Fact]
    public void Rewrite_FindCoordinatorV4_MapsEachCoordinatorAndLeavesAnUnknownOne()
    {
        var response = Response(flexible: true, body =>
        {
            body.WriteInt32(0);
            body.WriteArrayLength(2, compact: true);
            body.WriteString("group-a", compact: true);
            body.WriteInt32(2);
            body.WriteString("kafka-2.internal", compact: true);
            body.WriteInt32(9093);
            body.WriteInt16(0);
            body.WriteString(null, compact: true);
            body.WriteEmptyTaggedFields();
            body.WriteString("group-b", compact: true);
            body.WriteInt32(-1);
            body.WriteString("", compact: true);
            body.WriteInt32(-1);
            body.WriteInt16(15);
            body.WriteString("not available", compact: true);
            body.WriteEmptyTaggedFields();
            body.WriteEmptyTaggedFields();
        });

        var reader = new KafkaReader(BrokerAddressRewriter.Rewrite(response, 10, 4, ToProxy));
        reader.ReadInt32();
        reader.SkipTaggedFields();
        reader.ReadInt32();
        Assert.Equal(2, reader.ReadArrayLength(compact: true));
        Assert.Equal(("group-a", 2, "127.0.0.1", 40002), (reader.ReadString(true), reader.ReadInt32(), reader.ReadString(true), reader.ReadInt32()));
        Assert.Equal((short)0, reader.ReadInt16());
        reader.ReadString(true);
        reader.SkipTaggedFields();
        Assert.Equal(("group-b", -1, "", -1), (reader.ReadString(true), reader.ReadInt32(), reader.ReadString(true), reader.ReadInt32()));
        Assert.Equal((short)15, reader.ReadInt16());
        Assert.Equal("not available", reader.ReadString(true));
        reader.SkipTaggedFields();
        reader.SkipTaggedFields();
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Rewrite_DescribeCluster_MapsEveryBroker(short version)
    {
        var response = Response(flexible: true, body =>
        {
            body.WriteInt32(0);
            body.WriteInt16(0);
            body.WriteString(null, compact: true);
            if (version >= 1)
            {
                body.WriteInt8(1);
            }

            body.WriteString("cluster-id", compact: true);
            body.WriteInt32(2);
            body.WriteArrayLength(1, compact: true);
            WriteBroker(body, 2, "kafka-2.internal", 9093, "rack-b", flexible: true);
            body.WriteInt32(-2147483648);
            body.WriteEmptyTaggedFields();
        });

        var reader = new KafkaReader(BrokerAddressRewriter.Rewrite(response, 60, version, ToProxy));
        reader.ReadInt32();
        reader.SkipTaggedFields();
        reader.ReadInt32();
        reader.ReadInt16();
        reader.ReadString(true);
        if (version >= 1)
        {
            Assert.Equal(1, reader.ReadInt8());
        }

        Assert.Equal("cluster-id", reader.ReadString(true));
        Assert.Equal(2, reader.ReadInt32());
        Assert.Equal(1, reader.ReadArrayLength(true));
        Assert.Equal((2, "127.0.0.1", 40002, "rack-b"), ReadBroker(ref reader, flexible: true));
        Assert.Equal(-2147483648, reader.ReadInt32());
        reader.SkipTaggedFields();
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Rewrite_TruncatedResponse_ThrowsProtocolException()
    {
        var response = Response(flexible: false, body =>
        {
            body.WriteArrayLength(3, compact: false);
            WriteBroker(body, 1, "kafka-1", 9092, null, flexible: false);
        });

        Assert.Throws<KafkaProtocolException>(() => BrokerAddressRewriter.Rewrite(response, 3, 1, ToProxy));
    }

    private static byte[] Response(bool flexible, Action<KafkaWriter> body)
    {
        var writer = new KafkaWriter();
        writer.WriteInt32(42);
        if (flexible)
        {
            writer.WriteEmptyTaggedFields();
        }

        body(writer);
        return writer.Written.ToArray();
    }

    private static void WriteBroker(KafkaWriter writer, int id, string host, int port, string? rack, bool flexible)
    {
        writer.WriteInt32(id);
        writer.WriteString(host, flexible);
        writer.WriteInt32(port);
        writer.WriteString(rack, flexible);
        if (flexible)
        {
            // One tagged field, which must survive the rewrite byte for byte.
            writer.WriteUnsignedVarint(1);
            writer.WriteUnsignedVarint(0);
            writer.WriteUnsignedVarint(2);
            writer.WriteBytes([0x01, 0x02]);
        }
    }

    private static (int, string?, int, string?) ReadBroker(ref KafkaReader reader, bool flexible)
    {
        var broker = (reader.ReadInt32(), reader.ReadString(flexible), reader.ReadInt32(), reader.ReadString(flexible));
        if (flexible)
        {
            Assert.Equal(1u, reader.ReadUnsignedVarint());
            Assert.Equal(0u, reader.ReadUnsignedVarint());
            Assert.Equal(2u, reader.ReadUnsignedVarint());
            Assert.Equal([0x01, 0x02], reader.Take(2).ToArray());
        }

        return broker;
    }
}
