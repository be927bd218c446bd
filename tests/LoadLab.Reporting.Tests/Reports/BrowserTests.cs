using LoadLab.Reporting.Reports;
using LoadLab.Reporting.Tests.Charts;
using SkiaSharp;

namespace LoadLab.Reporting.Tests.Reports;

/// <summary>The reports as a reader sees them: opened in headless Chromium, screenshots kept under test-output/screenshots.</summary>
public sealed class BrowserTests
{
    [SkippableFact]
    public void ReportHtml_InChromium_LoadsEveryChart()
    {
        HeadlessChromium.SkipWhenAbsent();
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "browser-report");
        ReportGenerator.Generate(run);
        var html = Path.Combine(run, ReportGenerator.HtmlFile);

        var (images, loaded) = HeadlessChromium.CountLoadedImages(html);
        var tiles = HeadlessChromium.Screenshot(html, Path.Combine(Screenshots(), "report-broker-kill.png"), 9400);

        Assert.Equal(9, images);
        Assert.Equal(images, loaded);
        AssertShowsCharts(tiles);
    }

    [SkippableFact]
    public void ComparisonHtml_InChromium_LoadsEveryChart()
    {
        HeadlessChromium.SkipWhenAbsent();
        var output = TestPaths.OutputDirectory("browser-compare");
        string[] runs = [TestPaths.CopyOfFixture("broker-kill-embedded", "browser-compare-a"), TestPaths.CopyOfFixture("broker-kill-redpanda", "browser-compare-b")];
        ComparisonReport.Generate(runs, output);
        var html = Path.Combine(output, ComparisonReport.HtmlFile);

        var (images, loaded) = HeadlessChromium.CountLoadedImages(html);
        var tiles = HeadlessChromium.Screenshot(html, Path.Combine(Screenshots(), "comparison-broker-kill.png"), 4400);

        Assert.Equal(4, images);
        Assert.Equal(images, loaded);
        AssertShowsCharts(tiles);
    }

    [SkippableFact]
    public void ImageProbe_BrokenImage_IsCountedAsNotLoaded()
    {
        HeadlessChromium.SkipWhenAbsent();
        var folder = TestPaths.OutputDirectory("browser-broken");
        var html = Path.Combine(folder, "broken.html");
        File.WriteAllText(html, "<!DOCTYPE html><html><body><img src=\"data:image/png;base64,AAAA\"><img src=\"missing.png\"></body></html>");

        var (images, loaded) = HeadlessChromium.CountLoadedImages(html);

        Assert.Equal(2, images);
        Assert.Equal(0, loaded);
    }

    private static string Screenshots()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "test-output", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Charts are colourful; tables and text are not: some tile must hold many distinct colours.</summary>
    private static void AssertShowsCharts(IReadOnlyList<string> tiles)
    {
        Assert.NotEmpty(tiles);
        var mostColours = tiles.Max(tile =>
        {
            using var bitmap = SKBitmap.Decode(tile);
            return ChartTests.PixelStatistics(bitmap).DistinctColours;
        });
        Assert.True(mostColours > 500, $"The screenshots hold at most {mostColours} distinct colours per tile: the charts are not visible.");
    }
}
