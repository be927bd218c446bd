using HdrHistogram;

namespace LoadLab.Core.Results;

/// <summary>
/// One interval of a latency metric (values in microseconds) and when it was recorded, in seconds since the run start.
/// Only the non-empty buckets are kept: a histogram of the recorders' range (1 µs to 1 h at 3 digits) is ~190 KB,
/// while a second of latencies fills a few hundred buckets, so a run's intervals fit in memory however long it ran.
/// </summary>
public sealed class HistogramInterval
{
    private readonly long[] _values;
    private readonly long[] _counts;
    private readonly long _lowestTrackableValue;
    private readonly long _highestTrackableValue;
    private readonly int _significantDigits;

    /// <summary>Captures <paramref name="histogram"/>'s values; the histogram can be reused afterwards.</summary>
    public HistogramInterval(double startSeconds, double endSeconds, HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        StartSeconds = startSeconds;
        EndSeconds = endSeconds;
        TotalCount = histogram.TotalCount;
        MaxValue = histogram.TotalCount > 0 ? histogram.GetMaxValue() : 0;
        _lowestTrackableValue = histogram.LowestTrackableValue;
        _highestTrackableValue = histogram.HighestTrackableValue;
        _significantDigits = histogram.NumberOfSignificantValueDigits;
        var values = new List<long>();
        var counts = new List<long>();
        if (histogram.TotalCount > 0)
        {
            foreach (var bucket in histogram.RecordedValues())
            {
                values.Add(bucket.ValueIteratedTo);
                counts.Add(bucket.CountAddedInThisIterationStep);
            }
        }

        _values = [.. values];
        _counts = [.. counts];
    }

    private HistogramInterval(HistogramInterval values, double startSeconds, double endSeconds)
    {
        StartSeconds = startSeconds;
        EndSeconds = endSeconds;
        TotalCount = values.TotalCount;
        MaxValue = values.MaxValue;
        _lowestTrackableValue = values._lowestTrackableValue;
        _highestTrackableValue = values._highestTrackableValue;
        _significantDigits = values._significantDigits;
        _values = values._values;
        _counts = values._counts;
    }

    /// <summary>Start of the interval, seconds since the run start.</summary>
    public double StartSeconds { get; }

    /// <summary>End of the interval, seconds since the run start.</summary>
    public double EndSeconds { get; }

    /// <summary>The interval's midpoint: the instant the SLO phases and charts place it at.</summary>
    public double MidpointSeconds => (StartSeconds + EndSeconds) / 2;

    /// <summary>Values recorded in the interval.</summary>
    public long TotalCount { get; }

    /// <summary>The largest value recorded (at the histogram's precision); 0 when empty.</summary>
    public long MaxValue { get; }

    /// <summary>The same values placed at another time (the log reader learns the start time only after the intervals).</summary>
    internal HistogramInterval At(double startSeconds, double endSeconds) => new(this, startSeconds, endSeconds);

    /// <summary>Adds the interval's values to <paramref name="target"/>.</summary>
    public void AddTo(HistogramBase target)
    {
        ArgumentNullException.ThrowIfNull(target);
        for (var i = 0; i < _values.Length; i++)
        {
            target.RecordValueWithCount(_values[i], _counts[i]);
        }
    }

    /// <summary>The interval as a histogram of its own range and precision.</summary>
    public HistogramBase ToHistogram() => Merge([this])!;

    /// <summary>The intervals' values in one histogram (the widest range and precision among them); null when there are none.</summary>
    public static HistogramBase? Merge(IEnumerable<HistogramInterval> intervals)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        var list = intervals as IReadOnlyCollection<HistogramInterval> ?? [.. intervals];
        if (list.Count == 0)
        {
            return null;
        }

        var merged = new LongHistogram(
            list.Min(i => i._lowestTrackableValue),
            list.Max(i => i._highestTrackableValue),
            list.Max(i => i._significantDigits));
        foreach (var interval in list)
        {
            interval.AddTo(merged);
        }

        return merged;
    }
}
