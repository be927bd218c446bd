using System.Globalization;

namespace LoadLab.Core.Traffic;

/// <summary>
/// Event, request and action ids: UUID-shaped (RFC 9562 version 8, "custom") so consumers that parse UUIDs
/// accept them, and built so that a pooled envelope only needs 15 hex digits patched per message:
/// <c>ssssssss-pppp-8kkk-8qqq-qqqqqqqqqqqq</c> — s: hash of scenario seed, stream and producer; p: producer
/// index; k: id kind (event, request, action); q: 60-bit sequence number of this producer.
/// </summary>
internal static class EventIds
{
    public const int Length = 36;
    public const int EventKind = 1;
    public const int RequestKind = 2;
    public const int ActionKind = 3;

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    public static string Format(uint sourceHash, int producerIndex, int kind, long sequence) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sourceHash:x8}-{producerIndex & 0xFFFF:x4}-8{kind & 0xFFF:x3}-8{(sequence >> 48) & 0xFFF:x3}-{sequence & 0xFFFF_FFFF_FFFF:x12}");

    /// <summary>
    /// Length of an id's sequence tail: the last 16 characters, <c>qqq-qqqqqqqqqqqq</c> (15 hex digits around
    /// the last dash), written as one 16-byte copy.
    /// </summary>
    public const int SequenceTailLength = 16;

    private const int SequenceTailStart = Length - SequenceTailLength;

    /// <summary>Formats <paramref name="sequence"/> as an id's sequence tail (see <see cref="CopySequence"/>).</summary>
    public static void FormatSequence(Span<byte> tail, long sequence)
    {
        var value = (ulong)sequence;
        for (var position = SequenceTailLength - 1; position >= 0; position--)
        {
            if (position == 3)
            {
                tail[position] = (byte)'-';
                continue;
            }

            tail[position] = HexDigits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>Writes a formatted sequence tail into an id whose first character is <paramref name="id"/>[0].</summary>
    public static void CopySequence(ReadOnlySpan<byte> tail, Span<byte> id) =>
        tail[..SequenceTailLength].CopyTo(id[SequenceTailStart..Length]);
}
