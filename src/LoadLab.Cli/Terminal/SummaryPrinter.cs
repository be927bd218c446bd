using System.Globalization;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Terminal;

/// <summary>
/// The end-of-run summary in plain text: headline numbers, latencies, faults with their recovery, SLOs, and where the
/// results are. The same lines on a terminal and in a CI log (columns as wide as their content, never wrapped, so a
/// number or a name is never split), and every count says which messages it counts.
/// </summary>
internal static class SummaryPrinter
{
    public static void Print(RunSummary s, string directory, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine();
        output.WriteLine(F($"{s.Scenario}: {Outcome(s)} on {s.Environment.Kind}, seed {s.Seed} (run {s.RunId})"));
        output.WriteLine(F($"Measured window: {s.DurationSeconds:0.###} s after a {s.WarmupSeconds:0.###} s warm-up. (measured) counts the messages intended in it; (whole run) adds the warm-up and the drain."));

        var headline = new PlainTable("", "");
        headline.Add("messages (measured)", F($"target {s.Produce.Target}, sent {s.Produce.Sent}, acked {s.Produce.Acked}, failed {s.Produce.Failed}"));
        if (s.Produce.WholeRun is { } whole)
        {
            headline.Add("messages (whole run)", F($"sent {whole.Sent}, acked {whole.Acked}, failed {whole.Failed}"));
        }

        headline.Add("rate (measured)", F($"target {s.Rate.Target:0.###} msg/s, achieved {s.Rate.Achieved:0.###} msg/s"));
        if (s.Rate.Accuracy is { } accuracy)
        {
            headline.Add("generator", F($"off target by {Signed(accuracy.OverallErrorPercent):0.###} % overall, worst second {accuracy.WorstSecondErrorPercent:0.###} %, schedule delay p99 {accuracy.ScheduleDelayP99Ms:0.###} ms"));
        }

        if (s.Produce.QueueFull > 0)
        {
            headline.Add("client queue full", F($"{s.Produce.QueueFull} times (measured)"));
        }

        foreach (var (code, count) in s.Produce.ErrorsByCode.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            headline.Add($"error {code}", F($"{count} (whole run)"));
        }

        foreach (var group in s.Consume.Groups)
        {
            headline.Add($"group {group.Group}", F($"consumed {group.Consumed} (whole run), max lag {group.MaxLagMessages} msg / {group.MaxLagSeconds:0.###} s, final lag {group.FinalLagMessages} msg"));
        }

        if (s.Audit is { } audit)
        {
            headline.Add("delivery audit", F($"of {audit.Acked} acked (whole run): delivered {audit.Delivered}, lost {audit.Lost} ({audit.LostWithoutOffset} without an offset), duplicated {audit.Duplicated} ({audit.DuplicatedInLog} in the log), reordered {audit.Reordered}, truncated {audit.Truncated}, indeterminate {audit.Indeterminate}, unreached {audit.Unreached}"));
        }

        headline.Write(output);

        output.WriteLine();
        output.WriteLine("Latency in ms (measured; count: the measured messages with that latency)");
        var latency = new PlainTable("metric", ">p50", ">p90", ">p99", ">p99.9", ">p99.99", ">max", ">count");
        AddLatency(latency, "produce", s.LatencyMs.Produce);
        AddLatency(latency, "end-to-end", s.LatencyMs.EndToEnd);
        AddLatency(latency, "service", s.LatencyMs.Service);
        AddLatency(latency, "schedule delay", s.LatencyMs.ScheduleDelay);
        latency.Write(output);

        if (s.Faults.Count > 0)
        {
            PrintFaults(s.Faults, output);
        }

        if (s.Slo.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("SLOs");
            var slo = new PlainTable("slo", "phase", ">limit", ">observed", "result");
            foreach (var result in s.Slo)
            {
                slo.Add(result.Name, result.Phase, F($"{result.Limit:0.###}"), result.Observed is { } o ? F($"{o:0.###}") : "n/a", Verdict(result));
            }

            slo.Write(output);
        }

        if (s.OutcomeMessage is { } message)
        {
            output.WriteLine();
            output.WriteLine(message);
        }

        output.WriteLine();
        output.WriteLine($"Results: {directory}");
    }

    private static void PrintFaults(IReadOnlyList<FaultSummary> faults, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Faults (s: seconds since the run started; recovery: until lag is back within its pre-fault baseline and stays there 10 s)");
        var table = new PlainTable("#", "fault", ">at s", ">for s", "effect", ">recovery s", ">peak lag msg", ">peak lag s", ">unavailable s", "errors");
        var notes = new List<string>();
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            var number = (i + 1).ToString(CultureInfo.InvariantCulture);
            table.Add(
                number,
                $"{fault.Action} {fault.Target}",
                F($"{fault.AtSeconds:0.0##}"),
                fault.DurationSeconds is { } duration ? F($"{duration:0.0##}") : "-",
                fault.Succeeded ? "observed" : "FAILED",
                fault.RecoverySeconds is { } recovery ? F($"{recovery:0.0##}") : fault.Succeeded ? "not recovered" : "-",
                F($"{fault.PeakLagMessages}"),
                F($"{fault.PeakLagSeconds:0.0##}"),
                F($"{fault.UnavailableSeconds:0.0##}"),
                fault.ErrorsByCode.Count == 0 ? "-" : string.Join(", ", fault.ErrorsByCode.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => F($"{e.Key} {e.Value}"))));
            if (!fault.Succeeded && fault.Detail is { } detail)
            {
                notes.Add($"fault {number} failed: {detail}");
            }
            else if (fault.Succeeded && fault.RecoverySeconds is null && fault.NotRecoveredReason is { } reason)
            {
                notes.Add($"fault {number} not recovered: {reason}");
            }
        }

        table.Write(output);
        notes.ForEach(note => output.WriteLine("  " + note));
    }

    private static string Outcome(RunSummary s) => s.Outcome switch
    {
        RunOutcome.Completed when s.Slo.Any(slo => !slo.Passed) => "completed, SLOs FAILED",
        RunOutcome.Completed when s.Slo.Count > 0 => "completed, SLOs passed",
        _ => s.Outcome.Name(),
    };

    private static string Verdict(SloResult result) => !result.Judged ? "not judged" : result.Passed ? "pass" : "FAIL";

    private static void AddLatency(PlainTable table, string name, Percentiles p) =>
        table.Add(name, F($"{p.P50:0.###}"), F($"{p.P90:0.###}"), F($"{p.P99:0.###}"), F($"{p.P999:0.###}"), F($"{p.P9999:0.###}"), F($"{p.Max:0.###}"), F($"{p.Count}"));

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    // A value that rounds to zero from below prints as 0, not -0.
    private static double Signed(double value) => Math.Round(value, 3) == 0 ? 0 : value;
}
