using System.CommandLine;
using System.Text.RegularExpressions;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Regression;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab baseline save &lt;run-dir&gt;… [--name n]</c> stores what a regression check needs from one or more runs;
/// <c>loadlab baseline check &lt;run-dir&gt;… [--baseline name|path] [--junit f] [--markdown f] [--json f]</c> compares
/// runs with it: exit 1 on a regression or a failed SLO, 0 otherwise, 2 on bad input.
/// </summary>
internal static partial class BaselineCommand
{
    public const string DefaultDirectory = "results/baselines";

    public static Command Create()
    {
        var command = new Command("baseline", "Save a run as a regression baseline, or check runs against one (nightly CI).");
        command.Subcommands.Add(CreateSave());
        command.Subcommands.Add(CreateCheck());
        return command;
    }

    private static Command CreateSave()
    {
        var runs = new Argument<string[]>("run-dir") { Description = "One or more results folders of the same scenario (repeats make the per-run comparison possible).", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name") { Description = "Baseline name (default: the scenario name); stored as <dir>/<name>.json." };
        var directory = new Option<string>("--dir") { Description = $"Folder of baselines (default: {DefaultDirectory}).", DefaultValueFactory = _ => DefaultDirectory };
        var command = new Command("save", "Store the headline numbers and per-second values of runs as a baseline (not the whole run).");
        command.Arguments.Add(runs);
        command.Options.Add(name);
        command.Options.Add(directory);
        command.SetAction(parseResult => Save(
            parseResult.GetValue(runs) ?? [],
            parseResult.GetValue(name),
            parseResult.GetValue(directory) ?? DefaultDirectory,
            TimeProvider.System,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    private static Command CreateCheck()
    {
        var runs = new Argument<string[]>("run-dir") { Description = "One or more results folders of the build under test (repeats of the same scenario).", Arity = ArgumentArity.OneOrMore };
        var baseline = new Option<string?>("--baseline") { Description = "Baseline name (in --dir) or path to a baseline .json (default: the scenario name)." };
        var directory = new Option<string>("--dir") { Description = $"Folder of baselines (default: {DefaultDirectory}).", DefaultValueFactory = _ => DefaultDirectory };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario whose regression: rules apply (default: the scenario.yaml in the first run folder)." };
        var junit = new Option<string?>("--junit") { Description = "Write JUnit XML here (one test case per SLO and per regression rule)." };
        var markdown = new Option<string?>("--markdown") { Description = "Write the Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)." };
        var json = new Option<string?>("--json") { Description = "Write the machine-readable JSON verdict here." };
        var command = new Command("check", "Compare runs with a baseline: exit 1 on a regression or a failed SLO, 0 otherwise, 2 on bad input.");
        command.Arguments.Add(runs);
        command.Options.Add(baseline);
        command.Options.Add(directory);
        command.Options.Add(scenario);
        command.Options.Add(junit);
        command.Options.Add(markdown);
        command.Options.Add(json);
        command.SetAction(parseResult => Check(
            new CheckRequest(
                parseResult.GetValue(runs) ?? [],
                parseResult.GetValue(baseline),
                parseResult.GetValue(directory) ?? DefaultDirectory,
                parseResult.GetValue(scenario),
                parseResult.GetValue(junit),
                parseResult.GetValue(markdown),
                parseResult.GetValue(json)),
            TimeProvider.System,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal sealed record CheckRequest(
        IReadOnlyList<string> RunDirectories,
        string? Baseline,
        string Directory,
        string? ScenarioFile,
        string? JUnitFile,
        string? MarkdownFile,
        string? JsonFile);

    internal static int Save(IReadOnlyList<string> runDirectories, string? name, string directory, TimeProvider time, TextWriter output, TextWriter error)
    {
        if (!TryLoadRuns(runDirectories, error, out var runs))
        {
            return ExitCodes.BadInput;
        }

        var incomplete = runs.FirstOrDefault(r => r.Summary.Outcome != RunOutcome.Completed);
        if (incomplete.Summary is not null)
        {
            return Errors.BadInput(error, $"run {incomplete.Summary.RunId} ended '{incomplete.Summary.Outcome.Name()}' ({incomplete.Summary.OutcomeMessage}); a baseline needs completed runs. Run the scenario again.");
        }

        var scenario = runs[0].Summary.Scenario;
        var baselineName = name ?? scenario;
        if (!SafeName().IsMatch(baselineName))
        {
            return Errors.BadInput(error, $"baseline name \"{baselineName}\" must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (it names a file). Example: --name nightly-regression");
        }

        var baseline = new Baseline
        {
            Name = baselineName,
            Scenario = scenario,
            CreatedAt = time.GetUtcNow(),
            Environment = runs[0].Summary.Environment.Kind,
            Runs = [.. runs.Select(r => r.Sample)],
        };
        var path = Path.Combine(directory, baselineName + ".json");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(path, baseline.ToJson());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Errors.BadInput(error, $"cannot write the baseline '{path}': {e.Message}");
        }

        output.WriteLine($"Baseline '{baselineName}' of scenario {scenario} ({runs.Count} run(s): {string.Join(", ", runs.Select(r => r.Summary.RunId))}) written to {path} ({new FileInfo(path).Length / 1024.0:0.#} KiB).");
        output.WriteLine($"Check a later run against it with: loadlab baseline check <run-dir> --baseline {baselineName}");
        return ExitCodes.Success;
    }

    internal static int Check(CheckRequest request, TimeProvider time, TextWriter output, TextWriter error)
    {
        if (!TryLoadRuns(request.RunDirectories, error, out var runs))
        {
            return ExitCodes.BadInput;
        }

        var scenarioName = runs[0].Summary.Scenario;
        var baselinePath = ResolveBaseline(request.Baseline ?? scenarioName, request.Directory);
        Baseline baseline;
        try
        {
            baseline = Baseline.FromJson(File.ReadAllText(baselinePath), baselinePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Errors.BadInput(error, $"no baseline at '{baselinePath}'. Save one from a good run with: loadlab baseline save <run-dir> --name {request.Baseline ?? scenarioName} (or pass --baseline <name|path>).");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Errors.BadInput(error, e.Message);
        }

        if (!TryReadRules(request.ScenarioFile ?? Path.Combine(request.RunDirectories[0], RunFiles.Scenario), request.ScenarioFile is not null, output, error, out var spec))
        {
            return ExitCodes.BadInput;
        }

        if (baseline.Scenario != scenarioName)
        {
            Errors.Warning(error, $"baseline '{baseline.Name}' was saved from scenario {baseline.Scenario}, the runs are of {scenarioName}.");
        }

        if (runs.Select(r => r.Summary.Environment.Kind).Distinct().FirstOrDefault(kind => kind != baseline.Environment) is { } otherKind)
        {
            Errors.Warning(error, $"baseline '{baseline.Name}' was measured on a {baseline.Environment} environment, the runs on {otherKind}: the comparison shows platform differences, not only build differences.");
        }

        var slos = runs.SelectMany(r => r.Summary.Slo.Select(s => new SloCase(r.Summary.RunId, s))).ToList();
        var report = RegressionComparer.Compare(scenarioName, baseline.Name, baseline.Runs, [.. runs.Select(r => r.Sample)], spec, slos);
        if (!TryWriteOutputs(request, report, time, error))
        {
            return ExitCodes.BadInput;
        }

        Print(report, output);
        return report.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static bool TryLoadRuns(IReadOnlyList<string> directories, TextWriter error, out List<(RunSample Sample, RunSummary Summary)> runs)
    {
        runs = [];
        if (directories.Count == 0)
        {
            Errors.BadInput(error, "pass at least one results folder, e.g. results/<run-id>.");
            return false;
        }

        foreach (var directory in directories)
        {
            try
            {
                var results = RunResults.Load(directory);
                runs.Add((RunSample.From(results), results.Summary));
            }
            catch (RunResultsException e)
            {
                Errors.BadInput(error, $"{directory}: {e.Message}");
                return false;
            }
        }

        var scenarios = runs.Select(r => r.Summary.Scenario).Distinct(StringComparer.Ordinal).ToList();
        if (scenarios.Count > 1)
        {
            Errors.BadInput(error, $"the runs are of different scenarios ({string.Join(", ", scenarios)}); repeats on one side must be of the same scenario.");
            return false;
        }

        return true;
    }

    private static bool TryReadRules(string scenarioPath, bool explicitlyGiven, TextWriter output, TextWriter error, out RegressionSpec spec)
    {
        spec = RegressionSpec.Default;
        if (!File.Exists(scenarioPath))
        {
            if (explicitlyGiven)
            {
                Errors.BadInput(error, $"scenario file '{scenarioPath}' does not exist.");
                return false;
            }

            Errors.Warning(error, $"{scenarioPath} is absent; the default regression rules apply.");
            return true;
        }

        var loaded = ScenarioLoader.Load(scenarioPath);
        if (loaded.Scenario is null)
        {
            Errors.Problems(error, loaded.Problems, "the regression rules in it cannot be read");
            return false;
        }

        spec = loaded.Scenario.Regression;
        return true;
    }

    private static bool TryWriteOutputs(CheckRequest request, RegressionReport report, TimeProvider time, TextWriter error)
    {
        var outputs = new List<(string? Path, Func<string> Content)>
        {
            (request.JUnitFile, () => JUnitReport.ToXml(report, time.GetUtcNow())),
            (request.MarkdownFile, () => VerdictDocuments.Markdown(report)),
            (request.JsonFile, () => VerdictDocuments.Json(report)),
        };
        foreach (var (path, content) in outputs)
        {
            if (path is null)
            {
                continue;
            }

            try
            {
                if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
                {
                    System.IO.Directory.CreateDirectory(folder);
                }

                // Appending lets several checks share $GITHUB_STEP_SUMMARY; the other files are replaced.
                if (path == request.MarkdownFile && Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { } summary && Path.GetFullPath(summary) == Path.GetFullPath(path))
                {
                    File.AppendAllText(path, content());
                }
                else
                {
                    File.WriteAllText(path, content());
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Errors.BadInput(error, $"cannot write '{path}': {e.Message}");
                return false;
            }
        }

        return true;
    }

    private static void Print(RegressionReport report, TextWriter output)
    {
        output.WriteLine($"Regression check of {report.Scenario}: {report.CurrentRuns.Count} run(s) against baseline '{report.BaselineName}' ({report.BaselineRuns.Count} run(s)), {(report.Confidence * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}% confidence");
        foreach (var rule in report.Rules)
        {
            output.WriteLine($"  {Names.Of(rule.Verdict),-17} {rule.Explanation}");
        }

        foreach (var failed in report.Slos.Where(s => !s.Result.Passed))
        {
            output.WriteLine($"  SLO failed        {failed.Result.Name} ({failed.RunId}): observed {failed.Result.Observed?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? "not measured"}, limit {failed.Result.Comparison} {failed.Result.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        output.WriteLine($"Verdict: {Names.Of(report.Overall)}; {(report.Passed ? "passed" : "FAILED")} ({report.Rules.Count(r => r.Verdict == Verdict.Regressed)} rule(s) regressed, {report.Slos.Count(s => !s.Result.Passed)} SLO(s) failed).");
    }

    private static string ResolveBaseline(string nameOrPath, string directory) =>
        nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || nameOrPath.Contains('/') || nameOrPath.Contains('\\')
            ? nameOrPath
            : Path.Combine(directory, nameOrPath + ".json");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}
