using HdrHistogram;

namespace LoadLab.Core.Results;

/// <summary>One interval of an HdrHistogram log: values in microseconds recorded from <see cref="StartSecond"/>.</summary>
/// <param name="StartSecond">Start of the interval in seconds since the run started.</param>
/// <param name="LengthSeconds">Interval length in seconds (1 by contract).</param>
/// <param name="Histogram">The recorded values (microseconds).</param>
public sealed record HistogramInterval(double StartSecond, double LengthSeconds, HistogramBase Histogram)
{
    // Timestamps below a year after the epoch are offsets from the run start, not wall-clock times.
    private static readonly long RelativeTimestampLimitMs = (long)TimeSpan.FromDays(365).TotalMilliseconds;

    /// <summary>Reads <c>histograms/&lt;metric&gt;.hlog</c>; interval times are made relative to <paramref name="runStart"/>.</summary>
    internal static IReadOnlyList<HistogramInterval> Read(string path, DateTimeOffset runStart)
    {
        var displayName = $"histograms/{Path.GetFileName(path)}";
        var intervals = new List<HistogramInterval>();
        var runStartMs = runStart.ToUnixTimeMilliseconds();
        using var stream = File.OpenRead(path);
        using var reader = new HistogramLogReader(stream);
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
                    $"{displayName}: interval {intervals.Count + 1} cannot be decoded ({e.Message}). " +
                    "The file must be written by HdrHistogram's HistogramLogWriter; it is truncated or corrupt.", e);
            }

            var histogram = enumerator.Current;
            var startMs = histogram.StartTimeStamp;
            var offsetMs = startMs < RelativeTimestampLimitMs ? startMs : startMs - runStartMs;
            intervals.Add(new HistogramInterval(
                offsetMs / 1000.0,
                (histogram.EndTimeStamp - histogram.StartTimeStamp) / 1000.0,
                histogram));
        }

        return intervals;
    }
}
