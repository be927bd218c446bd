using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

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
    private readonly IReadOnlyList<(LatencyMetric Metric, int Group)> _groupLogs;
    private readonly int _groups;
    /// <summary>Every group log's intervals: per-group SLOs and the replay analysis read them (a few hundred buckets per second each).</summary>
    private readonly List<HistogramInterval>[] _groupKept;

    /// <param name="recorders">The run's recorders, whose intervals are taken.</param>
    /// <param name="results">Receives every interval in the metric's log.</param>
    /// <param name="kept">Metrics whose intervals are kept (<see cref="Core.Measurement.Slo.SloEvaluator.IntervalMetrics"/>).</param>
    /// <param name="groupLogs">Each consumer group's own logs (<see cref="GroupLogsOf"/>), in the order the run began them.</param>
    public LatencyIntervals(LatencyRecorders recorders, ResultsWriter results, IEnumerable<LatencyMetric> kept, IReadOnlyList<(LatencyMetric Metric, int Group)> groupLogs)
    {
        _recorders = recorders;
        _results = results;
        _kept = kept.ToDictionary(m => m, _ => new List<HistogramInterval>());
        _groupLogs = groupLogs;
        _groups = groupLogs.Count == 0 ? 0 : groupLogs.Max(l => l.Group) + 1;
        _groupKept = [.. groupLogs.Select(_ => new List<HistogramInterval>())];
    }

    /// <summary>
    /// The per-group logs of a scenario, in the order the run begins them (<see cref="ResultsWriter.BeginIntervals"/>):
    /// every group's end-to-end latency, then each transforming group's transaction latency.
    /// </summary>
    public static IReadOnlyList<(LatencyMetric Metric, int Group)> GroupLogsOf(Scenario scenario) =>
    [
        .. scenario.Consumers.Select((_, g) => (LatencyMetric.EndToEnd, g)),
        .. scenario.Consumers.Select((c, g) => (c, g)).Where(x => x.c.Transform is not null).Select(x => (LatencyMetric.Transaction, x.g)),
    ];

    /// <summary>Closes every group's own interval [<paramref name="second"/>, +1); returns each group's end-to-end percentiles.</summary>
    public Percentiles?[] CloseGroups(int second)
    {
        var endToEnd = new Percentiles?[_groups];
        for (var log = 0; log < _groupLogs.Count; log++)
        {
            var (metric, group) = _groupLogs[log];
            _recorders.TakeGroupInterval(metric, group, _interval);
            _results.AppendGroupInterval(log, _interval, second);
            _groupKept[log].Add(new HistogramInterval(second, second + 1, _interval));
            if (metric == LatencyMetric.EndToEnd)
            {
                endToEnd[group] = _interval.TotalCount > 0 ? LatencyRecorders.ToPercentiles(_interval) : null;
            }
        }

        return endToEnd;
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

    /// <summary>The intervals of one group's own log of <paramref name="metric"/>; empty when the run keeps no such log.</summary>
    public IReadOnlyList<HistogramInterval> KeptOfGroup(LatencyMetric metric, int group)
    {
        for (var log = 0; log < _groupLogs.Count; log++)
        {
            if (_groupLogs[log] == (metric, group))
            {
                return _groupKept[log];
            }
        }

        return [];
    }

    /// <summary>The kept intervals of <paramref name="metric"/>; empty for a metric no SLO judges per interval.</summary>
    public IReadOnlyList<HistogramInterval> Kept(LatencyMetric metric) => _kept.TryGetValue(metric, out var intervals) ? intervals : [];
}
