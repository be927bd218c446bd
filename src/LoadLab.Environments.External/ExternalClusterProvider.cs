using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Kafka.Admin;
using LoadLab.Kafka.Observation;
using LoadLab.Kafka.Proxy;

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

    private readonly ExternalDefinition _definition;
    private readonly ResolvedSettings _settings;
    private readonly IProgress<string>? _progress;
    private readonly TimeProvider _time;

    /// <summary>
    /// Resolves the definition's references through <paramref name="environment"/> (default: the process environment).
    /// </summary>
    /// <exception cref="InvalidInputException">A referenced variable is not set; each use is named with its line.</exception>
    public ExternalClusterProvider(ExternalDefinition definition, Func<string, string?>? environment = null, IProgress<string>? progress = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        _settings = SecretResolver.Resolve(definition, environment ?? Environment.GetEnvironmentVariable);
        _progress = progress;
        _time = time ?? TimeProvider.System;
    }

    public string Kind => KindName;

    public FaultCapabilities FaultCapabilities => ExternalCapabilities.For(_definition);

    /// <summary>The definition this provider connects with.</summary>
    public ExternalDefinition Definition => _definition;

    public async Task<ICluster> StartAsync(ClusterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (runId, topics) = (request.RunId, request.Topics);
        var admin = KafkaClients.Admin(_settings.BootstrapServers, _settings.ClientSettings);
        var observer = new ClusterObserver(_settings.BootstrapServers, _settings.ClientSettings, time: _time);
        BrokerProxy? proxy = null;
        try
        {
            IReadOnlyList<BrokerInfo> brokers;
            try
            {
                brokers = await observer.BrokersAsync(cancellationToken).WaitAsync(ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                var reason = e is KafkaException kafka ? kafka.Error.Reason : "no answer";
                throw new EnvironmentException(_settings.Redactor.Redact(
                    $"Cannot reach the external cluster '{_definition.Name}' at {_definition.BootstrapServers} ({reason}). Check bootstrap-servers and security in {_definition.SourcePath}."), e);
            }

            var topicAdmin = new KafkaTopicAdmin(admin, _settings.ClientSettings, _settings.BootstrapServers);
            TopicPreparation prepared;
            try
            {
                prepared = await TopicPolicyEnforcer.ApplyAsync(_definition, topics, runId, topicAdmin, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                throw new EnvironmentException(_settings.Redactor.Redact($"Checking the topics on '{_definition.Name}' failed: {e.Error.Reason}."), e);
            }

            if (prepared.Created.Count > 0)
            {
                _progress?.Report($"Created topics {string.Join(", ", prepared.Created)} on {_definition.Name}.");
            }

            if (request.Faults.Any(operation => ExternalCapabilities.ViaClientProxy(operation, _definition)))
            {
                proxy = BrokerProxy.Start([.. brokers.Select(b => new ProxiedBroker(b.Id, b.Host, b.Port))], new BrokerProxyOptions { TimeProvider = _time });
                _progress?.Report($"Clients reach {_definition.Name} through LoadLab's proxy at {proxy.BootstrapServers} (client-side faults).");
            }

            var faults = new HookFaultOperations(_definition, observer, proxy, brokers, _settings.Redactor, runId, _settings.BootstrapServers, _time);
            return new ExternalCluster(_definition, _settings, admin, topicAdmin, brokers, faults, observer, proxy, prepared, _progress);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }

            observer.Dispose();
            admin.Dispose();
            throw;
        }
    }
}
