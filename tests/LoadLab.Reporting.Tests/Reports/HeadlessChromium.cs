using System.Diagnostics;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace LoadLab.Reporting.Tests.Reports;

/// <summary>
/// Opens HTML files in headless Chromium (Debian package <c>chromium</c>): screenshots, and a DOM dump after
/// a small script has counted the images that loaded. Chromium never reaches the network here: the reports
/// are self-contained and background networking is off.
/// </summary>
internal static partial class HeadlessChromium
{
    public const string RequireAllVariable = "LOADLAB_REQUIRE_ALL";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The browser executable, or null when none is installed.</summary>
    public static string? Executable { get; } = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    /// <summary>Skips the calling test when Chromium is absent, unless LOADLAB_REQUIRE_ALL is set (then it fails).</summary>
    public static void SkipWhenAbsent()
    {
        if (Executable is not null)
        {
            return;
        }

        const string Reason = "headless Chromium is not installed (apt-get install -y chromium)";
        Assert.True(Environment.GetEnvironmentVariable(RequireAllVariable) is null, $"{RequireAllVariable} is set but {Reason}.");
        Skip.If(true, Reason);
    }

    /// <summary>
    /// Loads a copy of <paramref name="htmlPath"/> with a script that counts images whose <c>naturalWidth</c> is
    /// above zero after the load event; returns (images, loaded). The report itself carries no script.
    /// </summary>
    public static (int Images, int Loaded) CountLoadedImages(string htmlPath)
    {
        const string Probe = """
            <script>
            window.addEventListener("load", () => {
              const images = [...document.images];
              document.body.setAttribute("data-images-total", images.length);
              document.body.setAttribute("data-images-loaded", images.filter(i => i.complete && i.naturalWidth > 0).length);
            });
            </script>
            """;
        var probePath = Path.Combine(Path.GetDirectoryName(htmlPath)!, "probe-" + Path.GetFileName(htmlPath));
        File.WriteAllText(probePath, File.ReadAllText(htmlPath).Replace("</body>", Probe + "\n</body>", StringComparison.Ordinal));
        var dom = Run(["--virtual-time-budget=10000", "--dump-dom", new Uri(probePath).AbsoluteUri]);
        var body = BodyCounts().Match(dom);
        Assert.True(body.Success, "Chromium's DOM dump has no image counts: the probe script did not run.\n" + dom[..Math.Min(dom.Length, 500)]);
        return (int.Parse(body.Groups["total"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(body.Groups["loaded"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Screenshots the page at 1400 px wide into <paramref name="screenshotPath"/>, and cuts it into tiles of
    /// 1400×1600 (<c>-01.png</c>, <c>-02.png</c>…, blank tiles dropped) that are easy to look at one by one.
    /// </summary>
    public static IReadOnlyList<string> Screenshot(string htmlPath, string screenshotPath, int height)
    {
        Run(["--hide-scrollbars", $"--window-size=1400,{height}", $"--screenshot={screenshotPath}", new Uri(htmlPath).AbsoluteUri]);
        Assert.True(File.Exists(screenshotPath), $"Chromium wrote no screenshot to {screenshotPath}");
        using var page = SKBitmap.Decode(screenshotPath);
        var tiles = new List<string>();
        const int TileHeight = 1600;
        for (var top = 0; top < page.Height; top += TileHeight)
        {
            var rows = Math.Min(TileHeight, page.Height - top);
            using var tile = new SKBitmap(page.Width, rows);
            page.ExtractSubset(tile, new SKRectI(0, top, page.Width, top + rows));
            if (IsUniform(tile))
            {
                continue;
            }

            var tilePath = Path.ChangeExtension(screenshotPath, null) + $"-{tiles.Count + 1:00}.png";
            using (var data = SKImage.FromBitmap(tile).Encode(SKEncodedImageFormat.Png, 100))
            using (var file = File.Create(tilePath))
            {
                data.SaveTo(file);
            }

            tiles.Add(tilePath);
        }

        return tiles;
    }

    private static bool IsUniform(SKBitmap bitmap)
    {
        var first = bitmap.GetPixel(0, 0);
        for (var y = 0; y < bitmap.Height; y += 4)
        {
            for (var x = 0; x < bitmap.Width; x += 4)
            {
                if (bitmap.GetPixel(x, y) != first)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string Run(IEnumerable<string> arguments)
    {
        var profile = Path.Combine(Path.GetTempPath(), "loadlab-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Executable!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--disable-extensions", $"--user-data-dir={profile}",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish within {Timeout.TotalSeconds} s.");
            }

            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {error.Result}");
            return output.Result;
        }
        finally
        {
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, recursive: true);
            }
        }
    }

    [GeneratedRegex("<body[^>]*data-images-total=\"(?<total>[0-9]+)\"[^>]*data-images-loaded=\"(?<loaded>[0-9]+)\"")]
    private static partial Regex BodyCounts();
}
