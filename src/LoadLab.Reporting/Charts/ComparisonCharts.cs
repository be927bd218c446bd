using System.Globalization;
using LoadLab.Core.Results;
using ScottPlot;

namespace LoadLab.Reporting.Charts;

/// <summary>
/// Charts that overlay several runs on one time axis aligned at each run's start (second 0), one colour per
/// run, with each run's faults as dashed lines in its colour.
/// </summary>
public static class ComparisonCharts
{
    /// <summary>Every comparison chart, in report order; <paramref name="labels"/> name the runs (e.g. "A: kafka").</summary>
    public static IReadOnlyList<ChartImage> All(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        var charts = new List<ChartImage>
        {
            Latency(runs, labels, "e2e", "End-to-end", options.LogScaleLatency),
            Latency(runs, labels, "produce", "Produce", options.LogScaleLatency),
            Lag(runs, labels),
        };
        if (runs.Any(r => r.Histograms.ContainsKey("endToEnd")))
        {
            charts.Add(Distribution(runs, labels, "endToEnd", "End-to-end"));
        }

        return charts;
    }

    /// <summary>p99 (solid) and max (thin, dotted) of a latency metric per second for every run.</summary>
    public static ChartImage Latency(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels, string metric, string name, bool logScale)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(labels);
        var title = $"{name} latency p99 per second, runs aligned at start";
        using var plot = ChartStyle.Create(title, ChartStyle.TimeAxisLabel, logScale ? "latency (ms, log scale)" : "latency (ms)");
        var all = new List<double>();
        for (var r = 0; r < runs.Count; r++)
        {
            var series = runs[r].Series;
            var p99 = series.Column(SeriesTable.LatencyColumn(metric, "P99"));
            var max = series.Column(SeriesTable.LatencyColumn(metric, "Max"));
            all.AddRange(p99);
            all.AddRange(max);
            ChartStyle.AddLine(plot, series.Seconds, logScale ? p99.Select(ChartStyle.ToLog).ToArray() : p99, ChartStyle.Series(r), $"{labels[r]} p99", width: 2.5f);
            ChartStyle.AddLine(plot, series.Seconds, logScale ? max.Select(ChartStyle.ToLog).ToArray() : max, ChartStyle.Series(r), $"{labels[r]} max", LinePattern.Dotted, width: 1.2f);
        }

        double top;
        if (logScale)
        {
            top = ChartStyle.ToLog(ChartStyle.FiniteMax(all)) + 0.5;
            plot.Axes.SetLimitsY(ChartStyle.LogBottom(all), top);
            ChartStyle.UseLogTicks(plot.Axes.Left, "");
        }
        else
        {
            top = ChartStyle.FiniteMax(all) * 1.2;
            plot.Axes.SetLimitsY(0, top);
        }

        AddFaults(plot, runs, labels, top);
        plot.Axes.SetLimitsX(0, runs.Max(RunCharts.TimeEnd));
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, $"compare-latency-{metric}.png", title);
    }

    /// <summary>Total consumer lag (messages, summed over the groups) per second for every run.</summary>
    public static ChartImage Lag(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(labels);
        const string Title = "Consumer lag (all groups), runs aligned at start";
        using var plot = ChartStyle.Create(Title, ChartStyle.TimeAxisLabel, "lag (messages, sum over groups)");
        var max = 1.0;
        for (var r = 0; r < runs.Count; r++)
        {
            var series = runs[r].Series;
            var total = new double[series.Count];
            foreach (var group in series.Groups)
            {
                var lag = series.Column(SeriesTable.LagMessagesColumn(group));
                for (var i = 0; i < total.Length; i++)
                {
                    total[i] += double.IsFinite(lag[i]) ? lag[i] : 0;
                }
            }

            max = Math.Max(max, ChartStyle.FiniteMax(total));
            var slowest = runs[r].Faults.Where(f => f.RecoverySeconds is not null).Select(f => f.RecoverySeconds!.Value).DefaultIfEmpty(double.NaN).Max();
            var legend = double.IsNaN(slowest)
                ? labels[r]
                : $"{labels[r]} (recovered in {slowest.ToString("0.0", CultureInfo.InvariantCulture)} s)";
            ChartStyle.AddLine(plot, series.Seconds, total, ChartStyle.Series(r), legend, width: 2.5f);
        }

        var top = max * 1.3;
        plot.Axes.SetLimitsY(0, top);
        AddFaults(plot, runs, labels, top);
        plot.Axes.SetLimitsX(0, runs.Max(RunCharts.TimeEnd));
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, "compare-lag.png", Title);
    }

    /// <summary>The nines plot of one metric for every run (measured window).</summary>
    public static ChartImage Distribution(IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels, string metric, string name)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(labels);
        var title = $"{name} latency distribution over the measured window";
        using var plot = ChartStyle.Create(title, "percentile", "latency (ms, log scale)");
        var maxNines = 2.0;
        var all = new List<double>();
        for (var r = 0; r < runs.Count; r++)
        {
            if (!runs[r].Histograms.TryGetValue(metric, out var intervals)
                || RunCharts.MeasuredWindow(intervals, runs[r].Summary.WarmupSeconds) is not { TotalCount: > 0 } merged)
            {
                continue;
            }

            var (xs, ys) = RunCharts.NinesCurve(merged);
            maxNines = Math.Max(maxNines, xs[^1]);
            all.AddRange(ys);
            var line = plot.Add.ScatterLine(xs, ys.Select(ChartStyle.ToLog).ToArray(), ChartStyle.Series(r));
            line.LineWidth = 2.5f;
            line.LegendText = labels[r];
        }

        RunCharts.UsePercentileAxis(plot, maxNines);
        ChartStyle.UseLogTicks(plot.Axes.Left, "");
        plot.Axes.SetLimitsY(ChartStyle.LogBottom(all), ChartStyle.ToLog(ChartStyle.FiniteMax(all)) + 0.3);
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, $"compare-distribution-{metric}.png", title);
    }

    private static void AddFaults(Plot plot, IReadOnlyList<RunResults> runs, IReadOnlyList<string> labels, double top)
    {
        var row = 0;
        for (var r = 0; r < runs.Count; r++)
        {
            foreach (var fault in runs[r].Faults)
            {
                var line = plot.Add.VerticalLine(fault.Start, 1.5f, ChartStyle.Series(r), LinePattern.Dashed);
                line.ExcludeFromLegend = true;
                var label = plot.Add.Text($"{labels[r].Split(':')[0]}: {fault.Label} @ {fault.Start.ToString("0.#", CultureInfo.InvariantCulture)} s", fault.Start, top);
                label.Alignment = Alignment.UpperLeft;
                label.LabelFontSize = 12;
                label.LabelFontColor = ChartStyle.Series(r).Darken(0.3);
                label.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
                label.OffsetX = 4;
                label.OffsetY = 4 + (row++ % 6 * 18);
            }
        }
    }
}
