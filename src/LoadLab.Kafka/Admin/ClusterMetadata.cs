using Confluent.Kafka;
using Confluent.Kafka.Admin;
using LoadLab.Core.Environments;

namespace LoadLab.Kafka.Admin;

/// <summary>What the cluster's metadata says right now, through one admin client.</summary>
public sealed class ClusterMetadata(IAdminClient admin)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public Task<IReadOnlyList<BrokerInfo>> BrokersAsync(CancellationToken cancellationToken) => Task.Run<IReadOnlyList<BrokerInfo>>(
        () => [.. admin.GetMetadata(RequestTimeout).Brokers.OrderBy(b => b.BrokerId).Select(b => new BrokerInfo(b.BrokerId, b.Host, b.Port, null))],
        cancellationToken);

    /// <summary>Leader and replicas of one partition, or null when the topic or partition is unknown.</summary>
    public Task<(int? Leader, int[] Replicas)?> PartitionAsync(string topic, int partition, CancellationToken cancellationToken) => Task.Run<(int?, int[])?>(() =>
    {
        var metadata = admin.GetMetadata(topic, RequestTimeout);
        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Partitions.FirstOrDefault(p => p.PartitionId == partition);
        return found is null ? null : (found.Leader >= 0 ? found.Leader : null, found.Replicas);
    }, cancellationToken);

    public async Task<int?> ControllerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cluster = await admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = RequestTimeout }).WaitAsync(cancellationToken).ConfigureAwait(false);
            return cluster.Controller?.Id;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    public async Task<int?> CoordinatorAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            var groups = await admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = RequestTimeout }).WaitAsync(cancellationToken).ConfigureAwait(false);
            return groups.ConsumerGroupDescriptions.FirstOrDefault()?.Coordinator?.Id;
        }
        catch (KafkaException)
        {
            return null;
        }
    }
}
