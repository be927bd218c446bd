using System.Buffers.Binary;
using Confluent.Kafka;

namespace LoadLab.Engine.Messages;

/// <summary>
/// The run stamp every LoadLab message carries (documented in the README), 29 bytes: a format version (1), then
/// big-endian run nonce (8), producer id (4), sequence number (8) and intended send time (8). The intended time is
/// microseconds since the run start on the run's monotonic clock, so a consumer in the same process measures
/// end-to-end latency without clock skew.
/// </summary>
/// <remarks>
/// <para>
/// Where it travels: an opaque value (payload <c>kind: fixed</c>) of at least <see cref="Length"/> bytes carries it as
/// its first <see cref="Length"/> bytes; every other message (a JSON envelope, whose schema is the user's; an opaque
/// value shorter than the stamp; a pipeline's output) carries it as the <c>ll</c> header. A header is the costliest
/// part of handing a message to librdkafka: a header list and a header allocated and freed per message, with which
/// LoadLab spent 1.4-2.3x the CPU per 100-byte message (issue 19), and put 33 more bytes per record
/// on the wire than the scenario's size says. Opaque bytes are LoadLab's own, so the stamp costs nothing there.
/// </para>
/// <para>
/// A header wins over the value: a pipeline's output copies its input's value, and with it the input's stamp, but is
/// stamped in its header.
/// </para>
/// </remarks>
internal static class RunStamps
{
    /// <summary>Name of the header that carries the stamp where the value does not.</summary>
    public const string Key = "ll";
    public const byte Version = 1;
    public const int Length = 29;

    private const int RunOffset = 1;
    private const int ProducerOffset = 9;
    private const int SequenceOffset = 13;
    private const int IntendedOffset = 21;

    /// <summary>Decoded stamp of a consumed message; <see cref="IsFromRun"/> is false for foreign messages.</summary>
    public readonly record struct Decoded(bool IsFromRun, int ProducerId, long Sequence, long IntendedMicros);

    /// <summary>
    /// Reads the stamp of a consumed message without allocating: the <c>ll</c> header when there is one, else the
    /// value's first bytes. Foreign, older-format or malformed messages, and messages of other runs, are not from the run.
    /// </summary>
    public static Decoded Decode(Headers? headers, byte[]? value, long runNonce)
    {
        if (headers is not null)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var header = headers[i];
                if (header.Key == Key)
                {
                    return header.GetValueBytes() is { Length: Length } stamp ? Read(stamp, runNonce) : default;
                }
            }
        }

        return value is null ? default : Read(value, runNonce);
    }

    /// <summary>Whether an opaque value of <paramref name="length"/> bytes carries the stamp itself (no header).</summary>
    public static bool FitsInOpaqueValue(int length) => length >= Length;

    /// <summary>Writes one message's stamp into the first <see cref="Length"/> bytes of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, long runNonce, int producerId, long sequence, long intendedMicros)
    {
        destination[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(destination[RunOffset..], runNonce);
        BinaryPrimitives.WriteInt32BigEndian(destination[ProducerOffset..], producerId);
        BinaryPrimitives.WriteInt64BigEndian(destination[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64BigEndian(destination[IntendedOffset..], intendedMicros);
    }

    /// <summary>A header holds exactly the stamp; a value starts with it.</summary>
    private static Decoded Read(ReadOnlySpan<byte> span, long runNonce)
    {
        if (span.Length < Length || span[0] != Version || BinaryPrimitives.ReadInt64BigEndian(span[RunOffset..]) != runNonce)
        {
            return default;
        }

        var producer = BinaryPrimitives.ReadInt32BigEndian(span[ProducerOffset..]);
        var sequence = BinaryPrimitives.ReadInt64BigEndian(span[SequenceOffset..]);
        var intended = BinaryPrimitives.ReadInt64BigEndian(span[IntendedOffset..]);
        return producer >= 0 && sequence >= 0 && intended >= 0 ? new Decoded(true, producer, sequence, intended) : default;
    }
}

/// <summary>
/// One producer's stamps: written into an opaque value, or into one reusable header value. The client copies headers
/// and values during Produce, so the same arrays are patched in place for every message instead of allocating new ones.
/// </summary>
internal sealed class RunStamp(long runNonce, int producerId)
{
    /// <summary>The value of the <see cref="RunStamps.Key"/> header of the message stamped last by <see cref="Stamp"/>.</summary>
    public byte[] Value { get; } = new byte[RunStamps.Length];

    /// <summary>Stamps the next header value (<see cref="Value"/>).</summary>
    public void Stamp(long sequence, long intendedMicros) => RunStamps.Write(Value, runNonce, producerId, sequence, intendedMicros);

    /// <summary>Stamps an opaque value in its first bytes (see <see cref="RunStamps.FitsInOpaqueValue"/>).</summary>
    public void StampValue(Span<byte> value, long sequence, long intendedMicros) => RunStamps.Write(value, runNonce, producerId, sequence, intendedMicros);
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
