using System.CommandLine;
using LoadLab.Cli.Commands;
using LoadLab.Core.Capacity;
using LoadLab.Engine.Benchmarking;

namespace LoadLab.Cli.Tests.Harness;

public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("100,1KiB", new[] { 100, 1024 })]
    [InlineData(" 512 ", new[] { 512 })]
    [InlineData("1MiB,1", new[] { 1 << 20, 1 })]
    public void ParseSizes_ValidList_ReturnsBytes(string text, int[] expected)
    {
        var (sizes, error) = BenchCommand.ParseSizes(text);

        Assert.Null(error);
        Assert.Equal(expected, sizes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("100,2MiB")]
    [InlineData("-5")]
    public void ParseSizes_InvalidList_NamesTheOptionAndTheFix(string text)
    {
        var (sizes, error) = BenchCommand.ParseSizes(text);

        Assert.Null(sizes);
        Assert.StartsWith("--sizes:", error, StringComparison.Ordinal);
        Assert.Contains("e.g. --sizes 100,1KiB", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sizes", "abc")]
    [InlineData("--seconds", "0")]
    [InlineData("--rounds", "11")]
    [InlineData("--min-ratio", "-1")]
    [InlineData("--env", "nowhere")]
    public async Task Invoke_BadArgument_ExitsTwoWithoutStartingACluster(string option, string value)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = await CommandLine.InvokeAsync(root, ["bench", option, value], new StringWriter(), error);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"loadlab: {option}", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_LoadLabBelowBare_ShowsMediansRatiosAndTheWorstLoadLabRatio()
    {
        static ContenderTurn[] Turns(params (double Rate, double? Cpu)[] turns) => [.. turns.Select(t => new ContenderTurn(t.Rate, t.Cpu))];
        var report = new ProduceBenchmarkReport("external", DateTimeOffset.UnixEpoch, "1.00 2.00 3.00", "1.50 2.00 3.00",
        [
            new(ProduceBenchmark.Bare, 100, Turns((100_000, 3), (120_000, 3), (110_000, 3))),
            new(ProduceBenchmark.LoadLab, 100, Turns((99_000, 2), (88_000, 4), (77_000, 6))),
            new(ProduceBenchmark.LoadLabRealistic, 100, Turns((10_000, null), (10_000, null), (10_000, null))),
            new(ProduceBenchmark.Kcat, 100, Turns((400_000, 1), (400_000, 1), (400_000, 1))),
            new(ProduceBenchmark.Bare, 1024, Turns((50_000, 5), (50_000, 5))),
            new(ProduceBenchmark.LoadLab, 1024, Turns((50_000, 5), (60_000, 5))),
        ]);

        var table = report.ToMarkdown();

        // The realistic row (0.09x) is shown but not judged.
        Assert.Equal(0.8, report.WorstLoadLabRatio, 6);
        Assert.Equal(4.0, report.CpuRatio(report.Rows[1], ProduceBenchmark.Kcat));
        Assert.Null(report.CpuRatio(report.Rows[2], ProduceBenchmark.Kcat));
        Assert.Contains("| 100 B | LoadLab realistic | 10,000 | 10,000 10,000 10,000 | 0.09 | – | – |", table, StringComparison.Ordinal);
        Assert.Contains("| 100 B | LoadLab | 88,000 | 99,000 88,000 77,000 | 0.80 | 4.00 | 4.00 |", table, StringComparison.Ordinal);
        Assert.Contains("| 1024 B | LoadLab | 55,000 | 50,000 60,000 | 1.10 | 5.00 | – |", table, StringComparison.Ordinal);
        Assert.Contains("load average before 1.00 2.00 3.00, after 1.50 2.00 3.00", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WriteAsync_WritesTheTableAndJsonBesideIt()
    {
        var folder = Directory.CreateTempSubdirectory("loadlab-bench-report-").FullName;
        try
        {
            var report = new ProduceBenchmarkReport("embedded", DateTimeOffset.UnixEpoch, "1", "2",
                [new(ProduceBenchmark.Bare, 100, [new ContenderTurn(1_000, 2.5)]), new(ProduceBenchmark.Kcat, 100, [new ContenderTurn(4_000, 0.5)])]);

            await report.WriteAsync(folder, CancellationToken.None);

            Assert.Equal(report.ToMarkdown(), await File.ReadAllTextAsync(Path.Combine(folder, ProduceBenchmarkReport.MarkdownFile)));
            using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, ProduceBenchmarkReport.JsonFile)));
            var bare = json.RootElement.GetProperty("rows")[0];
            Assert.Equal(ProduceBenchmark.Bare, bare.GetProperty("contender").GetString());
            Assert.Equal(2.5, bare.GetProperty("cpuMicrosPerMessage").GetDouble());
            Assert.Equal(5.0, bare.GetProperty("cpuVersusKcat").GetDouble());
            Assert.Equal(1_000, bare.GetProperty("rounds")[0].GetProperty("ratePerSecond").GetDouble());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Conclusion_ConfirmedKnee_NamesRateLatencyAndFirstFailure()
    {
        var result = new MaxRateResult(12_000, 8.5, 13_000, false, true, []);

        var text = MaxRateCommand.Conclusion(result);

        Assert.Equal("Knee: 12,000 msg/s (produce p99 8.5 ms), confirmed by a repeat; fails at 13,000 msg/s.", text);
    }
}
