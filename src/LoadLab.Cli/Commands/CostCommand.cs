using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Cost;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Reporting.Charts;
using LoadLab.Reporting.Reports;
using Spectre.Console;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab cost &lt;scenario.yaml | run-dir&gt;</c>: the monthly TCO of carrying the scenario's planned (or the
/// run's measured) traffic on each platform, line by line with inputs, formulas and sources, the binding limit of
/// each platform, commitment prices, time at risk and what moves the totals; JSON with <c>--json</c>, charts with
/// <c>--charts</c>, and <c>cost.json</c> plus a re-rendered report in a run folder.
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
            "--retention",
            "Retention to price for every topic, e.g. 24h or 7d (default: the topics' retention, else 24h).",
            null,
            text => Durations.TryParse(text, out var parsed) && parsed > TimeSpan.Zero,
            "a positive duration such as 24h, 7d or 1h30m",
            "24h");
        var replication = TypedOptions.OptionalWholeNumber("--replication-factor", "Replication factor to price instead of the scenario's.", 1, 100, "3");
        var follower = new Option<bool>("--fetch-from-follower") { Description = "Consumers read from an in-zone follower where the platform supports it (KIP-392)." };
        var headroom = TypedOptions.OptionalNumber("--headroom", "Headroom for every platform, e.g. 0.2 (default: each profile's value).", 0, 10, "0.2");
        var operations = TypedOptions.OptionalNumber("--operations", "Reassignments / scale operations per month for every platform (default: each profile's value).", 0, 100_000, "4");
        operations.Aliases.Add("--operator-events");
        var tiered = new Option<bool>("--tiered-storage") { Description = "Shared-nothing platforms that support it keep only their local retention on brokers, the rest in object storage." };
        var azLoss = new Option<bool>("--az-loss") { Description = "Size every platform to carry the load with one availability zone down." };
        var wal = TypedOptions.Choice("--wal", "WAL of shared-storage platforms: ebs, s3 or ebs-s3-express (default: each profile's).", [.. KebabCase.Names<WalKind>().Select(c => c.Key)], "s3");
        var environments = new Option<string?>("--environments") { Description = "Folder holding platforms/ and pricing/ (default: the nearest 'environments' folder above the current directory)." };
        var json = new Option<string?>("--json") { Description = "Also write the estimate as JSON (cost.json format) to this file." };
        var charts = new Option<string?>("--charts") { Description = "Also draw the cost and sensitivity charts (PNG) into this folder." };

        var command = new Command("cost", "Monthly TCO per platform (compute by every limit, storage, object store, WAL, cross-AZ transfer, observability, licence, labour) for a scenario or a run.");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { platforms, prices, retention, replication, follower, headroom, operations, tiered, azLoss, wal, environments, json, charts })
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
                    parseResult.GetValue(retention),
                    parseResult.GetValue(replication),
                    parseResult.GetValue(follower),
                    parseResult.GetValue(headroom),
                    parseResult.GetValue(operations),
                    parseResult.GetValue(tiered),
                    parseResult.GetValue(azLoss),
                    parseResult.GetValue(wal),
                    parseResult.GetValue(environments),
                    parseResult.GetValue(json),
                    parseResult.GetValue(charts));
                return Run(request, output);
            }
            catch (InvalidInputException e)
            {
                return Errors.InvalidInput(error, e, "nothing was estimated");
            }
        });
        return command;
    }

    private sealed record CostRequest(
        string Input, string Platforms, string? Prices, string? Retention, int? ReplicationFactor, bool FetchFromFollower,
        double? Headroom, double? Operations, bool TieredStorage, bool AzLoss, string? Wal, string? Environments, string? Json, string? Charts);

    private static int Run(CostRequest request, TextWriter output)
    {
        var problems = new List<ValidationProblem>();
        TimeSpan? retention = null;
        if (request.Retention is { } retentionText)
        {
            if (Durations.TryParse(retentionText, out var parsed) && parsed > TimeSpan.Zero)
            {
                retention = parsed;
            }
            else
            {
                problems.Add(ValidationProblem.ForOption("--retention", $"expected a positive duration, got \"{retentionText}\"", "e.g. --retention 24h, 7d or 1h30m"));
            }
        }

        if (request.ReplicationFactor is < 1)
        {
            problems.Add(ValidationProblem.ForOption("--replication-factor", $"expected 1 or more copies, got {request.ReplicationFactor}", "e.g. --replication-factor 3"));
        }

        WalKind? walKind = null;
        if (request.Wal is { } walText)
        {
            var choices = KebabCase.Names<WalKind>();
            var match = choices.FirstOrDefault(c => c.Key == walText);
            if (match.Key is null)
            {
                var closest = Spelling.DidYouMean(walText, choices.Select(c => c.Key));
                problems.Add(ValidationProblem.ForOption("--wal", $"expected one of {string.Join(", ", choices.Select(c => c.Key))}, got \"{walText}\"", closest is null ? "e.g. --wal s3" : $"--wal {closest}"));
            }
            else
            {
                walKind = match.Value;
            }
        }

        var environments = request.Environments ?? FindEnvironments();
        if (environments is null || !Directory.Exists(Path.Combine(environments, "platforms")))
        {
            problems.Add(ValidationProblem.ForOption("--environments", $"expected a folder with platforms/ and pricing/, found none in {environments ?? "any 'environments' folder above the current directory"}", "run from the repository, or pass --environments <repo>/environments"));
        }

        var options = new CostOptions
        {
            FetchFromFollower = request.FetchFromFollower,
            Headroom = request.Headroom,
            OperationsPerMonth = request.Operations,
            TieredStorage = request.TieredStorage,
            AzLoss = request.AzLoss,
            Wal = walKind,
        };
        problems.AddRange(options.Validate());
        if (problems.Count > 0)
        {
            throw new InvalidInputException(problems);
        }

        var names = request.Platforms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        var profiles = PlatformProfileLoader.LoadAll(Path.Combine(environments!, "platforms"), names);
        var sheet = PriceSheetLoader.Load(request.Prices ?? Path.Combine(environments!, "pricing", DefaultPriceSheet));
        var workloadOptions = new CostWorkloadOptions { Retention = retention, ReplicationFactor = request.ReplicationFactor };
        var isRun = Directory.Exists(request.Input);
        CostWorkload workload;
        if (isRun)
        {
            workload = MeasuredWorkload.FromRunDirectory(request.Input, workloadOptions);
        }
        else
        {
            if (!File.Exists(request.Input))
            {
                throw new InvalidInputException([ValidationProblem.ForFile(request.Input, "expected a scenario file or a run folder, found neither", "pass a scenario YAML (e.g. scenarios/quickstart.yaml) or a results/<run-id> folder")]);
            }

            var loaded = ScenarioLoader.Load(request.Input);
            if (!loaded.Succeeded)
            {
                throw new InvalidInputException(loaded.Problems);
            }

            workload = PlannedWorkload.FromScenario(loaded.Scenario!, workloadOptions);
        }

        var report = CostModel.Estimate(workload, profiles, sheet, options);
        CostPrinter.Print(report, output);
        var jsonText = report.ToJson();
        if (isRun)
        {
            Write(Path.Combine(request.Input, RunFiles.Cost), jsonText, "the run folder", output);
            try
            {
                ReportGenerator.Generate(request.Input);
                output.WriteLine($"Report updated: {Path.Combine(request.Input, ReportGenerator.HtmlFile)}");
            }
            catch (RunResultsException e)
            {
                output.WriteLine($"The report was not re-rendered: {e.Message}");
            }
        }

        if (request.Json is { } jsonPath)
        {
            Write(jsonPath, jsonText, "--json", output);
        }

        if (request.Charts is { } chartsFolder)
        {
            WriteCharts(chartsFolder, report, output);
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
            throw new InvalidInputException([ValidationProblem.ForOption(option, $"cannot write {path}: {e.Message}", "choose a writable path in an existing folder")]);
        }
    }

    private static void WriteCharts(string folder, CostDocument report, TextWriter output)
    {
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var chart in new[] { CostCharts.Breakdown(report), CostCharts.Sensitivity(report) })
            {
                var path = Path.Combine(folder, chart.FileName);
                File.WriteAllBytes(path, chart.Png);
                output.WriteLine($"Wrote {path}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException([ValidationProblem.ForOption("--charts", $"cannot write charts into {folder}: {e.Message}", "choose a writable folder")]);
        }
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
}

/// <summary>Prints an estimate: one table per platform (line, USD, formula, inputs with numbered sources), a summary, the sensitivity table and the sources.</summary>
internal static class CostPrinter
{
    private const int UnwrappedWidth = 100_000;

    public static void Print(CostDocument report, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (output != Console.Out || Console.IsOutputRedirected)
        {
            // A CI log has no width: lines and table rows as long as their content, so no number or name is ever
            // wrapped away from its label (a terminal keeps its own width).
            console.Profile.Width = UnwrappedWidth;
        }

        var w = report.Workload;
        console.MarkupLine($"[bold]Monthly TCO[/] for {Markup.Escape(report.Source)} with prices [bold]{Markup.Escape(report.PriceSheet)}[/] ({Markup.Escape(report.PriceSheetFile)}); {Markup.Escape(string.Join(", ", report.Options))}");
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"Workload: average {w.AverageIngressMiBps:0.###} MiB/s, peak {w.PeakIngressMiBps:0.###} MiB/s of values (peak/average {w.PeakToAverage:0.##}, longest peak {w.LongestPeakSeconds:0} s), " +
            $"message {w.AverageMessageBytes:0} B, {w.WireFactor:0.###} B sent and {w.StoredFactor:0.###} B stored per value byte, fan-out {w.FanOut:0.##}, {w.Partitions} partitions, " +
            $"RF {w.ReplicationFactor:0.##}, retention {w.RetentionHours:0.##} h; profile of {w.ProfileSeconds} s repeated all month.")));
        console.MarkupLine(Markup.Escape($"  bytes: {w.FactorSource}"));
        console.MarkupLine(Markup.Escape($"  fan-out: {w.FanOutSource}; RF: {w.ReplicationSource}; retention: {w.RetentionSource}"));
        foreach (var excluded in w.Excluded)
        {
            console.MarkupLine($"[yellow]Left out:[/] {Markup.Escape(excluded)}");
        }

        foreach (var note in w.Notes)
        {
            console.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}");
        }

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
            var table = new Table { Title = new TableTitle($"{Markup.Escape(platform.DisplayName)} ({platform.Architecture}, {Markup.Escape(platform.InstanceType)})") };
            table.AddColumn("Line item");
            table.AddColumn(new TableColumn("USD/month").RightAligned());
            table.AddColumn("Formula · inputs [[source]]");
            foreach (var line in platform.Lines)
            {
                var inputs = string.Join("; ", line.Inputs.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Name} = {i.Value:#,##0.####} {i.Unit} {Cite(i.Source)}")));
                var explanation = Markup.Escape(line.Formula)
                    + (line.Note.Length > 0 ? $"\n[italic]{Markup.Escape(line.Note)}[/]" : "")
                    + (inputs.Length > 0 ? $"\n[grey]{Markup.Escape(inputs)}[/]" : "");
                table.AddRow(Markup.Escape(line.Label), Usd(line.MonthlyUsd), explanation);
            }

            table.AddRow("[bold]Total[/]", $"[bold]{Usd(platform.TotalMonthlyUsd)}[/]", Markup.Escape($"bound by {platform.BindingLimit}; {platform.Durability}"));
            table.AddRow("Hours at risk", platform.Risk.HoursPerMonth.ToString("#,##0.#", CultureInfo.InvariantCulture) + " h",
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"not billed: {platform.Risk.OperationsPerMonth:0.##} operations × {platform.Risk.Explanation}, capped at the month")));
            console.Write(table);
            foreach (var note in platform.Notes)
            {
                console.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}");
            }
        }

        var summary = new Table { Title = new TableTitle("Summary (USD/month)") };
        summary.AddColumn("Platform");
        summary.AddColumn(new TableColumn("Brokers (floor / mean / peak)").RightAligned());
        summary.AddColumn("Binding limit");
        summary.AddColumn(new TableColumn("On demand").RightAligned());
        summary.AddColumn(new TableColumn("1-year").RightAligned());
        summary.AddColumn(new TableColumn("3-year").RightAligned());
        summary.AddColumn(new TableColumn("Hours at risk").RightAligned());
        foreach (var platform in report.Platforms)
        {
            var s = platform.Sizing;
            string Committed(string term) => platform.Commitments.FirstOrDefault(c => c.Term == term) is { MonthlyUsd: { } usd } ? Usd(usd) : "not priced";
            summary.AddRow(
                Markup.Escape(platform.DisplayName),
                string.Create(CultureInfo.InvariantCulture, $"{s.FloorBrokers} / {s.MeanBrokers:0.##} / {s.PeakBrokers}"),
                Markup.Escape(platform.BindingLimit),
                Usd(platform.TotalMonthlyUsd),
                Committed("1-year"),
                Committed("3-year"),
                platform.Risk.HoursPerMonth.ToString("#,##0.#", CultureInfo.InvariantCulture));
        }

        console.Write(summary);
        foreach (var platform in report.Platforms)
        {
            foreach (var commitment in platform.Commitments.Where(c => c.MonthlyUsd is null).Take(1))
            {
                console.MarkupLine($"[grey]{Markup.Escape($"{platform.DisplayName}: {commitment.Source}")}[/]");
            }
        }

        if (report.Sensitivity.Count > 0)
        {
            var sensitivity = new Table { Title = new TableTitle("What moves the total: each input −20 % / +20 % (USD/month)") };
            sensitivity.AddColumn("Input");
            foreach (var platform in report.Platforms)
            {
                sensitivity.AddColumn(new TableColumn(Markup.Escape(platform.DisplayName)).RightAligned());
            }

            foreach (var group in report.Sensitivity.GroupBy(r => r.Input))
            {
                sensitivity.AddRow([Markup.Escape(group.Key), .. report.Platforms.Select(p => group.FirstOrDefault(r => r.Platform == p.Platform) is { } row
                    ? $"{Usd(row.LowUsd)} … {Usd(row.HighUsd)}"
                    : "")]);
            }

            console.Write(sensitivity);
        }

        console.MarkupLine("[bold]Sources[/]");
        for (var i = 0; i < sources.Count; i++)
        {
            console.MarkupLine(Markup.Escape($"  [{i + 1}] {sources[i]}"));
        }
    }

    private static string Usd(double value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);
}
