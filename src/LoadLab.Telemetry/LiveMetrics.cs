using System.Diagnostics.Metrics;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Engine.Running;

namespace LoadLab.Telemetry;

/// <summary>
/// A run's numbers as OpenTelemetry instruments (meter <see cref="MeterName"/>), for a Prometheus scrape or an OTLP
/// export while the run goes. Nothing is measured here: each closed interval of the run's sampler — the same interval
/// histograms and counters that its <c>series.csv</c> row is made of — becomes the next snapshot, and the instruments
/// are observable ones that read the latest snapshot when an exporter collects. The load's hot path is not touched;
/// the only work is once per second on the sampler's thread.
/// </summary>
/// <remarks>
/// <para>Series (Prometheus names; every one labelled <c>run_id</c>, <c>scenario</c>, <c>environment</c>, <c>segment</c>):</para>
/// <list type="bullet">
/// <item><c>loadlab_stream_messages_{target,sent,acknowledged,failed}_total{stream,topic}</c>: cumulative counts, so
/// <c>increase()</c> over any window is exact and a counter's value equals the sum of <c>series.csv</c> up to the
/// interval in <c>loadlab_run_elapsed_seconds</c> of the same scrape.</item>
/// <item><c>loadlab_group_messages_consumed_total{group,topic}</c>, <c>loadlab_group_lag_messages</c>, <c>loadlab_group_lag_seconds</c>.</item>
/// <item><c>loadlab_latency_seconds{metric,quantile}</c>: p50, p90, p99, p99.9 and max (<c>quantile="1"</c>) of the last
/// closed second for <c>produce</c>, <c>service</c>, <c>schedule_delay</c> and <c>end_to_end</c>; absent for a second without samples.</item>
/// <item><c>loadlab_fault_active{fault,action,target}</c>: 1 from a fault's observed injection until its observed revert
/// (a fault never reverted stays 1); <c>loadlab_fault_steps_total{fault,action,target,step,outcome}</c> counts the steps.</item>
/// <item><c>loadlab_run_phase{phase}</c>: 1 for the current phase; <c>loadlab_run_elapsed_seconds</c>: the run clock at the last closed interval.</item>
/// </list>
/// <para>
/// A scrape never mixes two intervals: the SDK records every observable instrument of a provider in one pass under one
/// lock (<c>MeterProviderSdk.CollectObservableInstruments</c>), and the first callback of each pass fixes the snapshot
/// that the others of the pass read. This holds for one <c>MeterProvider</c> per <see cref="LiveMetrics"/>, which is how
/// <see cref="MetricsExport"/> builds it.
/// </para>
/// </remarks>
public sealed class LiveMetrics : IRunObserver, IDisposable
{
    /// <summary>The meter every LoadLab instrument belongs to.</summary>
    public const string MeterName = "LoadLab";

    private static readonly RunPhase[] Phases = Enum.GetValues<RunPhase>();

    private static readonly (string Quantile, Func<Percentiles, double> Value)[] Quantiles =
    [
        ("0.5", p => p.P50), ("0.9", p => p.P90), ("0.99", p => p.P99), ("0.999", p => p.P999), ("1", p => p.Max),
    ];

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?>[] _runTags;
    private readonly int _instrumentCount;
    private readonly object _faultsGate = new();
    private readonly Dictionary<string, StreamTotals> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupTotals> _groups = new(StringComparer.Ordinal);
    private readonly List<FaultState> _faultStates = [];
    private Snapshot _latest;
    private FaultState[] _faults = [];
    private Snapshot _pass;
    private FaultState[] _passFaults = [];
    private int _observedInPass;

    /// <summary>Instruments for one run, on the meter <see cref="MeterName"/>.</summary>
    public LiveMetrics(RunLabels labels)
        : this(labels, MeterName)
    {
    }

    /// <summary>Instruments on a meter of another name: tests run several at once, each with its own provider.</summary>
    internal LiveMetrics(RunLabels labels, string meterName)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _runTags = labels.Tags();
        _latest = _pass = Snapshot.Empty;
        _meter = new Meter(meterName, typeof(LiveMetrics).Assembly.GetName().Version?.ToString());
        var instruments = new List<Instrument>
        {
            _meter.CreateObservableGauge("loadlab.run.elapsed", () => Measure(s => [Point(s.ElapsedSeconds)]), "s", "Run clock at the end of the last closed interval (warm-up included)"),
            _meter.CreateObservableGauge("loadlab.run.phase", () => Measure(s => Phases.Select(phase => Point(phase == s.Phase ? 1 : 0, ("phase", phase.DisplayName())))), "1", "1 for the run's current phase"),
            _meter.CreateObservableCounter("loadlab.stream.messages.target", () => Measure(s => s.Streams.Select(t => Point(t.Target, Stream(t)))), "{message}", "Messages the schedule asked for"),
            _meter.CreateObservableCounter("loadlab.stream.messages.sent", () => Measure(s => s.Streams.Select(t => Point(t.Sent, Stream(t)))), "{message}", "Messages handed to the client"),
            _meter.CreateObservableCounter("loadlab.stream.messages.acknowledged", () => Measure(s => s.Streams.Select(t => Point(t.Acked, Stream(t)))), "{message}", "Messages the cluster acknowledged"),
            _meter.CreateObservableCounter("loadlab.stream.messages.failed", () => Measure(s => s.Streams.Select(t => Point(t.Failed, Stream(t)))), "{message}", "Messages whose delivery failed"),
            _meter.CreateObservableCounter("loadlab.group.messages.consumed", () => Measure(s => s.Groups.Select(g => Point(g.Consumed, Group(g)))), "{message}", "Messages of this run consumed by the group"),
            _meter.CreateObservableGauge("loadlab.group.lag.messages", () => Measure(s => s.Groups.Select(g => Point(g.LagMessages, Group(g)))), "{message}", "Acknowledged messages the group has not consumed"),
            _meter.CreateObservableGauge("loadlab.group.lag", () => Measure(s => s.Groups.Select(g => Point(g.LagSeconds, Group(g)))), "s", "Age of the oldest acknowledged message the group has not consumed"),
            _meter.CreateObservableGauge("loadlab.latency", () => Measure(LatencyPoints), "s", "Latency percentiles of the last closed second (quantile 1 is the maximum)"),
            _meter.CreateObservableGauge("loadlab.fault.active", () => MeasureFaults(f => Point(f.Active ? 1 : 0, Fault(f))), "1", "1 from a fault's observed injection until its observed revert"),
            _meter.CreateObservableCounter("loadlab.fault.steps", () => MeasureFaultSteps(f => f.Steps.Select(step => Point(step.Value, [.. Fault(f), ("step", step.Key.Step), ("outcome", step.Key.Outcome)]))), "{step}", "Fault steps by outcome"),
        };
        _instrumentCount = instruments.Count;
    }

    /// <summary>Publishes a closed interval; called in interval order from the sampler's thread.</summary>
    public void IntervalClosed(RunInterval interval)
    {
        ArgumentNullException.ThrowIfNull(interval);
        foreach (var stream in interval.Streams)
        {
            var totals = _streams.TryGetValue(stream.Stream, out var known) ? known : _streams[stream.Stream] = new StreamTotals(stream.Stream, stream.Topic);
            totals.Target += stream.Target;
            totals.Sent += stream.Sent;
            totals.Acked += stream.Acked;
            totals.Failed += stream.Failed;
        }

        foreach (var group in interval.GroupDetails)
        {
            var totals = _groups.TryGetValue(group.Group, out var known) ? known : _groups[group.Group] = new GroupTotals(group.Group, group.Topic);
            totals.Consumed += group.Consumed;
            totals.LagMessages = group.LagMessages;
            totals.LagSeconds = group.LagSeconds;
        }

        Volatile.Write(ref _latest, new Snapshot(
            interval.ElapsedSeconds,
            interval.Phase,
            [.. _streams.Values.Select(s => s with { })],
            [.. _groups.Values.Select(g => g with { })],
            interval.Row.Latency));
    }

    /// <summary>Records a fault step as the timeline reports it (from the timeline's task).</summary>
    public void FaultMarked(FaultMarker marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        lock (_faultsGate)
        {
            var state = _faultStates.FirstOrDefault(f => f.Index == marker.FaultIndex);
            if (state is null)
            {
                state = new FaultState(marker.FaultIndex, marker.Action, marker.Target, Active: false, new Dictionary<(string, string), long>());
                _faultStates.Add(state);
            }

            var steps = new Dictionary<(string Step, string Outcome), long>(state.Steps);
            var key = (marker.Step == FaultStep.Inject ? "inject" : "revert", marker.Outcome.ToString().ToLowerInvariant());
            steps[key] = steps.GetValueOrDefault(key) + 1;
            var active = marker.Outcome == FaultStepOutcome.Succeeded ? marker.Step == FaultStep.Inject : state.Active;
            // The revert resolves no target of its own; the injection's names the fault.
            var updated = state with { Target = marker.Step == FaultStep.Inject ? marker.Target : state.Target, Active = active, Steps = steps };
            _faultStates[_faultStates.IndexOf(state)] = updated;
            Volatile.Write(ref _faults, [.. _faultStates]);
        }
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> Measure(Func<Snapshot, IEnumerable<Measurement<double>>> points) => [.. points(PassSnapshot().Snapshot)];

    private IEnumerable<Measurement<double>> MeasureFaultSteps(Func<FaultState, IEnumerable<Measurement<double>>> points) => [.. PassSnapshot().Faults.SelectMany(points)];

    private IEnumerable<Measurement<double>> MeasureFaults(Func<FaultState, Measurement<double>> point) => [.. PassSnapshot().Faults.Select(point)];

    /// <summary>The snapshot of the current collection pass (see the remarks of the class).</summary>
    private (Snapshot Snapshot, FaultState[] Faults) PassSnapshot()
    {
        if (_observedInPass == 0)
        {
            _pass = Volatile.Read(ref _latest);
            _passFaults = Volatile.Read(ref _faults);
        }

        _observedInPass = (_observedInPass + 1) % _instrumentCount;
        return (_pass, _passFaults);
    }

    private IEnumerable<Measurement<double>> LatencyPoints(Snapshot snapshot)
    {
        foreach (var metric in LatencyMetrics.All)
        {
            if (snapshot.Latency.Count <= (int)metric || snapshot.Latency[(int)metric] is not { } percentiles)
            {
                continue;
            }

            foreach (var (quantile, value) in Quantiles)
            {
                yield return Point(value(percentiles) / 1000.0, ("metric", MetricLabel(metric)), ("quantile", quantile));
            }
        }
    }

    private static string MetricLabel(LatencyMetric metric) => metric switch
    {
        LatencyMetric.Produce => "produce",
        LatencyMetric.Service => "service",
        LatencyMetric.ScheduleDelay => "schedule_delay",
        LatencyMetric.EndToEnd => "end_to_end",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    private static (string, object?)[] Stream(StreamTotals stream) => [("stream", stream.Name), ("topic", stream.Topic)];

    private static (string, object?)[] Group(GroupTotals group) => [("group", group.Name), ("topic", group.Topic)];

    private static (string, object?)[] Fault(FaultState fault) =>
        [("fault", fault.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("action", fault.Action), ("target", fault.Target)];

    private Measurement<double> Point(double value, params (string Key, object? Value)[] labels)
    {
        var tags = new KeyValuePair<string, object?>[_runTags.Length + labels.Length];
        _runTags.CopyTo(tags, 0);
        for (var i = 0; i < labels.Length; i++)
        {
            tags[_runTags.Length + i] = new(labels[i].Key, labels[i].Value);
        }

        return new Measurement<double>(value, tags);
    }

    private sealed record Snapshot(int ElapsedSeconds, RunPhase Phase, StreamTotals[] Streams, GroupTotals[] Groups, IReadOnlyList<Percentiles?> Latency)
    {
        public static Snapshot Empty { get; } = new(0, RunPhase.WarmUp, [], [], []);
    }

    private sealed record StreamTotals(string Name, string Topic)
    {
        public double Target { get; set; }
        public long Sent { get; set; }
        public long Acked { get; set; }
        public long Failed { get; set; }
    }

    private sealed record GroupTotals(string Name, string Topic)
    {
        public long Consumed { get; set; }
        public long LagMessages { get; set; }
        public double LagSeconds { get; set; }
    }

    private sealed record FaultState(int Index, string Action, string Target, bool Active, IReadOnlyDictionary<(string Step, string Outcome), long> Steps);
}
