using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Results;
using LoadLab.Reporting.Reports;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab merge &lt;segment-dirs…&gt; --out &lt;dir&gt;</c>: joins the segments of a split run into one run folder.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var segments = new Argument<string[]>("segment-dirs")
        {
            Description = "The folders every worker of the split run wrote (results/<run-id>-segment-<i>), all of them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out")
        {
            Description = "The merged run's folder (must not exist), e.g. results/<run-id>.",
            Required = true,
        };
        var command = new Command("merge", "Merge the segments of a run split over workers into one run folder: histograms added, the delivery audit, lag, recovery and SLOs recomputed over every worker, the report drawn.")
        {
            segments, output,
        };
        command.SetAction(parse => Run(parse.GetValue(segments)!, parse.GetValue(output)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(IReadOnlyList<string> segments, string output, TextWriter console, TextWriter error)
    {
        MergeResult merged;
        try
        {
            merged = RunMerger.Merge(segments, output);
        }
        catch (RunMergeException e)
        {
            foreach (var problem in e.Problems)
            {
                Errors.BadInput(error, problem);
            }

            return Errors.BadInput(error, "nothing was written.");
        }
        catch (RunResultsException e)
        {
            Errors.BadInput(error, e.Message);
            return Errors.BadInput(error, "nothing was written.");
        }

        var summary = merged.Summary;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Merged {summary.Workers!.Count} segments of {summary.RunId} ({merged.Records:N0} delivery records) in {merged.Took.TotalSeconds:0.0} s: {merged.Directory}"));
        var audit = summary.Audit!;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  acked {audit.Acked:N0}  delivered {audit.Delivered:N0}  lost {audit.Lost}  duplicated {audit.Duplicated}  reordered {audit.Reordered}  truncated {audit.Truncated}  indeterminate {audit.Indeterminate}"));
        var e2e = summary.LatencyMs.EndToEnd;
        var bound = summary.Workers.EndToEndSkewBoundMs is { } b ? $"± {b:0.###} ms" : "± unknown (clocks not synchronised)";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  e2e p50 {e2e.P50} ms  p99 {e2e.P99} ms  p99.9 {e2e.P999} ms {bound}; same worker (no skew): p50 {summary.Workers.EndToEndSameWorker?.P50} ms  p99 {summary.Workers.EndToEndSameWorker?.P99} ms"));
        try
        {
            var written = ReportGenerator.Generate(merged.Directory);
            console.WriteLine($"Report:  {written.FirstOrDefault(p => p.EndsWith(".html", StringComparison.Ordinal)) ?? merged.Directory}");
        }
        catch (RunResultsException e)
        {
            Errors.Warning(error, $"the report could not be drawn ({e.Message}); the merged results are complete, retry with 'loadlab report {merged.Directory}'.");
        }

        return summary.Slo.Any(s => !s.Passed) ? ExitCodes.CheckFailed : ExitCodes.Success;
    }
}
