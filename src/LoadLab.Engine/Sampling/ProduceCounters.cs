using LoadLab.Core.Scenarios;
using LoadLab.Engine.Producing;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Sampling;

/// <summary>One interval of the producers: the row's counts and the same counts per traffic stream.</summary>
internal sealed record ProduceInterval(long Sent, long Acked, long Failed, long QueueFull, StreamInterval[] Streams);

/// <summary>
/// Turns the producers' cumulative counters into per-interval counts. Each counter is read once per interval, so the
/// row's totals are exactly the sums of the streams' numbers (a producer belongs to the stream it was made for).
/// </summary>
internal sealed class ProduceCounters(IReadOnlyList<OpenLoopProducer> producers, IReadOnlyList<TrafficStream> streams, TargetSchedule target)
{
    private readonly (long Sent, long Acked, long Failed)[] _streamTotals = new (long, long, long)[streams.Count];
    private long _queueFull;

    /// <summary>The counts since the last call; the streams' targets are those of [<paramref name="second"/>, +1).</summary>
    public ProduceInterval Close(int second)
    {
        var totals = new (long Sent, long Acked, long Failed)[streams.Count];
        for (var i = 0; i < totals.Length; i++)
        {
            var name = streams[i].Name;
            foreach (var producer in producers)
            {
                if (producer.Stream.Name == name)
                {
                    totals[i] = (totals[i].Sent + producer.Stats.Sent, totals[i].Acked + producer.Stats.Acked, totals[i].Failed + producer.Stats.Failed);
                }
            }
        }

        var queueFull = producers.Sum(p => p.Stats.QueueFull);
        var intervals = new StreamInterval[totals.Length];
        for (var i = 0; i < intervals.Length; i++)
        {
            var previous = _streamTotals[i];
            intervals[i] = new StreamInterval(streams[i].Name, streams[i].Topic, target.StreamInSecond(i, second), totals[i].Sent - previous.Sent, totals[i].Acked - previous.Acked, totals[i].Failed - previous.Failed);
            _streamTotals[i] = totals[i];
        }

        var interval = new ProduceInterval(intervals.Sum(s => s.Sent), intervals.Sum(s => s.Acked), intervals.Sum(s => s.Failed), queueFull - _queueFull, intervals);
        _queueFull = queueFull;
        return interval;
    }
}
