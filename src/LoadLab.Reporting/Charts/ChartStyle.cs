using System.Globalization;
using LoadLab.Core.Results;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LoadLab.Reporting.Charts;

/// <summary>What every chart shares: size, colours, axes, fault bands, NaN-aware lines, PNG rendering.</summary>
internal static class ChartStyle
{
    public const int Width = 1200;
    public const int Height = 560;
    public const string FontName = "DejaVu Sans";
    public const string TimeAxisLabel = "time since run start (s)";

    /// <summary>Latency below this (ms) is drawn at this value on log axes, which cannot show zero.</summary>
    public const double LogFloorMs = 0.01;

    private static readonly Color[] Palette = new ScottPlot.Palettes.Category10().Colors;
    public static readonly Color FaultColor = Color.FromHex("#d62728");
    public static readonly Color WarmupColor = Color.FromHex("#7f7f7f");
    public static readonly Color RecoveryColor = Color.FromHex("#2ca02c");

    public static Color Series(int index) => Palette[index % Palette.Length];

    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 18);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.Legend.FontSize = 12;
        return plot;
    }

    public static ChartImage Render(Plot plot, string fileName, string title, int width = Width, int height = Height)
    {
        // One sans-serif family everywhere (the system default may be a serif); ScottPlot falls back when absent.
        plot.Font.Set(FontName, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        foreach (var text in plot.GetPlottables<ScottPlot.Plottables.Text>())
        {
            text.LabelFontName = FontName;
        }

        foreach (var line in plot.GetPlottables<ScottPlot.Plottables.AxisLine>())
        {
            line.LabelFontName = FontName;
        }

        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        return new ChartImage(fileName, title, width, height, png);
    }

    /// <summary>
    /// Draws a line through the finite points only; a missing value (NaN: no sample in that second) breaks
    /// the line so that a gap is visible as a gap, not as an invented slope.
    /// </summary>
    public static void AddLine(
        Plot plot, IReadOnlyList<double> xs, IReadOnlyList<double> ys, Color color, string legend,
        LinePattern? pattern = null, IYAxis? yAxis = null, float width = 2)
    {
        var labelled = false;
        var segmentX = new List<double>();
        var segmentY = new List<double>();

        void Flush()
        {
            if (segmentX.Count == 0)
            {
                return;
            }

            var scatter = plot.Add.ScatterLine(segmentX.ToArray(), segmentY.ToArray(), color);
            scatter.LineWidth = width;
            scatter.LinePattern = pattern ?? LinePattern.Solid;
            if (segmentX.Count == 1)
            {
                scatter.MarkerSize = 5;
                scatter.MarkerShape = MarkerShape.FilledCircle;
            }

            if (yAxis is not null)
            {
                scatter.Axes.YAxis = yAxis;
            }

            if (!labelled)
            {
                scatter.LegendText = legend;
                labelled = true;
            }

            segmentX.Clear();
            segmentY.Clear();
        }

        for (var i = 0; i < xs.Count; i++)
        {
            if (double.IsFinite(ys[i]))
            {
                segmentX.Add(xs[i]);
                segmentY.Add(ys[i]);
            }
            else
            {
                Flush();
            }
        }

        Flush();
    }

    /// <summary>Finite maximum of the values, or <paramref name="fallback"/> when there is none.</summary>
    public static double FiniteMax(IEnumerable<double> values, double fallback = 1) =>
        values.Where(double.IsFinite).DefaultIfEmpty(fallback).Max();

    public static double FiniteMin(IEnumerable<double> values, double fallback = 1) =>
        values.Where(double.IsFinite).DefaultIfEmpty(fallback).Min();

    /// <summary>Maps a positive value to its decade exponent for a log axis.</summary>
    public static double ToLog(double value) => double.IsFinite(value) ? Math.Log10(Math.Max(value, LogFloorMs)) : double.NaN;

    /// <summary>
    /// Bottom of a log axis: a little below the smallest value, so the lowest line never sits on the frame (a whole
    /// decade below would squash the data into the top of the chart).
    /// </summary>
    public static double LogBottom(IEnumerable<double> values) => ToLog(FiniteMin(values)) - 0.15;

    /// <summary>Labels a log10-transformed axis with the original values and minor ticks per decade.</summary>
    public static void UseLogTicks(IAxis axis, string unit)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = exponent => FormatNumber(Math.Pow(10, exponent)) + unit,
        };
    }

    public static string FormatNumber(double value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Shades the warm-up and every fault window, labelled with the action and target at the top of the plot
    /// (<paramref name="top"/> in the left axis' units). Labels of close faults are stacked so they never overlap.
    /// </summary>
    public static void AddFaultMarkers(Plot plot, IReadOnlyList<FaultWindow> faults, double warmupSeconds, double top)
    {
        if (warmupSeconds > 0)
        {
            var warmup = plot.Add.HorizontalSpan(0, warmupSeconds, WarmupColor.WithAlpha(0.10));
            warmup.LineWidth = 0;
            warmup.LegendText = "warm-up (not measured)";
        }

        var bandLabelled = false;
        var instantLabelled = false;
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            var color = fault.Succeeded ? FaultColor : WarmupColor;
            if (fault.End is { } end && end > fault.Start)
            {
                var band = plot.Add.HorizontalSpan(fault.Start, end, color.WithAlpha(0.13));
                band.LineWidth = 0;
                if (!bandLabelled)
                {
                    band.LegendText = "fault in force";
                    bandLabelled = true;
                }
            }

            var line = plot.Add.VerticalLine(fault.Start, 1.5f, color, LinePattern.Dashed);
            if (!instantLabelled)
            {
                line.LegendText = "fault injected";
                instantLabelled = true;
            }

            var label = plot.Add.Text($"{fault.Label} @ {fault.Start.ToString("0.#", CultureInfo.InvariantCulture)} s", fault.Start, top);
            label.Alignment = Alignment.UpperLeft;
            label.LabelFontSize = 12;
            label.LabelFontColor = color.Darken(0.2);
            label.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
            label.OffsetX = 4;
            label.OffsetY = 4 + (i % 4 * 18);
        }
    }
}
