using System.Globalization;
using HdrHistogram;
using LoadLab.Core.Results;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LoadLab.Reporting.Charts;

/// <summary>The charts of one run, each readable on its own (title, axis units, legend, fault windows).</summary>
public static class RunCharts
{
    private static readonly (string Column, string Legend)[] LatencyStatistics =
        [("P50", "p50"), ("P99", "p99"), ("P999", "p99.9"), ("Max", "max")];

    private static readonly (string Metric, string Label)[] DistributionMetrics =
    [
        ("produce", "produce (ack − intended send)"),
        ("service", "service (ack − actual send)"),
        ("scheduleDelay", "schedule delay (actual − intended send)"),
        ("endToEnd", "end-to-end (consume − intended send)"),
    ];

    private static readonly (string Metric, string Title)[] TimelineLatencyMetrics =
        [("produce", "Produce latency"), ("e2e", "End-to-end latency")];

    /// <summary>Every chart the run's files allow, in report order.</summary>
    public static IReadOnlyList<ChartImage> All(RunResults run, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var charts = new List<ChartImage>();
        foreach (var (metric, _) in TimelineLatencyMetrics)
        {
            charts.Add(Latency(run, metric, options.LogScaleLatency));
        }

        charts.Add(Rate(run));
        if (run.Series.Groups.Count > 0)
        {
            charts.Add(Lag(run));
        }

        if (run.Histograms.Count > 0)
        {
            charts.Add(LatencyDistribution(run));
        }

        if (run.Partitions is { Count: > 0 })
        {
            charts.Add(PartitionHeatmap(run, PartitionMeasure.Throughput));
            charts.Add(PartitionHeatmap(run, PartitionMeasure.Lag));
        }

        if (run.Cost is { Platforms.Count: > 0 } cost)
        {
            charts.Add(CostCharts.Breakdown(cost));
            if (cost.Sensitivity.Count > 0)
            {
                charts.Add(CostCharts.Sensitivity(cost));
            }
        }

        return charts;
    }

    /// <summary>
    /// Per-second p50, p99, p99.9 and max of <paramref name="metric"/> (<c>produce</c>, <c>service</c>,
    /// <c>scheduleDelay</c> or <c>e2e</c>) with fault windows; log scale shows the median and the tail together.
    /// </summary>
    public static ChartImage Latency(RunResults run, string metric, bool logScale)
    {
        ArgumentNullException.ThrowIfNull(run);
        var title = TimelineLatencyMetrics.FirstOrDefault(m => m.Metric == metric).Title ?? $"{metric} latency";
        var fullTitle = $"{title} per second — {run.Summary.RunId}";
        using var plot = ChartStyle.Create(fullTitle, ChartStyle.TimeAxisLabel, logScale ? "latency (ms, log scale)" : "latency (ms)");
        var xs = run.Series.Seconds;
        var all = new List<double>();
        for (var i = 0; i < LatencyStatistics.Length; i++)
        {
            var (column, legend) = LatencyStatistics[i];
            var values = run.Series.Column(SeriesTable.LatencyColumn(metric, column));
            all.AddRange(values);
            var ys = logScale ? values.Select(ChartStyle.ToLog).ToArray() : values;
            ChartStyle.AddLine(plot, xs, ys, ChartStyle.Series(i), legend);
        }

        double top;
        if (logScale)
        {
            var low = ChartStyle.LogBottom(all);
            top = ChartStyle.ToLog(ChartStyle.FiniteMax(all)) + 0.5;
            plot.Axes.SetLimitsY(low, top);
            ChartStyle.UseLogTicks(plot.Axes.Left, "");
        }
        else
        {
            top = ChartStyle.FiniteMax(all) * 1.2;
            plot.Axes.SetLimitsY(0, top);
        }

        ChartStyle.AddFaultMarkers(plot, run.Faults, run.Summary.WarmupSeconds, top);
        plot.Axes.SetLimitsX(0, TimeEnd(run));
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, $"latency-{metric}.png", fullTitle);
    }

    /// <summary>Target, sent and acknowledged rate per second, with the average payload size on the right axis.</summary>
    public static ChartImage Rate(RunResults run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var title = $"Target vs achieved rate and payload size — {run.Summary.RunId}";
        using var plot = ChartStyle.Create(title, ChartStyle.TimeAxisLabel, "rate (messages/s)");
        var series = run.Series;
        var xs = series.Seconds;
        ChartStyle.AddLine(plot, xs, series.Column("sent"), ChartStyle.Series(0), "sent");
        ChartStyle.AddLine(plot, xs, series.Column("acked"), ChartStyle.Series(2), "acknowledged");
        // Drawn last and dashed, so the target stays visible where the achieved rate matches it.
        ChartStyle.AddLine(plot, xs, series.Column("targetRate"), Colors.Black, "target rate", LinePattern.Dashed, width: 1.5f);
        if (series.Column("failed").Any(v => v > 0))
        {
            ChartStyle.AddLine(plot, xs, series.Column("failed"), ChartStyle.FaultColor, "failed");
        }

        ChartStyle.AddLine(plot, xs, series.Column("avgPayloadBytes"), ChartStyle.Series(4), "avg payload (right axis)", LinePattern.Dotted, plot.Axes.Right);
        plot.Axes.Right.Label.Text = "average payload (bytes)";
        plot.Axes.Right.Label.FontSize = 14;
        var payloadMax = ChartStyle.FiniteMax(series.Column("avgPayloadBytes"));
        plot.Axes.SetLimitsY(0, payloadMax * 1.3, plot.Axes.Right);

        var top = ChartStyle.FiniteMax(new[] { "targetRate", "sent", "acked" }.SelectMany(series.Column)) * 1.3;
        plot.Axes.SetLimitsY(0, top);
        ChartStyle.AddFaultMarkers(plot, run.Faults, run.Summary.WarmupSeconds, top);
        plot.Axes.SetLimitsX(0, TimeEnd(run));
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, "rate.png", title);
    }

    /// <summary>
    /// Consumer lag per group in messages (solid, left axis) and seconds (dashed, right axis), with each
    /// fault's recovery time: an arrow from the injection to the moment lag was back within its baseline.
    /// </summary>
    public static ChartImage Lag(RunResults run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var title = $"Consumer lag per group — {run.Summary.RunId}";
        using var plot = ChartStyle.Create(title, ChartStyle.TimeAxisLabel, "lag (messages)");
        var series = run.Series;
        var xs = series.Seconds;
        var groups = series.Groups;
        var messagesMax = 1.0;
        var secondsMax = 0.1;
        for (var g = 0; g < groups.Count; g++)
        {
            var messages = series.Column(SeriesTable.LagMessagesColumn(groups[g]));
            messagesMax = Math.Max(messagesMax, ChartStyle.FiniteMax(messages));
            ChartStyle.AddLine(plot, xs, messages, ChartStyle.Series(g), $"{groups[g]} (messages)");
            if (series.HasColumn(SeriesTable.LagSecondsColumn(groups[g])))
            {
                var seconds = series.Column(SeriesTable.LagSecondsColumn(groups[g]));
                secondsMax = Math.Max(secondsMax, ChartStyle.FiniteMax(seconds));
                ChartStyle.AddLine(plot, xs, seconds, ChartStyle.Series(g), $"{groups[g]} (seconds, right axis)", LinePattern.Dashed, plot.Axes.Right, 1.5f);
            }
        }

        plot.Axes.Right.Label.Text = "lag (s)";
        plot.Axes.Right.Label.FontSize = 14;
        var top = messagesMax * 1.45;
        plot.Axes.SetLimitsY(0, top);
        plot.Axes.SetLimitsY(0, secondsMax * 1.45, plot.Axes.Right);
        ChartStyle.AddFaultMarkers(plot, run.Faults, run.Summary.WarmupSeconds, top);
        AddRecoveryAnnotations(plot, run, groups, messagesMax);
        plot.Axes.SetLimitsX(0, TimeEnd(run));
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, "lag.png", title);
    }

    private static void AddRecoveryAnnotations(Plot plot, RunResults run, IReadOnlyList<string> groups, double messagesMax)
    {
        var row = 0;
        foreach (var fault in run.Faults.Where(f => f.Succeeded))
        {
            var recoveries = fault.Groups.Count > 0
                ? fault.Groups.Select(g => (Label: g.Group, g.RecoverySeconds, Color: GroupColor(groups, g.Group))).ToList()
                : [(Label: "all groups", fault.RecoverySeconds, Color: ChartStyle.RecoveryColor)];
            foreach (var (label, recovery, color) in recoveries)
            {
                // Arrows sit just above the highest lag, one row per annotation, so they never hide the lines.
                var y = messagesMax * (1.05 + (0.07 * (row % 4)));
                row++;
                string text;
                if (recovery is { } seconds)
                {
                    var recoveredAt = fault.Start + seconds;
                    var arrow = plot.Add.Arrow(new Coordinates(fault.Start, y), new Coordinates(recoveredAt, y));
                    arrow.ArrowLineColor = color;
                    arrow.ArrowFillColor = color;
                    arrow.ArrowLineWidth = 0;
                    arrow.ArrowWidth = 2;
                    arrow.ArrowheadWidth = 10;
                    arrow.ArrowheadLength = 10;
                    var recoveredLine = plot.Add.VerticalLine(recoveredAt, 1.5f, color, LinePattern.DenselyDashed);
                    recoveredLine.ExcludeFromLegend = true;
                    text = $"{label}: recovered {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s after {fault.Action}";
                    AddAnnotation(plot, text, recoveredAt, y, color);
                }
                else
                {
                    text = $"{label}: not recovered after {fault.Action}" + (fault.NotRecoveredReason is { } reason ? $" ({reason})" : "");
                    AddAnnotation(plot, text, fault.Start, y, ChartStyle.FaultColor);
                }
            }
        }
    }

    private static void AddAnnotation(Plot plot, string text, double x, double y, Color color)
    {
        var label = plot.Add.Text(text, x, y);
        label.Alignment = Alignment.MiddleLeft;
        label.LabelFontSize = 12;
        label.LabelBold = true;
        label.LabelFontColor = color.Darken(0.3);
        label.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
        label.OffsetX = 6;
    }

    private static Color GroupColor(IReadOnlyList<string> groups, string group)
    {
        var index = groups.ToList().IndexOf(group);
        return index >= 0 ? ChartStyle.Series(index) : ChartStyle.RecoveryColor;
    }

    /// <summary>
    /// The latency distribution of every metric over the measured window ("nines" plot): x is the percentile
    /// on a log 1/(1−p) axis so that p99, p99.9 and p99.99 get equal room; y is milliseconds on a log axis.
    /// </summary>
    public static ChartImage LatencyDistribution(RunResults run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var title = $"Latency distribution over the measured window — {run.Summary.RunId}";
        using var plot = ChartStyle.Create(title, "percentile", "latency (ms, log scale)");
        var maxNines = 2.0;
        var allValues = new List<double>();
        var metrics = run.Histograms.Keys
            .OrderBy(metric => Array.FindIndex(DistributionMetrics, known => known.Metric == metric) is var known and >= 0 ? known : int.MaxValue)
            .ThenBy(metric => metric, StringComparer.Ordinal)
            .ToList();
        for (var index = 0; index < metrics.Count; index++)
        {
            var metric = metrics[index];
            // The measured messages' own histogram when the run kept it, so the curve and n are the summary's;
            // otherwise (older runs) what was recorded after the warm-up, which also holds late warm-up messages.
            var measured = run.MeasuredHistograms.TryGetValue(metric, out var kept);
            var merged = measured ? kept : MeasuredWindow(run.Histograms[metric], run.Summary.WarmupSeconds);
            if (merged is null || merged.TotalCount == 0)
            {
                continue;
            }

            var (xs, ys) = NinesCurve(merged);
            maxNines = Math.Max(maxNines, xs[^1]);
            allValues.AddRange(ys);
            var line = plot.Add.ScatterLine(xs, ys.Select(ChartStyle.ToLog).ToArray(), ChartStyle.Series(index));
            // Produce = service + schedule delay, so the two often coincide: the dashes keep both visible.
            line.LineWidth = metric == "service" ? 2 : 2.5f;
            line.LinePattern = metric == "service" ? LinePattern.Dashed : LinePattern.Solid;
            var name = Array.Find(DistributionMetrics, known => known.Metric == metric).Label ?? metric;
            line.LegendText = LegendText(name, merged.TotalCount, measured);
        }

        UsePercentileAxis(plot, maxNines);
        ChartStyle.UseLogTicks(plot.Axes.Left, "");
        plot.Axes.SetLimitsY(
            ChartStyle.LogBottom(allValues),
            ChartStyle.ToLog(ChartStyle.FiniteMax(allValues)) + 0.3);
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, "latency-distribution.png", title);
    }

    /// <summary>Labels the x axis of a nines plot (log10 of 1/(1−p)) with percentiles: 0 %, 90 %, 99 %, 99.9 %….</summary>
    internal static void UsePercentileAxis(Plot plot, double maxNines)
    {
        var ticks = new NumericManual();
        for (var nines = 0; nines <= (int)Math.Ceiling(maxNines); nines++)
        {
            ticks.AddMajor(nines, PercentileLabel(nines));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(0, maxNines + 0.1);
    }

    /// <summary>A distribution's legend: n is the count of the measured messages, or says what else it counts.</summary>
    internal static string LegendText(string name, long count, bool measuredMessages) =>
        $"{name} (n={count.ToString("N0", CultureInfo.InvariantCulture)}{(measuredMessages ? "" : " recorded after the warm-up")})";

    /// <summary>Sums the intervals that start inside the measured window (after the warm-up).</summary>
    internal static HistogramBase? MeasuredWindow(IReadOnlyList<HistogramInterval> intervals, double warmupSeconds) =>
        HistogramInterval.Merge(intervals.Where(i => i.StartSeconds >= warmupSeconds - 1e-6));

    /// <summary>
    /// Points of the nines curve: x = log10(1/(1−p)), up to the percentile the sample count supports, then the
    /// maximum; y in milliseconds.
    /// </summary>
    internal static (double[] Xs, double[] Ys) NinesCurve(HistogramBase histogram)
    {
        const double Step = 0.05;
        var lastX = Math.Log10(histogram.TotalCount);
        var xs = new List<double>();
        var ys = new List<double>();
        for (var x = 0.0; x < lastX; x += Step)
        {
            var percentile = 100.0 * (1 - Math.Pow(10, -x));
            xs.Add(x);
            ys.Add(histogram.GetValueAtPercentile(percentile) / 1000.0);
        }

        xs.Add(Math.Max(lastX, Step));
        ys.Add(histogram.GetMaxValue() / 1000.0);
        return (xs.ToArray(), ys.ToArray());
    }

    private static string PercentileLabel(int nines) => nines switch
    {
        0 => "0%",
        _ => (100 * (1 - Math.Pow(10, -nines))).ToString("0.#####", CultureInfo.InvariantCulture) + "%",
    };

    /// <summary>
    /// Per-partition heatmap over time (rows: topic/partition, columns: seconds): throughput shows hot keys
    /// as a bright row; lag shows which partitions fell behind and when.
    /// </summary>
    public static ChartImage PartitionHeatmap(RunResults run, PartitionMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(run);
        var samples = run.Partitions ?? throw new ArgumentException("The run has no partitions.csv.", nameof(run));
        var rows = samples.Select(s => (s.Topic, s.Partition)).Distinct().Order().ToList();
        var lastSecond = samples.Count == 0 ? 0 : samples.Max(s => s.Second);
        var values = new double[rows.Count, lastSecond + 1];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c <= lastSecond; c++)
            {
                values[r, c] = double.NaN;
            }
        }

        var rowIndex = rows.Select((key, index) => (key, index)).ToDictionary(p => p.key, p => p.index);
        foreach (var sample in samples)
        {
            // Row 0 is drawn at the top, so the first partition heads the chart.
            values[rowIndex[(sample.Topic, sample.Partition)], sample.Second] =
                measure == PartitionMeasure.Throughput ? sample.Produced : sample.LagMessages;
        }

        var (title, unit, fileName) = measure == PartitionMeasure.Throughput
            ? ("Per-partition throughput", "messages/s", "partitions-throughput.png")
            : ("Per-partition consumer lag (largest over groups)", "lag (messages)", "partitions-lag.png");
        var fullTitle = $"{title} — {run.Summary.RunId}";
        using var plot = ChartStyle.Create(fullTitle, ChartStyle.TimeAxisLabel, "topic / partition");
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = measure == PartitionMeasure.Throughput ? new ScottPlot.Colormaps.Viridis() : new ScottPlot.Colormaps.Inferno();
        heatmap.NaNCellColor = Colors.White;
        heatmap.Extent = new CoordinateRect(-0.5, lastSecond + 0.5, -0.5, rows.Count - 0.5);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = unit;
        colorBar.LabelStyle.FontSize = 14;

        var ticks = new NumericManual();
        for (var r = 0; r < rows.Count; r++)
        {
            ticks.AddMajor(rows.Count - 1 - r, $"{rows[r].Topic}/{rows[r].Partition.ToString(CultureInfo.InvariantCulture)}");
        }

        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(-0.5, lastSecond + 0.5, -0.5, rows.Count - 0.5);
        // Lines, not shaded bands: a tint would change the colours the colour bar explains.
        var faults = run.Faults;
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            var start = plot.Add.VerticalLine(fault.Start, 2, Colors.White, LinePattern.Dashed);
            start.ExcludeFromLegend = true;
            if (fault.End is { } end)
            {
                var revert = plot.Add.VerticalLine(end, 2, Colors.White, LinePattern.Dotted);
                revert.ExcludeFromLegend = true;
            }

            var label = plot.Add.Text(
                fault.End is { } reverted
                    ? $"{fault.Label}: {fault.Start.ToString("0.#", CultureInfo.InvariantCulture)}–{reverted.ToString("0.#", CultureInfo.InvariantCulture)} s"
                    : $"{fault.Label} @ {fault.Start.ToString("0.#", CultureInfo.InvariantCulture)} s",
                fault.Start,
                rows.Count - 0.5);
            label.Alignment = Alignment.UpperLeft;
            label.LabelFontSize = 12;
            label.LabelFontColor = Colors.White;
            label.LabelBackgroundColor = ChartStyle.FaultColor.WithAlpha(0.85);
            label.OffsetX = 4;
            label.OffsetY = 4 + (i % 4 * 18);
        }

        var height = Math.Clamp(160 + (28 * rows.Count), 360, 1200);
        return ChartStyle.Render(plot, fileName, fullTitle, ChartStyle.Width, height);
    }

    /// <summary>Right edge of time axes: the last second of the series (at least one second).</summary>
    internal static double TimeEnd(RunResults run) => Math.Max(1, ChartStyle.FiniteMax(run.Series.Seconds, 1));
}

/// <summary>What a per-partition heatmap shows.</summary>
public enum PartitionMeasure
{
    /// <summary>Messages acknowledged per second.</summary>
    Throughput,
    /// <summary>Consumer lag in messages (largest over the groups).</summary>
    Lag,
}
