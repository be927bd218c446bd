using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Engine.Sampling;

/// <summary>
/// One <c>partitions.csv</c> row per partition and interval: what producers got acknowledged there, and the worst lag of
/// the groups that read its topic.
/// </summary>
internal sealed class PartitionCounters(PartitionMap partitions, PartitionLedger ledger, IReadOnlyList<GroupProgress> groups)
{
    private readonly long[] _acked = new long[partitions.Count];
    private readonly long[] _bytes = new long[partitions.Count];

    /// <summary>The rows of [<paramref name="second"/>, +1): counts since the last call, lag now.</summary>
    public List<PartitionRow> Close(int second)
    {
        var rows = new List<PartitionRow>(partitions.Count);
        for (var i = 0; i < partitions.Count; i++)
        {
            var (topic, partition) = partitions[i];
            var acked = ledger.Acked(i);
            var bytes = ledger.Bytes(i);
            rows.Add(new PartitionRow(second, topic, partition, acked - _acked[i], bytes - _bytes[i], WorstLag(topic, partition)));
            _acked[i] = acked;
            _bytes[i] = bytes;
        }

        return rows;
    }

    /// <summary>The largest lag in messages of the groups reading <paramref name="topic"/> at <paramref name="partition"/>; 0 when none reads it.</summary>
    public long WorstLag(string topic, int partition)
    {
        long lag = 0;
        foreach (var progress in groups)
        {
            if (progress.Topic == topic)
            {
                lag = Math.Max(lag, progress.PartitionLag(ledger, partition));
            }
        }

        return lag;
    }
}
