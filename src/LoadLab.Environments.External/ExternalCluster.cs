using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Admin;

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

    internal ExternalCluster(
        ExternalDefinition definition, ResolvedSettings settings, IAdminClient admin, ITopicAdmin topicAdmin, IReadOnlyList<BrokerInfo> brokers,
        IFaultOperations faults, TopicPreparation topics, IProgress<string>? progress)
    {
        _admin = admin;
        _topicAdmin = topicAdmin;
        _progress = progress;
        _redactor = settings.Redactor;
        _toDelete = topics.ToDelete;
        BootstrapServers = settings.BootstrapServers;
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
            _admin.Dispose();
        }
    }
}
