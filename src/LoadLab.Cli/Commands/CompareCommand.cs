using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Results;
using LoadLab.Reporting.Charts;
using LoadLab.Reporting.Reports;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab compare &lt;run-dir&gt; &lt;run-dir&gt;… [--out dir]</c>: the runs side by side in HTML and Markdown.</summary>
internal static class CompareCommand
{
    public const string DefaultOutput = "results/comparison";

    public static Command Create()
    {
        var runDirectories = new Argument<string[]>("run-dir")
        {
            Description = "Two or more results folders written by 'loadlab run', usually the same scenario on different environments.",
            Arity = ArgumentArity.OneOrMore,
        };
        var outputDirectory = new Option<string>("--out", "-o")
        {
            Description = $"Folder for comparison.html, comparison.md and charts (default: {DefaultOutput}).",
            DefaultValueFactory = _ => DefaultOutput,
        };
        var linear = new Option<bool>("--linear-latency")
        {
            Description = "Draw latency over time on a linear axis instead of the default log axis.",
        };
        var command = new Command("compare", "Compare runs side by side: each metric per run with the best marked, overlaid latency and lag charts.");
        command.Arguments.Add(runDirectories);
        command.Options.Add(outputDirectory);
        command.Options.Add(linear);
        command.SetAction(parseResult => Run(
            parseResult.GetValue(runDirectories) ?? [],
            parseResult.GetValue(outputDirectory) ?? DefaultOutput,
            new ChartOptions { LogScaleLatency = !parseResult.GetValue(linear) },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(IReadOnlyList<string> runDirectories, string outputDirectory, ChartOptions options, TextWriter output, TextWriter error)
    {
        if (runDirectories.Count < 2)
        {
            return Errors.BadInput(error, $"compare needs at least two run folders; got {runDirectories.Count}. Example: loadlab compare results/<run-a> results/<run-b>");
        }

        try
        {
            var written = ComparisonReport.Generate(runDirectories, outputDirectory, options);
            output.WriteLine($"Comparison of {runDirectories.Count} runs written to {Path.GetFullPath(outputDirectory)}:");
            foreach (var path in written)
            {
                output.WriteLine($"  {Path.GetRelativePath(Path.GetFullPath(outputDirectory), path)}");
            }

            return ExitCodes.Success;
        }
        catch (RunResultsException e)
        {
            return Errors.BadInput(error, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Errors.BadInput(error, $"cannot write the comparison into '{outputDirectory}': {e.Message}");
        }
    }
}
