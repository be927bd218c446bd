using LoadLab.Core.Results;
using LoadLab.Reporting.Charts;
using LoadLab.Reporting.Tests.Fixtures;
using SkiaSharp;

namespace LoadLab.Reporting.Tests.Charts;

public sealed class ChartTests
{
    private static readonly RunResults Run = RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded"));

    // Rendering every chart takes seconds on a shared machine: render once for all the tests of this class.
    private static readonly Lazy<IReadOnlyList<ChartImage>> Charts = new(() => RunCharts.All(Run, new ChartOptions()));

    public static TheoryData<string> ChartNames => new(Charts.Value.Select(c => c.FileName));

    [Fact]
    public void All_FixtureWithEveryFile_DrawsEveryChart()
    {
        var names = Charts.Value.Select(c => c.FileName).ToList();

        Assert.Equal(
            ["latency-produce.png", "latency-e2e.png", "rate.png", "lag.png", "latency-distribution.png",
             "partitions-throughput.png", "partitions-lag.png", "cost.png", "cost-sensitivity.png"],
            names);
    }

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void Chart_FromFixture_HasDeclaredSizeAndRealContent(string fileName)
    {
        var chart = Charts.Value.Single(c => c.FileName == fileName);
        var output = TestPaths.OutputDirectory($"charts-{Path.GetFileNameWithoutExtension(fileName)}");
        File.WriteAllBytes(Path.Combine(output, fileName), chart.Png);

        using var bitmap = SKBitmap.Decode(chart.Png);
        Assert.Equal(chart.Width, bitmap.Width);
        Assert.Equal(chart.Height, bitmap.Height);
        var (distinctColours, nonBackgroundShare) = PixelStatistics(bitmap);
        // Text and lines alone give dozens of anti-aliased colours; a blank or axes-only chart has far fewer.
        Assert.True(distinctColours >= 40, $"{fileName}: only {distinctColours} distinct colours");
        Assert.True(nonBackgroundShare >= 0.02, $"{fileName}: only {nonBackgroundShare:P1} of the pixels are not white");
    }

    [Fact]
    public void Latency_LinearAndLogScale_DifferInLabelsAndShape()
    {
        var log = RunCharts.Latency(Run, "e2e", logScale: true);
        var linear = RunCharts.Latency(Run, "e2e", logScale: false);

        Assert.False(log.Png.AsSpan().SequenceEqual(linear.Png));
    }

    [Fact]
    public void Chart_RenderedTwice_IsByteIdentical()
    {
        var first = Charts.Value;
        var second = RunCharts.All(RunResults.Load(FixtureRun.CommittedDirectory("broker-kill-embedded")), new ChartOptions());

        Assert.All(first.Zip(second), pair => Assert.True(pair.First.Png.AsSpan().SequenceEqual(pair.Second.Png), pair.First.FileName));
    }

    [Fact]
    public void CostLineColours_EveryLineItemOfAFullEstimate_HasItsOwnColour()
    {
        // Thirteen line items, as every platform of a real estimate has: no two may share a colour (the old chart
        // drew its eleventh, operator time, in the first one's blue).
        var cost = Document(lineItems: 13);

        var colours = CostCharts.LineColours(cost);

        Assert.Equal(13, colours.Count);
        Assert.Equal(colours.Count, colours.Select(c => c.Colour).Distinct().Count());
        // The first eight are Okabe and Ito's colour-blind-safe set.
        Assert.Equal(["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"], colours.Take(8).Select(c => c.Colour.ToHex()[..7].ToUpperInvariant()));
    }

    [Fact]
    public void CostLineColours_MoreLineItemsThanDistinctColours_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => CostCharts.LineColours(Document(lineItems: CostCharts.Palette.Count + 1)));
    }

    [Fact]
    public void CostBreakdown_FullEstimate_DrawsEveryLineItemInItsOwnColour()
    {
        var cost = Document(lineItems: 13);

        var chart = CostCharts.Breakdown(cost);

        using var bitmap = SKBitmap.Decode(chart.Png);
        var pixels = new HashSet<uint>();
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                pixels.Add((uint)bitmap.GetPixel(x, y));
            }
        }

        Assert.All(CostCharts.LineColours(cost), line => Assert.Contains((uint)new SKColor(line.Colour.R, line.Colour.G, line.Colour.B), pixels));
    }

    [Fact]
    public void CostSensitivity_Fixture_RendersABarPerInputAndPlatform()
    {
        var chart = CostCharts.Sensitivity(Run.Cost!);

        using var bitmap = SKBitmap.Decode(chart.Png);
        Assert.True(PixelStatistics(bitmap).NonBackgroundShare > 0.02);
    }

    /// <summary>Two platforms with <paramref name="lineItems"/> line items each, every one costing something.</summary>
    private static CostDocument Document(int lineItems)
    {
        PlatformCost Platform(string name) => new()
        {
            Platform = name,
            DisplayName = name,
            Architecture = "shared-nothing",
            InstanceType = "r6i.large",
            TotalMonthlyUsd = lineItems * 100,
            BindingLimit = "network out",
            Durability = "test",
            Sizing = new CostSizing(3, 3, 3, 3, 3, 0, [], 0, 0, 0, 0),
            Lines = [.. Enumerable.Range(0, lineItems).Select(i => new CostLine($"item{i}", $"line item {i}", 100, "= 100.00", []))],
            Risk = new TimeAtRisk(0, 0, 0, "test"),
        };

        return new CostDocument
        {
            Source = "test",
            Measured = false,
            PriceSheet = "test",
            PriceSheetFile = "test",
            Workload = Run.Cost!.Workload,
            Platforms = [Platform("kafka"), Platform("automq")],
        };
    }

    [Fact]
    public void NinesCurve_KnownHistogram_EndsAtMaximumAndRisesMonotonically()
    {
        var histogram = new HdrHistogram.LongHistogram(600_000_000, 3);
        for (var value = 1; value <= 1000; value++)
        {
            histogram.RecordValue(value * 1000);
        }

        var (xs, ys) = RunCharts.NinesCurve(histogram);

        Assert.Equal(0, xs[0]);
        Assert.Equal(3, xs[^1], 6);
        Assert.Equal(1000, ys[^1], 0);
        // x = 0.3 is p = 1 − 10^−0.3 ≈ 49.9 %.
        Assert.InRange(ys[Array.FindIndex(xs, x => Math.Abs(x - 0.3) < 1e-9)], 495, 505);
        Assert.True(ys.Zip(ys.Skip(1)).All(pair => pair.Second >= pair.First));
    }

    internal static (int DistinctColours, double NonBackgroundShare) PixelStatistics(SKBitmap bitmap)
    {
        var colours = new HashSet<uint>();
        long nonBackground = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                colours.Add((uint)pixel);
                if (pixel.Red < 245 || pixel.Green < 245 || pixel.Blue < 245)
                {
                    nonBackground++;
                }
            }
        }

        return (colours.Count, nonBackground / (double)(bitmap.Width * bitmap.Height));
    }
}
