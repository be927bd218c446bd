using System.Buffers.Binary;
using System.Text;

namespace LoadLab.Kafka.Protocol;

/// <summary>
/// Reads the Kafka protocol's primitive types (big-endian integers, strings, arrays; compact forms and tagged fields
/// of flexible versions) from a buffer. Field layouts follow the message definitions of Apache Kafka
/// (<c>clients/src/main/resources/common/message/*.json</c>); a truncated buffer throws <see cref="KafkaProtocolException"/>.
/// </summary>
internal ref struct KafkaReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    public readonly int Remaining => _buffer.Length - Position;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>An unsigned LEB128 varint (lengths and tags of flexible versions).</summary>
    public uint ReadUnsignedVarint()
    {
        uint value = 0;
        for (var shift = 0; shift <= 28; shift += 7)
        {
            var b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new KafkaProtocolException("a varint is longer than 5 bytes");
    }

    /// <summary>A string: int16 length (classic) or unsigned varint length + 1 (compact); null when the length says so.</summary>
    public string? ReadString(bool compact)
    {
        var length = compact ? (int)ReadUnsignedVarint() - 1 : ReadInt16();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>An array length: int32 (classic) or unsigned varint + 1 (compact); −1 for a null array.</summary>
    public int ReadArrayLength(bool compact) => compact ? (int)ReadUnsignedVarint() - 1 : ReadInt32();

    public int[] ReadInt32Array(bool compact)
    {
        var length = ReadArrayLength(compact);
        var values = new int[Math.Max(length, 0)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadInt32();
        }

        return values;
    }

    /// <summary>Skips the tagged fields that end a structure of a flexible version.</summary>
    public void SkipTaggedFields()
    {
        var count = ReadUnsignedVarint();
        for (var i = 0; i < count; i++)
        {
            ReadUnsignedVarint();
            Take((int)ReadUnsignedVarint());
        }
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new KafkaProtocolException($"the message ends after {_buffer.Length} bytes, {count} more were expected at byte {Position}");
        }

        var taken = _buffer.Slice(Position, count);
        Position += count;
        return taken;
    }
}

/// <summary>A Kafka message that does not follow the protocol (truncated, or a field out of range).</summary>
public sealed class KafkaProtocolException(string message) : Exception(message);
