using System.Buffers.Binary;
using Confluent.Kafka;

namespace LoadLab.Engine.Messages;

/// <summary>
/// The one header every LoadLab message carries (documented in the README): <c>ll</c>, 29 bytes — a format
/// version (1), then big-endian run nonce (8), producer id (4), sequence number (8) and intended send time
/// (8). The intended time is microseconds since the run start on the run's monotonic clock, so a consumer in
/// the same process measures end-to-end latency without clock skew.
/// </summary>
/// <remarks>
/// One header instead of four: a header is the costliest part of handing a message to librdkafka after the
/// copy of the message itself.
/// </remarks>
internal static class RunHeaders
{
    public const string Key = "ll";
    public const byte Version = 1;
    public const int Length = 29;

    private const int RunOffset = 1;
    private const int ProducerOffset = 9;
    private const int SequenceOffset = 13;
    private const int IntendedOffset = 21;

    /// <summary>Decoded header of a consumed message; <see cref="IsFromRun"/> is false for foreign messages.</summary>
    public readonly record struct Decoded(bool IsFromRun, int ProducerId, long Sequence, long IntendedMicros);

    /// <summary>Reads the LoadLab header without allocating; foreign, older-format or malformed messages are not from the run.</summary>
    public static Decoded Decode(Headers? headers, long runNonce)
    {
        if (headers is null)
        {
            return default;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (header.Key != Key || header.GetValueBytes() is not { Length: Length } value || value[0] != Version)
            {
                continue;
            }

            var span = value.AsSpan();
            if (BinaryPrimitives.ReadInt64BigEndian(span[RunOffset..]) != runNonce)
            {
                return default;
            }

            var producer = BinaryPrimitives.ReadInt32BigEndian(span[ProducerOffset..]);
            var sequence = BinaryPrimitives.ReadInt64BigEndian(span[SequenceOffset..]);
            var intended = BinaryPrimitives.ReadInt64BigEndian(span[IntendedOffset..]);
            return producer >= 0 && sequence >= 0 && intended >= 0 ? new Decoded(true, producer, sequence, intended) : default;
        }

        return default;
    }

    /// <summary>Writes the header value of one message into <paramref name="destination"/> (<see cref="Length"/> bytes).</summary>
    public static void Write(Span<byte> destination, long runNonce, int producerId, long sequence, long intendedMicros)
    {
        destination[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(destination[RunOffset..], runNonce);
        BinaryPrimitives.WriteInt32BigEndian(destination[ProducerOffset..], producerId);
        BinaryPrimitives.WriteInt64BigEndian(destination[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64BigEndian(destination[IntendedOffset..], intendedMicros);
    }
}

/// <summary>
/// One producer's reusable header value. The client copies headers into its own buffers during Produce, so the
/// same array is patched in place for every message instead of allocating a new one.
/// </summary>
internal sealed class RunHeaderStamp(long runNonce, int producerId)
{
    /// <summary>The value of the <see cref="RunHeaders.Key"/> header of the message stamped last.</summary>
    public byte[] Value { get; } = new byte[RunHeaders.Length];

    public void Stamp(long sequence, long intendedMicros) => RunHeaders.Write(Value, runNonce, producerId, sequence, intendedMicros);
}

/// <summary>
/// The header a consume-transform-produce pipeline adds to each output (README): <c>li</c>, 14 bytes — a format version
/// (1), then big-endian input producer id (4) and input sequence (8) (the input's <c>ll</c> values), then flags (1; bit 0:
/// made while re-reading inputs after a <c>group.replay</c>). The audit follows every input to its outputs through it.
/// </summary>
internal static class InputLinks
{
    public const string Key = "li";
    public const byte Version = 1;
    public const int Length = 14;
    private const byte ReplayedFlag = 1;

    /// <summary>The input an output was made from; <see cref="IsPresent"/> is false for messages without (or with a malformed) link.</summary>
    public readonly record struct Link(bool IsPresent, int ProducerId, long Sequence, bool Replayed);

    /// <summary>Writes the link of an output made from input <paramref name="sequence"/> of <paramref name="producerId"/>.</summary>
    public static void Write(Span<byte> destination, int producerId, long sequence, bool replayed)
    {
        destination[0] = Version;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[1..], producerId);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(destination[5..], sequence);
        destination[13] = replayed ? ReplayedFlag : (byte)0;
    }

    /// <summary>Reads the link of a consumed message without allocating.</summary>
    public static Link Decode(Headers? headers)
    {
        if (headers is null)
        {
            return default;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            if (header.Key != Key || header.GetValueBytes() is not { Length: Length } value || value[0] != Version)
            {
                continue;
            }

            var span = value.AsSpan();
            var producer = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(span[1..]);
            var sequence = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(span[5..]);
            return producer >= 0 && sequence >= 0 ? new Link(true, producer, sequence, (span[13] & ReplayedFlag) != 0) : default;
        }

        return default;
    }
}
