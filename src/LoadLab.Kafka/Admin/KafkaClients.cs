using Confluent.Kafka;

namespace LoadLab.Kafka.Admin;

/// <summary>
/// The Kafka clients LoadLab makes beside the load itself (admin requests, watermark queries), built one way for every
/// environment: the environment's client settings (security, timeouts) under the bootstrap servers LoadLab reaches it
/// on, with librdkafka's own log silenced — LoadLab reports what a request returned instead.
/// </summary>
public static class KafkaClients
{
    /// <summary>An admin client; the caller disposes it.</summary>
    public static IAdminClient Admin(string bootstrapServers, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new AdminClientConfig(new Dictionary<string, string>(settings)) { BootstrapServers = bootstrapServers };
        return new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
    }

    /// <summary>
    /// A consumer that only queries watermarks: it joins no group (<paramref name="groupId"/> names it in the broker's
    /// logs) and commits nothing. The caller disposes it.
    /// </summary>
    public static IConsumer<Ignore, Ignore> WatermarkReader(string bootstrapServers, IReadOnlyDictionary<string, string> settings, string groupId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new ConsumerConfig(new Dictionary<string, string>(settings))
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        };
        return new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
    }
}
