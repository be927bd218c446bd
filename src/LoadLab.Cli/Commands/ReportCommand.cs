using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Results;
using LoadLab.Reporting.Charts;
using LoadLab.Reporting.Reports;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab report &lt;run-dir&gt;</c>: re-renders report.html, report.md and charts from a results folder alone.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runDirectory = new Argument<string>("run-dir")
        {
            Description = "Results folder written by 'loadlab run' (results/<run-id>).",
        };
        var linear = new Option<bool>("--linear-latency")
        {
            Description = "Draw latency over time on a linear axis instead of the default log axis.",
        };
        var command = new Command("report", "Regenerate a run's report (report.html, report.md, charts/*.png) from its results folder.");
        command.Arguments.Add(runDirectory);
        command.Options.Add(linear);
        command.SetAction(parseResult => Run(
            parseResult.GetValue(runDirectory)!,
            new ChartOptions { LogScaleLatency = !parseResult.GetValue(linear) },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(string runDirectory, ChartOptions options, TextWriter output, TextWriter error)
    {
        try
        {
            var written = ReportGenerator.Generate(runDirectory, options);
            output.WriteLine($"Report written to {Path.GetFullPath(runDirectory)}:");
            foreach (var path in written)
            {
                output.WriteLine($"  {Path.GetRelativePath(Path.GetFullPath(runDirectory), path)}");
            }

            return ExitCodes.Success;
        }
        catch (RunResultsException e)
        {
            return Errors.BadInput(error, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Errors.BadInput(error, $"cannot write the report into '{runDirectory}': {e.Message}");
        }
    }
}
