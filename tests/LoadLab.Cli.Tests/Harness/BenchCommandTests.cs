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
        Assert.StartsWith("--sizes '", error, StringComparison.Ordinal);
        Assert.Contains("Example: --sizes 100,1KiB", error, StringComparison.Ordinal);
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
    }

    [Fact]
    public void Format_LoadLabBelowBare_ReportsMedianRatiosAndTheWorstLoadLabRatio()
    {
        IReadOnlyList<ProduceBenchmarkRow> rows =
        [
            new(ProduceBenchmark.Bare, 100, [100_000, 120_000, 110_000]),
            new(ProduceBenchmark.LoadLab, 100, [99_000, 88_000, 77_000]),
            new(ProduceBenchmark.LoadLabRealistic, 100, [10_000, 10_000, 10_000]),
            new(ProduceBenchmark.Bare, 1024, [50_000, 50_000]),
            new(ProduceBenchmark.LoadLab, 1024, [50_000, 60_000]),
        ];

        var (table, worst) = BenchCommand.Format(rows);

        // The realistic row (0.09x) is shown but not judged.
        Assert.Equal(0.8, worst, 6);
        Assert.Contains("0.09", table, StringComparison.Ordinal);
        Assert.Contains("110,000", table, StringComparison.Ordinal);
        Assert.Contains("0.80", table, StringComparison.Ordinal);
        Assert.Contains("1.10", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Conclusion_ConfirmedKnee_NamesRateLatencyAndFirstFailure()
    {
        var result = new MaxRateResult(12_000, 8.5, 13_000, false, true, []);

        var text = MaxRateCommand.Conclusion(result);

        Assert.Equal("Knee: 12,000 msg/s (produce p99 8.5 ms), confirmed by a repeat; fails at 13,000 msg/s.", text);
    }
}
