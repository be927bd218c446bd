using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Cost;
using LoadLab.Core.Scenarios;
using Spectre.Console;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab cost &lt;scenario.yaml | run-dir&gt;</c>: the monthly TCO of carrying the scenario's planned (or the
/// run's measured) traffic on each platform, line by line with inputs and formulas; JSON with <c>--json</c>, and
/// <c>cost.json</c> in a run folder.
/// </summary>
internal static class CostCommand
{
    private const string DefaultPlatforms = "kafka,redpanda,automq";
    private const string DefaultPriceSheet = "aws-us-east-1.yaml";

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A scenario file (planned traffic) or a results/<run-id> folder (measured traffic)." };
        var platforms = new Option<string>("--platforms") { Description = "Comma-separated platform profiles from environments/platforms.", DefaultValueFactory = _ => DefaultPlatforms };
        var prices = new Option<string?>("--prices") { Description = $"Price sheet YAML (default: environments/pricing/{DefaultPriceSheet})." };
        var retention = TypedOptions.Text(
            "--retention", "How long data is kept, e.g. 24h, 7d, 90m (not part of the scenario).", "24h", text => ParseDuration(text) is not null, "a positive duration: 24h, 7d, 90m or 3600s", "7d");
        var replication = TypedOptions.OptionalWholeNumber("--replication-factor", "Replication factor to price instead of the scenario's (a run does not record it; default then 3).", 1, 100, "3");
        var follower = new Option<bool>("--fetch-from-follower") { Description = "Consumers read from an in-zone follower where the platform supports it (KIP-392)." };
        var headroom = TypedOptions.OptionalNumber("--headroom", "Compute headroom for every platform, e.g. 0.2 (default: each profile's value).", 0, 10, "0.2");
        var events = TypedOptions.OptionalNumber("--operator-events", "Reassignment / scale events per month for every platform (default: each profile's value).", 0, 100_000, "4");
        var environments = new Option<string?>("--environments") { Description = "Folder holding platforms/ and pricing/ (default: the nearest 'environments' folder above the current directory)." };
        var json = new Option<string?>("--json") { Description = "Also write the estimate as JSON to this file." };

        var command = new Command("cost", "Monthly TCO per platform (compute, storage, cross-AZ transfer, requests, burst provisioning, observability, operator time) for a scenario or a run.");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { platforms, prices, retention, replication, follower, headroom, events, environments, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var request = new CostRequest(
                    parseResult.GetValue(input)!,
                    parseResult.GetValue(platforms)!,
                    parseResult.GetValue(prices),
                    parseResult.GetValue(retention)!,
                    parseResult.GetValue(replication),
                    parseResult.GetValue(follower),
                    parseResult.GetValue(headroom),
                    parseResult.GetValue(events),
                    parseResult.GetValue(environments),
                    parseResult.GetValue(json));
                return Run(request, output, error);
            }
            catch (CostInputException e)
            {
                foreach (var problem in e.Problems)
                {
                    error.WriteLine(problem);
                }

                return Errors.BadInput(error, $"{Errors.Count(e.Problems.Count, "problem")}; nothing was estimated.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Errors.BadInput(error, $"cannot read the input: {e.Message} Fix: check the path and its permissions.");
            }
        });
        return command;
    }

    private sealed record CostRequest(
        string Input, string Platforms, string? Prices, string Retention, int? ReplicationFactor, bool FetchFromFollower,
        double? Headroom, double? OperatorEvents, string? Environments, string? Json);

    private static int Run(CostRequest request, TextWriter output, TextWriter error)
    {
        var problems = new List<CostInputProblem>();
        var retention = ParseDuration(request.Retention);
        if (retention is null)
        {
            problems.Add(new CostInputProblem(null, "--retention", 0, $"is '{request.Retention}', not a duration.", "write a number with a unit: 24h, 7d, 90m or 3600s."));
        }

        if (request.ReplicationFactor is < 1)
        {
            problems.Add(new CostInputProblem(null, "--replication-factor", 0, $"is {request.ReplicationFactor} but must be 1 or more.", "give the copies each byte is kept in, e.g. --replication-factor 3."));
        }

        var environments = request.Environments ?? FindEnvironments();
        if (environments is null || !Directory.Exists(Path.Combine(environments, "platforms")))
        {
            problems.Add(new CostInputProblem(null, "--environments", 0, $"no 'platforms' folder found in {environments ?? "any 'environments' folder above the current directory"}.", "run from the repository, or pass --environments <repo>/environments."));
        }

        var options = new CostOptions { FetchFromFollower = request.FetchFromFollower, Headroom = request.Headroom, OperatorEventsPerMonth = request.OperatorEvents };
        problems.AddRange(options.Validate());
        if (problems.Count > 0)
        {
            throw new CostInputException(problems);
        }

        var names = request.Platforms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        var profiles = PlatformProfileLoader.LoadAll(Path.Combine(environments!, "platforms"), names);
        var sheet = PriceSheetLoader.Load(request.Prices ?? Path.Combine(environments!, "pricing", DefaultPriceSheet));
        var workloadOptions = new CostWorkloadOptions { Retention = retention!.Value, ReplicationFactor = request.ReplicationFactor };
        var isRun = Directory.Exists(request.Input);
        CostWorkload workload;
        if (isRun)
        {
            workload = ReadRun(request.Input, workloadOptions);
        }
        else
        {
            if (!File.Exists(request.Input))
            {
                throw new CostInputException([new CostInputProblem(request.Input, "", 0, "is neither a scenario file nor a run folder.", "pass a scenario YAML (e.g. scenarios/quickstart.yaml) or a results/<run-id> folder.")]);
            }

            var loaded = ScenarioLoader.Load(request.Input);
            if (!loaded.Succeeded)
            {
                return Errors.Problems(error, loaded.Problems, "nothing was estimated");
            }

            workload = PlannedWorkload.FromScenario(loaded.Scenario!, workloadOptions);
        }

        var report = CostModel.Estimate(workload, profiles, sheet, options);
        Print(report, output);

        var jsonText = CostReportJson.Serialize(report);
        if (isRun)
        {
            Write(Path.Combine(request.Input, "cost.json"), jsonText, "the run folder", output);
        }

        if (request.Json is { } jsonPath)
        {
            Write(jsonPath, jsonText, "--json", output);
        }

        return ExitCodes.Success;
    }

    private static void Write(string path, string text, string option, TextWriter output)
    {
        try
        {
            File.WriteAllText(path, text);
            output.WriteLine($"Wrote {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CostInputException([new CostInputProblem(null, option, 0, $"cannot write {path}: {e.Message}", "choose a writable path in an existing folder.")]);
        }
    }

    private static CostWorkload ReadRun(string runDirectory, CostWorkloadOptions options)
    {
        // The run's own copy of its scenario gives the topics' replication factors, which summary.json lacks.
        var scenarioFile = Path.Combine(runDirectory, "scenario.yaml");
        var scenario = File.Exists(scenarioFile) ? ScenarioLoader.Load(scenarioFile).Scenario : null;
        return MeasuredWorkload.FromRunDirectory(runDirectory, options, scenario);
    }

    /// <summary>Parses 24h, 7d, 90m, 3600s (or a TimeSpan such as 1.00:00:00); null when it is none of these or not positive.</summary>
    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? parsed = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (parsed is not null)
            {
                return parsed;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }

    private static string? FindEnvironments()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "environments");
                if (Directory.Exists(Path.Combine(candidate, "platforms")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static void Print(CostReport report, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (output != Console.Out || Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        var w = report.Workload;
        var burst = w.Burst;
        console.MarkupLine($"[bold]Monthly TCO[/] for {Markup.Escape(w.Source)} with prices [bold]{Markup.Escape(report.PriceSheet)}[/] ({Markup.Escape(report.PriceSheetFile)})");
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Workload: average {w.AverageIngressMiBps:0.###} MiB/s, peak {w.PeakIngressMiBps:0.###} MiB/s (peak/average {burst.PeakToAverage:0.##}, longest peak {burst.LongestPeak.TotalSeconds:0} s, {burst.ShareNearPeak:P0} of the time near the peak), " +
            $"message {w.AverageMessageBytes:0} B, fan-out {w.FanOut:0.##}, {w.Partitions} partitions, RF {w.ReplicationFactor:0.##}, retention {w.Retention.TotalHours:0.##} h, profile {w.IngressMiBpsPerSecond.Count} s repeated all month.")));
        foreach (var note in w.Notes)
        {
            console.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}");
        }

        // Sources are long URLs: number them once and cite the numbers in the tables.
        var sources = new List<string>();
        string Cite(string source)
        {
            var index = sources.IndexOf(source);
            if (index < 0)
            {
                sources.Add(source);
                index = sources.Count - 1;
            }

            return $"[{index + 1}]";
        }

        foreach (var platform in report.Platforms)
        {
            var architecture = platform.Architecture == StorageArchitecture.SharedStorage ? "shared-storage" : "shared-nothing";
            var table = new Table { Title = new TableTitle($"{Markup.Escape(platform.DisplayName)} ({architecture}, {Markup.Escape(platform.InstanceType)})") };
            table.AddColumn("Line item");
            table.AddColumn(new TableColumn("USD/month").RightAligned());
            table.AddColumn("Formula · inputs [[source]]");
            foreach (var line in platform.Lines)
            {
                var inputs = string.Join("; ", line.Inputs.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Name} = {i.Value:#,##0.####} {i.Unit} {Cite(i.Source)}")));
                var explanation = Markup.Escape(line.Formula)
                    + (line.Note.Length > 0 ? $"\n[italic]{Markup.Escape(line.Note)}[/]" : "")
                    + (inputs.Length > 0 ? $"\n[grey]{Markup.Escape(inputs)}[/]" : "");
                table.AddRow(Markup.Escape(line.Label), line.MonthlyUsd.ToString("#,##0.00", CultureInfo.InvariantCulture), explanation);
            }

            table.AddRow("[bold]Total[/]", $"[bold]{platform.TotalMonthlyUsd.ToString("#,##0.00", CultureInfo.InvariantCulture)}[/]", "");
            console.Write(table);
            foreach (var note in platform.Notes)
            {
                console.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}");
            }
        }

        var summary = new Table { Title = new TableTitle("Summary (USD/month)") };
        summary.AddColumn("Platform");
        summary.AddColumn(new TableColumn("Brokers (avg load / peak / mean running)").RightAligned());
        summary.AddColumn(new TableColumn("Total").RightAligned());
        foreach (var platform in report.Platforms)
        {
            var sizing = platform.Sizing;
            summary.AddRow(
                Markup.Escape(platform.DisplayName),
                string.Create(CultureInfo.InvariantCulture, $"{sizing.BaseBrokers} / {sizing.PeakBrokers} / {sizing.MeanBrokers:0.##}"),
                platform.TotalMonthlyUsd.ToString("#,##0.00", CultureInfo.InvariantCulture));
        }

        console.Write(summary);
        console.MarkupLine("[bold]Sources[/]");
        for (var i = 0; i < sources.Count; i++)
        {
            console.MarkupLine(Markup.Escape($"  [{i + 1}] {sources[i]}"));
        }
    }
}
