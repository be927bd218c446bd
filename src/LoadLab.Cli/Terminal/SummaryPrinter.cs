using System.Globalization;
using LoadLab.Core.Results;
using Spectre.Console;

namespace LoadLab.Cli.Terminal;

/// <summary>The end-of-run summary: headline numbers, latencies, groups, SLOs, and where the results are.</summary>
internal static class SummaryPrinter
{
    public static void Print(RunSummary s, string directory)
    {
        var headline = new Table().Border(TableBorder.Rounded).Title($"{s.Scenario}: {s.Outcome.Name()}").AddColumns("metric", "value");
        headline.AddRow("environment", s.Environment.Kind);
        headline.AddRow("measured", F($"{s.DurationSeconds:0.#} s after {s.WarmupSeconds:0.#} s warm-up"));
        headline.AddRow("messages", F($"target {s.Produce.Target}, sent {s.Produce.Sent}, acked {s.Produce.Acked}, failed {s.Produce.Failed}"));
        headline.AddRow("rate (msg/s)", F($"target {s.Rate.Target:0.#}, achieved {s.Rate.Achieved:0.#}"));
        if (s.Rate.Accuracy is { } accuracy)
        {
            headline.AddRow("generator", F($"off target by {accuracy.OverallErrorPercent:0.##} % overall, worst second {accuracy.WorstSecondErrorPercent:0.##} %, schedule delay p99 {accuracy.ScheduleDelayP99Ms:0.###} ms"));
        }

        if (s.Produce.QueueFull > 0)
        {
            headline.AddRow("client queue full", s.Produce.QueueFull.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (code, count) in s.Produce.ErrorsByCode)
        {
            headline.AddRow(Markup.Escape($"error {code}"), count.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var group in s.Consume.Groups)
        {
            headline.AddRow(Markup.Escape($"group {group.Group}"), F($"consumed {group.Consumed}, max lag {group.MaxLagMessages} msg / {group.MaxLagSeconds:0.###} s, final lag {group.FinalLagMessages}"));
        }

        if (s.Audit is { } audit)
        {
            headline.AddRow("audit", F($"acked {audit.Acked}, delivered {audit.Delivered}, lost {audit.Lost}, duplicated {audit.Duplicated} ({audit.DuplicatedInLog} in the log), reordered {audit.Reordered}, truncated {audit.Truncated}, indeterminate {audit.Indeterminate}"));
        }

        AnsiConsole.Write(headline);

        var latency = new Table().Border(TableBorder.Rounded).Title("latency (ms)").AddColumns("metric", "p50", "p90", "p99", "p99.9", "p99.99", "max", "count");
        AddLatency(latency, "produce", s.LatencyMs.Produce);
        AddLatency(latency, "end-to-end", s.LatencyMs.EndToEnd);
        AddLatency(latency, "service", s.LatencyMs.Service);
        AddLatency(latency, "schedule delay", s.LatencyMs.ScheduleDelay);
        AnsiConsole.Write(latency);

        if (s.Slo.Count > 0)
        {
            var slo = new Table().Border(TableBorder.Rounded).Title("SLOs").AddColumns("slo", "phase", "limit", "observed", "result");
            foreach (var result in s.Slo)
            {
                slo.AddRow(
                    Markup.Escape(result.Name),
                    result.Phase,
                    F($"{result.Limit:0.###}"),
                    result.Observed is { } o ? F($"{o:0.###}") : "n/a",
                    result.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
            }

            AnsiConsole.Write(slo);
        }

        if (s.OutcomeMessage is { } message)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
        }

        Console.WriteLine($"Results: {directory}");
    }

    private static void AddLatency(Table table, string name, Percentiles p) =>
        table.AddRow(name, F($"{p.P50:0.###}"), F($"{p.P90:0.###}"), F($"{p.P99:0.###}"), F($"{p.P999:0.###}"), F($"{p.P9999:0.###}"), F($"{p.Max:0.###}"), F($"{p.Count}"));

    private static string F(FormattableString value) => Markup.Escape(value.ToString(CultureInfo.InvariantCulture));
}
