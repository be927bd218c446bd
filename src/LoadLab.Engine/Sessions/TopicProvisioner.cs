using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Kafka.Admin;

namespace LoadLab.Engine.Sessions;

/// <summary>
/// Makes sure a started cluster has every topic a session needs, with the partition count its runs count on: creates
/// through the Kafka admin API what the environment did not create itself (the OpenMessaging Benchmark's "topic
/// creation in the driver"), then waits until the cluster's metadata lists each topic — a topic counts as there only
/// when the cluster says so.
/// </summary>
internal static class TopicProvisioner
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Creates the missing topics of <paramref name="topics"/> (cluster names) and returns the names it created.
    /// Throws <see cref="EnvironmentException"/> when a topic exists with another partition count or does not appear.
    /// </summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(ICluster cluster, IReadOnlyList<TopicSpec> topics, TimeProvider time, CancellationToken cancellationToken)
    {
        if (topics.Count == 0)
        {
            return [];
        }

        using var admin = KafkaClients.Admin(cluster.BootstrapServers, cluster.ClientDefaults);
        var topicAdmin = new KafkaTopicAdmin(admin, cluster.ClientDefaults, cluster.BootstrapServers);
        var names = topics.Select(t => t.Name).ToList();
        var existing = await DescribeAsync(topicAdmin, names, cancellationToken).ConfigureAwait(false);
        var missing = topics.Where(t => !existing.ContainsKey(t.Name)).ToList();
        if (missing.Count > 0)
        {
            await topicAdmin.CreateAsync(missing, cancellationToken).ConfigureAwait(false);
        }

        var started = time.GetTimestamp();
        while (true)
        {
            var wrong = topics.Where(t => existing.TryGetValue(t.Name, out var found) && found.Partitions != t.Partitions).ToList();
            if (wrong.Count > 0)
            {
                throw new EnvironmentException(
                    $"{string.Join("; ", wrong.Select(t => $"topic {t.Name} has {existing[t.Name].Partitions} partitions on the cluster, but the scenario wants {t.Partitions}"))}. " +
                    "Delete the topics or change the scenario's partition counts: a run counts messages per partition.");
            }

            var absent = topics.Where(t => !existing.ContainsKey(t.Name)).Select(t => t.Name).ToList();
            if (absent.Count == 0)
            {
                return [.. missing.Select(t => t.Name)];
            }

            if (time.GetElapsedTime(started) > MetadataTimeout)
            {
                throw new EnvironmentException(
                    $"The cluster's metadata does not list {string.Join(", ", absent)} {MetadataTimeout.TotalSeconds:0} s after {(missing.Count > 0 ? "they were created" : "the environment started")}. " +
                    "Check the brokers' logs and the client's permissions to describe topics.");
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            existing = await DescribeAsync(topicAdmin, names, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyDictionary<string, (int Partitions, int ReplicationFactor)>> DescribeAsync(ITopicAdmin admin, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        try
        {
            return await admin.DescribeAsync(names, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            throw new EnvironmentException($"Reading the cluster's topics failed: {e.Error.Reason}. Check that the brokers are up and reachable from this machine.", e);
        }
    }
}
