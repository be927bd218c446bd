using Confluent.Kafka;
using Confluent.Kafka.Admin;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;

namespace LoadLab.Kafka.Admin;

/// <summary>The topic operations the topic policy needs; an interface so policies are tested without a cluster.</summary>
public interface ITopicAdmin
{
    /// <summary>Existing topics among <paramref name="names"/> with their partition count and replication factor.</summary>
    Task<IReadOnlyDictionary<string, (int Partitions, int ReplicationFactor)>> DescribeAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);

    Task CreateAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken);

    /// <summary>Messages held by the topic (high minus low watermark, summed over partitions).</summary>
    Task<long> CountMessagesAsync(string topic, int partitions, CancellationToken cancellationToken);
}

/// <summary><see cref="ITopicAdmin"/> through the Kafka admin API and watermark queries.</summary>
public sealed class KafkaTopicAdmin(IAdminClient admin, IReadOnlyDictionary<string, string> clientSettings, string bootstrapServers) : ITopicAdmin
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    public Task<IReadOnlyDictionary<string, (int Partitions, int ReplicationFactor)>> DescribeAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyDictionary<string, (int, int)>>(() =>
        {
            var metadata = admin.GetMetadata(RequestTimeout);
            return metadata.Topics
                .Where(t => names.Contains(t.Topic) && t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
                .ToDictionary(t => t.Topic, t => (t.Partitions.Count, t.Partitions.Max(p => p.Replicas.Length)), StringComparer.Ordinal);
        }, cancellationToken);

    public Task CreateAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken) =>
        TopicCreation.CreateAsync(admin, topics, "Create them yourself and use topics: {policy: existing}, or fix the cluster's permissions.", cancellationToken);

    public async Task DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        await admin.DeleteTopicsAsync(names, new DeleteTopicsOptions { RequestTimeout = RequestTimeout, OperationTimeout = RequestTimeout })
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<long> CountMessagesAsync(string topic, int partitions, CancellationToken cancellationToken) => Task.Run(() =>
    {
        using var consumer = KafkaClients.WatermarkReader(bootstrapServers, clientSettings, "loadlab-topic-check");
        long held = 0;
        for (var partition = 0; partition < partitions; partition++)
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), RequestTimeout);
            held += Math.Max(0, offsets.High.Value - offsets.Low.Value);
        }

        return held;
    }, cancellationToken);
}

/// <summary>Topic creation through the admin API (CreateTopics), for every environment whose cluster supports it.</summary>
public static class TopicCreation
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Creates <paramref name="topics"/>; one that already exists (left by an earlier run of a cluster kept up) is used as
    /// it is. Throws <see cref="EnvironmentException"/> naming each refused topic and its reason, followed by <paramref name="fix"/>.
    /// </summary>
    public static async Task CreateAsync(IAdminClient admin, IReadOnlyList<TopicSpec> topics, string fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Count == 0)
        {
            return;
        }

        try
        {
            await admin.CreateTopicsAsync(
                topics.Select(t => new TopicSpecification
                {
                    Name = t.Name,
                    NumPartitions = t.Partitions,
                    ReplicationFactor = (short)t.ReplicationFactor,
                    // A scenario's retention is the topic's (loadlab cost prices it too).
                    Configs = t.Retention is { } retention
                        ? new Dictionary<string, string> { ["retention.ms"] = ((long)retention.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                        : null,
                }),
                new CreateTopicsOptions { RequestTimeout = RequestTimeout, OperationTimeout = RequestTimeout }).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Topics that exist already are used as they are.
        }
        catch (CreateTopicsException e)
        {
            var failed = e.Results.Where(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists)).Select(r => $"{r.Topic}: {r.Error.Reason}");
            throw new EnvironmentException($"The cluster refused to create topics ({string.Join("; ", failed)}). {fix}", e);
        }
        catch (KafkaException e)
        {
            throw new EnvironmentException($"Creating topics failed: {e.Error.Reason}. {fix}", e);
        }
    }
}
