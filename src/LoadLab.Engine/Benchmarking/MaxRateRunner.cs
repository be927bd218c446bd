using System.Globalization;
using System.Text.Json;
using LoadLab.Core.Capacity;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;

namespace LoadLab.Engine.Benchmarking;

/// <summary>How each step of a maximum-rate search runs.</summary>
public sealed record MaxRateRunOptions
{
    /// <summary>Unmeasured start of every step; default 3 s.</summary>
    public TimeSpan StepWarmup { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Measured window of every step, judged as a whole; default 10 s.</summary>
    public TimeSpan StepDuration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A step fails when fewer than this share of the target rate is acknowledged; default 0.99.</summary>
    public double KeepUpShare { get; init; } = 0.99;
    /// <summary>Search bounds (start rate defaults to the scenario's base rate when null).</summary>
    public double? StartRate { get; init; }
    public double MaxRate { get; init; } = 1_000_000;
    public int MaxSteps { get; init; } = 16;
    /// <summary>Folder that receives one run folder per step, <c>maxrate-steps.jsonl</c> (a line per step as it ends) and <c>maxrate.json</c> (the result).</summary>
    public required string ResultsDirectory { get; init; }
    public Action<RateStep>? StepCompleted { get; init; }
}

/// <summary>
/// Runs the maximum-rate search in one session (one environment, whatever its kind): every step is the scenario scaled
/// to the step's rate (<see cref="ScenarioScaling"/>), run by the session like any run; a step passes when all the scenario's SLOs hold
/// and the cluster acknowledged at least <see cref="MaxRateRunOptions.KeepUpShare"/> of the target.
/// </summary>
public static class MaxRateRunner
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private static readonly JsonSerializerOptions LineOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Runs the search on <paramref name="session"/>, which must have prepared the scenario's topics.</summary>
    public static async Task<MaxRateResult> RunAsync(Scenario scenario, RunSession session, MaxRateRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.ResultsDirectory);
        var search = new MaxRateSearch(
            new MaxRateSearchOptions
            {
                StartRate = options.StartRate ?? ScenarioScaling.BaseRate(scenario),
                MaxRate = options.MaxRate,
                MaxSteps = options.MaxSteps,
            },
            (rate, token) => StepAsync(scenario, session, options, rate, token))
        {
            // Each step is appended as it ends, so an interrupted search keeps what it learnt.
            StepCompleted = step =>
            {
                File.AppendAllText(Path.Combine(options.ResultsDirectory, "maxrate-steps.jsonl"), JsonSerializer.Serialize(step, LineOptions) + "\n");
                options.StepCompleted?.Invoke(step);
            },
        };
        var result = await search.RunAsync(cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(options.ResultsDirectory, "maxrate.json"), JsonSerializer.Serialize(result, JsonOptions), CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>Judges a run's summary: SLO failures plus falling behind the target.</summary>
    public static RateStepOutcome Judge(RunSummary summary, double targetRate, double keepUpShare)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var failures = summary.Slo.Where(s => !s.Passed)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Observed?.ToString("0.###", CultureInfo.InvariantCulture) ?? "n/a"} {s.Comparison} {s.Limit}"))
            .ToList();
        if (summary.Rate.Achieved < targetRate * keepUpShare)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"achieved {summary.Rate.Achieved:0} msg/s < {keepUpShare:P0} of {targetRate:0}"));
        }

        // Acknowledgements are counted by intended time, so a late generator still reaches the target in the
        // end; sends by send time show whether the rate was really kept during the window.
        if (summary.Rate.Accuracy is { } accuracy && accuracy.OverallErrorPercent < -(1 - keepUpShare) * 100)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"sent {accuracy.OverallErrorPercent:0.0}% below the schedule during the window"));
        }

        if (summary.Outcome != RunOutcome.Completed)
        {
            failures.Add($"run {summary.Outcome.Name()}");
        }

        return new RateStepOutcome(failures.Count == 0, summary.Rate.Achieved, summary.LatencyMs.Produce?.P99, failures);
    }

    private static async Task<RateStepOutcome> StepAsync(Scenario scenario, RunSession session, MaxRateRunOptions options, double rate, CancellationToken cancellationToken)
    {
        var step = ScenarioScaling.Scale(scenario, rate, options.StepWarmup, options.StepDuration);
        var runId = string.Create(CultureInfo.InvariantCulture, $"step-{Directory.GetDirectories(options.ResultsDirectory).Length + 1:00}-{rate:0}");
        var summary = await session.RunAsync(new RunRequest
        {
            Scenario = step,
            RunId = runId,
            ResultsDirectory = Path.Combine(options.ResultsDirectory, runId),
        }, cancellationToken).ConfigureAwait(false);
        var measuredTarget = summary.Rate.Target > 0 ? summary.Rate.Target : rate;
        return Judge(summary, measuredTarget, options.KeepUpShare);
    }
}
