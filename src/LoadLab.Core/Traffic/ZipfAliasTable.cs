namespace LoadLab.Core.Traffic;

/// <summary>
/// Samples ranks 0..n−1 with probability proportional to 1/(rank+1)^s in constant time (Vose's alias method):
/// one random number picks a column, its low bits decide between the column and its alias.
/// </summary>
internal sealed class ZipfAliasTable
{
    private readonly uint[] _thresholds;
    private readonly int[] _aliases;

    public ZipfAliasTable(int n, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!double.IsFinite(exponent) || exponent < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The Zipf exponent must be a finite number ≥ 0.");
        }

        Probabilities = new double[n];
        var total = 0.0;
        for (var rank = 0; rank < n; rank++)
        {
            Probabilities[rank] = 1.0 / Math.Pow(rank + 1, exponent);
            total += Probabilities[rank];
        }

        for (var rank = 0; rank < n; rank++)
        {
            Probabilities[rank] /= total;
        }

        _thresholds = new uint[n];
        _aliases = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var rank = 0; rank < n; rank++)
        {
            scaled[rank] = Probabilities[rank] * n;
            (scaled[rank] < 1.0 ? small : large).Push(rank);
        }

        while (small.Count > 0 && large.Count > 0)
        {
            var less = small.Pop();
            var more = large.Pop();
            _thresholds[less] = ToThreshold(scaled[less]);
            _aliases[less] = more;
            scaled[more] = scaled[more] + scaled[less] - 1.0;
            (scaled[more] < 1.0 ? small : large).Push(more);
        }

        // What is left has probability 1 up to rounding: it never defers to an alias.
        foreach (var rank in large.Concat(small))
        {
            _thresholds[rank] = uint.MaxValue;
            _aliases[rank] = rank;
        }
    }

    /// <summary>Exact probability of each rank (for tests and reports).</summary>
    public double[] Probabilities { get; }

    public int Sample(ref FastRandom random)
    {
        var bits = random.NextUInt64();
        var column = (int)(((bits >> 32) * (ulong)(uint)_thresholds.Length) >> 32);
        return (uint)bits < _thresholds[column] ? column : _aliases[column];
    }

    private static uint ToThreshold(double probability) =>
        probability >= 1.0 ? uint.MaxValue : (uint)(probability * 4294967296.0);
}
