using LoadLab.Core.Results;
using LoadLab.Engine.Producing;

namespace LoadLab.Engine.Sampling;

/// <summary>The average message size of each interval, and the smallest and largest of those averages over the run.</summary>
internal sealed class PayloadSizes(IReadOnlyList<OpenLoopProducer> producers)
{
    private long _minAverage = long.MaxValue;
    private long _maxAverage;

    /// <summary>The average size of the messages sent since the last call; null when none was sent.</summary>
    public double? Close()
    {
        long messages = 0;
        long bytes = 0;
        foreach (var producer in producers)
        {
            var (sent, sentBytes) = producer.TakeSizeInterval();
            messages += sent;
            bytes += sentBytes;
        }

        if (messages == 0)
        {
            return null;
        }

        var average = bytes / messages;
        _minAverage = Math.Min(_minAverage, average);
        _maxAverage = Math.Max(_maxAverage, average);
        return (double)bytes / messages;
    }

    /// <summary>The run's average message size and the range of the per-interval averages; null when nothing was sent.</summary>
    public PayloadSummary? Summary()
    {
        var sent = producers.Sum(p => p.Stats.Sent);
        return sent > 0 ? new PayloadSummary(Math.Round((double)producers.Sum(p => p.Stats.SentBytes) / sent, 1), _minAverage, _maxAverage) : null;
    }
}
