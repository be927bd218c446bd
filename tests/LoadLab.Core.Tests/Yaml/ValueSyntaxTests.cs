using CsCheck;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Yaml;

public sealed class ValueSyntaxTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1m30s250ms", 90_250)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData(" 10s ", 10_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("1d12h", 129_600_000)]
    [InlineData("0.5d", 43_200_000)]
    [InlineData("1d2h3m4s5ms", 93_784_005)]
    public void DurationsTryParse_ValidText_ReturnsMilliseconds(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("fast")]
    [InlineData("10 s")]
    [InlineData("30m1h")]
    [InlineData("1s1s")]
    [InlineData("5D")]
    [InlineData("1h1d")]
    [InlineData("5w")]
    [InlineData("-5s")]
    [InlineData("s")]
    [InlineData("")]
    [InlineData("1.2.3s")]
    public void DurationsTryParse_InvalidText_ReturnsFalse(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_250, "1m30s250ms")]
    [InlineData(3_600_000L * 30, "1d6h")]
    [InlineData(86_400_000L * 7, "7d")]
    public void DurationsFormat_KnownValues_UseLargestUnits(long milliseconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("10", "10s")]
    [InlineData("1.5", "1.5s")]
    [InlineData("10 s", "10s")]
    [InlineData("90 sec", "1m30s")]
    [InlineData("2 minutes", "2m")]
    [InlineData("1h 30m", "1h30m")]
    [InlineData("30m1h", "1h30m")]
    [InlineData("1s1s", "2s")]
    [InlineData("5D", "5d")]
    [InlineData("7 days", "7d")]
    [InlineData("1.5 hours", "1h30m")]
    [InlineData("00:01:30", "1m30s")]
    [InlineData("1.00:00:00", "1d")]
    [InlineData("500 millis", "500ms")]
    [InlineData("fast", null)]
    [InlineData("-5s", null)]
    [InlineData("5w", null)]
    [InlineData("", null)]
    public void DurationsCorrection_NearMisses_GiveTheGrammarSpelling(string text, string? expected)
    {
        var correction = Durations.Correction(text);

        Assert.Equal(expected, correction);
        Assert.True(correction is null || Durations.TryParse(correction, out _), correction);
    }

    [Fact]
    public void Durations_FormatThenParse_RoundTrips()
    {
        Gen.Long[0, TimeSpan.FromDays(30).Ticks].Sample(ticks =>
        {
            var duration = TimeSpan.FromTicks(ticks);
            return Durations.TryParse(Durations.Format(duration), out var parsed) && parsed == duration;
        });
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("512B", 512)]
    [InlineData("1KiB", 1024)]
    [InlineData("8 KiB", 8192)]
    [InlineData("0.5KiB", 512)]
    [InlineData("4KB", 4000)]
    [InlineData("4kb", 4000)]
    [InlineData("1MiB", 1_048_576)]
    [InlineData("2MB", 2_000_000)]
    [InlineData("1GiB", 1_073_741_824)]
    [InlineData("1GB", 1_000_000_000)]
    [InlineData("512MiB", 536_870_912)]
    [InlineData("512MB", 512_000_000)]
    [InlineData("1.5GiB", 1_610_612_736)]
    [InlineData("2TiB", 2_199_023_255_552)]
    [InlineData("2TB", 2_000_000_000_000)]
    [InlineData("1kib", 1024)]
    public void ByteSizesTryParse_ValidText_ReturnsBytes(string text, long bytes)
    {
        Assert.True(ByteSizes.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("1.5B")]
    [InlineData("0.1KiB")]
    [InlineData("big")]
    [InlineData("1 KBB")]
    [InlineData("-1KiB")]
    [InlineData("KiB")]
    [InlineData("")]
    [InlineData("512m")]
    [InlineData("2g")]
    [InlineData("512Mi")]
    [InlineData("1PiB")]
    public void ByteSizesTryParse_InvalidText_ReturnsFalse(string text) => Assert.False(ByteSizes.TryParse(text, out _));

    [Fact]
    public void ByteSizes_FormatThenParse_RoundTrips()
    {
        Gen.Long[0, 1L << 40].Sample(bytes => ByteSizes.TryParse(ByteSizes.Format(bytes), out var parsed) && parsed == bytes);
    }

    [Theory]
    [InlineData(1024, "1KiB")]
    [InlineData(8192, "8KiB")]
    [InlineData(1000, "1000")]
    [InlineData(3_145_728, "3MiB")]
    [InlineData(0, "0")]
    [InlineData(1L << 40, "1TiB")]
    public void ByteSizesFormat_KnownValues_UseBinaryUnits(long bytes, string expected) => Assert.Equal(expected, ByteSizes.Format(bytes));

    [Theory]
    [InlineData("512m", "512MiB")]
    [InlineData("512M", "512MiB")]
    [InlineData("2g", "2GiB")]
    [InlineData("64k", "64KiB")]
    [InlineData("1t", "1TiB")]
    [InlineData("512Mi", "512MiB")]
    [InlineData("2Gi", "2GiB")]
    [InlineData("1.5g", "1.5GiB")]
    [InlineData("100 bytes", "100B")]
    [InlineData("512MiB", null)]
    [InlineData("big", null)]
    [InlineData("0.1k", null)]
    public void ByteSizesCorrection_DockerAndKubernetesForms_GiveTheIecSpelling(string text, string? expected)
    {
        var correction = ByteSizes.Correction(text);

        Assert.Equal(expected, correction);
        Assert.True(correction is null || ByteSizes.TryParse(correction, out _), correction);
    }

    [Theory]
    [InlineData("rat", "rate")]
    [InlineData("partitons", "partitions")]
    [InlineData("replicationFactor", "replication-factor")]
    [InlineData("replication", "replication-factor")]
    [InlineData("duraiton", "duration")]
    [InlineData("zebra", null)]
    [InlineData("partitionCount", null)]
    [InlineData("Duration", "duration")]
    public void SpellingDidYouMean_Typos_FindIntendedKey(string typed, string? expected) =>
        Assert.Equal(expected, Spelling.DidYouMean(typed, ["rate", "partitions", "replication-factor", "duration", "name"]));

    [Theory]
    [InlineData("ab", "ba", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void SpellingDistance_KnownPairs_CountsEdits(string a, string b, int distance) => Assert.Equal(distance, Spelling.Distance(a, b));

    [Theory]
    [InlineData("AgentChain", "agent-chain")]
    [InlineData("ToolCall", "tool-call")]
    [InlineData("Uniform", "uniform")]
    public void KebabCaseFrom_PascalCase_InsertsHyphens(string name, string expected) => Assert.Equal(expected, KebabCase.From(name));
}
