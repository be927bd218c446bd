using LoadLab.Core.Regression;

namespace LoadLab.Core.Tests.Regression;

public sealed class StatisticsTests
{
    [Fact]
    public void MannWhitneyPValue_SeparatedSamples_MatchesTheNormalApproximation()
    {
        // U = 0, mean 12.5, variance 25·11/12; z = 12/4.787 = 2.507 → p = 0.0122 (SciPy asymptotic with continuity).
        Assert.Equal(0.0122, Statistics.MannWhitneyPValue([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 4);
    }

    [Fact]
    public void MannWhitneyPValue_IdenticalValues_IsOne()
    {
        Assert.Equal(1, Statistics.MannWhitneyPValue([3, 3, 3, 3], [3, 3, 3, 3]));
    }

    [Fact]
    public void MannWhitneyPValue_InterleavedSamples_IsLarge()
    {
        Assert.True(Statistics.MannWhitneyPValue([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]) > 0.5);
    }

    [Fact]
    public void Erfc_KnownValues()
    {
        Assert.Equal(1, Statistics.Erfc(0), 6);
        Assert.Equal(0.157299, Statistics.Erfc(1), 6);
        Assert.Equal(1.842701, Statistics.Erfc(-1), 6);
    }

    [Fact]
    public void Median_EvenCount_AveragesTheMiddlePair()
    {
        Assert.Equal(2.5, Statistics.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void BootstrapInterval_ContainsThePointEstimateAndWidensWithNoise()
    {
        var calm = Statistics.BootstrapInterval([SyntheticRuns.LogNormal(10, 0.05, 60, 1)], [SyntheticRuns.LogNormal(10, 0.05, 60, 2)], (c, b) => c / b - 1, 0.95, 5, 9);
        var noisy = Statistics.BootstrapInterval([SyntheticRuns.LogNormal(10, 0.8, 60, 1)], [SyntheticRuns.LogNormal(10, 0.8, 60, 2)], (c, b) => c / b - 1, 0.95, 5, 9);

        Assert.True(calm.Low < 0.02 && calm.High > -0.02, $"{calm}");
        Assert.True(noisy.High - noisy.Low > 4 * (calm.High - calm.Low), $"{calm} vs {noisy}");
    }

    [Fact]
    public void BootstrapInterval_RunsThatDisagree_NoLongerExcludeNoChange()
    {
        // Two baseline runs of the same build, one on a busy machine: the current run matches the quiet one.
        IReadOnlyList<double>[] baseline = [SyntheticRuns.LogNormal(10, 0.1, 60, 1), SyntheticRuns.LogNormal(30, 0.1, 60, 2)];
        IReadOnlyList<double>[] current = [SyntheticRuns.LogNormal(10, 0.1, 60, 3)];

        var pooledAsOneRun = Statistics.BootstrapInterval([[.. baseline[0], .. baseline[1]]], current, (c, b) => c / b - 1, 0.95, 5, 9);
        var byRun = Statistics.BootstrapInterval(baseline, current, (c, b) => c / b - 1, 0.95, 5, 9);

        // Pooled as if one run, the interval excludes "no change"; drawing runs first, it does not.
        Assert.True(pooledAsOneRun.High < 0 && byRun.High > 0, $"{pooledAsOneRun} vs {byRun}");
    }
}
