using LoadLab.Core.Measurement.Recovery;
using LoadLab.Engine.Producing;

namespace LoadLab.Engine.Sampling;

/// <summary>Producer errors per second and code, for the recovery analysis and a split run's merge.</summary>
internal sealed class ProducerErrors(IReadOnlyList<OpenLoopProducer> producers)
{
    private readonly List<ErrorCount> _perSecond = [];
    private Dictionary<string, long> _totals = new(StringComparer.Ordinal);

    /// <summary>Errors per second and code so far.</summary>
    public IReadOnlyList<ErrorCount> PerSecond => _perSecond;

    /// <summary>Every producer's errors so far, by code.</summary>
    public Dictionary<string, long> Totals()
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var producer in producers)
        {
            foreach (var (code, count) in producer.Stats.ErrorsByCode())
            {
                totals[code] = totals.GetValueOrDefault(code) + count;
            }
        }

        return totals;
    }

    /// <summary>Records the errors since the last call as happening by the end of <paramref name="second"/>.</summary>
    public void Close(int second)
    {
        var totals = Totals();
        foreach (var (code, count) in totals)
        {
            var delta = count - _totals.GetValueOrDefault(code);
            if (delta > 0)
            {
                _perSecond.Add(new ErrorCount(second + 1, code, delta));
            }
        }

        _totals = totals;
    }
}
