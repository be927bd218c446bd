using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Environments;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Reporting.Reports;
using LoadLab.Telemetry;

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
        var metricsPort = new Option<int?>("--metrics-port")
        {
            Description = "Serve live metrics for Prometheus at http://<metrics-host>:<port>/metrics while the run goes (default: off)",
        };
        var metricsHost = new Option<string>("--metrics-host")
        {
            Description = "Address the metrics endpoint listens on (default 127.0.0.1; 0.0.0.0 or a host name to be scraped from elsewhere)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var otlpEndpoint = new Option<Uri?>("--otlp-endpoint")
        {
            Description = "Push live metrics every second to this OTLP receiver, e.g. http://localhost:4317 (OTEL_EXPORTER_OTLP_* variables set protocol and headers; default: off)",
        };
        var command = new Command("run", "Run a scenario: generate open-loop load, inject its faults, measure, write results/<run-id>/")
        {
            scenario, environment, duration, seed, output, repeat, metricsPort, metricsHost, otlpEndpoint,
        };
        command.SetAction((parse, _) => ExecuteAsync(
            parse.GetValue(scenario)!,
            parse.GetValue(environment)!,
            parse.GetValue(duration),
            parse.GetValue(seed),
            parse.GetValue(output)!,
            parse.GetValue(repeat),
            new MetricsExportOptions(parse.GetValue(metricsPort), parse.GetValue(metricsHost)!, parse.GetValue(otlpEndpoint))));
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

    private static async Task<int> ExecuteAsync(FileInfo file, string environmentName, string? durationText, int? seed, DirectoryInfo output, int repeat, MetricsExportOptions metrics)
    {
        if (repeat is < 1 or > MaxRepeats)
        {
            return Problems.Report([new ValidationProblem("--repeat", "", 0, 0, $"{repeat} is not a number of runs from 1 to {MaxRepeats}", "e.g. --repeat 5")]);
        }

        TimeSpan? duration = null;
        if (durationText is not null)
        {
            var problems = new List<ValidationProblem>();
            duration = OptionValues.Duration("--duration", durationText, "2m", problems);
            if (duration is null)
            {
                return Problems.Report(problems);
            }
        }

        var loaded = ScenarioLoader.Load(file.ToString(), new ScenarioOverrides { Seed = seed });
        if (!loaded.Succeeded)
        {
            return Problems.Report(loaded.Problems);
        }

        var scenario = loaded.Scenario!;
        var scenarioYaml = await File.ReadAllTextAsync(file.FullName);
        if (duration is { } shorter)
        {
            (scenario, scenarioYaml) = Clip(scenario, scenarioYaml, shorter);
        }

        var (provider, environmentError) = EnvironmentCatalog.Resolve(environmentName);
        if (provider is null)
        {
            await Console.Error.WriteLineAsync($"loadlab: {environmentError}");
            return ExitCodes.BadInput;
        }

        if (metrics.PrometheusPort is < 1 or > 65535)
        {
            return Problems.Report([new ValidationProblem("--metrics-port", "", 0, 0, $"{metrics.PrometheusPort} is not a TCP port", "e.g. --metrics-port 9464")]);
        }

        if (metrics.OtlpEndpoint is { } otlp && (!otlp.IsAbsoluteUri || otlp.Scheme is not ("http" or "https")))
        {
            return Problems.Report([new ValidationProblem("--otlp-endpoint", "", 0, 0, $"'{otlp}' is not an http(s) URL", "e.g. --otlp-endpoint http://localhost:4317")]);
        }

        MetricsExport? export = null;
        if (metrics.Enabled)
        {
            try
            {
                export = MetricsExport.Start(metrics);
            }
            catch (MetricsExportException e)
            {
                await Console.Error.WriteLineAsync($"loadlab: {e.Message}. Fix: choose a free port with --metrics-port");
                return ExitCodes.BadInput;
            }

            if (metrics.ScrapeUrl is { } scrape)
            {
                Console.WriteLine($"Metrics: {scrape}");
            }
        }

        using var exporting = export;
        using var interrupt = CommandLine.CancelOnInterrupt();
        var startedAt = DateTimeOffset.UtcNow;
        var exitCode = ExitCodes.Success;
        var directories = new List<string>();
        for (var run = 1; run <= repeat && !interrupt.IsCancellationRequested; run++)
        {
            var runId = RunIds.Create(startedAt, scenario.Name, repeat == 1 ? null : $"r{run}");
            var directory = Path.Combine(output.FullName, runId);
            using var live = export is null ? null : new LiveMetrics(new RunLabels(runId, scenario.Name, environmentName));
            var code = await RunOnceAsync(scenario, scenarioYaml, provider, runId, directory, live, interrupt.Token);
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

    /// <summary>
    /// The scenario cut to <paramref name="duration"/>, with every phase, window, fault and SLO it left out printed and
    /// written as a comment above the scenario copied into the results, so the run folder says it was not the whole scenario.
    /// </summary>
    private static (Scenario Scenario, string Yaml) Clip(Scenario scenario, string yaml, TimeSpan duration)
    {
        var clipped = ScenarioClipping.Clip(scenario, duration);
        var header = $"--duration {Durations.Format(duration)} replaced the scenario's {Durations.Format(scenario.Duration)}";
        if (clipped.Changes.Count == 0)
        {
            return (clipped.Scenario, $"# {header}.\n{yaml}");
        }

        Console.WriteLine($"{header}; this run leaves out:");
        foreach (var change in clipped.Changes)
        {
            Console.WriteLine($"  {change}");
        }

        var comment = string.Concat(clipped.Changes.Select(c => $"#   {c}\n"));
        return (clipped.Scenario, $"# {header}; this run left out:\n{comment}{yaml}");
    }

    /// <summary>One run in its own session: a fresh environment, torn down when the run's results are written.</summary>
    private static async Task<int> RunOnceAsync(Scenario scenario, string scenarioYaml, IClusterProvider provider, string runId, string directory, LiveMetrics? live, CancellationToken interrupt)
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
                Observers = live is null ? [display] : [display, live],
            };
            var summary = await display.RunAsync(() => session.RunAsync(request, interrupt));
            SummaryPrinter.Print(summary, directory);
            WriteReport(directory);
            return summary.Slo.Any(s => !s.Passed) ? ExitCodes.CheckFailed : ExitCodes.Success;
        }
    }

    private static IProgress<string> EnvironmentProgress { get; } = new Progress<string>(line => Console.Error.WriteLine(line));
}
