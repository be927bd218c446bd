using LoadLab.Core.Regression;

namespace LoadLab.Core.Tests.Regression;

/// <summary>Result sets with known truth: per-second values drawn from log-normal distributions with fixed seeds.</summary>
internal static class SyntheticRuns
{
    /// <summary>A run whose <paramref name="metric"/> has <paramref name="seconds"/> per-second values around <paramref name="median"/>.</summary>
    public static RunSample Run(string id, string metric, double median, double spread, int seconds, int seed, IReadOnlyDictionary<string, double>? headline = null)
    {
        var values = LogNormal(median, spread, seconds, seed);
        var head = new Dictionary<string, double>(headline ?? new Dictionary<string, double>()) { [metric] = Statistics.Median(values) };
        return new RunSample(id, head, new Dictionary<string, IReadOnlyList<double>> { [metric] = values });
    }

    /// <summary>A run with headline values only (no per-second series).</summary>
    public static RunSample Headline(string id, params (string Metric, double Value)[] values) =>
        new(id, values.ToDictionary(v => v.Metric, v => v.Value), new Dictionary<string, IReadOnlyList<double>>());

    public static double[] LogNormal(double median, double spread, int count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            // Box-Muller: a standard normal from two uniforms.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = median * Math.Exp(spread * normal);
        }

        return values;
    }
}
