using HdrHistogram;

namespace LoadLab.Core.Results;

/// <summary>
/// Reads HdrHistogram interval logs (<c>histograms/&lt;metric&gt;.hlog</c>), written by <see cref="ResultsWriter"/> or
/// by any HdrHistogram tool, through <see cref="HistogramLogParser"/> (intervals of any size). Interval times are seconds
/// since the log's <c>StartTime</c>, which LoadLab writes as the run start in whole milliseconds, the same base as its
/// interval timestamps; logs whose timestamps are already offsets (below a year, HdrHistogram's convention) are read as such.
/// </summary>
public static class HistogramLog
{
    // Timestamps below a year after the epoch are offsets from the start, not wall-clock times (HdrHistogram's rule).
    private static readonly long RelativeTimestampLimitMs = (long)TimeSpan.FromDays(365).TotalMilliseconds;

    /// <summary>Every interval of the log at <paramref name="path"/>, in file order.</summary>
    /// <exception cref="RunResultsException">An interval cannot be decoded; the message names the file and the interval.</exception>
    public static IReadOnlyList<HistogramInterval> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, $"{RunFiles.HistogramsFolder}/{Path.GetFileName(path)}");
    }

    /// <summary>Every interval of a log; <paramref name="displayName"/> names it in errors.</summary>
    /// <exception cref="RunResultsException">An interval cannot be decoded.</exception>
    public static IReadOnlyList<HistogramInterval> Read(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var read = new List<(long StartMs, long EndMs, HistogramInterval Values)>();
        using var reader = new HistogramLogParser(stream);
        using var enumerator = reader.ReadHistograms().GetEnumerator();
        while (true)
        {
            try
            {
                if (!enumerator.MoveNext())
                {
                    break;
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
            {
                throw new RunResultsException(
                    $"{displayName}: interval {read.Count + 1} cannot be decoded ({e.Message}). " +
                    "The file must be written by HdrHistogram's HistogramLogWriter; it is truncated or corrupt.", e);
            }

            var histogram = enumerator.Current;
            read.Add((histogram.StartTimeStamp, histogram.EndTimeStamp, new HistogramInterval(0, 0, histogram)));
        }

        // The header is parsed as the lines are read, so the base is known only now.
        var startTimeMs = (long)Math.Round((reader.GetStartTime() - DateTime.UnixEpoch).TotalMilliseconds);
        var baseMs = read.Count == 0 || read[0].StartMs < RelativeTimestampLimitMs ? 0
            : startTimeMs > RelativeTimestampLimitMs ? startTimeMs
            : read[0].StartMs;
        return [.. read.Select(r => r.Values.At((r.StartMs - baseMs) / 1000.0, (r.EndMs - baseMs) / 1000.0))];
    }
}
