using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Environments;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;
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
        var duration = TypedOptions.OptionalDuration("--duration", "Override the measured duration, e.g. 30s or 2m", "2m");
        var seed = TypedOptions.OptionalWholeNumber("--seed", "Override the scenario seed", int.MinValue, int.MaxValue, "42");
        var output = TypedOptions.OutputFolder("--out", "Folder that receives the run folder (default: results)", "results");
        var repeat = TypedOptions.WholeNumber(
            "--repeat",
            "Run the scenario this many times (each on a fresh cluster, each its own run folder), so a baseline check can tell a change from noise (default: 1)",
            1,
            MaxRepeats,
            1,
            "5");
        var segment = new Option<string?>("--segment")
        {
            Description = "Run one share of a run split over workers: i/N (the i-th of N, from 0), or job/N to read i from JOB_COMPLETION_INDEX " +
                "(a Kubernetes Indexed Job). Needs --start-at and --run-id; writes <out>/<run-id>-segment-<i>; join the segments with 'loadlab merge'.",
        };
        var startAt = new Option<string?>("--start-at")
        {
            Description = "Start the load at this UTC instant (ISO 8601, e.g. 2026-12-06T15:00:00Z), the same for every worker of a split run; " +
                "consumers join before it. A worker that gets there more than 1 s late refuses to start (exit 3).",
        };
        var runId = new Option<string?>("--run-id")
        {
            Description = "The run's id (letters, digits, '.', '_', '-'), shared by every worker of a split run; default: <UTC time>-<scenario>.",
        };
        var metricsPort = TypedOptions.OptionalWholeNumber(
            "--metrics-port", "Serve live metrics for Prometheus at http://<metrics-host>:<port>/metrics while the run goes (default: off)", 1, 65535, "9464");
        var metricsHost = new Option<string>("--metrics-host")
        {
            Description = "Address the metrics endpoint listens on (default 127.0.0.1; 0.0.0.0 or a host name to be scraped from elsewhere)",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var otlpEndpoint = TypedOptions.OptionalHttpUrl(
            "--otlp-endpoint",
            "Push live metrics every second to this OTLP receiver, e.g. http://localhost:4317 (OTEL_EXPORTER_OTLP_* variables set protocol and headers; default: off)",
            "http://localhost:4317");
        var command = new Command("run", "Run a scenario: generate open-loop load, inject its faults, measure, write results/<run-id>/")
        {
            scenario, environment, duration, seed, output, repeat, segment, startAt, runId, metricsPort, metricsHost, otlpEndpoint,
        };
        command.SetAction((parse, _) => ExecuteAsync(
            parse.GetValue(scenario)!,
            parse.GetValue(environment)!,
            parse.GetValue(duration),
            parse.GetValue(seed),
            parse.GetValue(output)!,
            parse.GetValue(repeat),
            new SplitOptions(parse.GetValue(segment), parse.GetValue(startAt), parse.GetValue(runId)),
            new MetricsExportOptions(parse.GetValue(metricsPort), parse.GetValue(metricsHost)!, parse.GetValue(otlpEndpoint))));
        return command;
    }

    /// <summary>The options of a run split over workers, as given.</summary>
    /// <summary>The first feature of <paramref name="scenario"/> a split run cannot audit, or null.</summary>
    private static string? UnsplittableFeature(Scenario scenario) =>
        scenario.Traffic.FirstOrDefault(s => s.Transactions is not null) is { } stream ? $"transactions (stream {stream.Name})"
        : scenario.Consumers.FirstOrDefault(c => c.Transform is not null) is { } group ? $"a consume-transform-produce group ({group.Group})"
        : scenario.Faults.Any(f => f.Action == FaultAction.GroupReplay) ? "group.replay"
        : null;

    private sealed record SplitOptions(string? Segment, string? StartAt, string? RunId);

    /// <summary>The split options checked: every problem is added to <paramref name="problems"/>.</summary>
    private static (Segment Segment, DateTimeOffset? StartAt, string? RunId) ReadSplit(SplitOptions options, int repeat, List<ValidationProblem> problems)
    {
        var segment = Segment.Whole;
        if (options.Segment is { } text)
        {
            if (Segment.Parse(text, Environment.GetEnvironmentVariable, out var problem) is { } parsed)
            {
                segment = parsed;
            }
            else
            {
                problems.Add(new ValidationProblem("--segment", "", 0, 0, problem!, null));
            }
        }

        DateTimeOffset? startAt = null;
        if (options.StartAt is { } startText)
        {
            if (DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            {
                startAt = instant;
            }
            else
            {
                problems.Add(new ValidationProblem("--start-at", "", 0, 0, $"\"{startText}\" is not a UTC instant", $"e.g. --start-at {DateTimeOffset.UtcNow.AddMinutes(2):yyyy-MM-ddTHH:mm:ssZ}"));
            }
        }

        if (options.RunId is { } id && (id.Length is 0 or > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            problems.Add(new ValidationProblem("--run-id", "", 0, 0, $"\"{id}\" is not a run id: up to 100 letters, digits, '.', '_' or '-'", "e.g. --run-id 20261206-150000-inference"));
        }

        if (options.Segment is not null)
        {
            if (options.StartAt is null)
            {
                problems.Add(new ValidationProblem("--segment", "", 0, 0, "a segment starts its load with the other workers: --start-at is required", $"e.g. --start-at {DateTimeOffset.UtcNow.AddMinutes(2):yyyy-MM-ddTHH:mm:ssZ}"));
            }

            if (options.RunId is null)
            {
                problems.Add(new ValidationProblem("--segment", "", 0, 0, "the workers of a split run share one run id: --run-id is required", "e.g. --run-id 20261206-150000-inference"));
            }

            if (repeat != 1)
            {
                problems.Add(new ValidationProblem("--repeat", "", 0, 0, "a segment runs once (the launcher repeats the whole split run)", "leave out --repeat"));
            }
        }

        return (segment, startAt, options.RunId);
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
            Errors.Warning(Console.Error, $"the report could not be drawn ({e.Message}); the results are complete, retry with 'loadlab report {directory}'.");
        }
    }

    private static async Task<int> ExecuteAsync(FileInfo file, string environmentName, TimeSpan? duration, int? seed, DirectoryInfo output, int repeat, SplitOptions splitOptions, MetricsExportOptions metrics)
    {
        var splitProblems = new List<ValidationProblem>();
        var split = ReadSplit(splitOptions, repeat, splitProblems);
        if (splitProblems.Count > 0)
        {
            return Errors.Problems(Console.Error, splitProblems);
        }

        var loaded = ScenarioLoader.Load(file.ToString(), new ScenarioOverrides { Seed = seed });
        if (!loaded.Succeeded)
        {
            return Errors.Problems(Console.Error, loaded.Problems);
        }

        var scenario = loaded.Scenario!;
        if (!split.Segment.IsWhole && UnsplittableFeature(scenario) is { } feature)
        {
            return Errors.Problems(Console.Error, [new ValidationProblem("--segment", "", 0, 0,
                $"the scenario uses {feature}, which one process audits (transactions, pipelines and replays are not split over workers yet)",
                "run it without --segment")]);
        }

        var scenarioYaml = await File.ReadAllTextAsync(file.FullName);
        if (duration is { } shorter)
        {
            (scenario, scenarioYaml) = Clip(scenario, scenarioYaml, shorter);
        }

        var (provider, environmentError) = EnvironmentCatalog.Resolve(environmentName);
        if (provider is null)
        {
            return Errors.BadInput(Console.Error, environmentError!);
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
                return Errors.BadInput(Console.Error, $"{e.Message}. Fix: choose a free port (--metrics-port) and an address of this machine (--metrics-host)");
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
            var runId = split.RunId ?? RunIds.Create(startedAt, scenario.Name, repeat == 1 ? null : $"r{run}");
            var directory = Path.Combine(output.FullName, split.Segment.IsWhole ? runId : SegmentFiles.FolderName(runId, split.Segment.Index));
            using var live = export is null ? null : new LiveMetrics(new RunLabels(runId, scenario.Name, environmentName));
            var code = await RunOnceAsync(scenario, scenarioYaml, provider, runId, directory, split.Segment, split.StartAt, live, interrupt.Token);
            if (code is ExitCodes.BadInput or ExitCodes.EnvironmentFailure or ExitCodes.Interrupted)
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
    private static async Task<int> RunOnceAsync(Scenario scenario, string scenarioYaml, IClusterProvider provider, string runId, string directory, Segment segment, DateTimeOffset? startAt, LiveMetrics? live, CancellationToken interrupt)
    {
        RunSession session;
        try
        {
            session = await RunSession.StartAsync(provider, SessionOptions.For(scenario, runId, segment) with { Progress = EnvironmentProgress }, interrupt);
        }
        catch (UnsupportedFaultsException e)
        {
            return Errors.Problems(Console.Error, e.Problems, $"the {e.EnvironmentKind} environment cannot run these faults; nothing was started");
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            return Errors.Interrupted(Console.Error, "stopped while the environment was starting; nothing was run.");
        }

        await using (session)
        {
            var display = ProgressDisplay.Create(scenario, provider.Kind);
            var request = new RunRequest
            {
                Scenario = scenario,
                RunId = runId,
                ResultsDirectory = directory,
                ScenarioYaml = scenarioYaml,
                Observers = live is null ? [display] : [display, live],
                Segment = segment,
                StartAt = startAt,
            };
            if (!segment.IsWhole)
            {
                Console.WriteLine($"Segment {segment} of run {runId}: load starts at {startAt:O}.");
            }

            RunSummary summary;
            try
            {
                summary = await display.RunAsync(() => session.RunAsync(request, interrupt));
            }
            catch (EnvironmentException) when (Directory.Exists(directory))
            {
                // What was measured before the environment broke is kept; say where, then fail as the environment did.
                Console.WriteLine($"Results: {directory}");
                throw;
            }

            SummaryPrinter.Print(summary, directory, Console.Out);
            WriteReport(directory);
            if (!segment.IsWhole)
            {
                Console.WriteLine($"Merge every segment into the run: loadlab merge {Path.Combine(Path.GetDirectoryName(directory)!, runId)}-segment-* --out {Path.Combine(Path.GetDirectoryName(directory)!, runId)}");
            }

            if (summary.Outcome == RunOutcome.Interrupted)
            {
                return Errors.Interrupted(Console.Error, "the run was stopped early; its results cover the part that ran, and its SLOs were not judged.");
            }

            return summary.Slo.Any(s => !s.Passed) ? ExitCodes.CheckFailed : ExitCodes.Success;
        }
    }

    private static IProgress<string> EnvironmentProgress { get; } = new Progress<string>(line => Console.Error.WriteLine(line));
}
