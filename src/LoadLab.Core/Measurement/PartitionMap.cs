using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Measurement;

/// <summary>Dense indexes for the (topic, partition) pairs of a run, so hot paths use arrays, not dictionaries.</summary>
public sealed class PartitionMap
{
    private readonly Dictionary<string, int> _firstIndexByTopic = new(StringComparer.Ordinal);
    private readonly (string Topic, int Partition)[] _pairs;

    public PartitionMap(IEnumerable<TopicSpec> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var pairs = new List<(string, int)>();
        foreach (var topic in topics)
        {
            _firstIndexByTopic[topic.Name] = pairs.Count;
            for (var p = 0; p < topic.Partitions; p++)
            {
                pairs.Add((topic.Name, p));
            }
        }

        _pairs = [.. pairs];
    }

    /// <summary>Number of partitions over all topics.</summary>
    public int Count => _pairs.Length;

    /// <summary>The first index of a topic's partitions; partition p of the topic has index first + p.</summary>
    public int FirstIndexOf(string topic) => _firstIndexByTopic[topic];

    /// <summary>Number of partitions of a topic.</summary>
    public int PartitionsOf(string topic)
    {
        var first = FirstIndexOf(topic);
        var count = 0;
        while (first + count < _pairs.Length && _pairs[first + count].Topic == topic)
        {
            count++;
        }

        return count;
    }

    /// <summary>Topic and partition of an index.</summary>
    public (string Topic, int Partition) this[int index] => _pairs[index];
}
