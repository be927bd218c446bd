using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Admin;
using LoadLab.Kafka.Observation;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.External;

/// <summary>
/// An existing cluster LoadLab connects to. Disposing deletes the per-run topics of <see cref="TopicPolicy.Prefix"/>;
/// the cluster itself is left running.
/// </summary>
public sealed class ExternalCluster : ICluster, ITopicNames
{
    private readonly IAdminClient _admin;
    private readonly ITopicAdmin _topicAdmin;
    private readonly IReadOnlyList<string> _toDelete;
    private readonly IProgress<string>? _progress;
    private readonly SecretRedactor _redactor;
    private readonly ClusterObserver _observer;
    private readonly BrokerProxy? _proxy;

    internal ExternalCluster(
        ExternalDefinition definition, ResolvedSettings settings, IAdminClient admin, ITopicAdmin topicAdmin, IReadOnlyList<BrokerInfo> brokers,
        IFaultOperations faults, ClusterObserver observer, BrokerProxy? proxy, TopicPreparation topics, IProgress<string>? progress)
    {
        _admin = admin;
        _observer = observer;
        _proxy = proxy;
        _topicAdmin = topicAdmin;
        _progress = progress;
        _redactor = settings.Redactor;
        _toDelete = topics.ToDelete;
        BootstrapServers = proxy?.BootstrapServers ?? settings.BootstrapServers;
        ClientDefaults = settings.ClientSettings;
        Brokers = brokers;
        Faults = faults;
        TopicNames = topics.Names;
        var description = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["platform"] = "external",
            ["name"] = definition.Name,
            ["definition"] = definition.SourcePath,
            // As written: a ${VAR} stays a reference, so nothing resolved from the environment reaches the results.
            ["bootstrap"] = definition.BootstrapServers,
            ["security.protocol"] = ExternalDefinitionLoader.ProtocolNames.First(p => p.Value == definition.Protocol).Key,
            ["brokers"] = brokers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["topics.policy"] = definition.Topics.ToString().ToLowerInvariant(),
            ["topics.created"] = string.Join(",", topics.Created),
            ["fault.hooks"] = string.Join(",", definition.Hooks.Keys.Select(k => ExternalDefinitionLoader.HookNames.First(n => n.Value == k).Key)),
        };
        if (definition.Mechanism is { } mechanism)
        {
            description["sasl.mechanism"] = ExternalDefinitionLoader.MechanismNames.First(m => m.Value == mechanism).Key;
        }

        if (proxy is not null)
        {
            description["clientProxy"] = "clients reach the brokers through LoadLab's proxy on this host for client-side faults; traffic between brokers does not pass it";
        }

        if (definition.Topics == TopicPolicy.Prefix)
        {
            description["topics.names"] = string.Join(",", topics.Names.Select(n => $"{n.Key}={n.Value}"));
        }

        Description = description.ToDictionary(d => d.Key, d => _redactor.Redact(d.Value), StringComparer.Ordinal);
    }

    public string Kind => ExternalClusterProvider.KindName;

    public string BootstrapServers { get; }

    /// <summary>Security and pass-through settings, secrets resolved: for clients only, never for results.</summary>
    public IReadOnlyDictionary<string, string> ClientDefaults { get; }

    public IReadOnlyList<BrokerInfo> Brokers { get; }

    public IFaultOperations Faults { get; }

    public IReadOnlyDictionary<string, string> Description { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> TopicNames { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_toDelete.Count > 0)
            {
                await _topicAdmin.DeleteAsync(_toDelete, CancellationToken.None).ConfigureAwait(false);
                _progress?.Report($"Deleted the per-run topics {string.Join(", ", _toDelete)}.");
            }
        }
        catch (KafkaException e)
        {
            _progress?.Report(_redactor.Redact($"Could not delete the per-run topics {string.Join(", ", _toDelete)} ({e.Error.Reason}); delete them by hand."));
        }
        finally
        {
            if (_proxy is not null)
            {
                await _proxy.DisposeAsync().ConfigureAwait(false);
            }

            _observer.Dispose();
            _admin.Dispose();
        }
    }
}
