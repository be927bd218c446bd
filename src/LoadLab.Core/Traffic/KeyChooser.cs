using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// Chooses the key index of each message: the stream's distribution, overridden inside hot-key windows.
/// In a window a message goes to the hot key(s) with probability <c>Share</c>, otherwise to the normal
/// distribution (which may pick the hot key too), so a hot key's share is Share + (1 − Share)·p(key).
/// "Top-N" means the N most frequent keys: Zipf ranks 0..N−1, and for the flat distributions simply
/// indices 0..N−1.
/// </summary>
internal sealed class KeyChooser
{
    private readonly KeyDistribution _distribution;
    private readonly int _space;
    private readonly ZipfSampler? _zipf;
    private readonly HotWindow[] _hotWindows;
    private long _nextSequential;

    public KeyChooser(KeySpec spec, int producerIndex, int producerCount)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _distribution = spec.Distribution;
        _space = spec.Space;
        if (_distribution == KeyDistribution.Zipf)
        {
            _zipf = new ZipfSampler(spec.Space, spec.ZipfExponent);
        }

        // Producers of one stream start their sequences spread over the key space, not all at key 0.
        _nextSequential = (long)producerIndex * spec.Space / Math.Max(1, producerCount);
        _hotWindows = spec.HotKeys.OrderBy(window => window.At).Select(window => ToHotWindow(window, spec.Space)).ToArray();
    }

    /// <summary>Exact probability of a key index under the normal (non-hot) distribution.</summary>
    public double Probability(int index) => _distribution switch
    {
        KeyDistribution.Zipf => _zipf!.Probability(index),
        KeyDistribution.None => 0,
        _ => 1.0 / _space,
    };

    /// <summary>The key index for a message due at <paramref name="elapsedTicks"/>, or −1 for no key.</summary>
    public int Next(long elapsedTicks, ref FastRandom random)
    {
        if (_distribution == KeyDistribution.None)
        {
            return -1;
        }

        foreach (var window in _hotWindows)
        {
            if (elapsedTicks >= window.FromTicks && elapsedTicks < window.UntilTicks)
            {
                if (random.NextDouble() < window.Share)
                {
                    return window.Count == 1 ? window.First : window.First + random.NextInt(window.Count);
                }

                break;
            }
        }

        switch (_distribution)
        {
            case KeyDistribution.Zipf:
                return _zipf!.Sample(ref random);
            case KeyDistribution.Sequential:
                var index = (int)(_nextSequential % _space);
                _nextSequential++;
                return index;
            default:
                return random.NextInt(_space);
        }
    }

    private static HotWindow ToHotWindow(HotKeyWindow window, int space)
    {
        if (window.Share is < 0 or > 1 || double.IsNaN(window.Share))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window.Share, "A hot-key window's share must be between 0 and 1.");
        }

        var (first, count) = (window.Key, window.TopN) switch
        {
            ({ } key, null) when key >= 0 && key < space => (key, 1),
            (null, { } top) when top >= 1 && top <= space => (0, top),
            _ => throw new ArgumentException(
                $"A hot-key window needs exactly one of 'key' (0..{space - 1}) or 'topN' (1..{space}); got key={window.Key}, topN={window.TopN}.",
                nameof(window)),
        };
        return new HotWindow(window.At.Ticks, (window.At + window.Duration).Ticks, window.Share, first, count);
    }

    private readonly record struct HotWindow(long FromTicks, long UntilTicks, double Share, int First, int Count);
}
