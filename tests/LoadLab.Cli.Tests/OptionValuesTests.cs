using LoadLab.Core.Yaml;

namespace LoadLab.Cli.Tests;

/// <summary>Durations and sizes on the command line use the files' one grammar, wording and fixes.</summary>
public sealed class OptionValuesTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("1h30m", 5400)]
    [InlineData("7d", 604_800)]
    [InlineData("1.5s", 1.5)]
    public void Duration_GrammarText_IsRead(string text, double seconds)
    {
        var problems = new List<ValidationProblem>();

        Assert.Equal(TimeSpan.FromSeconds(seconds), OptionValues.Duration("--duration", text, "2m", problems));
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("90 sec", "--duration: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got \"90 sec\". Fix: --duration 1m30s")]
    [InlineData("10", "--duration: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got \"10\". Fix: --duration 10s")]
    [InlineData("soon", "--duration: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got \"soon\". Fix: e.g. --duration 2m")]
    [InlineData("0s", "--duration: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got \"0s\". Fix: e.g. --duration 2m")]
    public void Duration_NotAPositiveDuration_IsOneProblemWithTheFix(string text, string expected)
    {
        var problems = new List<ValidationProblem>();

        Assert.Null(OptionValues.Duration("--duration", text, "2m", problems));
        Assert.Equal(expected, Assert.Single(problems).ToString());
    }

    [Fact]
    public void Duration_OutsideTheRange_SaysTheRange()
    {
        var problems = new List<ValidationProblem>();

        Assert.Null(OptionValues.Duration("--step", "500ms", "10s", problems, min: TimeSpan.FromSeconds(1)));
        Assert.Null(OptionValues.Duration("--restore-delay", "2h", "10s", problems, allowZero: true, max: TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.Zero, OptionValues.Duration("--restore-delay", "0", "10s", problems, allowZero: true));

        Assert.Equal(
            [
                "--step: expected a duration of at least 1s such as 500ms, 30s, 2m, 1h30m or 7d, got \"500ms\". Fix: e.g. --step 10s",
                "--restore-delay: expected a duration such as 500ms, 30s, 2m, 1h30m or 7d, at most 1h, got \"2h\". Fix: e.g. --restore-delay 10s",
            ],
            problems.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("512MiB", 536_870_912)]
    [InlineData("512MB", 512_000_000)]
    [InlineData("100", 100)]
    public void Size_GrammarText_IsRead(string text, long bytes)
    {
        var problems = new List<ValidationProblem>();

        Assert.Equal(bytes, OptionValues.Size("--size", text, "1KiB", problems));
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("512m", "Fix: --size 512MiB")]
    [InlineData("64k", "Fix: --size 64KiB")]
    [InlineData("lots", "Fix: e.g. --size 1KiB")]
    [InlineData("2GiB", "expected a size from 1 to 1MiB, got \"2GiB\". Fix: e.g. --size 1KiB")]
    public void Size_BadText_IsOneProblemWithTheFix(string text, string expectedEnd)
    {
        var problems = new List<ValidationProblem>();

        Assert.Null(OptionValues.Size("--size", text, "1KiB", problems, max: 1 << 20));
        Assert.EndsWith(expectedEnd, Assert.Single(problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DurationNearMiss_ExitsTwoWithTheFixBeforeReadingTheScenario()
    {
        var result = await CliProcess.RunAsync(Path.GetTempPath(), TimeSpan.FromMinutes(1), "run", "no-such-scenario.yaml", "--duration", "90 sec");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--duration: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got \"90 sec\". Fix: --duration 1m30s", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-scenario", result.Error, StringComparison.Ordinal);
    }
}
