using System.Buffers.Binary;
using Confluent.Kafka;

namespace LoadLab.Kafka.Messages;

/// <summary>
/// The headers every LoadLab message carries (documented in the README): run id, producer id, sequence number
/// and intended send time, all big-endian integers. The intended time is microseconds since the run start
/// on the run's monotonic clock, so a consumer in the same process measures end-to-end latency without skew.
/// </summary>
internal static class RunHeaders
{
    public const string Run = "ll-run";
    public const string Producer = "ll-producer";
    public const string Sequence = "ll-seq";
    public const string IntendedMicros = "ll-intended-us";

    /// <summary>Decoded headers of a consumed message; <see cref="IsFromRun"/> is false for foreign messages.</summary>
    public readonly record struct Decoded(bool IsFromRun, int ProducerId, long Sequence, long IntendedMicros);

    /// <summary>Reads the LoadLab headers without allocating; foreign or malformed messages are not from the run.</summary>
    public static Decoded Decode(Headers? headers, long runNonce)
    {
        if (headers is null)
        {
            return default;
        }

        var fromRun = false;
        var producer = -1;
        long sequence = -1;
        long intended = -1;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            var value = header.GetValueBytes();
            switch (header.Key)
            {
                case Run when value?.Length == 8:
                    fromRun = BinaryPrimitives.ReadInt64BigEndian(value) == runNonce;
                    break;
                case Producer when value?.Length == 4:
                    producer = BinaryPrimitives.ReadInt32BigEndian(value);
                    break;
                case Sequence when value?.Length == 8:
                    sequence = BinaryPrimitives.ReadInt64BigEndian(value);
                    break;
                case IntendedMicros when value?.Length == 8:
                    intended = BinaryPrimitives.ReadInt64BigEndian(value);
                    break;
            }
        }

        return fromRun && producer >= 0 && sequence >= 0 && intended >= 0
            ? new Decoded(true, producer, sequence, intended)
            : default;
    }
}

/// <summary>
/// One producer's reusable header set. The client copies headers into its own buffers during Produce, so
/// the same arrays are patched in place for every message instead of allocating new ones.
/// </summary>
internal sealed class RunHeaderStamp
{
    private readonly byte[] _sequence = new byte[8];
    private readonly byte[] _intended = new byte[8];

    public RunHeaderStamp(long runNonce, int producerId)
    {
        var run = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(run, runNonce);
        var producer = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(producer, producerId);
        Headers = new Headers
        {
            { RunHeaders.Run, run },
            { RunHeaders.Producer, producer },
            { RunHeaders.Sequence, _sequence },
            { RunHeaders.IntendedMicros, _intended },
        };
    }

    public Headers Headers { get; }

    public void Stamp(long sequence, long intendedMicros)
    {
        BinaryPrimitives.WriteInt64BigEndian(_sequence, sequence);
        BinaryPrimitives.WriteInt64BigEndian(_intended, intendedMicros);
    }

    /// <summary>Reads the sequence number from the headers of a delivery report.</summary>
    public static long ReadSequence(Headers? headers)
    {
        if (headers is null)
        {
            return -1;
        }

        for (var i = 0; i < headers.Count; i++)
        {
            if (headers[i].Key == RunHeaders.Sequence && headers[i].GetValueBytes() is { Length: 8 } value)
            {
                return BinaryPrimitives.ReadInt64BigEndian(value);
            }
        }

        return -1;
    }
}
