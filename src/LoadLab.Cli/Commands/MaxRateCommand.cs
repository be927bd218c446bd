using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Capacity;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Benchmarking;
using LoadLab.Engine.Sessions;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab maxrate &lt;scenario&gt;</c>: the highest rate at which the cluster still meets the scenario's
/// SLOs and keeps up, by short scaled runs (step up, bisect, confirm). Exits 1 when no rate passed.
/// </summary>
internal static class MaxRateCommand
{
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario file (YAML) whose traffic is scaled" };
        var environment = new Option<string>("--env")
        {
            Description = "Environment: 'embedded' (default, in-process mock cluster), 'embedded:<brokers>', 'docker:<definition>' or 'external:<definition>'",
            DefaultValueFactory = _ => EnvironmentCatalog.Embedded,
        };
        var step = TypedOptions.Duration("--step", "Measured duration of every step (after --step-warmup)", TimeSpan.FromSeconds(10), "10s", min: TimeSpan.FromSeconds(1));
        var stepWarmup = TypedOptions.Duration("--step-warmup", "Unmeasured start of every step", TimeSpan.FromSeconds(3), "3s", allowZero: true);
        var start = TypedOptions.OptionalNumber("--start-rate", "First rate tried in msg/s (default: the scenario's base rate)", 0.001, 100_000_000, "5000");
        var maxRate = TypedOptions.Number("--max-rate", "Highest rate tried in msg/s", 0.001, 100_000_000, 1_000_000, "200000");
        var maxSteps = TypedOptions.WholeNumber("--max-steps", "Most runs in total, at least 3 (bounds the time: steps x (step + warm-up + drain))", 3, 1_000, 14, "14");
        var output = TypedOptions.OutputFolder("--out", "Folder that receives the search folder (default: results)", "results");
        var command = new Command("maxrate", "Find the highest rate at which the cluster still meets the scenario's SLOs (step up, bisect, confirm)")
        {
            scenario, environment, step, stepWarmup, start, maxRate, maxSteps, output,
        };
        command.SetAction((parse, _) => ExecuteAsync(
            parse.GetValue(scenario)!,
            parse.GetValue(environment)!,
            parse.GetValue(step),
            parse.GetValue(stepWarmup),
            parse.GetValue(start),
            parse.GetValue(maxRate),
            parse.GetValue(maxSteps),
            parse.GetValue(output)!));
        return command;
    }

    private static async Task<int> ExecuteAsync(FileInfo file, string environmentName, TimeSpan step, TimeSpan warmup, double? startRate, double maxRate, int maxSteps, DirectoryInfo output)
    {
        var loaded = ScenarioLoader.Load(file.ToString(), new ScenarioOverrides());
        if (!loaded.Succeeded)
        {
            return Errors.Problems(Console.Error, loaded.Problems);
        }

        var scenario = loaded.Scenario!;
        var options = new MaxRateSearchOptions { StartRate = startRate ?? ScenarioScaling.BaseRate(scenario), MaxRate = maxRate, MaxSteps = maxSteps };
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            return Errors.BadInput(Console.Error, $"{string.Join("; ", problems)}. Fix: set --start-rate at most --max-rate, e.g. --start-rate 1000 --max-rate 200000");
        }

        var (provider, environmentError) = EnvironmentCatalog.Resolve(environmentName);
        if (provider is null)
        {
            return Errors.BadInput(Console.Error, environmentError!);
        }

        var searchId = RunIds.Create(DateTimeOffset.UtcNow, scenario.Name, "maxrate");
        var directory = Path.Combine(output.FullName, searchId);
        using var interrupt = CommandLine.CancelOnInterrupt();
        // The steps run without the scenario's faults (the search asks what the healthy cluster sustains), so the
        // session checks none of them against the environment.
        await using var session = await RunSession.StartAsync(
            provider,
            new SessionOptions { Id = searchId, Topics = scenario.Topics, Progress = new Progress<string>(line => Console.Error.WriteLine(line)) },
            interrupt.Token);
        Console.WriteLine($"LoadLab maxrate: {scenario.Name} on {provider.Kind}, steps of {warmup.TotalSeconds:0} s warm-up + {step.TotalSeconds:0} s from {options.StartRate:N0} msg/s, at most {maxSteps} steps");
        var result = await MaxRateRunner.RunAsync(scenario, session, new MaxRateRunOptions
        {
            StepWarmup = warmup,
            StepDuration = step,
            StartRate = options.StartRate,
            MaxRate = maxRate,
            MaxSteps = maxSteps,
            ResultsDirectory = directory,
            StepCompleted = s => Console.WriteLine(Describe(s)),
        }, interrupt.Token);
        Console.WriteLine();
        Console.WriteLine(Conclusion(result));
        Console.WriteLine($"Steps:   {Path.Combine(directory, "maxrate.json")}");
        if (interrupt.IsCancellationRequested)
        {
            return Errors.Interrupted(Console.Error, "the search was stopped early; the steps that ran are kept.");
        }

        return result.KneeRate is null ? ExitCodes.CheckFailed : ExitCodes.Success;
    }

    internal static string Describe(RateStep step) => string.Create(CultureInfo.InvariantCulture,
        $"  step {step.Index,2} {step.Purpose,-8} base rate {step.TargetRate,10:N0}/s  acked {step.Outcome.AchievedRate,10:N0}/s  produce p99 {(step.Outcome.ProduceP99Ms is { } p99 ? $"{p99,8:0.0} ms" : "     n/a")}  {(step.Outcome.Passed ? "pass" : "FAIL " + string.Join(", ", step.Outcome.Failures))}");

    internal static string Conclusion(MaxRateResult result) => result switch
    {
        { KneeRate: null } => "No rate passed: even the lowest rate tried missed the SLOs or was not kept up with.",
        { FirstFailingRate: null, ReachedCap: false } => string.Create(CultureInfo.InvariantCulture,
            $"Passed up to {result.KneeRate:N0} msg/s (produce p99 {result.KneeProduceP99Ms:0.0} ms); the search stopped (interrupted or out of steps) before a rate failed."),
        { ReachedCap: true } => string.Create(CultureInfo.InvariantCulture, $"Still passing at the cap {result.KneeRate:N0} msg/s (produce p99 {result.KneeProduceP99Ms:0.0} ms); raise --max-rate to find the knee."),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"Knee: {result.KneeRate:N0} msg/s (produce p99 {result.KneeProduceP99Ms:0.0} ms){(result.Confirmed ? ", confirmed by a repeat" : ", not confirmed (step budget)")}; fails at {result.FirstFailingRate:N0} msg/s."),
    };
}
