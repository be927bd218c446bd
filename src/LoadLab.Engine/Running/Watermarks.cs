using Confluent.Kafka;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Kafka.Admin;

namespace LoadLab.Engine.Running;

/// <summary>Reads each partition's log start offset at the end of a run: below it, retention removed the data.</summary>
internal static class Watermarks
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Log start offsets per partition; partitions whose offsets cannot be read (broker down) are left out,
    /// which the audit reads as 0 (nothing truncated), and an <c>error</c> event says so.
    /// </summary>
    public static Dictionary<(string Topic, int Partition), long> LogStartOffsets(
        string bootstrapServers,
        IReadOnlyDictionary<string, string> clientDefaults,
        IReadOnlyList<TopicSpec> topics,
        ResultsWriter results,
        double seconds)
    {
        var offsets = new Dictionary<(string, int), long>();
        using var consumer = KafkaClients.WatermarkReader(bootstrapServers, clientDefaults, "loadlab-watermarks");
        foreach (var topic in topics)
        {
            for (var partition = 0; partition < topic.Partitions; partition++)
            {
                try
                {
                    offsets[(topic.Name, partition)] = consumer.QueryWatermarkOffsets(new TopicPartition(topic.Name, partition), QueryTimeout).Low.Value;
                }
                catch (KafkaException e)
                {
                    results.Event(seconds, RunEventTypes.Error, [new("where", "log start offset"), new("topic", topic.Name), new("partition", partition), new("error", e.Error.Code.ToString())]);
                }
            }
        }

        return offsets;
    }
}
