using HdrHistogram;
using LoadLab.Core.Results;

namespace LoadLab.Core.Measurement;

/// <summary>
/// One HdrHistogram recorder per latency metric, written concurrently by producer callbacks, pacers and
/// consumers (values in microseconds, 3 significant digits, up to one hour), read once per interval; and
/// one histogram per metric of the measured messages only (intended send time after the warm-up), so the
/// summary's percentiles describe exactly the messages the summary counts, whenever they were acknowledged.
/// </summary>
public sealed class LatencyRecorders
{
    /// <summary>Largest recordable latency; larger values are clamped (and show as this maximum).</summary>
    public const long HighestTrackableMicros = 3_600_000_000;

    private readonly Recorder[] _recorders;
    private readonly HistogramBase[] _measured;
    private readonly Recorder[][] _groupRecorders;
    private readonly HistogramBase[][] _groupMeasured;

    /// <param name="groups">
    /// Consumer groups whose end-to-end latency (and, for transforming groups, transaction latency) is also kept apart
    /// (<see cref="RecordForGroup"/>).
    /// </param>
    public LatencyRecorders(int groups = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(groups);
        _recorders = new Recorder[LatencyMetrics.All.Count];
        _measured = new HistogramBase[LatencyMetrics.All.Count];
        for (var i = 0; i < _recorders.Length; i++)
        {
            _recorders[i] = CreateFactory().WithThreadSafeWrites().WithThreadSafeReads().Create();
            _measured[i] = CreateFactory().WithThreadSafeWrites().Create();
        }

        _groupRecorders = [.. GroupMetrics.Select(_ => Enumerable.Range(0, groups).Select(_ => CreateFactory().WithThreadSafeWrites().WithThreadSafeReads().Create()).ToArray())];
        _groupMeasured = [.. GroupMetrics.Select(_ => Enumerable.Range(0, groups).Select(_ => CreateFactory().WithThreadSafeWrites().Create()).ToArray())];
    }

    /// <summary>The metrics also kept per consumer group.</summary>
    public static IReadOnlyList<LatencyMetric> GroupMetrics { get; } = [LatencyMetric.EndToEnd, LatencyMetric.Transaction];

    /// <summary>Consumer groups kept apart.</summary>
    public int Groups => _groupRecorders[0].Length;

    /// <summary>Records one latency of group <paramref name="group"/> (a <see cref="GroupMetrics"/> metric): into the run's and into the group's own.</summary>
    public void RecordForGroup(LatencyMetric metric, int group, long micros, bool measured)
    {
        Record(metric, micros, measured);
        var slot = GroupSlot(metric);
        var value = Math.Clamp(micros, 0, HighestTrackableMicros);
        _groupRecorders[slot][group].RecordValue(value);
        if (measured)
        {
            _groupMeasured[slot][group].RecordValue(value);
        }
    }

    /// <summary>Percentiles of group <paramref name="group"/>'s measured latencies of <paramref name="metric"/> so far.</summary>
    public Percentiles MeasuredGroupPercentiles(LatencyMetric metric, int group) => ToPercentiles(_groupMeasured[GroupSlot(metric)][group]);

    /// <summary>Takes group <paramref name="group"/>'s values of <paramref name="metric"/> recorded since the last call into <paramref name="target"/> (reset first).</summary>
    public void TakeGroupInterval(LatencyMetric metric, int group, HistogramBase target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _groupRecorders[GroupSlot(metric)][group].GetIntervalHistogramInto(target);
    }

    private static int GroupSlot(LatencyMetric metric) => metric switch
    {
        LatencyMetric.EndToEnd => 0,
        LatencyMetric.Transaction => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Only end-to-end and transaction latency are kept per group."),
    };

    /// <summary>
    /// Records one latency in microseconds (negative values, from clock granularity, count as 0);
    /// <paramref name="measured"/> says whether the message belongs to the measured window.
    /// </summary>
    public void Record(LatencyMetric metric, long micros, bool measured)
    {
        var value = Math.Clamp(micros, 0, HighestTrackableMicros);
        _recorders[(int)metric].RecordValue(value);
        if (measured)
        {
            _measured[(int)metric].RecordValue(value);
        }
    }

    /// <summary>Percentiles of the measured messages so far.</summary>
    public Percentiles MeasuredPercentiles(LatencyMetric metric) => ToPercentiles(_measured[(int)metric]);

    /// <summary>A copy of the measured messages' histogram so far (microseconds), e.g. to merge it with other workers'.</summary>
    public HistogramBase MeasuredHistogram(LatencyMetric metric) => _measured[(int)metric].Copy();

    /// <summary>Takes the values recorded since the last call into <paramref name="target"/> (reset first).</summary>
    public void TakeInterval(LatencyMetric metric, HistogramBase target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _recorders[(int)metric].GetIntervalHistogramInto(target);
    }

    /// <summary>An empty histogram with the recorders' range and precision.</summary>
    public static HistogramBase CreateHistogram() => CreateFactory().Create();

    /// <summary>Percentiles in milliseconds of a histogram of microseconds.</summary>
    public static Percentiles ToPercentiles(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return new Percentiles(0, 0, 0, 0, 0, 0, 0, 0);
        }

        return new Percentiles(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetValueAtPercentile(99.99)),
            Ms(histogram.GetMaxValue()),
            Math.Round(histogram.GetMean() / 1000.0, 3));
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);

    private static HistogramFactory CreateFactory() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestTrackableMicros).WithPrecisionOf(3);
}
