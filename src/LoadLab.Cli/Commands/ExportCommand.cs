using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Omb;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab export omb &lt;run-dir&gt;</c>: a run's results in OpenMessaging Benchmark's result format, so OMB's chart
/// script draws the run beside published OMB runs.
/// </summary>
internal static class ExportCommand
{
    /// <summary>Default file name inside the run folder.</summary>
    public const string DefaultFileName = "omb-result.json";

    public static Command Create()
    {
        var runDirectory = new Argument<string>("run-dir") { Description = "Results folder written by 'loadlab run' (results/<run-id>)" };
        var output = new Option<string?>("--output", "-o") { Description = $"File to write (default: <run-dir>/{DefaultFileName})" };
        var workload = new Option<string?>("--workload") { Description = "OMB workload name to file the run under (OMB's charts group runs by it); default: the scenario name" };
        var driver = new Option<string?>("--driver") { Description = "Name of the run in OMB's chart legends; default: 'LoadLab <environment>'" };
        var omb = new Command("omb", "Write the run as OMB's result JSON (per-10-s rates, backlog, latency series, aggregated percentiles and quantiles).")
        {
            runDirectory, output, workload, driver,
        };
        omb.SetAction(parse => Run(
            parse.GetValue(runDirectory)!,
            parse.GetValue(output),
            parse.GetValue(workload),
            parse.GetValue(driver),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return new Command("export", "Export a run's results in another benchmark tool's format.") { omb };
    }

    internal static int Run(string runDirectory, string? outputPath, string? workload, string? driver, TextWriter output, TextWriter error)
    {
        OmbExportResult export;
        try
        {
            export = OmbExport.FromRun(RunResults.Load(runDirectory), workload, driver);
        }
        catch (RunResultsException e)
        {
            return Errors.BadInput(error, e.Message);
        }

        var path = outputPath ?? Path.Combine(runDirectory, DefaultFileName);
        try
        {
            File.WriteAllText(path, OmbResultJson.Serialize(export.Result));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Errors.BadInput(error, $"cannot write '{path}': {e.Message}");
        }

        var result = export.Result;
        output.WriteLine($"OMB result written to {path}: workload \"{result.Workload}\", driver \"{result.Driver}\", " +
            $"{result.PublishRate.Count} period(s) of {OmbTestResult.PeriodSeconds} s.");
        foreach (var note in export.Notes)
        {
            output.WriteLine($"  - {note}");
        }

        return ExitCodes.Success;
    }
}
