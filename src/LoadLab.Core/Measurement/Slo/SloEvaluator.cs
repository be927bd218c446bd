using HdrHistogram;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Measurement.Slo;

/// <summary>What SLOs are checked against.</summary>
public sealed record SloInput
{
    /// <summary>Produce latency intervals (µs): ack − intended send.</summary>
    public IReadOnlyList<HistogramInterval> Produce { get; init; } = [];
    /// <summary>Service latency intervals (µs): ack − actual send.</summary>
    public IReadOnlyList<HistogramInterval> Service { get; init; } = [];
    /// <summary>Schedule delay intervals (µs): actual − intended send.</summary>
    public IReadOnlyList<HistogramInterval> ScheduleDelay { get; init; } = [];
    /// <summary>End-to-end latency intervals (µs): consume − intended send.</summary>
    public IReadOnlyList<HistogramInterval> EndToEnd { get; init; } = [];
    /// <summary>The faults with their windows (<see cref="RecoveryAnalyzer"/>).</summary>
    public IReadOnlyList<FaultRecovery> Faults { get; init; } = [];
    /// <summary>The delivery audit; null when it was not taken.</summary>
    public AuditSummary? Audit { get; init; }
    /// <summary>Acknowledged messages per second over the measured window (overall <c>rate.achieved</c>); null: computed from the produce histograms.</summary>
    public double? AchievedRate { get; init; }
    /// <summary>Start of the measured window (end of warm-up), seconds since the run start; earlier intervals are left out.</summary>
    public double MeasuredFromSeconds { get; init; }
    /// <summary>Transaction latency intervals (µs) of every committed transaction: commit acknowledged − first message's intended send time.</summary>
    public IReadOnlyList<HistogramInterval> Transaction { get; init; } = [];
    /// <summary>Per consumer group, its own end-to-end latency intervals (µs).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HistogramInterval>> GroupEndToEnd { get; init; } = new Dictionary<string, IReadOnlyList<HistogramInterval>>();
    /// <summary>Per transforming group, the transaction latency intervals (µs) of its transactions.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HistogramInterval>> GroupTransaction { get; init; } = new Dictionary<string, IReadOnlyList<HistogramInterval>>();
    /// <summary>Each consumer group's lag, sampled once a second.</summary>
    public IReadOnlyList<GroupLagSeries> Lag { get; init; } = [];
    /// <summary>The run's <c>group.replay</c> faults and how long each group took to catch up.</summary>
    public IReadOnlyList<ReplaySummary> Replays { get; init; } = [];
}

/// <summary>
/// Checks a scenario's SLOs at the end of a run.
/// <para>
/// Phases: <c>during</c> = inside a fault window (from injection to the later of revert and recovery; to the end
/// of the run for a fault whose lag never recovered), <c>steady</c> = outside every fault window, <c>after</c> =
/// from the end of a fault window to the next injection or the end of the run (so it is part of steady), and
/// <c>overall</c> = the whole measured window. A one-second interval belongs to the phase its midpoint falls in;
/// intervals before <see cref="SloInput.MeasuredFromSeconds"/> (warm-up) belong to none.
/// </para>
/// <para>
/// Metrics: <c>produce|service|e2e|schedule-delay</c> with <c>.p50 .p90 .p99 .p999 .p9999 .max</c> (ms, from the
/// phase's merged histogram); <c>rate.achieved</c> (msg/s: acknowledgements per second of the phase; overall uses
/// <see cref="SloInput.AchievedRate"/> when given); <c>recovery</c> (s, the slowest fault; 0 without faults);
/// <c>lost duplicated reordered truncated indeterminate aborted-visible torn</c> (audit counts of the whole run, whatever
/// the phase); <c>txn.&lt;p&gt;</c> (ms, committed transactions); <c>lag.messages</c>, <c>lag.seconds</c> (the highest lag
/// sampled in the phase); <c>outputs.lost</c>, <c>outputs.duplicated</c> (inputs of pipelines, summed);
/// <c>replay.catch-up</c> (s, the slowest replay's).
/// An SLO whose metric has no data (no sample in the phase, a fault that did not recover, no audit) fails with a
/// null observed value: a promise that cannot be checked is not kept.
/// </para>
/// <para>
/// An SLO with a group takes the metric from that group alone (its own end-to-end histograms, lag, recovery, audit
/// counts, transactions and replays); without one, a consumption metric is the run's (e2e over every group, the worst
/// group's lag and recovery, the audit's combined counts).
/// </para>
/// <para>
/// A fault whose effect was never observed (recorded as failed) did not happen: it opens no window, and the SLOs about
/// fault windows (<c>during</c>, <c>after</c>, <c>recovery</c>) are not evaluated as if it had — they fail, unobserved.
/// </para>
/// </summary>
public static class SloEvaluator
{
    private static readonly string[] LatencyMetrics = ["produce", "service", "e2e", "schedule-delay", "txn"];
    private static readonly (string Suffix, double? Percentile)[] Statistics =
        [("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9), ("p9999", 99.99), ("max", null)];
    private static readonly string[] AuditMetrics = ["lost", "duplicated", "duplicated.in-log", "reordered", "truncated", "indeterminate", "aborted-visible", "torn"];

    /// <summary>Every metric name an SLO may use, for scenario validation.</summary>
    public static IReadOnlyList<string> KnownMetrics { get; } =
        [.. LatencyMetrics.SelectMany(m => Statistics.Select(s => $"{m}.{s.Suffix}")), "rate.achieved", "recovery", .. AuditMetrics, "lag.messages", "lag.seconds", "outputs.lost", "outputs.duplicated", "replay.catch-up"];

    /// <summary>
    /// The latency metrics whose intervals <paramref name="slos"/> need (percentiles of a phase, or the acknowledged rate
    /// of a phase other than overall, counted from the produce intervals); the run keeps only these.
    /// </summary>
    public static IReadOnlySet<LatencyMetric> IntervalMetrics(IReadOnlyList<SloSpec> slos)
    {
        ArgumentNullException.ThrowIfNull(slos);
        var metrics = new HashSet<LatencyMetric>();
        foreach (var slo in slos)
        {
            if (slo.Metric == "rate.achieved")
            {
                if (slo.Phase != SloPhase.Overall)
                {
                    metrics.Add(LatencyMetric.Produce);
                }

                continue;
            }

            var dot = slo.Metric.LastIndexOf('.');
            if (dot > 0 && SeriesOf(slo.Metric[..dot]) is { } metric)
            {
                metrics.Add(metric);
            }
        }

        return metrics;
    }

    /// <summary>Evaluates every SLO, in the scenario's order.</summary>
    public static IReadOnlyList<SloResult> Evaluate(IReadOnlyList<SloSpec> slos, SloInput input)
    {
        ArgumentNullException.ThrowIfNull(slos);
        ArgumentNullException.ThrowIfNull(input);
        var phases = new PhaseMap(input);
        return [.. slos.Select(slo =>
        {
            var observed = slo.Group is null ? Observe(slo.Metric, slo.Phase, input, phases) : ObserveGroup(slo.Metric, slo.Phase, slo.Group, input, phases);
            var passed = observed is { } value && slo.Comparison switch
            {
                SloComparison.LessThan => value < slo.Limit,
                SloComparison.LessOrEqual => value <= slo.Limit,
                SloComparison.GreaterThan => value > slo.Limit,
                SloComparison.GreaterOrEqual => value >= slo.Limit,
                _ => false,
            };
            return new SloResult(slo.Name, PhaseName(slo.Phase), slo.Limit, observed, passed, ComparisonSymbol(slo.Comparison)) { Group = slo.Group };
        })];
    }

    /// <summary>The phase as written in <c>summary.json</c>: overall, steady, during, after.</summary>
    public static string PhaseName(SloPhase phase) => phase.ToString().ToLowerInvariant();

    /// <summary>The comparison as written in <c>summary.json</c>: &lt;, &lt;=, &gt;, &gt;=.</summary>
    public static string ComparisonSymbol(SloComparison comparison) => comparison switch
    {
        SloComparison.LessThan => "<",
        SloComparison.LessOrEqual => "<=",
        SloComparison.GreaterThan => ">",
        SloComparison.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(comparison), comparison, "Unknown comparison."),
    };

    private static double? Observe(string metric, SloPhase phase, SloInput input, PhaseMap phases)
    {
        var anyFailed = input.Faults.Any(f => !f.Fault.Succeeded);
        if (anyFailed && (metric == "recovery" || phase is SloPhase.During or SloPhase.After))
        {
            return null;
        }

        switch (metric)
        {
            case "recovery":
                return input.Faults.Count == 0 ? 0
                    : input.Faults.Any(f => f.RecoverySeconds is null) ? null
                    : input.Faults.Max(f => f.RecoverySeconds!.Value);
            case "lost":
                return input.Audit?.Lost;
            case "duplicated":
                return input.Audit?.Duplicated;
            case "duplicated.in-log":
                return input.Audit?.DuplicatedInLog;
            case "reordered":
                return input.Audit?.Reordered;
            case "truncated":
                return input.Audit?.Truncated;
            case "indeterminate":
                return input.Audit?.Indeterminate;
            case "aborted-visible":
                return input.Audit?.AbortedVisible;
            case "torn":
                return input.Audit?.Torn;
            case "outputs.lost":
                return input.Audit?.Pipelines.Sum(p => p.LostOutputs);
            case "outputs.duplicated":
                return input.Audit?.Pipelines.Sum(p => p.DuplicatedOutputs);
            case "replay.catch-up":
                return CatchUp(input.Replays);
            case "lag.messages" or "lag.seconds":
                return MaxLag(input.Lag, metric, phase, phases);
            case "rate.achieved":
                if (phase == SloPhase.Overall && input.AchievedRate is { } achieved)
                {
                    return achieved;
                }

                var intervals = input.Produce.Where(i => phases.Contains(phase, i)).ToList();
                var seconds = intervals.Sum(i => i.EndSeconds - i.StartSeconds);
                return seconds > 0 ? intervals.Sum(i => i.TotalCount) / seconds : null;
        }

        var dot = metric.LastIndexOf('.');
        if (dot < 0)
        {
            return null;
        }

        var series = SeriesOf(metric[..dot]) switch
        {
            LatencyMetric.Produce => input.Produce,
            LatencyMetric.Service => input.Service,
            LatencyMetric.EndToEnd => input.EndToEnd,
            LatencyMetric.ScheduleDelay => input.ScheduleDelay,
            LatencyMetric.Transaction => input.Transaction,
            _ => null,
        };
        return Percentile(series, metric, phase, phases);
    }

    /// <summary>The metric of one consumer group (<see cref="SloSpec.Group"/>).</summary>
    private static double? ObserveGroup(string metric, SloPhase phase, string group, SloInput input, PhaseMap phases)
    {
        var audit = input.Audit?.Groups.FirstOrDefault(g => g.Group == group);
        var pipeline = input.Audit?.Pipelines.FirstOrDefault(p => p.Group == group);
        switch (metric)
        {
            case "recovery":
                var recoveries = input.Faults.Select(f => f.Groups.FirstOrDefault(g => g.Group == group)).ToList();
                return recoveries.Count == 0 ? 0
                    : recoveries.Any(r => r?.RecoverySeconds is null) ? null
                    : recoveries.Max(r => r!.RecoverySeconds!.Value);
            case "lost":
                return audit?.Lost;
            case "duplicated":
                return audit?.Duplicated;
            case "duplicated.in-log":
                return audit?.DuplicatedInLog;
            case "reordered":
                return audit?.Reordered;
            case "truncated":
                return audit?.Truncated;
            case "indeterminate":
                return audit?.Indeterminate;
            case "aborted-visible":
                return audit?.AbortedVisible;
            case "torn":
                return audit?.Torn;
            case "outputs.lost":
                return pipeline?.LostOutputs;
            case "outputs.duplicated":
                return pipeline?.DuplicatedOutputs;
            case "replay.catch-up":
                return CatchUp([.. input.Replays.Where(r => r.Group == group)]);
            case "lag.messages" or "lag.seconds":
                return MaxLag([.. input.Lag.Where(l => l.Group == group)], metric, phase, phases);
        }

        var dot = metric.LastIndexOf('.');
        var series = dot < 0 ? null : metric[..dot] switch
        {
            "e2e" => input.GroupEndToEnd.GetValueOrDefault(group),
            "txn" => input.GroupTransaction.GetValueOrDefault(group),
            _ => null,
        };
        return Percentile(series, metric, phase, phases);
    }

    /// <summary>The slowest catch-up of the replays; 0 without replays, null when one never caught up.</summary>
    private static double? CatchUp(IReadOnlyList<ReplaySummary> replays) =>
        replays.Count == 0 ? 0
        : replays.Any(r => r.CatchUpSeconds is null) ? null
        : replays.Max(r => r.CatchUpSeconds!.Value);

    /// <summary>The highest lag sampled in the phase over the groups; null without a sample.</summary>
    private static double? MaxLag(IReadOnlyList<GroupLagSeries> groups, string metric, SloPhase phase, PhaseMap phases)
    {
        var samples = groups.SelectMany(g => g.Samples).Where(s => phases.Contains(phase, s.AtSeconds)).ToList();
        return samples.Count == 0 ? null : metric == "lag.messages" ? samples.Max(s => s.Messages) : samples.Max(s => s.LagSeconds);
    }

    private static double? Percentile(IReadOnlyList<HistogramInterval>? series, string metric, SloPhase phase, PhaseMap phases)
    {
        var dot = metric.LastIndexOf('.');
        var statistic = Statistics.FirstOrDefault(s => s.Suffix == metric[(dot + 1)..]);
        if (series is null || statistic.Suffix is null)
        {
            return null;
        }

        var merged = HistogramInterval.Merge(series.Where(i => phases.Contains(phase, i)));
        if (merged is null || merged.TotalCount == 0)
        {
            return null;
        }

        var microseconds = statistic.Percentile is { } percentile ? merged.GetValueAtPercentile(percentile) : merged.GetMaxValue();
        return microseconds / 1000.0;
    }

    private static LatencyMetric? SeriesOf(string name) => name switch
    {
        "produce" => LatencyMetric.Produce,
        "service" => LatencyMetric.Service,
        "e2e" => LatencyMetric.EndToEnd,
        "schedule-delay" => LatencyMetric.ScheduleDelay,
        "txn" => LatencyMetric.Transaction,
        _ => null,
    };

    private sealed class PhaseMap
    {
        private readonly double _measuredFrom;
        private readonly List<(double From, double To)> _during = [];
        private readonly List<(double From, double To)> _after = [];

        public PhaseMap(SloInput input)
        {
            _measuredFrom = input.MeasuredFromSeconds;
            var windows = input.Faults
                .Where(f => f.Fault.Succeeded)
                .Select(f => (From: f.Fault.InjectedAtSeconds, To: f.RecoverySeconds is null && f.Groups.Count > 0 ? double.PositiveInfinity : f.WindowEndSeconds))
                .OrderBy(w => w.From)
                .ToList();
            _during.AddRange(windows);

            // A window's end that lies inside another window opens an after span that is during until that window ends
            // and then that window's own after span: Contains takes during first, so such spans need no special case.
            foreach (var (_, to) in windows)
            {
                var nextInjection = windows.Where(w => w.From > to).Select(w => w.From).DefaultIfEmpty(double.PositiveInfinity).Min();
                _after.Add((to, nextInjection));
            }
        }

        public bool Contains(SloPhase phase, HistogramInterval interval) => Contains(phase, interval.MidpointSeconds);

        /// <summary>Whether the instant <paramref name="t"/> (seconds since the run start) belongs to the phase.</summary>
        public bool Contains(SloPhase phase, double t)
        {
            if (t < _measuredFrom)
            {
                return false;
            }

            var during = _during.Any(w => t >= w.From && t <= w.To);
            return phase switch
            {
                SloPhase.Overall => true,
                SloPhase.During => during,
                SloPhase.Steady => !during,
                SloPhase.After => !during && _after.Any(w => t > w.From && t < w.To),
                _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "Unknown phase."),
            };
        }
    }
}
