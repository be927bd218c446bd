using System.Globalization;
using LoadLab.Core.Faults;
using LoadLab.Core.Results;

namespace LoadLab.Core.Measurement.Recovery;

/// <summary>Settings of a <see cref="RecoveryAnalyzer"/>.</summary>
public sealed record RecoveryOptions
{
    /// <summary>Lag must stay within the baseline this long to count as recovered; default 10 s (DESIGN.md).</summary>
    public TimeSpan HoldWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How far before a fault the baseline is taken from (excluding earlier faults' windows); default 30 s.</summary>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fewer baseline samples than this and the thresholds fall back to the floors alone; default 3.</summary>
    public int MinimumBaselineSamples { get; init; } = 3;

    /// <summary>Relative margin above the baseline p99; default 0.10 (10 %).</summary>
    public double MarginFraction { get; init; } = 0.10;

    /// <summary>
    /// Smallest margin in messages, so that a near-zero baseline does not demand exactly zero lag; default 100
    /// (0.1 s of traffic at 1,000 msg/s). Also the whole threshold when there is no baseline.
    /// </summary>
    public long MessagesFloor { get; init; } = 100;

    /// <summary>Smallest margin of time lag; default 0.5 s (lag is sampled once a second). Also the threshold with no baseline.</summary>
    public TimeSpan SecondsFloor { get; init; } = TimeSpan.FromSeconds(0.5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HoldWindow, TimeSpan.Zero, nameof(HoldWindow));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BaselineWindow, TimeSpan.Zero, nameof(BaselineWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumBaselineSamples, 1, nameof(MinimumBaselineSamples));
        ArgumentOutOfRangeException.ThrowIfNegative(MarginFraction, nameof(MarginFraction));
        ArgumentOutOfRangeException.ThrowIfNegative(MessagesFloor, nameof(MessagesFloor));
        ArgumentOutOfRangeException.ThrowIfLessThan(SecondsFloor, TimeSpan.Zero, nameof(SecondsFloor));
    }
}

/// <summary>One lag sample of a consumer group: seconds since the run start, messages behind, age of the oldest unconsumed message.</summary>
public readonly record struct LagSample(double AtSeconds, long Messages, double LagSeconds);

/// <summary>A consumer group's lag over the run (in time order) and when it rebalanced.</summary>
public sealed record GroupLagSeries(string Group, IReadOnlyList<LagSample> Samples, IReadOnlyList<double> RebalanceSeconds);

/// <summary>Producer errors of one code counted in the second starting at <see cref="AtSeconds"/>.</summary>
public readonly record struct ErrorCount(double AtSeconds, string Code, long Count);

/// <summary>What the analysis needs from a run.</summary>
public sealed record RecoveryInput
{
    /// <summary>The faults as they ran.</summary>
    public required IReadOnlyList<FaultOccurrence> Faults { get; init; }
    /// <summary>Lag per consumer group.</summary>
    public required IReadOnlyList<GroupLagSeries> Groups { get; init; }
    /// <summary>When the load stopped (seconds since start); later samples (the drain) are ignored.</summary>
    public required double LoadEndSeconds { get; init; }
    /// <summary>Gaps without acknowledgements per partition (<see cref="AckGapTracker"/>).</summary>
    public IReadOnlyList<PartitionAckGaps> AckGaps { get; init; } = [];
    /// <summary>Producer errors per second and code.</summary>
    public IReadOnlyList<ErrorCount> Errors { get; init; } = [];
}

/// <summary>How one group lived through one fault.</summary>
/// <param name="Group">Group id.</param>
/// <param name="RecoverySeconds">From injection to the start of the final stable hold within the baseline (0: lag never left it); null: not recovered.</param>
/// <param name="NotRecoveredReason">Why <paramref name="RecoverySeconds"/> is null.</param>
/// <param name="ThresholdMessages">Message lag counted as "within the baseline".</param>
/// <param name="ThresholdSeconds">Time lag counted as "within the baseline".</param>
/// <param name="BaselineSamples">Samples the baseline came from; below the minimum the thresholds are the floors.</param>
/// <param name="PeakLagMessages">Highest message lag from injection to the end of the fault window.</param>
/// <param name="PeakLagSeconds">Highest time lag in that window.</param>
/// <param name="LagSecondsIntegral">∫ time lag dt over that window (seconds × seconds; trapezoid over the samples).</param>
/// <param name="Rebalances">Rebalances of the group in that window.</param>
public sealed record GroupFaultRecovery(
    string Group,
    double? RecoverySeconds,
    string? NotRecoveredReason,
    double ThresholdMessages,
    double ThresholdSeconds,
    int BaselineSamples,
    long PeakLagMessages,
    double PeakLagSeconds,
    double LagSecondsIntegral,
    int Rebalances);

/// <summary>The longest stretch without acknowledgements of a partition during a fault window.</summary>
public sealed record PartitionUnavailability(string Topic, int Partition, double FromSeconds, double Seconds);

/// <summary>
/// Recovery metrics of one fault. The fault window runs from injection to the later of its revert and the
/// recovery of every group (to the end of the load when a group did not recover; to the revert when no group
/// is measured).
/// </summary>
public sealed record FaultRecovery(
    FaultOccurrence Fault,
    double WindowEndSeconds,
    double? RecoverySeconds,
    string? NotRecoveredReason,
    long PeakLagMessages,
    double PeakLagSeconds,
    double LagSecondsIntegral,
    double UnavailableSeconds,
    IReadOnlyList<PartitionUnavailability> UnavailablePartitions,
    IReadOnlyDictionary<string, long> ErrorsByCode,
    IReadOnlyList<GroupFaultRecovery> Groups)
{
    /// <summary>The fault's entry in <c>summary.json</c>.</summary>
    public FaultSummary ToSummary() => new()
    {
        Action = Fault.Action,
        Target = Fault.Target,
        AtSeconds = Fault.InjectedAtSeconds,
        DurationSeconds = Fault.RevertedAtSeconds - Fault.InjectedAtSeconds,
        Succeeded = Fault.Succeeded,
        Detail = Fault.Detail,
        RecoverySeconds = RecoverySeconds,
        NotRecoveredReason = NotRecoveredReason,
        PeakLagMessages = PeakLagMessages,
        PeakLagSeconds = PeakLagSeconds,
        LagSecondsIntegral = LagSecondsIntegral,
        UnavailableSeconds = UnavailableSeconds,
        ErrorsByCode = ErrorsByCode,
        Groups = [.. Groups.Select(g => new GroupRecovery(g.Group, g.RecoverySeconds, g.PeakLagMessages, g.PeakLagSeconds, g.LagSecondsIntegral, g.Rebalances))],
    };
}

/// <summary>
/// Computes DESIGN.md's recovery metrics per fault and per consumer group from the run's lag series.
/// <para>
/// Baseline: the group's lag samples in the <see cref="RecoveryOptions.BaselineWindow"/> before the injection,
/// leaving out earlier faults' windows. Within the baseline means message lag ≤ p99 + max(p99 ×
/// <see cref="RecoveryOptions.MarginFraction"/>, <see cref="RecoveryOptions.MessagesFloor"/>) and time lag ≤ p99 +
/// max(p99 × margin, <see cref="RecoveryOptions.SecondsFloor"/>). With fewer than
/// <see cref="RecoveryOptions.MinimumBaselineSamples"/> samples (a fault at t = 0) the thresholds are the floors.
/// </para>
/// <para>
/// Recovery: the group's samples from the injection to the end of the load are scanned for the first run of
/// samples within the baseline that lasts the <see cref="RecoveryOptions.HoldWindow"/>; the recovery time is from
/// the injection to the start of that run (a flapping group recovers at the start of its final stable hold),
/// and 0 when lag never left the baseline. A fault's recovery is its slowest group's. Later faults are not
/// cut out: a fault that lands before an earlier one recovered extends that one's recovery.
/// </para>
/// </summary>
public sealed class RecoveryAnalyzer
{
    private readonly RecoveryOptions _options;

    public RecoveryAnalyzer(RecoveryOptions? options = null)
    {
        _options = options ?? new RecoveryOptions();
        _options.Validate();
    }

    /// <summary>Recovery metrics for every fault, in injection order.</summary>
    public IReadOnlyList<FaultRecovery> Analyze(RecoveryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var results = new List<FaultRecovery>();
        foreach (var fault in input.Faults.OrderBy(f => f.InjectedAtSeconds).ThenBy(f => f.FaultIndex))
        {
            var earlierWindows = results.Select(r => (From: r.Fault.InjectedAtSeconds, To: r.WindowEndSeconds)).ToList();
            results.Add(AnalyzeFault(fault, input, earlierWindows));
        }

        return results;
    }

    private FaultRecovery AnalyzeFault(FaultOccurrence fault, RecoveryInput input, List<(double From, double To)> earlierWindows)
    {
        var inject = fault.InjectedAtSeconds;
        var revertedAt = fault.RevertedAtSeconds ?? inject;
        var recoveries = input.Groups.Select(g => Recover(g, inject, input.LoadEndSeconds, earlierWindows)).ToList();

        double windowEnd;
        double? recovery = null;
        string? reason = null;
        if (recoveries.Count == 0)
        {
            windowEnd = fault.RevertedAtSeconds ?? input.LoadEndSeconds;
            reason = "no consumer group to measure lag on";
        }
        else if (recoveries.FirstOrDefault(r => r.Seconds is null) is { } stuck)
        {
            windowEnd = Math.Max(input.LoadEndSeconds, revertedAt);
            reason = recoveries.Count == 1 ? stuck.Reason : $"group {stuck.Series.Group}: {stuck.Reason}";
        }
        else
        {
            recovery = recoveries.Max(r => r.Seconds!.Value);
            windowEnd = Math.Max(revertedAt, inject + recovery.Value);
        }

        var groups = recoveries.Select(r => Measure(r, inject, Math.Max(revertedAt, r.Seconds is { } s ? inject + s : input.LoadEndSeconds))).ToList();
        var unavailable = input.AckGaps
            .Select(p => (p, Gap: Longest(p.Gaps, inject, windowEnd)))
            .Where(x => x.Gap.Seconds > 0)
            .Select(x => new PartitionUnavailability(x.p.Topic, x.p.Partition, x.Gap.FromSeconds, x.Gap.Seconds))
            .OrderByDescending(u => u.Seconds)
            .ThenBy(u => u.Topic, StringComparer.Ordinal)
            .ThenBy(u => u.Partition)
            .ToList();
        var errors = input.Errors
            .Where(e => e.AtSeconds >= Math.Floor(inject) && e.AtSeconds < windowEnd)
            .GroupBy(e => e.Code, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Count), StringComparer.Ordinal);

        return new FaultRecovery(
            fault,
            windowEnd,
            recovery,
            reason,
            groups.Count == 0 ? 0 : groups.Max(g => g.PeakLagMessages),
            groups.Count == 0 ? 0 : groups.Max(g => g.PeakLagSeconds),
            groups.Count == 0 ? 0 : groups.Max(g => g.LagSecondsIntegral),
            unavailable.Count == 0 ? 0 : unavailable[0].Seconds,
            unavailable,
            errors,
            groups);
    }

    private GroupOutcome Recover(GroupLagSeries series, double inject, double loadEnd, List<(double From, double To)> earlierWindows)
    {
        var baseline = series.Samples
            .Where(s => s.AtSeconds < inject && s.AtSeconds >= inject - _options.BaselineWindow.TotalSeconds)
            .Where(s => !earlierWindows.Any(w => s.AtSeconds >= w.From && s.AtSeconds <= w.To))
            .ToList();
        double thresholdMessages = _options.MessagesFloor;
        var thresholdSeconds = _options.SecondsFloor.TotalSeconds;
        if (baseline.Count >= _options.MinimumBaselineSamples)
        {
            var p99Messages = Percentile99(baseline.Select(s => (double)s.Messages));
            var p99Seconds = Percentile99(baseline.Select(s => s.LagSeconds));
            thresholdMessages = p99Messages + Math.Max(p99Messages * _options.MarginFraction, _options.MessagesFloor);
            thresholdSeconds = p99Seconds + Math.Max(p99Seconds * _options.MarginFraction, _options.SecondsFloor.TotalSeconds);
        }

        var hold = _options.HoldWindow.TotalSeconds;
        var after = series.Samples.Where(s => s.AtSeconds >= inject && s.AtSeconds <= loadEnd).ToList();
        double? streakStart = null;
        var leftBaseline = false;
        foreach (var sample in after)
        {
            var within = sample.Messages <= thresholdMessages && sample.LagSeconds <= thresholdSeconds;
            if (!within)
            {
                streakStart = null;
                leftBaseline = true;
                continue;
            }

            streakStart ??= sample.AtSeconds;
            if (sample.AtSeconds - streakStart.Value >= hold)
            {
                var seconds = leftBaseline ? streakStart.Value - inject : 0;
                return new GroupOutcome(series, seconds, null, thresholdMessages, thresholdSeconds, baseline.Count);
            }
        }

        // Each reason says plainly that recovery was not shown; the held time is rounded down, so a hold that fell
        // short never reads as "10 s of 10 s".
        var reason = after.Count == 0 ? "no lag sample after the fault, so there was nothing to measure recovery on"
            : streakStart is null ? "lag was still above its pre-fault baseline when the load ended"
            : string.Create(CultureInfo.InvariantCulture,
                $"lag was back within its pre-fault baseline for only {Math.Floor((after[^1].AtSeconds - streakStart.Value) * 10) / 10:0.0} s of the {hold:0.#} s hold window when the load ended, so recovery was not confirmed (let the load run longer after the fault)");
        return new GroupOutcome(series, null, reason, thresholdMessages, thresholdSeconds, baseline.Count);
    }

    private static GroupFaultRecovery Measure(GroupOutcome outcome, double from, double to)
    {
        var window = outcome.Series.Samples.Where(s => s.AtSeconds >= from && s.AtSeconds <= to).ToList();
        var integral = 0.0;
        for (var i = 1; i < window.Count; i++)
        {
            integral += (window[i].AtSeconds - window[i - 1].AtSeconds) * (window[i].LagSeconds + window[i - 1].LagSeconds) / 2;
        }

        return new GroupFaultRecovery(
            outcome.Series.Group,
            outcome.Seconds,
            outcome.Reason,
            outcome.ThresholdMessages,
            outcome.ThresholdSeconds,
            outcome.BaselineSamples,
            window.Count == 0 ? 0 : window.Max(s => s.Messages),
            window.Count == 0 ? 0 : window.Max(s => s.LagSeconds),
            integral,
            outcome.Series.RebalanceSeconds.Count(t => t >= from && t <= to));
    }

    private static AckGap Longest(IReadOnlyList<AckGap> gaps, double from, double to)
    {
        var longest = new AckGap(from, from);
        foreach (var gap in gaps)
        {
            var clipped = new AckGap(Math.Max(gap.FromSeconds, from), Math.Min(gap.ToSeconds, to));
            if (clipped.Seconds > longest.Seconds)
            {
                longest = clipped;
            }
        }

        return longest;
    }

    // Nearest-rank p99, as HdrHistogram reports percentiles.
    private static double Percentile99(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(0.99 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private sealed record GroupOutcome(GroupLagSeries Series, double? Seconds, string? Reason, double ThresholdMessages, double ThresholdSeconds, int BaselineSamples);
}
