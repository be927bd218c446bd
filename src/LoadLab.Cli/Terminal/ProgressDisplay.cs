using System.Globalization;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using Spectre.Console;

namespace LoadLab.Cli.Terminal;

/// <summary>
/// Shows a run's progress: a live table on an interactive terminal, one plain line every few seconds when
/// the output is redirected (CI logs), so both stay readable.
/// </summary>
internal abstract class ProgressDisplay : IRunObserver
{
    /// <summary>
    /// Prints the run's first line and picks the display. The results folder is named only once it exists (in the
    /// summary): a run the environment refuses never creates it.
    /// </summary>
    public static ProgressDisplay Create(Scenario scenario, string environment)
    {
        var interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        Console.WriteLine($"LoadLab: {scenario.Name} on {environment} — {Seconds(scenario.Warmup)} warm-up + {Seconds(scenario.Duration)} measured");
        return interactive ? new Live() : new Plain();
    }

    public abstract void IntervalClosed(RunInterval interval);

    public abstract Task<RunSummary> RunAsync(Func<Task<RunSummary>> run);

    protected static string Line(RunInterval p) => string.Create(CultureInfo.InvariantCulture,
        $"[{p.ElapsedSeconds,4}s/{p.TotalSeconds:0}s {p.Phase.DisplayName(),-9}] target {p.TargetRate,8:0}/s  acked {p.AckedRate,8}/s  produce p99 {Ms(p.ProduceP99Ms)}  e2e p99 {Ms(p.EndToEndP99Ms)}  lag {p.LagMessages} msg / {p.LagSeconds:0.0} s");

    private static string Ms(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v,8:0.0} ms") : "       – ms";

    private static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.#} s");

    private sealed class Plain : ProgressDisplay
    {
        private const int EverySeconds = 5;

        public override void IntervalClosed(RunInterval interval)
        {
            if (interval.ElapsedSeconds % EverySeconds == 0 || interval.Phase == RunPhase.Draining)
            {
                Console.WriteLine(Line(interval));
            }
        }

        public override Task<RunSummary> RunAsync(Func<Task<RunSummary>> run) => run();
    }

    private sealed class Live : ProgressDisplay
    {
        private readonly Table _table = new Table().Border(TableBorder.Rounded).AddColumns("elapsed", "phase", "target/s", "acked/s", "produce p99", "e2e p99", "lag");
        private LiveDisplayContext? _context;

        public override void IntervalClosed(RunInterval p)
        {
            if (_context is null)
            {
                return;
            }

            lock (_table)
            {
                _table.Rows.Clear();
                _table.AddRow(
                    string.Create(CultureInfo.InvariantCulture, $"{p.ElapsedSeconds}/{p.TotalSeconds:0} s"),
                    p.Phase.DisplayName(),
                    string.Create(CultureInfo.InvariantCulture, $"{p.TargetRate:0}"),
                    p.AckedRate.ToString(CultureInfo.InvariantCulture),
                    Ms(p.ProduceP99Ms),
                    Ms(p.EndToEndP99Ms),
                    string.Create(CultureInfo.InvariantCulture, $"{p.LagMessages} msg / {p.LagSeconds:0.0} s"));
                _context.Refresh();
            }
        }

        public override async Task<RunSummary> RunAsync(Func<Task<RunSummary>> run)
        {
            RunSummary? summary = null;
            await AnsiConsole.Live(_table).StartAsync(async context =>
            {
                _context = context;
                summary = await run();
            });
            return summary!;
        }
    }
}
