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
        var linear = RenderedReport.LinearLatencyOption();
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

    internal static int Run(string runDirectory, ChartOptions options, TextWriter output, TextWriter error) =>
        RenderedReport.Write(() => ReportGenerator.Generate(runDirectory, options), runDirectory, "Report written to", "report", output, error);
}
