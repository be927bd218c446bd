namespace LoadLab.Core.Regression;

/// <summary>The two tests behind a verdict: a Mann–Whitney U rank test and a block-bootstrap confidence interval.</summary>
public static class Statistics
{
    /// <summary>Resamples of the bootstrap; 2,000 keep the 95 % bounds stable to about a percent of the interval.</summary>
    public const int BootstrapResamples = 2000;

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// Two-sided p-value of the Mann–Whitney U test that <paramref name="a"/> and <paramref name="b"/> come from the
    /// same distribution (normal approximation with tie and continuity correction; 1 when every value is equal).
    /// </summary>
    public static double MannWhitneyPValue(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n1 = a.Count, n2 = b.Count, n = n1 + n2;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        var pooled = new (double Value, bool FromA)[n];
        for (var i = 0; i < n1; i++)
        {
            pooled[i] = (a[i], true);
        }

        for (var i = 0; i < n2; i++)
        {
            pooled[n1 + i] = (b[i], false);
        }

        Array.Sort(pooled, (x, y) => x.Value.CompareTo(y.Value));
        double rankSumA = 0, tieTerm = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end + 1 < n && pooled[end + 1].Value.Equals(pooled[start].Value))
            {
                end++;
            }

            var averageRank = (start + end) / 2.0 + 1;
            for (var i = start; i <= end; i++)
            {
                if (pooled[i].FromA)
                {
                    rankSumA += averageRank;
                }
            }

            double ties = end - start + 1;
            tieTerm += ties * ties * ties - ties;
            start = end + 1;
        }

        var u = rankSumA - n1 * (n1 + 1) / 2.0;
        var mean = n1 * (double)n2 / 2;
        var variance = n1 * (double)n2 / 12 * (n + 1 - tieTerm / (n * (double)(n - 1)));
        if (variance <= 0)
        {
            return 1;
        }

        var z = Math.Max(0, Math.Abs(u - mean) - 0.5) / Math.Sqrt(variance);
        return Math.Min(1, Erfc(z / Math.Sqrt(2)));
    }

    /// <summary>
    /// Percentile-bootstrap interval at <paramref name="confidence"/> of <paramref name="statistic"/>(median of
    /// current, median of baseline). Each side is a list of runs: a resample first draws runs with replacement (so
    /// that run-to-run noise, such as a busier machine, widens the interval when a side has several runs), then
    /// blocks of <paramref name="blockLength"/> consecutive values within each drawn run (neighbouring seconds move
    /// together and are not independent evidence). Deterministic for a seed.
    /// </summary>
    public static (double Low, double High) BootstrapInterval(
        IReadOnlyList<IReadOnlyList<double>> baselineRuns,
        IReadOnlyList<IReadOnlyList<double>> currentRuns,
        Func<double, double, double> statistic,
        double confidence,
        int blockLength,
        int seed)
    {
        var random = new Random(seed);
        var estimates = new double[BootstrapResamples];
        var baselineBuffer = new List<double>();
        var currentBuffer = new List<double>();
        for (var r = 0; r < BootstrapResamples; r++)
        {
            Resample(baselineRuns, baselineBuffer, blockLength, random);
            Resample(currentRuns, currentBuffer, blockLength, random);
            estimates[r] = statistic(Median(currentBuffer), Median(baselineBuffer));
        }

        Array.Sort(estimates);
        var tail = (1 - confidence) / 2;
        return (Quantile(estimates, tail), Quantile(estimates, 1 - tail));
    }

    private static void Resample(IReadOnlyList<IReadOnlyList<double>> runs, List<double> target, int blockLength, Random random)
    {
        target.Clear();
        for (var drawn = 0; drawn < runs.Count; drawn++)
        {
            var run = runs[random.Next(runs.Count)];
            var block = Math.Clamp(blockLength, 1, run.Count);
            for (var filled = 0; filled < run.Count;)
            {
                var start = random.Next(run.Count - block + 1);
                for (var i = 0; i < block && filled < run.Count; i++, filled++)
                {
                    target.Add(run[start + i]);
                }
            }
        }
    }

    private static double Quantile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var fraction = position - lower;
        return double.IsInfinity(sorted[lower]) || double.IsInfinity(sorted[upper]) || fraction == 0
            ? sorted[fraction < 0.5 ? lower : upper]
            : sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
    }

    /// <summary>Complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    internal static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
            t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
