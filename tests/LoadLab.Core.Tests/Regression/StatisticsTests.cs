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
    [Fact]
    public void Median_OddCount_IsTheMiddleValueAndLeavesTheInputUnsorted()
    {
        double[] values = [5, 1, 3];

        Assert.Equal(3, Statistics.Median(values));
        Assert.Equal([5, 1, 3], values);
    }

    [Fact]
    public void Median_NoValues_Throws()
    {
        Assert.Throws<ArgumentException>(() => Statistics.Median([]));
    }

    [Fact]
    public void MannWhitneyPValue_EmptySide_Throws()
    {
        Assert.Throws<ArgumentException>(() => Statistics.MannWhitneyPValue([], [1, 2]));
        Assert.Throws<ArgumentException>(() => Statistics.MannWhitneyPValue([1, 2], []));
    }

    [Fact]
    public void MannWhitneyPValue_TiesAcrossSamples_UseAverageRanksAndTheTieCorrection()
    {
        // Pooled: 1a 2a 2a 2b 3a 3b 4b 5b; ranks 1, 3, 3, 3, 5.5, 5.5, 7, 8 → R(a) = 12.5, U = 12.5 − 10 = 2.5, mean 8.
        // Ties: a group of 3 and one of 2 → Σ(t³ − t) = 24 + 6 = 30; variance = 16/12 · (9 − 30/56) = 11.2857.
        // z = (|2.5 − 8| − 0.5)/√11.2857 = 1.48835 → p = erfc(z/√2) = 0.136658.
        Assert.Equal(0.136658, Statistics.MannWhitneyPValue([1, 2, 2, 3], [2, 3, 4, 5]), 6);
        Assert.Equal(0.136658, Statistics.MannWhitneyPValue([2, 3, 4, 5], [1, 2, 2, 3]), 6);
    }

    [Fact]
    public void MannWhitneyPValue_UAtItsMean_IsExactlyOne()
    {
        // R(a) = 1 + 4 = 5, U = 2 = n1·n2/2: z = 0 and the fitted erfc(0) is 1.00000003, which the p-value caps at 1.
        Assert.Equal(1.0, Statistics.MannWhitneyPValue([1, 4], [2, 3]));
    }

    [Fact]
    public void BootstrapInterval_KnownEstimates_AreInterpolatedAtTheTailQuantiles()
    {
        // The statistic returns 0, 1, …, 1999 in turn: the 2.5 % and 97.5 % quantiles of 2,000 sorted estimates sit at
        // positions 0.025·1999 = 49.975 and 0.975·1999 = 1949.025, interpolated between their neighbours.
        var next = 0;
        var (low, high) = Statistics.BootstrapInterval([[1, 2, 3]], [[4, 5, 6]], (_, _) => next++, 0.95, 1, 1);

        Assert.Equal(Statistics.BootstrapResamples, next);
        Assert.Equal(49.975, low, 9);
        Assert.Equal(1949.025, high, 9);
    }

    [Fact]
    public void BootstrapInterval_InfiniteNeighbour_TakesTheNearestRankInsteadOfInterpolating()
    {
        // Estimates 0 … 1949 then +∞ (a rise from zero): the upper bound at 1949.025 lies next to an infinite estimate,
        // so it is the nearer rank (1949), not 1949 + (∞ − 1949)·0.025 = ∞; the lower bound stays interpolated.
        var next = 0;
        var (low, high) = Statistics.BootstrapInterval([[1, 2, 3]], [[4, 5, 6]], (_, _) => next++ < 1950 ? next - 1 : double.PositiveInfinity, 0.95, 1, 1);

        Assert.Equal(49.975, low, 9);
        Assert.Equal(1949, high);
    }

    [Fact]
    public void BootstrapInterval_WholeRunAsOneBlock_ResamplesTheRunItself()
    {
        // A block as long as the run (or longer: it is clamped to the run) can only start at 0, so every resample is
        // the run itself and the interval collapses to the change of the medians: 5/2 − 1 = 1.5.
        var exact = Statistics.BootstrapInterval([[1, 2, 3]], [[4, 5, 6]], (c, b) => c / b - 1, 0.95, 3, 7);
        var clamped = Statistics.BootstrapInterval([[1, 2, 3]], [[4, 5, 6]], (c, b) => c / b - 1, 0.95, 50, 7);

        Assert.Equal((1.5, 1.5), exact);
        Assert.Equal((1.5, 1.5), clamped);
    }

    [Fact]
    public void BootstrapInterval_BlockLengthZero_IsTreatedAsSingleValues()
    {
        // Every value 3 on one side and 6 on the other: whatever is drawn, the change is 6/3 − 1 = 1.
        var interval = Statistics.BootstrapInterval([[3, 3, 3, 3]], [[6, 6, 6, 6]], (c, b) => c / b - 1, 0.95, 0, 7);

        Assert.Equal((1.0, 1.0), interval);
    }

    [Fact]
    public void BootstrapInterval_BlocksLongerThanTheRest_DrawExactlyTheRunsLength()
    {
        // Seven values in blocks of 5: a resample is one block and the first two values of another, so its median is a
        // drawn value, 0 or 100. Were the second block drawn whole (ten values), two blocks starting at 0 and 1 would
        // give the median (0 + 100)/2 = 50.
        var medians = new HashSet<double>();
        Statistics.BootstrapInterval([[1]], [[0, 0, 0, 100, 100, 100, 100]], (c, _) => { medians.Add(c); return c; }, 0.95, 5, 3);

        Assert.Subset(new HashSet<double> { 0, 100 }, medians);
    }

    [Fact]
    public void BootstrapInterval_SeveralRuns_DrawsAsManyRunsAsTheSideHas()
    {
        // Two runs of a single value each: a resample draws two runs with replacement, so its median is 1 (both the
        // first), 3 (both the second) or 2 (one of each, the average of the middle pair); with all three seen over 2,000
        // resamples, drawing one run only (median 1 or 3) or three (median 1 or 3) is ruled out.
        var medians = new HashSet<double>();
        Statistics.BootstrapInterval([[1]], [[1], [3]], (c, _) => { medians.Add(c); return c; }, 0.95, 1, 3);

        Assert.Equal(new HashSet<double> { 1, 2, 3 }, medians);
    }
}
