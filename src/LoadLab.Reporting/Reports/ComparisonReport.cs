using System.Globalization;
using System.Text;
using LoadLab.Core.Results;
using LoadLab.Reporting.Charts;

namespace LoadLab.Reporting.Reports;

/// <summary>
/// The same scenario on several environments side by side: a table of each metric per run with the best
/// marked, and overlaid latency and lag charts on a shared time axis aligned at the run start, faults marked.
/// Written as <c>comparison.html</c> (self-contained), <c>comparison.md</c> and <c>charts/compare-*.png</c>.
/// </summary>
public static class ComparisonReport
{
    public const string HtmlFile = "comparison.html";
    public const string MarkdownFile = "comparison.md";

    private enum Better { Lower, Higher }

    private sealed record Metric(string Name, Better Better, Func<RunSummary, double?> Value, Func<double, string> Show);

    private static readonly Metric[] Metrics =
    [
        new("rate achieved (msg/s)", Better.Higher, s => s.Rate.Achieved, v => Format.Number(v)),
        new("schedule error overall (%)", Better.Lower, s => s.Rate.Accuracy?.OverallErrorPercent, v => Format.Number(v)),
        new("produce p50 (ms)", Better.Lower, s => Latency(s.LatencyMs.Produce, p => p.P50), Format.Number),
        new("produce p99 (ms)", Better.Lower, s => Latency(s.LatencyMs.Produce, p => p.P99), Format.Number),
        new("produce p99.9 (ms)", Better.Lower, s => Latency(s.LatencyMs.Produce, p => p.P999), Format.Number),
        new("produce max (ms)", Better.Lower, s => Latency(s.LatencyMs.Produce, p => p.Max), Format.Number),
        new("end-to-end p50 (ms)", Better.Lower, s => Latency(s.LatencyMs.EndToEnd, p => p.P50), Format.Number),
        new("end-to-end p99 (ms)", Better.Lower, s => Latency(s.LatencyMs.EndToEnd, p => p.P99), Format.Number),
        new("end-to-end p99.9 (ms)", Better.Lower, s => Latency(s.LatencyMs.EndToEnd, p => p.P999), Format.Number),
        new("end-to-end max (ms)", Better.Lower, s => Latency(s.LatencyMs.EndToEnd, p => p.Max), Format.Number),
        new("service p99 (ms)", Better.Lower, s => Latency(s.LatencyMs.Service, p => p.P99), Format.Number),
        new("schedule delay p99 (ms)", Better.Lower, s => Latency(s.LatencyMs.ScheduleDelay, p => p.P99), Format.Number),
        new("max lag (messages)", Better.Lower, s => s.Consume.Groups.Count == 0 ? null : s.Consume.Groups.Max(g => g.MaxLagMessages), v => Format.Count((long)v)),
        new("max lag (s)", Better.Lower, s => s.Consume.Groups.Count == 0 ? null : s.Consume.Groups.Max(g => g.MaxLagSeconds), v => Format.Number(v)),
        new("slowest recovery (s)", Better.Lower, SlowestRecovery, v => double.IsPositiveInfinity(v) ? "not recovered" : Format.Number(v)),
        new("longest unavailability (s)", Better.Lower, s => s.Faults.Count == 0 ? null : s.Faults.Max(f => f.UnavailableSeconds), v => Format.Number(v)),
        new("failed deliveries", Better.Lower, s => s.Produce.Failed, v => Format.Count((long)v)),
        new("lost", Better.Lower, s => s.Audit?.Lost, v => Format.Count((long)v)),
        new("duplicated", Better.Lower, s => s.Audit?.Duplicated, v => Format.Count((long)v)),
        new("reordered", Better.Lower, s => s.Audit?.Reordered, v => Format.Count((long)v)),
        new("truncated", Better.Lower, s => s.Audit?.Truncated, v => Format.Count((long)v)),
        new("SLOs passed", Better.Higher, s => s.Slo.Count == 0 ? null : s.Slo.Count(slo => slo.Passed), v => Format.Count((long)v)),
    ];

    /// <summary>
    /// Compares the runs in <paramref name="runDirectories"/> (at least two) and writes the comparison into
    /// <paramref name="outputDirectory"/> (created when absent); returns the paths written.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two runs.</exception>
    /// <exception cref="RunResultsException">A run folder is missing, incomplete or corrupt.</exception>
    public static IReadOnlyList<string> Generate(IReadOnlyList<string> runDirectories, string outputDirectory) =>
        Generate(runDirectories, outputDirectory, new ChartOptions());

    /// <inheritdoc cref="Generate(IReadOnlyList{string}, string)"/>
    public static IReadOnlyList<string> Generate(IReadOnlyList<string> runDirectories, string outputDirectory, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(runDirectories);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ArgumentNullException.ThrowIfNull(options);
        if (runDirectories.Count < 2)
        {
            throw new ArgumentException($"A comparison needs at least two run folders; got {runDirectories.Count}.", nameof(runDirectories));
        }

        var runs = runDirectories.Select(RunResults.Load).ToList();
        var labels = Labels(runs);
        var charts = ComparisonCharts.All(runs, labels, options);
        Directory.CreateDirectory(outputDirectory);
        var table = MetricTable(runs, labels);
        var written = new List<string>
        {
            ReportFiles.WriteText(outputDirectory, HtmlFile, Html(runs, labels, table, charts)),
            ReportFiles.WriteText(outputDirectory, MarkdownFile, Markdown(runs, labels, table)),
        };
        written.AddRange(ReportFiles.WriteCharts(outputDirectory, charts));
        return written;
    }

    /// <summary>"A: embedded", "B: docker (redpanda)"… short enough for legends; the run ids are in the runs table.</summary>
    internal static IReadOnlyList<string> Labels(IReadOnlyList<RunResults> runs) =>
        runs.Select((run, index) => $"{RunLetter(index)}: {RunTables.EnvironmentLabel(run.Summary.Environment)}").ToList();

    private static string RunLetter(int index) =>
        index < 26 ? ((char)('A' + index)).ToString() : "R" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static Table RunsTable(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels)
    {
        var table = new Table("Runs", "run", "run id", "scenario", "outcome", "measured", "started (UTC)") { TextColumns = new HashSet<int> { 0, 1, 2, 3 } };
        for (var r = 0; r < runs.Count; r++)
        {
            var s = runs[r].Summary;
            table.Add(
                new Cell(labels[r]),
                new Cell(s.RunId),
                new Cell(s.Scenario),
                new Cell(s.Outcome.Name(), s.Outcome == RunOutcome.Completed ? CellKind.Plain : CellKind.Bad),
                new Cell(Format.Seconds(s.DurationSeconds)),
                new Cell(s.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        }

        return table;
    }

    internal static Table MetricTable(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels)
    {
        var table = new Table("Metrics per run", ["metric", .. labels])
        {
            Note = "★ marks the best value of each row (ties share it); — means the run did not measure it.",
        };
        foreach (var metric in Metrics)
        {
            var values = runs.Select(run => metric.Value(run.Summary)).ToList();
            if (values.All(v => v is null))
            {
                continue;
            }

            var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
            var best = metric.Better == Better.Lower ? present.Min() : present.Max();
            // Marking "best" among a single value or among equal values says nothing.
            var distinct = present.Distinct().Count() > 1;
            var cells = new List<Cell> { new(metric.Name) };
            cells.AddRange(values.Select(v => v is { } value
                ? new Cell(metric.Show(value), distinct && value.Equals(best) ? CellKind.Best : CellKind.Plain)
                : new Cell(Format.None)));
            table.Add([.. cells]);
        }

        return table;
    }

    private static string Html(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels, Table metrics, IReadOnlyList<ChartImage> charts)
    {
        var scenarios = runs.Select(r => r.Summary.Scenario).Distinct().ToList();
        var page = new HtmlPage(
            $"LoadLab comparison: {string.Join(" vs ", scenarios)}",
            string.Join(" · ", labels));
        if (scenarios.Count > 1)
        {
            page.Banner($"These runs used different scenarios ({string.Join(", ", scenarios)}): differences are not only the platform's.");
        }

        page.Add(RunsTable(runs, labels));
        page.Add(metrics);
        page.Charts("Overlaid charts", charts);
        for (var r = 0; r < runs.Count; r++)
        {
            if (runs[r].Summary.Faults.Count > 0)
            {
                page.Add(RunTables.Faults(runs[r].Summary, $"Faults and recovery — {labels[r]}"));
            }
        }

        return page.Render();
    }

    private static string Markdown(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels, Table metrics)
    {
        var markdown = new StringBuilder();
        markdown.Append("## LoadLab comparison: ").AppendJoin(" vs ", runs.Select(r => r.Summary.Scenario).Distinct()).Append("\n\n");
        RunsTable(runs, labels).WriteMarkdown(markdown);
        metrics.WriteMarkdown(markdown);
        markdown.Append("Overlaid latency and lag charts: `").Append(HtmlFile).Append("`.\n");
        return markdown.ToString();
    }

    private static double? Latency(Percentiles percentiles, Func<Percentiles, double> statistic) =>
        percentiles.Count > 0 ? statistic(percentiles) : null;

    private static double? SlowestRecovery(RunSummary summary)
    {
        var faults = summary.Faults.Where(f => f.Succeeded).ToList();
        if (faults.Count == 0)
        {
            return null;
        }

        return faults.Any(f => f.RecoverySeconds is null) ? double.PositiveInfinity : faults.Max(f => f.RecoverySeconds!.Value);
    }
}
