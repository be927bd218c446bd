using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using HdrHistogram;
using HdrHistogram.Encoding;
using HdrHistogram.Utilities;

namespace LoadLab.Core.Results;

/// <summary>
/// Writes an HdrHistogram interval log (format 1.3, ASCII, readable by <see cref="HistogramLogReader"/> and the
/// other HdrHistogram tools) with buffers reused from one interval to the next.
/// </summary>
/// <remarks>
/// HdrHistogram.NET's own writer allocates two buffers of the histogram's full encoded capacity per interval
/// (about 190 KB each for a 1 h range at 3 digits, so on the large object heap), which showed as a managed heap
/// growing by ~0.7 MB/s until the next full collection; it also writes UTF-16 with a byte-order mark, which other
/// tools cannot read. The compressed form written here is the one HdrHistogram.NET's encoder writes: the V2
/// compressed cookie, the compressed length, then a zlib stream of the V2 encoding.
/// </remarks>
public sealed class IntervalLogWriter : IDisposable
{
    private const int CompressedEncodingCookieV2 = 0x1c849304 | 0x10;
    private const double MaxValueUnitRatio = 1_000_000.0;

    private readonly StreamWriter _log;
    private readonly MemoryStream _compressed = new();
    private ByteBuffer? _encoded;
    private byte[] _encodedBytes = [];
    private char[] _base64 = [];

    public IntervalLogWriter(Stream output, DateTimeOffset startedAt)
    {
        _log = new StreamWriter(output, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        // The start in whole milliseconds, the base of the intervals' timestamps (ResultsWriter counts them from
        // ToUnixTimeMilliseconds, which truncates): rounding it instead put the first interval up to 1 ms before StartTime.
        var startMs = startedAt.ToUnixTimeMilliseconds();
        var start = DateTimeOffset.FromUnixTimeMilliseconds(startMs).UtcDateTime;
        _log.WriteLine("#[Histogram log format version 1.3]");
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#[StartTime: {startMs / 1000.0:F3} (seconds since epoch), {start:o}]"));
        _log.WriteLine("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
        _log.Flush();
    }

    /// <summary>Appends one interval (its start and end time stamps in milliseconds since the epoch) and flushes.</summary>
    public void Append(HistogramBase interval)
    {
        var capacity = interval.GetNeededByteBufferCapacity();
        if (_encoded is null || _encoded.Capacity() < capacity)
        {
            _encoded = ByteBuffer.Allocate(capacity);
        }

        _encoded.Position = 0;
        var encodedLength = interval.Encode(_encoded, HistogramEncoderV2.Instance);
        if (_encodedBytes.Length < encodedLength)
        {
            _encodedBytes = new byte[Math.Max(encodedLength, _encodedBytes.Length * 2)];
        }

        // ByteBuffer hands out its bytes one at a time only; the V2 encoding is short (zero runs are collapsed).
        _encoded.Position = 0;
        for (var i = 0; i < encodedLength; i++)
        {
            _encodedBytes[i] = _encoded.Get();
        }

        _compressed.SetLength(8);
        _compressed.Position = 8;
        using (var zlib = new ZLibStream(_compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(_encodedBytes, 0, encodedLength);
        }

        var compressed = _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
        BinaryPrimitives.WriteInt32BigEndian(compressed, CompressedEncodingCookieV2);
        BinaryPrimitives.WriteInt32BigEndian(compressed[4..], compressed.Length - 8);

        var base64Length = ((compressed.Length + 2) / 3) * 4;
        if (_base64.Length < base64Length)
        {
            _base64 = new char[base64Length * 2];
        }

        Convert.TryToBase64Chars(compressed, _base64, out var written);
        Span<char> number = stackalloc char[32];
        WriteNumber(interval.StartTimeStamp / 1000.0, number);
        _log.Write(',');
        WriteNumber((interval.EndTimeStamp - interval.StartTimeStamp) / 1000.0, number);
        _log.Write(',');
        WriteNumber(interval.GetMaxValue() / MaxValueUnitRatio, number);
        _log.Write(',');
        _log.Write(_base64.AsSpan(0, written));
        _log.WriteLine();
        _log.Flush();
    }

    public void Dispose()
    {
        _log.Dispose();
        _compressed.Dispose();
    }

    private void WriteNumber(double value, Span<char> buffer)
    {
        value.TryFormat(buffer, out var length, "F3", CultureInfo.InvariantCulture);
        _log.Write(buffer[..length]);
    }
}
