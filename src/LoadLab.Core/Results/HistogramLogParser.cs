using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using HdrHistogram;
using HdrHistogram.Utilities;

namespace LoadLab.Core.Results;

/// <summary>
/// Reads the lines of an HdrHistogram interval log (format 1.3: <c>#[StartTime: …]</c>, <c>#[BaseTime: …]</c>, the legend,
/// then <c>[Tag=…,]start,length,max,payload</c>) with the timestamps HdrHistogram's own <see cref="HistogramLogReader"/>
/// gives, but decodes each payload itself. HdrHistogram.NET 2.5 inflates a payload with a single <c>Stream.Read</c>, and
/// .NET's <see cref="DeflateStream"/> returns at most what one 8 KiB chunk of compressed input inflates to: every interval
/// whose compressed form is larger (a whole run's measured histogram of a ten-minute run, with thousands of distinct
/// values) fails with "The buffer does not contain the indicated payload amount". Here the payload is inflated to its
/// end and handed to HdrHistogram's decoder uncompressed.
/// </summary>
internal sealed class HistogramLogParser(Stream stream) : IDisposable
{
    // Timestamps this far below StartTime are offsets from it (HdrHistogram's rule for logs without BaseTime).
    private const double RelativeTimestampLimitSeconds = 365 * 24 * 3600.0;
    // The compressed encodings' cookie bases (V2, V1, V0), the word-size nibble masked out, and their 8-byte header:
    // cookie, then the length of the zlib (RFC 1950) stream that follows.
    private static readonly int[] CompressedCookieBases = [0x1c849304, 0x1c849302, 0x1c849309];
    private const int CompressedHeaderBytes = 8;
    private const int ZlibHeaderBytes = 2;

    private readonly StreamReader _log = new(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true);
    private double _startTimeSeconds;

    /// <summary>The log's StartTime (or its first interval's start when it has none), once the intervals have been read up to there.</summary>
    public DateTime GetStartTime() => DateTime.UnixEpoch.AddSeconds(_startTimeSeconds);

    /// <summary>The intervals in file order, each with StartTimeStamp and EndTimeStamp in milliseconds as HdrHistogram's reader sets them.</summary>
    /// <exception cref="FormatException">A line or its payload cannot be decoded.</exception>
    public IEnumerable<HistogramBase> ReadHistograms()
    {
        _startTimeSeconds = 0;
        double? baseTimeSeconds = null;
        var hasStartTime = false;
        while (_log.ReadLine() is { } line)
        {
            if (line.StartsWith('#'))
            {
                if (HeaderSeconds(line, "#[StartTime: ") is { } start)
                {
                    _startTimeSeconds = start;
                    hasStartTime = true;
                }
                else if (HeaderSeconds(line, "#[BaseTime: ") is { } baseTime)
                {
                    baseTimeSeconds = baseTime;
                }

                continue;
            }

            if (line.Length == 0 || line.StartsWith('"'))
            {
                continue;
            }

            var fields = line.Split(',');
            var first = fields[0].StartsWith("Tag=", StringComparison.Ordinal) ? 1 : 0;
            if (fields.Length - first != 4)
            {
                throw new FormatException($"an interval line has {fields.Length - first} fields instead of start,length,max,payload");
            }

            var startSeconds = double.Parse(fields[first], NumberStyles.Float, CultureInfo.InvariantCulture);
            var lengthSeconds = double.Parse(fields[first + 1], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!hasStartTime)
            {
                _startTimeSeconds = startSeconds;
                hasStartTime = true;
            }

            baseTimeSeconds ??= startSeconds >= _startTimeSeconds - RelativeTimestampLimitSeconds ? 0 : _startTimeSeconds;
            var histogram = Decode(fields[first + 3]);
            histogram.StartTimeStamp = (long)((startSeconds + baseTimeSeconds.Value) * 1000.0);
            histogram.EndTimeStamp = (long)((startSeconds + baseTimeSeconds.Value + lengthSeconds) * 1000.0);
            yield return histogram;
        }
    }

    /// <summary>A histogram from its compressed, base64 form (HdrHistogram's <c>encodeIntoCompressedByteBuffer</c>), of any size.</summary>
    /// <exception cref="FormatException">Not such a form, or truncated.</exception>
    public static HistogramBase Decode(string payload)
    {
        var bytes = Convert.FromBase64String(payload);
        if (bytes.Length < CompressedHeaderBytes + ZlibHeaderBytes || !CompressedCookieBases.Contains(BinaryPrimitives.ReadInt32BigEndian(bytes) & ~0xf0))
        {
            throw new FormatException("not a compressed HdrHistogram encoding");
        }

        var compressedLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (compressedLength < ZlibHeaderBytes || compressedLength > bytes.Length - CompressedHeaderBytes)
        {
            throw new FormatException($"the encoding says {compressedLength} compressed bytes follow, but {bytes.Length - CompressedHeaderBytes} do");
        }

        // The zlib header is skipped and the deflate stream read to its end, as HdrHistogram does, but completely.
        using var deflated = new MemoryStream(bytes, CompressedHeaderBytes + ZlibHeaderBytes, compressedLength - ZlibHeaderBytes);
        using var inflater = new DeflateStream(deflated, CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        try
        {
            inflater.CopyTo(inflated);
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"the compressed histogram cannot be inflated ({e.Message})", e);
        }

        return HistogramEncoding.DecodeFromByteBuffer(ByteBuffer.Allocate(inflated.ToArray()), 0);
    }

    public void Dispose() => _log.Dispose();

    private static double? HeaderSeconds(string line, string prefix)
    {
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = line.IndexOf(' ', prefix.Length);
        var text = end < 0 ? line[prefix.Length..].TrimEnd(']') : line[prefix.Length..end];
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : throw new FormatException($"'{line}' has no seconds");
    }
}
