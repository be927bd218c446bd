using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public sealed class ZipfSamplerTests
{
    // The sampler's integral of x^−s and its inverse divide by (1 − s), so for exponents near 1 they go through
    // (e^x − 1)/x and ln(1 + x)/x at arguments near 0, where the library functions lose digits and a series is used.
    // The references are exact to about one unit in the last place: e^x − 1 = 2·sinh(x/2)·e^(x/2) and
    // ln(1 + x) = 2·atanh(x/(2 + x)) have no cancellation.
    private const double DoublePrecision = 1e-15;

    public static TheoryData<double> SeriesArguments => [1e-4, -1e-4, 9.9e-5, -9.9e-5, 5e-5, -5e-5, 3.3e-5, -2.7e-5, 1e-6, -1e-6, 1e-9, 0];

    [Theory]
    [MemberData(nameof(SeriesArguments))]
    public void ExpM1OverX_ArgumentsWhereTheSeriesIsUsed_EqualTheExactValueToDoublePrecision(double x)
    {
        var exact = x == 0 ? 1.0 : 2 * Math.Sinh(x / 2) * Math.Exp(x / 2) / x;

        Assert.Equal(exact, ZipfSampler.ExpM1OverX(x), DoublePrecision);
    }

    [Theory]
    [MemberData(nameof(SeriesArguments))]
    public void Log1POverX_ArgumentsWhereTheSeriesIsUsed_EqualTheExactValueToDoublePrecision(double x)
    {
        var exact = x == 0 ? 1.0 : 2 * Math.Atanh(x / (2 + x)) / x;

        Assert.Equal(exact, ZipfSampler.Log1POverX(x), DoublePrecision);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-0.3)]
    [InlineData(2e-4)]
    [InlineData(-2e-4)]
    public void ExpM1OverXAndLog1POverX_ArgumentsAwayFromZero_EqualTheExactValue(double x)
    {
        // Outside the series the direct formula's cancellation costs about 1e-16/|x| relative: 1e-12 at 1e-4.
        Assert.Equal(2 * Math.Sinh(x / 2) * Math.Exp(x / 2) / x, ZipfSampler.ExpM1OverX(x), 1e-11);
        Assert.Equal(2 * Math.Atanh(x / (2 + x)) / x, ZipfSampler.Log1POverX(x), 1e-11);
    }

    [Theory]
    [InlineData(0.999_99)]
    [InlineData(1.000_01)]
    public void Sample_ExponentWithinTheSeriesRangeOfOne_RankFrequenciesMatchTheExactProbabilities(double exponent)
    {
        // (1 − s)·ln x stays below 1e-4 for every x the sampler integrates (ln 100.5 < 5), so all its integrals and
        // their inverses go through the series; exponent 1 itself takes neither (the argument is exactly 0).
        const int space = 100;
        const int samples = 200_000;
        var sampler = new ZipfSampler(space, exponent);
        var random = new FastRandom(17);
        var counts = new long[space];
        for (var i = 0; i < samples; i++)
        {
            counts[sampler.Sample(ref random)]++;
        }

        // Every rank on its own: 99 degrees of freedom, upper 0.1 % point 148.23 (a correct sampler fails 1 seed in 1,000).
        var chiSquare = Enumerable.Range(0, space)
            .Sum(rank => Math.Pow(counts[rank] - (samples * sampler.Probability(rank)), 2) / (samples * sampler.Probability(rank)));
        Assert.True(chiSquare < 148.23, $"chi-square {chiSquare:F1} with 99 degrees of freedom");
    }

    [Fact]
    public void Constructor_EmptyKeySpace_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("n", () => new ZipfSampler(0, 1.0));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-0.5)]
    public void Constructor_ExponentNotAFiniteNonNegativeNumber_ThrowsNamingTheRule(double exponent)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>("exponent", () => new ZipfSampler(10, exponent));

        Assert.Contains("finite number ≥ 0", error.Message, StringComparison.Ordinal);
    }
}
