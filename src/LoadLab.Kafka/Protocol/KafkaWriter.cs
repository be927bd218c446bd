using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LoadLab.Kafka.Protocol;

/// <summary>Writes the Kafka protocol's primitive types (the counterpart of <see cref="KafkaReader"/>).</summary>
internal sealed class KafkaWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void WriteInt8(sbyte value) => WriteByte((byte)value);

    public void WriteInt16(short value) => Write(2, span => BinaryPrimitives.WriteInt16BigEndian(span, value));

    public void WriteInt32(int value) => Write(4, span => BinaryPrimitives.WriteInt32BigEndian(span, value));

    public void WriteUnsignedVarint(uint value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    public void WriteString(string? value, bool compact)
    {
        if (value is null)
        {
            if (compact)
            {
                WriteUnsignedVarint(0);
            }
            else
            {
                WriteInt16(-1);
            }

            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (compact)
        {
            WriteUnsignedVarint((uint)bytes.Length + 1);
        }
        else
        {
            WriteInt16(checked((short)bytes.Length));
        }

        WriteBytes(bytes);
    }

    public void WriteArrayLength(int length, bool compact)
    {
        if (compact)
        {
            WriteUnsignedVarint((uint)(length + 1));
        }
        else
        {
            WriteInt32(length);
        }
    }

    /// <summary>No tagged fields (a structure of a flexible version).</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarint(0);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void Write(int size, SpanAction writer)
    {
        writer(_buffer.GetSpan(size));
        _buffer.Advance(size);
    }

    private delegate void SpanAction(Span<byte> span);
}
