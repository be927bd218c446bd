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
        var linear = RenderedReport.LinearLatencyOption();
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

        return RenderedReport.Write(
            () => ComparisonReport.Generate(runDirectories, outputDirectory, options),
            outputDirectory, $"Comparison of {runDirectories.Count} runs written to", "comparison", output, error);
    }
}
