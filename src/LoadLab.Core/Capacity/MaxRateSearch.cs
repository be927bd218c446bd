namespace LoadLab.Core.Capacity;

/// <summary>How the maximum-rate search steps; every default is documented and validated once.</summary>
public sealed record MaxRateSearchOptions
{
    /// <summary>First rate tried, in messages per second. Required, &gt; 0.</summary>
    public required double StartRate { get; init; }
    /// <summary>Each passing probe multiplies the rate by this; default 2 (must be &gt; 1).</summary>
    public double Growth { get; init; } = 2;
    /// <summary>Highest rate tried; reaching it while passing ends the search with <see cref="MaxRateResult.ReachedCap"/>. Default 1,000,000.</summary>
    public double MaxRate { get; init; } = 1_000_000;
    /// <summary>Lowest rate tried when even the start rate fails; default 1.</summary>
    public double MinRate { get; init; } = 1;
    /// <summary>Bisection stops when the failing rate is within this share above the passing one; default 0.05 (5 %).</summary>
    public double Precision { get; init; } = 0.05;
    /// <summary>Upper bound of runs (retries and the confirmation included); default 16.</summary>
    public int MaxSteps { get; init; } = 16;

    /// <summary>Every problem with the options, each with its fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(StartRate > 0) || double.IsInfinity(StartRate))
        {
            problems.Add($"StartRate {StartRate} must be a positive finite rate, e.g. the scenario's base rate");
        }

        if (!(Growth > 1) || double.IsInfinity(Growth))
        {
            problems.Add($"Growth {Growth} must be above 1, e.g. 2");
        }

        if (!(MinRate > 0) || !(MaxRate >= StartRate) || !(MinRate <= StartRate))
        {
            problems.Add($"rates must satisfy 0 < MinRate ({MinRate}) <= StartRate ({StartRate}) <= MaxRate ({MaxRate})");
        }

        if (!(Precision > 0) || Precision >= 1)
        {
            problems.Add($"Precision {Precision} must be between 0 and 1, e.g. 0.05");
        }

        if (MaxSteps < 3)
        {
            problems.Add($"MaxSteps {MaxSteps} must be at least 3 (a probe, a retry and a confirmation)");
        }

        return problems;
    }
}

/// <summary>What one run at a rate showed.</summary>
/// <param name="Passed">The scenario's SLOs held and the cluster kept up with the rate.</param>
/// <param name="AchievedRate">Acknowledged messages per second.</param>
/// <param name="ProduceP99Ms">Produce latency p99 of the measured window, when there were acknowledgements.</param>
/// <param name="Failures">What failed, e.g. "produce.p99 52.1 > 50"; empty when passed.</param>
public sealed record RateStepOutcome(bool Passed, double AchievedRate, double? ProduceP99Ms, IReadOnlyList<string> Failures);

/// <summary>One run of the search. <paramref name="Purpose"/>: "probe", "retry", "bisect" or "confirm".</summary>
public sealed record RateStep(int Index, string Purpose, double TargetRate, RateStepOutcome Outcome);

/// <summary>The search's answer.</summary>
/// <param name="KneeRate">Highest target rate that passed (confirmed by a repeat when the budget allowed); null when none passed.</param>
/// <param name="KneeProduceP99Ms">Produce p99 at the knee (the confirmation's, else the passing run's).</param>
/// <param name="FirstFailingRate">Lowest rate that failed twice; null when none did.</param>
/// <param name="ReachedCap">The search stopped at <see cref="MaxRateSearchOptions.MaxRate"/> while still passing.</param>
/// <param name="Confirmed">A repeat at the knee passed too.</param>
/// <param name="Steps">Every run in order.</param>
public sealed record MaxRateResult(double? KneeRate, double? KneeProduceP99Ms, double? FirstFailingRate, bool ReachedCap, bool Confirmed, IReadOnlyList<RateStep> Steps);

/// <summary>
/// Finds the highest rate at which a run still passes: steps up geometrically from the start rate, then
/// bisects between the last pass and the first failure, then repeats the knee to confirm it. A rate only
/// counts as failing when it fails twice in a row, so one bad run (a GC pause, a noisy neighbour) cannot
/// collapse the search to a trivial rate; a failed confirmation moves the knee down and the bisection goes on.
/// The number of runs is bounded by <see cref="MaxRateSearchOptions.MaxSteps"/>.
/// </summary>
public sealed class MaxRateSearch
{
    private readonly MaxRateSearchOptions _options;
    private readonly Func<double, CancellationToken, Task<RateStepOutcome>> _run;
    private readonly List<RateStep> _steps = [];

    /// <param name="options">Validated here; invalid options throw <see cref="ArgumentException"/> listing every problem.</param>
    /// <param name="run">Runs the workload at a target rate (messages per second) and judges it over its whole measured window.</param>
    public MaxRateSearch(MaxRateSearchOptions options, Func<double, CancellationToken, Task<RateStepOutcome>> run)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid max-rate search options: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _run = run;
    }

    /// <summary>Called after every run (for progress and for writing the steps as they happen).</summary>
    public Action<RateStep>? StepCompleted { get; init; }

    public async Task<MaxRateResult> RunAsync(CancellationToken cancellationToken)
    {
        RateStep? bestPass = null;
        double? lowestFail = null;
        var rate = _options.StartRate;

        // Step up (or, when the start fails, down) geometrically until the knee is bracketed.
        while (HasBudget(2) && !cancellationToken.IsCancellationRequested)
        {
            var (passed, step) = await JudgeAsync(rate, "probe", cancellationToken).ConfigureAwait(false);
            if (passed)
            {
                bestPass = step;
                if (lowestFail is not null || rate >= _options.MaxRate)
                {
                    break;
                }

                rate = Math.Min(_options.MaxRate, rate * _options.Growth);
            }
            else
            {
                lowestFail = rate;
                if (bestPass is not null)
                {
                    break;
                }

                rate /= _options.Growth;
                if (rate < _options.MinRate)
                {
                    break;
                }
            }
        }

        var confirmed = false;
        while (bestPass is not null && !cancellationToken.IsCancellationRequested)
        {
            // Bisect (geometric mean) until the bracket is tight or only the confirmation's budget is left.
            while (lowestFail is { } fail && fail > bestPass.TargetRate * (1 + _options.Precision) && HasBudget(3) && !cancellationToken.IsCancellationRequested)
            {
                var middle = Math.Sqrt(bestPass.TargetRate * fail);
                var (passed, step) = await JudgeAsync(middle, "bisect", cancellationToken).ConfigureAwait(false);
                if (passed)
                {
                    bestPass = step;
                }
                else
                {
                    lowestFail = middle;
                }
            }

            if (!HasBudget(1) || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var (again, repeat) = await JudgeAsync(bestPass.TargetRate, "confirm", cancellationToken).ConfigureAwait(false);
            if (again)
            {
                confirmed = true;
                bestPass = repeat;
                break;
            }

            // The knee failed twice on its repeat: it was a lucky pass. Below it, the last earlier pass stands.
            lowestFail = bestPass.TargetRate;
            bestPass = _steps.Where(s => s.Outcome.Passed && s.TargetRate < bestPass.TargetRate).MaxBy(s => s.TargetRate);
        }

        var reachedCap = bestPass is not null && lowestFail is null && bestPass.TargetRate >= _options.MaxRate;
        return new MaxRateResult(bestPass?.TargetRate, bestPass?.Outcome.ProduceP99Ms, lowestFail, reachedCap, confirmed, [.. _steps]);
    }

    private bool HasBudget(int runs) => _steps.Count + runs <= _options.MaxSteps;

    /// <summary>One run, plus a retry when it fails (and the budget allows): a rate fails only when both fail.</summary>
    private async Task<(bool Passed, RateStep Step)> JudgeAsync(double rate, string purpose, CancellationToken cancellationToken)
    {
        var first = await StepAsync(rate, purpose, cancellationToken).ConfigureAwait(false);
        if (first.Outcome.Passed || !HasBudget(1) || cancellationToken.IsCancellationRequested)
        {
            return (first.Outcome.Passed, first);
        }

        var retry = await StepAsync(rate, "retry", cancellationToken).ConfigureAwait(false);
        return (retry.Outcome.Passed, retry);
    }

    private async Task<RateStep> StepAsync(double rate, string purpose, CancellationToken cancellationToken)
    {
        var outcome = await _run(rate, cancellationToken).ConfigureAwait(false);
        var step = new RateStep(_steps.Count + 1, purpose, rate, outcome);
        _steps.Add(step);
        StepCompleted?.Invoke(step);
        return step;
    }
}
