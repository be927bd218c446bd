using System.Globalization;
using LoadLab.Core.Results;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace LoadLab.Reporting.Charts;

/// <summary>The cost estimate (<c>cost.json</c>) as charts: the stacked comparison of platforms and what moves each total.</summary>
public static class CostCharts
{
    public const string BreakdownFile = "cost.png";
    public const string SensitivityFile = "cost-sensitivity.png";

    /// <summary>
    /// Colours for line items and platforms that stay apart for colour-blind readers: the eight of Okabe and Ito
    /// (Color Universal Design, 2002), then Paul Tol's "muted" scheme (2021) for the line items beyond eight. One colour
    /// per line item, never repeated: a chart with more line items than colours is refused rather than drawn ambiguously.
    /// </summary>
    internal static readonly IReadOnlyList<Color> Palette =
    [
        Color.FromHex("#0072B2"), // blue
        Color.FromHex("#E69F00"), // orange
        Color.FromHex("#009E73"), // bluish green
        Color.FromHex("#CC79A7"), // reddish purple
        Color.FromHex("#56B4E9"), // sky blue
        Color.FromHex("#D55E00"), // vermillion
        Color.FromHex("#F0E442"), // yellow
        Color.FromHex("#000000"), // black
        Color.FromHex("#332288"), // indigo
        Color.FromHex("#DDCC77"), // sand
        Color.FromHex("#882255"), // wine
        Color.FromHex("#44AA99"), // teal
        Color.FromHex("#999933"), // olive
        Color.FromHex("#CC6677"), // rose
        Color.FromHex("#AA4499"), // purple
        Color.FromHex("#117733"), // green
        Color.FromHex("#88CCEE"), // cyan
    ];

    /// <summary>Each line item (in the order the estimate lists them) with the colour it is drawn in.</summary>
    public static IReadOnlyList<(string Item, string Label, Color Colour)> LineColours(CostDocument cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        var items = cost.Platforms.SelectMany(p => p.Lines).Select(l => (l.Item, l.Label)).Distinct().ToList();
        if (items.Count > Palette.Count)
        {
            throw new InvalidOperationException($"{items.Count} line items but only {Palette.Count} distinguishable colours.");
        }

        return [.. items.Select((item, i) => (item.Item, item.Label, Palette[i]))];
    }

    /// <summary>Monthly cost per platform as stacked line items, each item its own colour, the total on top.</summary>
    public static ChartImage Breakdown(CostDocument cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        const string Title = "Estimated monthly cost per platform";
        using var plot = ChartStyle.Create(Title, "platform", "cost (USD per month)");
        var platforms = cost.Platforms;
        var stackTops = new double[platforms.Count];
        foreach (var (item, label, colour) in LineColours(cost))
        {
            var bars = new List<Bar>();
            for (var p = 0; p < platforms.Count; p++)
            {
                var amount = platforms[p].Lines.Where(l => l.Item == item).Sum(l => l.MonthlyUsd);
                if (amount <= 0)
                {
                    continue;
                }

                bars.Add(new Bar { Position = p, ValueBase = stackTops[p], Value = stackTops[p] + amount, FillColor = colour, LineColor = Colors.White, LineWidth = 1, Size = 0.6 });
                stackTops[p] += amount;
            }

            if (bars.Count > 0)
            {
                plot.Add.Bars(bars).LegendText = label;
            }
        }

        for (var p = 0; p < platforms.Count; p++)
        {
            var total = plot.Add.Text($"${stackTops[p].ToString("N0", CultureInfo.InvariantCulture)}", p, stackTops[p]);
            total.Alignment = Alignment.LowerCenter;
            total.LabelFontSize = 14;
            total.LabelBold = true;
            total.OffsetY = -4;
        }

        plot.Axes.Bottom.TickGenerator = new NumericManual(
            [.. Enumerable.Range(0, platforms.Count).Select(p => (double)p)],
            [.. platforms.Select(p => $"{p.DisplayName}\n{p.Sizing.FloorBrokers} × {p.InstanceType}, bound by {p.BindingLimit}")]);
        plot.Axes.SetLimits(-0.6, platforms.Count - 0.4, 0, Math.Max(1, stackTops.DefaultIfEmpty(0).Max()) * 1.15);
        plot.ShowLegend(Edge.Right);
        return ChartStyle.Render(plot, BreakdownFile, Title);
    }

    /// <summary>
    /// What moves each total: for every input moved ±20 % (largest swing on top), one bar per platform from the
    /// change at −20 % to the change at +20 %, in USD per month.
    /// </summary>
    public static ChartImage Sensitivity(CostDocument cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        const string Title = "What moves the total: each input −20 % … +20 %";
        using var plot = ChartStyle.Create(Title, "change of the monthly total (USD)", "");
        var inputs = cost.Sensitivity.Select(r => r.Input).Distinct().ToList();
        var platforms = cost.Platforms.Select(p => p.Platform).ToList();
        var band = 0.8 / Math.Max(1, platforms.Count);
        for (var p = 0; p < platforms.Count; p++)
        {
            var bars = new List<Bar>();
            for (var i = 0; i < inputs.Count; i++)
            {
                if (cost.Sensitivity.FirstOrDefault(r => r.Input == inputs[i] && r.Platform == platforms[p]) is not { } row)
                {
                    continue;
                }

                var position = inputs.Count - 1 - i - 0.4 + (band * (p + 0.5));
                bars.Add(new Bar
                {
                    Position = position,
                    ValueBase = Math.Min(row.LowUsd, row.HighUsd) - row.BaseUsd,
                    Value = Math.Max(row.LowUsd, row.HighUsd) - row.BaseUsd,
                    FillColor = Palette[p],
                    Size = band * 0.9,
                    Orientation = Orientation.Horizontal,
                });
            }

            plot.Add.Bars(bars).LegendText = cost.Platforms[p].DisplayName;
        }

        plot.Add.VerticalLine(0, 1, Colors.Black);
        plot.Axes.Left.TickGenerator = new NumericManual(
            [.. Enumerable.Range(0, inputs.Count).Select(i => (double)(inputs.Count - 1 - i))],
            [.. inputs]);
        plot.ShowLegend(Edge.Right);
        var height = Math.Clamp(160 + (34 * inputs.Count), 360, 1200);
        return ChartStyle.Render(plot, SensitivityFile, Title, ChartStyle.Width, height);
    }
}
