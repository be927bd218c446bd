using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Environments;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Reporting.Reports;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab run &lt;scenario&gt;</c>: runs a scenario and writes its results folder.</summary>
internal static class RunCommand
{
    private const int MaxRepeats = 100;

    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "Scenario file (YAML), e.g. scenarios/quickstart.yaml" };
        var environment = new Option<string>("--env")
        {
            Description = "Environment: 'embedded' (default, in-process mock cluster), 'embedded:<brokers>', 'docker:<definition>' or 'external:<definition>'",
            DefaultValueFactory = _ => EnvironmentCatalog.Embedded,
        };
        var duration = new Option<string?>("--duration") { Description = "Override the measured duration, e.g. 30s or 2m" };
        var seed = new Option<int?>("--seed") { Description = "Override the scenario seed" };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder that receives the run folder (default: results)",
            DefaultValueFactory = _ => new DirectoryInfo("results"),
        };
        var repeat = new Option<int>("--repeat")
        {
            Description = "Run the scenario this many times (each on a fresh cluster, each its own run folder), so a baseline check can tell a change from noise (default: 1)",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("run", "Run a scenario: generate open-loop load, inject its faults, measure, write results/<run-id>/")
        {
            scenario, environment, duration, seed, output, repeat,
        };
        command.SetAction((parse, _) => ExecuteAsync(
            parse.GetValue(scenario)!,
            parse.GetValue(environment)!,
            parse.GetValue(duration),
            parse.GetValue(seed),
            parse.GetValue(output)!,
            parse.GetValue(repeat)));
        return command;
    }

    /// <summary>The report is a view of the results: failing to draw it never changes the run's exit code.</summary>
    private static void WriteReport(string directory)
    {
        try
        {
            var written = ReportGenerator.Generate(directory);
            var html = written.FirstOrDefault(p => p.EndsWith(".html", StringComparison.Ordinal));
            Console.WriteLine($"Report:  {html ?? directory}");
        }
        catch (RunResultsException e)
        {
            Console.Error.WriteLine($"loadlab: the report could not be drawn ({e.Message}); the results are complete, retry with 'loadlab report {directory}'.");
        }
    }

    private static async Task<int> ExecuteAsync(FileInfo file, string environmentName, string? durationText, int? seed, DirectoryInfo output, int repeat)
    {
        if (repeat is < 1 or > MaxRepeats)
        {
            return Problems.Report([new ValidationProblem("--repeat", "", 0, 0, $"{repeat} is not a number of runs from 1 to {MaxRepeats}", "e.g. --repeat 5")]);
        }

        TimeSpan? duration = null;
        if (durationText is not null)
        {
            if (!Durations.TryParse(durationText, out var parsed) || parsed <= TimeSpan.Zero)
            {
                return Problems.Report([new ValidationProblem("--duration", "", 0, 0, $"'{durationText}' is not a positive duration", "e.g. --duration 30s, 2m or 1h")]);
            }

            duration = parsed;
        }

        var loaded = ScenarioLoader.Load(file.ToString(), new ScenarioOverrides { Duration = duration, Seed = seed });
        if (!loaded.Succeeded)
        {
            return Problems.Report(loaded.Problems);
        }

        var scenario = loaded.Scenario!;
        var (provider, environmentError) = EnvironmentCatalog.Resolve(environmentName);
        if (provider is null)
        {
            await Console.Error.WriteLineAsync($"loadlab: {environmentError}");
            return ExitCodes.BadInput;
        }

        using var interrupt = CommandLine.CancelOnInterrupt();
        var startedAt = DateTimeOffset.UtcNow;
        var scenarioYaml = await File.ReadAllTextAsync(file.FullName);
        var exitCode = ExitCodes.Success;
        var directories = new List<string>();
        for (var run = 1; run <= repeat && !interrupt.IsCancellationRequested; run++)
        {
            var runId = RunIds.Create(startedAt, scenario.Name, repeat == 1 ? null : $"r{run}");
            var directory = Path.Combine(output.FullName, runId);
            var code = await RunOnceAsync(scenario, scenarioYaml, provider, runId, directory, interrupt.Token);
            if (code is ExitCodes.BadInput or ExitCodes.EnvironmentFailure)
            {
                return code;
            }

            directories.Add(directory);
            exitCode = Math.Max(exitCode, code);
        }

        if (directories.Count > 1)
        {
            Console.WriteLine($"{directories.Count} runs:");
            directories.ForEach(d => Console.WriteLine($"  {d}"));
            Console.WriteLine($"Compare them with a baseline: loadlab baseline check {string.Join(' ', directories)}");
        }

        return exitCode;
    }

    /// <summary>One run in its own session: a fresh environment, torn down when the run's results are written.</summary>
    private static async Task<int> RunOnceAsync(Scenario scenario, string scenarioYaml, IClusterProvider provider, string runId, string directory, CancellationToken interrupt)
    {
        RunSession session;
        try
        {
            session = await RunSession.StartAsync(provider, SessionOptions.For(scenario, runId) with { Progress = EnvironmentProgress }, interrupt);
        }
        catch (UnsupportedFaultsException e)
        {
            foreach (var problem in e.Problems)
            {
                await Console.Error.WriteLineAsync(problem.ToString());
            }

            await Console.Error.WriteLineAsync($"The {e.EnvironmentKind} environment cannot run these faults; nothing was started.");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("loadlab: interrupted while the environment was starting; nothing was run.");
            return ExitCodes.EnvironmentFailure;
        }

        await using (session)
        {
            var display = ProgressDisplay.Create(scenario, provider.Kind, directory);
            var request = new RunRequest
            {
                Scenario = scenario,
                RunId = runId,
                ResultsDirectory = directory,
                ScenarioYaml = scenarioYaml,
                Observers = [display],
            };
            var summary = await display.RunAsync(() => session.RunAsync(request, interrupt));
            SummaryPrinter.Print(summary, directory);
            WriteReport(directory);
            return summary.Slo.Any(s => !s.Passed) ? ExitCodes.CheckFailed : ExitCodes.Success;
        }
    }

    private static IProgress<string> EnvironmentProgress { get; } = new Progress<string>(line => Console.Error.WriteLine(line));
}
