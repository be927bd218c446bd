using System.Net;
using LoadLab.Core.Environments;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.Embedded.Hosting;

/// <summary>
/// An embedded cluster served on its own (<c>loadlab cluster serve</c>) so that any Kafka client can use it, with an
/// optional loopback HTTP/JSON control endpoint (see <see cref="ControlEndpoint"/>) to break it on demand.
/// With a <see cref="BrokerAddressing"/>, the brokers also accept connections on its listen addresses and advertise its
/// addresses. Disposing stops the endpoint and the listeners first, then tears the cluster down.
/// </summary>
public sealed class EmbeddedClusterHost : IAsyncDisposable
{
    private readonly EmbeddedCluster _cluster;
    private readonly ControlEndpoint? _control;
    private readonly BrokerAddressing? _addressing;
    private readonly BrokerProxy? _forwarder;

    private EmbeddedClusterHost(EmbeddedCluster cluster, ControlEndpoint? control, BrokerAddressing? addressing, BrokerProxy? forwarder)
    {
        _cluster = cluster;
        _control = control;
        _addressing = addressing;
        _forwarder = forwarder;
    }

    /// <summary>The running cluster (its own loopback bootstrap servers, client defaults, brokers, fault operations).</summary>
    public ICluster Cluster => _cluster;

    /// <summary>What clients bootstrap with: the advertised addresses when brokers were given some, else the mock's own.</summary>
    public string BootstrapServers => _addressing is null
        ? _cluster.BootstrapServers
        : string.Join(",", _cluster.Brokers.Select((_, index) => _addressing.AdvertisedAddress(index)));

    /// <summary>The control endpoint's base address, or null when none was asked for.</summary>
    public Uri? ControlUri => _control?.BaseUri;

    /// <summary>
    /// Starts a cluster with <paramref name="topics"/>, and the control endpoint on <paramref name="controlEndpoint"/>
    /// when given (a loopback address; the endpoint has no authentication).
    /// </summary>
    public static Task<EmbeddedClusterHost> StartAsync(EmbeddedOptions options, IReadOnlyList<TopicSpec> topics, IPEndPoint? controlEndpoint, CancellationToken cancellationToken) =>
        StartAsync(options, topics, controlEndpoint, addressing: null, cancellationToken);

    /// <summary>
    /// Starts a cluster with <paramref name="topics"/>; with <paramref name="addressing"/>, its brokers also accept
    /// connections there and advertise its addresses (set once the topics exist, so start-up is not affected; the
    /// control endpoint's observations then go through the advertised addresses, which must be reachable from this
    /// process too). <see cref="EnvironmentException"/> when the cluster, a listener or the endpoint cannot start.
    /// </summary>
    public static async Task<EmbeddedClusterHost> StartAsync(
        EmbeddedOptions options, IReadOnlyList<TopicSpec> topics, IPEndPoint? controlEndpoint, BrokerAddressing? addressing, CancellationToken cancellationToken)
    {
        if (controlEndpoint is not null && !IPAddress.IsLoopback(controlEndpoint.Address))
        {
            throw new ArgumentException($"The control endpoint {controlEndpoint} is not a loopback address: it has no authentication, so use 127.0.0.1 (e.g. --control 127.0.0.1:8089).", nameof(controlEndpoint));
        }

        var cluster = (EmbeddedCluster)await new EmbeddedClusterProvider(options)
            .StartAsync(new ClusterRequest(RunIds.Create(DateTimeOffset.UtcNow, "serve"), topics), cancellationToken)
            .ConfigureAwait(false);
        BrokerProxy? forwarder = null;
        try
        {
            if (addressing is not null)
            {
                for (var index = 0; index < cluster.Brokers.Count; index++)
                {
                    cluster.Mock.SetAdvertisedAddress(cluster.Brokers[index].Id, addressing.AdvertisedHost, addressing.AdvertisedPort + index);
                }

                // The mock advertises the forwarded addresses itself, so the proxy only carries bytes (no rewriting).
                forwarder = BrokerProxy.Start(
                    [.. cluster.Brokers.Select((broker, index) => new ProxiedBroker(broker.Id, broker.Host, broker.Port, addressing.ListenEndpoint(index)))],
                    new BrokerProxyOptions { RewriteAddresses = false, ListenFix = "Choose another --listen port." });
            }

            var control = controlEndpoint is null ? null : ControlEndpoint.Start(cluster, controlEndpoint);
            return new EmbeddedClusterHost(cluster, control, addressing, forwarder);
        }
        catch
        {
            if (forwarder is not null)
            {
                await forwarder.DisposeAsync().ConfigureAwait(false);
            }

            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes what a user needs to connect: bootstrap servers, brokers, topics and the control endpoint.</summary>
    public void Describe(TextWriter output, IReadOnlyList<TopicSpec> topics)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(topics);
        output.WriteLine($"Embedded Kafka cluster ({_cluster.Description["platform"]}, librdkafka {_cluster.Description["librdkafka"]}), {_cluster.Brokers.Count} brokers");
        output.WriteLine($"bootstrap.servers={BootstrapServers}");
        for (var index = 0; index < _cluster.Brokers.Count; index++)
        {
            var broker = _cluster.Brokers[index];
            output.WriteLine(_addressing is null
                ? $"  broker {broker.Id}  {broker.Host}:{broker.Port}  {broker.Rack}"
                : $"  broker {broker.Id}  {_addressing.AdvertisedAddress(index)}  {broker.Rack}  (listening on {_addressing.ListenEndpoint(index)}, forwarded to {broker.Host}:{broker.Port})");
        }

        foreach (var topic in topics)
        {
            output.WriteLine($"  topic {topic.Name}: {topic.Partitions} partitions, replication factor {topic.ReplicationFactor}");
        }

        output.WriteLine("Client settings the mock needs: " + string.Join(" ", _cluster.ClientDefaults.Select(s => $"{s.Key}={s.Value}")));
        if (_control is not null)
        {
            output.WriteLine($"Control endpoint: {_control.BaseUri} (GET brokers; POST brokers/{{id}}/kill|restart|pause|resume|slow?ms=N|restore-speed; POST partitions/{{topic}}/{{partition}}/leader?broker=N; POST errors?api=0&code=PolicyViolation&count=N)");
        }

        output.WriteLine($"Limits: {EmbeddedClusterProvider.Limits}");
        if (_control is not null)
        {
            // The endpoint performs the same operations as a run's faults, so a client breaking the cluster through it
            // meets the same differences from a real cluster (e.g. the phantom acknowledgements after POST errors).
            // A group rewind is done by a run's own consumers, never by the endpoint.
            output.WriteLine("Caveats of the control endpoint's faults (as in a run's):");
            foreach (var capability in _cluster.Faults.Capabilities.Faults.Where(c => c.Operation != FaultOperation.GroupRewind && c.Caveats.Count > 0))
            {
                output.WriteLine($"  {capability.Operation}: {string.Join("; ", capability.Caveats)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        if (_forwarder is not null)
        {
            await _forwarder.DisposeAsync().ConfigureAwait(false);
        }

        await _cluster.DisposeAsync().ConfigureAwait(false);
    }
}
