using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public class KeyChooserTests
{
    // Upper 0.1 % points of the chi-square distribution: a correct sampler fails these 1 time in 1,000 seeds.
    private const double ChiSquare99DegreesAt0001 = 148.23;
    private const double ChiSquare50DegreesAt0001 = 86.66;

    [Fact]
    public void Next_Uniform_PassesChiSquareTest()
    {
        var chooser = new KeyChooser(new KeySpec { Distribution = KeyDistribution.Uniform, Space = 100 }, 0, 1);
        var random = new FastRandom(42);
        const int samples = 200_000;
        var counts = new long[100];
        for (var i = 0; i < samples; i++)
        {
            counts[chooser.Next(0, ref random)]++;
        }

        var expected = samples / 100.0;
        var chiSquare = counts.Sum(observed => (observed - expected) * (observed - expected) / expected);
        Assert.True(chiSquare < ChiSquare99DegreesAt0001, $"chi-square {chiSquare:F1} with 99 degrees of freedom");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.2)]
    [InlineData(0.6)]
    [InlineData(2.0)]
    [InlineData(0.0)]
    public void Next_Zipf_RankFrequenciesMatchTheory(double exponent)
    {
        const int space = 5_000;
        const int samples = 400_000;
        var chooser = new KeyChooser(new KeySpec { Distribution = KeyDistribution.Zipf, Space = space, ZipfExponent = exponent }, 0, 1);
        var random = new FastRandom(7);
        var counts = new long[space];
        for (var i = 0; i < samples; i++)
        {
            counts[chooser.Next(0, ref random)]++;
        }

        // Ranks 0..49 one by one, the long tail as one bin: 50 degrees of freedom.
        var theory = Enumerable.Range(1, space).Select(rank => 1.0 / Math.Pow(rank, exponent)).ToArray();
        var total = theory.Sum();
        var chiSquare = 0.0;
        for (var rank = 0; rank < 50; rank++)
        {
            var expected = samples * theory[rank] / total;
            chiSquare += (counts[rank] - expected) * (counts[rank] - expected) / expected;
        }

        var tailExpected = samples * theory.Skip(50).Sum() / total;
        var tailObserved = counts.Skip(50).Sum();
        chiSquare += (tailObserved - tailExpected) * (tailObserved - tailExpected) / tailExpected;
        Assert.True(chiSquare < ChiSquare50DegreesAt0001, $"chi-square {chiSquare:F1} with 50 degrees of freedom");
    }

    [Fact]
    public void ZipfSampler_Probabilities_FollowPowerLawAndSumToOne()
    {
        var sampler = new ZipfSampler(1_000, 1.5);

        Assert.Equal(1.0, Enumerable.Range(0, 1_000).Sum(sampler.Probability), 9);
        Assert.Equal(Math.Pow(10, 1.5), sampler.Probability(0) / sampler.Probability(9), 9);
    }

    [Fact]
    public void ZipfSampler_HugeSpace_StaysInRangeAndFavoursTheTop()
    {
        var sampler = new ZipfSampler(int.MaxValue, 1.0);
        var random = new FastRandom(5);
        var top = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var rank = sampler.Sample(ref random);
            Assert.InRange(rank, 0, int.MaxValue - 1);
            top += rank == 0 ? 1 : 0;
        }

        // 1/H(2^31 − 1) ≈ 1/(ln(2^31) + 0.5772) ≈ 0.0448.
        Assert.InRange(top / 100_000.0, 0.0448 - 0.0026, 0.0448 + 0.0026);
    }

    [Fact]
    public void Next_HotKeyWindow_GivesTheKeyItsShareOnlyInsideTheWindow()
    {
        var window = new HotKeyWindow(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), Share: 0.4, Key: 7, TopN: null);
        var chooser = new KeyChooser(new KeySpec { Space = 1_000, HotKeys = [window] }, 0, 1);
        var random = new FastRandom(3);
        const int samples = 100_000;

        var inside = ShareOf(chooser, ref random, TimeSpan.FromSeconds(12), samples, key => key == 7);
        var before = ShareOf(chooser, ref random, TimeSpan.FromSeconds(9.999), samples, key => key == 7);
        var after = ShareOf(chooser, ref random, TimeSpan.FromSeconds(15), samples, key => key == 7);

        var expected = 0.4 + (0.6 / 1_000);
        var sigma = Math.Sqrt(expected * (1 - expected) / samples);
        Assert.InRange(inside, expected - (4 * sigma), expected + (4 * sigma));
        Assert.InRange(before, 0, 0.003);
        Assert.InRange(after, 0, 0.003);
    }

    [Fact]
    public void Next_HotTopNOfZipf_SpreadsTheShareOverTheMostFrequentRanks()
    {
        var window = new HotKeyWindow(TimeSpan.Zero, TimeSpan.FromMinutes(1), Share: 0.5, Key: null, TopN: 4);
        var spec = new KeySpec { Distribution = KeyDistribution.Zipf, Space = 10_000, ZipfExponent = 1.0, HotKeys = [window] };
        var chooser = new KeyChooser(spec, 0, 1);
        var random = new FastRandom(11);
        const int samples = 200_000;
        var counts = new long[4];
        for (var i = 0; i < samples; i++)
        {
            var key = chooser.Next(TimeSpan.FromSeconds(1).Ticks, ref random);
            if (key < 4)
            {
                counts[key]++;
            }
        }

        for (var rank = 0; rank < 4; rank++)
        {
            var expected = (0.5 / 4) + (0.5 * chooser.Probability(rank));
            var sigma = Math.Sqrt(expected * (1 - expected) / samples);
            Assert.InRange((double)counts[rank] / samples, expected - (4 * sigma), expected + (4 * sigma));
        }
    }

    [Fact]
    public void Next_Sequential_CyclesFromTheProducersOffset()
    {
        var spec = new KeySpec { Distribution = KeyDistribution.Sequential, Space = 10 };
        var second = new KeyChooser(spec, producerIndex: 1, producerCount: 2);
        var random = new FastRandom(1);

        var keys = Enumerable.Range(0, 12).Select(_ => second.Next(0, ref random)).ToArray();

        Assert.Equal([5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6], keys);
    }

    [Fact]
    public void Next_None_ReturnsNoKey()
    {
        var chooser = new KeyChooser(new KeySpec { Distribution = KeyDistribution.None }, 0, 1);
        var random = new FastRandom(1);

        Assert.Equal(-1, chooser.Next(0, ref random));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(3, 2)]
    [InlineData(1_000, null)]
    [InlineData(null, 0)]
    public void Constructor_HotWindowWithoutExactlyOneValidTarget_Throws(int? key, int? topN)
    {
        var window = new HotKeyWindow(TimeSpan.Zero, TimeSpan.FromSeconds(1), 0.5, key, topN);

        var error = Assert.Throws<ArgumentException>(() => new KeyChooser(new KeySpec { Space = 1_000, HotKeys = [window] }, 0, 1));

        Assert.Contains("exactly one of 'key' (0..999) or 'topN' (1..1000)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Constructor_HotWindowShareOutsideZeroToOne_ThrowsNamingTheRange(double share)
    {
        var window = new HotKeyWindow(TimeSpan.Zero, TimeSpan.FromSeconds(1), share, Key: 1, TopN: null);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new KeyChooser(new KeySpec { Space = 1_000, HotKeys = [window] }, 0, 1));

        Assert.Contains("between 0 and 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null, 0, 1)]
    [InlineData(9, null, 9, 1)]
    [InlineData(null, 1, 0, 1)]
    [InlineData(null, 10, 0, 10)]
    public void Next_HotWindowAtTheEndsOfTheValidTargets_SendsEveryMessageToItsKeys(int? key, int? topN, int first, int count)
    {
        var window = new HotKeyWindow(TimeSpan.Zero, TimeSpan.FromSeconds(1), Share: 1.0, key, topN);
        var chooser = new KeyChooser(new KeySpec { Distribution = KeyDistribution.Sequential, Space = 10, HotKeys = [window] }, 0, 1);
        var random = new FastRandom(9);

        var keys = Enumerable.Range(0, 200).Select(_ => chooser.Next(0, ref random)).ToHashSet();

        Assert.Equal(Enumerable.Range(first, count).ToHashSet(), keys);
    }

    [Fact]
    public void Next_HotWindowEdges_TheStartTickIsInsideAndTheEndTickOutside()
    {
        // Sequential keys make the choice visible without statistics: the hot key replaces the next sequential key.
        var window = new HotKeyWindow(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), Share: 1.0, Key: 7, TopN: null);
        var chooser = new KeyChooser(new KeySpec { Distribution = KeyDistribution.Sequential, Space = 10, HotKeys = [window] }, 0, 1);
        var random = new FastRandom(1);
        var start = TimeSpan.FromSeconds(10).Ticks;
        var end = TimeSpan.FromSeconds(15).Ticks;

        int[] keys = [chooser.Next(start - 1, ref random), chooser.Next(start, ref random), chooser.Next(end - 1, ref random), chooser.Next(end, ref random)];

        Assert.Equal([0, 7, 7, 1], keys);
    }

    [Fact]
    public void Next_HotWindowWithShareZero_NeverUsesTheHotKey()
    {
        var window = new HotKeyWindow(TimeSpan.Zero, TimeSpan.FromSeconds(1), Share: 0.0, Key: 7, TopN: null);
        var chooser = new KeyChooser(new KeySpec { Distribution = KeyDistribution.Sequential, Space = 10, HotKeys = [window] }, 0, 1);
        var random = new FastRandom(1);

        var keys = Enumerable.Range(0, 20).Select(_ => chooser.Next(0, ref random)).ToArray();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 10), keys);
    }

    [Theory]
    [InlineData(KeyDistribution.Uniform, 0.001)]
    [InlineData(KeyDistribution.Sequential, 0.001)]
    [InlineData(KeyDistribution.None, 0)]
    public void Probability_FlatDistributions_IsOneOverTheSpaceOrZeroWithoutKeys(KeyDistribution distribution, double expected)
    {
        var chooser = new KeyChooser(new KeySpec { Distribution = distribution, Space = 1_000 }, 0, 1);

        Assert.All(new[] { 0, 1, 999 }, index => Assert.Equal(expected, chooser.Probability(index), 15));
    }

    private static double ShareOf(KeyChooser chooser, ref FastRandom random, TimeSpan at, int samples, Func<int, bool> isHot)
    {
        var hot = 0;
        for (var i = 0; i < samples; i++)
        {
            if (isHot(chooser.Next(at.Ticks, ref random)))
            {
                hot++;
            }
        }

        return (double)hot / samples;
    }
}
