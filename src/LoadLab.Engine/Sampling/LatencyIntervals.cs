using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Engine.Sampling;

/// <summary>
/// Closes each latency metric's interval: the recorder's interval histogram goes to the metric's <c>.hlog</c>, is
/// reduced to the row's percentiles, and is kept in memory when an SLO judges that metric per interval — so the
/// analysis evaluates SLOs from what the run holds instead of re-reading the files it has just written.
/// </summary>
internal sealed class LatencyIntervals
{
    private readonly LatencyRecorders _recorders;
    private readonly ResultsWriter _results;
    private readonly HistogramBase _interval = LatencyRecorders.CreateHistogram();
    private readonly Dictionary<LatencyMetric, List<HistogramInterval>> _kept;

    /// <param name="recorders">The run's recorders, whose intervals are taken.</param>
    /// <param name="results">Receives every interval in the metric's log.</param>
    /// <param name="kept">Metrics whose intervals are kept (<see cref="Core.Measurement.Slo.SloEvaluator.IntervalMetrics"/>).</param>
    public LatencyIntervals(LatencyRecorders recorders, ResultsWriter results, IEnumerable<LatencyMetric> kept)
    {
        _recorders = recorders;
        _results = results;
        _kept = kept.ToDictionary(m => m, _ => new List<HistogramInterval>());
    }

    /// <summary>Closes the interval [<paramref name="second"/>, +1) of every metric; a metric with no values has no percentiles.</summary>
    public Percentiles?[] Close(int second)
    {
        var latency = new Percentiles?[LatencyMetrics.All.Count];
        foreach (var metric in LatencyMetrics.All)
        {
            _recorders.TakeInterval(metric, _interval);
            _results.AppendInterval(metric, _interval, second);
            _kept.GetValueOrDefault(metric)?.Add(new HistogramInterval(second, second + 1, _interval));
            latency[(int)metric] = _interval.TotalCount > 0 ? LatencyRecorders.ToPercentiles(_interval) : null;
        }

        return latency;
    }

    /// <summary>The kept intervals of <paramref name="metric"/>; empty for a metric no SLO judges per interval.</summary>
    public IReadOnlyList<HistogramInterval> Kept(LatencyMetric metric) => _kept.TryGetValue(metric, out var intervals) ? intervals : [];
}
