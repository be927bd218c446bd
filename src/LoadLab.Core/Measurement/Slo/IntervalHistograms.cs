using HdrHistogram;

namespace LoadLab.Core.Measurement.Slo;

/// <summary>One interval of a latency metric: its histogram (values in microseconds) and when it was recorded.</summary>
/// <param name="StartSeconds">Interval start, seconds since the run start.</param>
/// <param name="EndSeconds">Interval end, seconds since the run start.</param>
/// <param name="Histogram">The interval's values in microseconds.</param>
public sealed record IntervalHistogram(double StartSeconds, double EndSeconds, HistogramBase Histogram)
{
    public double MidpointSeconds => (StartSeconds + EndSeconds) / 2;
}

/// <summary>
/// Reads a run's <c>histograms/&lt;metric&gt;.hlog</c>. The convention shared with the run's writer: one
/// <see cref="HistogramLogWriter"/> per metric, started with <c>Write(runStart)</c> where runStart is the UTC instant
/// the run started (elapsed 0, warm-up included), then one <c>Append</c> per interval whose histogram's
/// <see cref="HistogramBase.StartTimeStamp"/> and <see cref="HistogramBase.EndTimeStamp"/> are milliseconds since
/// the Unix epoch. Interval times are returned relative to the log's <c>StartTime</c> header, i.e. to the run start.
/// </summary>
public static class HistogramLogFile
{
    /// <summary>Every interval of a log, in file order.</summary>
    public static IReadOnlyList<IntervalHistogram> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new HistogramLogReader(stream);
        var histograms = reader.ReadHistograms().ToList();
        var startMs = (reader.GetStartTime() - DateTime.UnixEpoch).TotalMilliseconds;
        return [.. histograms.Select(h => new IntervalHistogram((h.StartTimeStamp - startMs) / 1000, (h.EndTimeStamp - startMs) / 1000, h))];
    }

    /// <summary>Reads <paramref name="path"/>; an empty list when the file does not exist (the metric was not recorded).</summary>
    public static IReadOnlyList<IntervalHistogram> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = File.OpenRead(path);
        return Read(stream);
    }
}
