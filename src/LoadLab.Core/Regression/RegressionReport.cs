using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Regression;

/// <summary>The verdict of one regression rule.</summary>
public enum Verdict
{
    /// <summary>Significantly better than the baseline by more than the allowed change.</summary>
    Improved,
    /// <summary>Within the allowed change, or a difference the noise explains.</summary>
    Unchanged,
    /// <summary>Significantly worse than the baseline by more than the allowed change.</summary>
    Regressed,
    /// <summary>Too few values on a side to tell noise from change (or the metric was not measured); never fails a check.</summary>
    InsufficientData,
}

/// <summary>How a rule's values were compared.</summary>
public enum ComparisonMethod
{
    /// <summary>Per-second values of the measured window, pooled over the runs of each side.</summary>
    PerSecond,
    /// <summary>One headline value per run (repeats).</summary>
    PerRun,
    /// <summary>Counts from the delivery audit, compared exactly (the current worst run against the baseline's best).</summary>
    ExactCount,
}

/// <summary>
/// One rule's outcome. <see cref="Change"/> and its confidence interval are relative (0.12 = +12 %) for relative
/// rules and in the metric's unit for absolute ones; positive means the value went up.
/// </summary>
public sealed record RuleVerdict
{
    public required RegressionRule Rule { get; init; }
    public required Verdict Verdict { get; init; }
    public required ComparisonMethod Method { get; init; }
    /// <summary>Median of the baseline's values (the best run's count for <see cref="ComparisonMethod.ExactCount"/>; the current side then holds its worst run's).</summary>
    public double? Baseline { get; init; }
    public double? Current { get; init; }
    public double? Change { get; init; }
    public double? ChangeLow { get; init; }
    public double? ChangeHigh { get; init; }
    /// <summary>Two-sided Mann–Whitney p-value; null for exact counts and when data is insufficient.</summary>
    public double? PValue { get; init; }
    public int BaselineValues { get; init; }
    public int CurrentValues { get; init; }
    /// <summary>One sentence with the numbers behind the verdict.</summary>
    public required string Explanation { get; init; }
}

/// <summary>An SLO of one current run, as <c>summary.json</c> recorded it.</summary>
public sealed record SloCase(string RunId, SloResult Result);

/// <summary>Everything <c>loadlab baseline check</c> decided: per rule and per SLO, and the overall verdict.</summary>
public sealed record RegressionReport
{
    public required string Scenario { get; init; }
    public required string BaselineName { get; init; }
    public required IReadOnlyList<string> BaselineRuns { get; init; }
    public required IReadOnlyList<string> CurrentRuns { get; init; }
    public required double Confidence { get; init; }
    public required IReadOnlyList<RuleVerdict> Rules { get; init; }
    public IReadOnlyList<SloCase> Slos { get; init; } = [];

    /// <summary>Regressed when any rule regressed; else improved when any improved; else unchanged; insufficient data when no rule could be decided.</summary>
    public Verdict Overall =>
        Rules.Any(r => r.Verdict == Verdict.Regressed) ? Verdict.Regressed
        : Rules.Any(r => r.Verdict == Verdict.Improved) ? Verdict.Improved
        : Rules.Any(r => r.Verdict == Verdict.Unchanged) ? Verdict.Unchanged
        : Verdict.InsufficientData;

    /// <summary>No rule regressed and every SLO of the current runs held: the CI job passes.</summary>
    public bool Passed => Overall != Verdict.Regressed && Slos.All(s => s.Result.Passed);
}
