using System.Text;
using LoadLab.Core.Results;
using LoadLab.Reporting.Charts;

namespace LoadLab.Reporting.Reports;

/// <summary>
/// Renders the report of one run from its results folder alone (so old runs can be re-rendered):
/// <c>report.html</c> (self-contained), <c>report.md</c> (for a CI step summary) and <c>charts/*.png</c>.
/// The same folder always gives the same bytes: nothing depends on the clock or the machine's culture.
/// </summary>
public static class ReportGenerator
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "report.md";

    /// <summary>Writes the report into <paramref name="runDirectory"/>; returns the paths written (HTML, Markdown, charts).</summary>
    /// <exception cref="RunResultsException">The folder is missing, incomplete or corrupt; the message says which file and what to do.</exception>
    public static IReadOnlyList<string> Generate(string runDirectory) => Generate(runDirectory, new ChartOptions());

    /// <inheritdoc cref="Generate(string)"/>
    public static IReadOnlyList<string> Generate(string runDirectory, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var run = RunResults.Load(runDirectory);
        var charts = RunCharts.All(run, options);
        var written = new List<string>
        {
            ReportFiles.WriteText(run.Directory, HtmlFile, Html(run, charts)),
            ReportFiles.WriteText(run.Directory, MarkdownFile, Markdown(run)),
        };
        written.AddRange(ReportFiles.WriteCharts(run.Directory, charts));
        return written;
    }

    internal static string Html(RunResults run, IReadOnlyList<ChartImage> charts)
    {
        var s = run.Summary;
        var page = new HtmlPage($"LoadLab report: {s.Scenario}", $"{s.RunId} · {RunTables.EnvironmentLabel(s.Environment)} · {s.Outcome.Name()}");
        if (s.Outcome != RunOutcome.Completed)
        {
            page.Banner($"This run did not complete ({s.Outcome.Name()}{(s.OutcomeMessage is null ? "" : ": " + s.OutcomeMessage)}); the numbers cover what was measured before it stopped.");
        }

        page.Add(RunTables.Headline(run));
        if (s.Slo.Count > 0)
        {
            page.Add(RunTables.Slo(s));
        }

        if (s.Faults.Count > 0)
        {
            page.Add(RunTables.Faults(s));
        }

        if (s.Transactions.Count > 0)
        {
            page.Add(RunTables.Transactions(s));
        }

        if (s.Replays.Count > 0)
        {
            page.Add(RunTables.Replays(s));
        }

        if (s.Audit is { } audit)
        {
            page.Add(RunTables.Audit(audit));
            if (ShowsGroupAudits(s))
            {
                page.Add(RunTables.GroupAudits(audit));
            }

            if (audit.Pipelines.Count > 0)
            {
                page.Add(RunTables.Pipelines(audit));
            }

            if (audit.Examples.Count > 0)
            {
                page.Add(RunTables.AuditExamples(audit));
            }
        }

        page.Add(RunTables.Latency(s));
        page.Charts("Charts", charts);
        page.Add(RunTables.Produce(s));
        if (s.Consume.Groups.Count > 0)
        {
            page.Add(RunTables.Groups(s));
        }

        if (s.Partitions.Count > 0)
        {
            page.Add(RunTables.Partitions(s));
        }

        if (run.Cost is { Platforms.Count: > 0 } cost)
        {
            page.Add(RunTables.Cost(cost));
            if (cost.Sensitivity.Count > 0)
            {
                page.Add(RunTables.Sensitivity(cost));
            }
        }

        page.Add(RunTables.Environment(s));
        if (RunTables.Capabilities(s) is { } capabilities)
        {
            page.Add(capabilities);
        }

        if (run.ScenarioYaml is not null)
        {
            page.Preformatted("Scenario as run (scenario.yaml)", run.ScenarioYaml);
        }

        if (run.Missing.Count > 0)
        {
            page.List("Files not found in the results folder", run.Missing);
        }

        return page.Render();
    }

    /// <summary>Groups differ in what the run's audit cannot show: transactions (isolation) and replays.</summary>
    private static bool ShowsGroupAudits(RunSummary s) => s.Audit is { Groups.Count: > 0 } && (s.Transactions.Count > 0 || s.Replays.Count > 0);

    internal static string Markdown(RunResults run)
    {
        var s = run.Summary;
        var markdown = new StringBuilder();
        markdown.Append("## LoadLab: ").Append(s.Scenario).Append(" (").Append(s.RunId).Append(")\n\n");
        if (s.Outcome != RunOutcome.Completed)
        {
            markdown.Append("> **Run ").Append(s.Outcome.Name()).Append("**").Append(s.OutcomeMessage is null ? "" : ": " + s.OutcomeMessage)
                .Append(". The numbers cover what was measured before it stopped.\n\n");
        }

        RunTables.Headline(run).WriteMarkdown(markdown);
        if (s.Environment.Capabilities?.Caveats is { Count: > 0 } caveats)
        {
            // What makes this environment's numbers differ from the platform in production belongs next to the numbers.
            markdown.Append("> **Environment caveats:**\n");
            foreach (var caveat in caveats)
            {
                markdown.Append("> - ").Append(caveat).Append('\n');
            }

            markdown.Append('\n');
        }

        if (s.Slo.Count > 0)
        {
            RunTables.Slo(s).WriteMarkdown(markdown);
        }

        if (s.Faults.Count > 0)
        {
            RunTables.Faults(s).WriteMarkdown(markdown);
        }

        if (s.Transactions.Count > 0)
        {
            RunTables.Transactions(s).WriteMarkdown(markdown);
        }

        if (s.Replays.Count > 0)
        {
            RunTables.Replays(s).WriteMarkdown(markdown);
        }

        if (s.Audit is { } audit)
        {
            RunTables.Audit(audit).WriteMarkdown(markdown);
            if (ShowsGroupAudits(s))
            {
                RunTables.GroupAudits(audit).WriteMarkdown(markdown);
            }

            if (audit.Pipelines.Count > 0)
            {
                RunTables.Pipelines(audit).WriteMarkdown(markdown);
            }
        }

        RunTables.Latency(s).WriteMarkdown(markdown);
        markdown.Append("Charts, partitions, environment and the scenario as run: `").Append(HtmlFile).Append("` in the results folder.\n");
        return markdown.ToString();
    }
}
