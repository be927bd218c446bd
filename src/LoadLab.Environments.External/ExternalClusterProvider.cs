using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Kafka.Admin;

namespace LoadLab.Environments.External;

/// <summary>
/// Connects to an existing cluster described by an <see cref="ExternalDefinition"/>: resolves its <c>${VAR}</c>
/// secrets from the environment, checks the cluster is reachable, applies the topic policy, and performs faults
/// through the definition's hooks.
/// </summary>
public sealed class ExternalClusterProvider : IClusterProvider
{
    /// <summary>The environment kind written to the results.</summary>
    public const string KindName = "external";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly ExternalDefinition definition;
    private readonly ResolvedSettings settings;
    private readonly IProgress<string>? progress;
    private readonly TimeProvider time;

    /// <summary>
    /// Resolves the definition's references through <paramref name="environment"/> (default: the process environment).
    /// Throws <see cref="ExternalDefinitionException"/> naming each variable that is not set.
    /// </summary>
    public ExternalClusterProvider(ExternalDefinition definition, Func<string, string?>? environment = null, IProgress<string>? progress = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        this.definition = definition;
        settings = SecretResolver.Resolve(definition, environment ?? Environment.GetEnvironmentVariable);
        this.progress = progress;
        this.time = time ?? TimeProvider.System;
    }

    public string Kind => KindName;

    /// <summary>The definition this provider connects with.</summary>
    public ExternalDefinition Definition => definition;

    public async Task<ICluster> StartAsync(string runId, IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var config = new AdminClientConfig(new Dictionary<string, string>(settings.ClientSettings)) { BootstrapServers = settings.BootstrapServers };
        var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        try
        {
            var metadata = new ClusterMetadata(admin);
            IReadOnlyList<BrokerInfo> brokers;
            try
            {
                brokers = await metadata.BrokersAsync(cancellationToken).WaitAsync(ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                var reason = e is KafkaException kafka ? kafka.Error.Reason : "no answer";
                throw new EnvironmentException(settings.Redactor.Redact(
                    $"Cannot reach the external cluster '{definition.Name}' at {definition.BootstrapServers} ({reason}). Check bootstrap-servers and security in {definition.SourcePath}."), e);
            }

            var topicAdmin = new KafkaTopicAdmin(admin, settings.ClientSettings, settings.BootstrapServers);
            TopicPreparation prepared;
            try
            {
                prepared = await TopicPolicyEnforcer.ApplyAsync(definition, topics, runId, topicAdmin, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                throw new EnvironmentException(settings.Redactor.Redact($"Checking the topics on '{definition.Name}' failed: {e.Error.Reason}."), e);
            }

            if (prepared.Created.Count > 0)
            {
                progress?.Report($"Created topics {string.Join(", ", prepared.Created)} on {definition.Name}.");
            }

            var faults = new HookFaultOperations(definition, metadata, brokers, settings.Redactor, runId, settings.BootstrapServers, time);
            return new ExternalCluster(definition, settings, admin, topicAdmin, brokers, faults, prepared, progress);
        }
        catch
        {
            admin.Dispose();
            throw;
        }
    }
}
