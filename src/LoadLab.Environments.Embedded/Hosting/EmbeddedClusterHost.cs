using System.Net;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;

namespace LoadLab.Environments.Embedded.Hosting;

/// <summary>
/// An embedded cluster served on its own (<c>loadlab cluster serve</c>) so that any Kafka client can use it, with an
/// optional loopback HTTP/JSON control endpoint (see <see cref="ControlEndpoint"/>) to break it on demand.
/// Disposing stops the endpoint first, then tears the cluster down.
/// </summary>
public sealed class EmbeddedClusterHost : IAsyncDisposable
{
    private readonly EmbeddedCluster cluster;
    private readonly ControlEndpoint? control;

    private EmbeddedClusterHost(EmbeddedCluster cluster, ControlEndpoint? control)
    {
        this.cluster = cluster;
        this.control = control;
    }

    /// <summary>The running cluster (bootstrap servers, client defaults, brokers, fault operations).</summary>
    public ICluster Cluster => cluster;

    /// <summary>The control endpoint's base address, or null when none was asked for.</summary>
    public Uri? ControlUri => control?.BaseUri;

    /// <summary>
    /// Starts a cluster with <paramref name="topics"/>, and the control endpoint on <paramref name="controlEndpoint"/>
    /// when given (a loopback address; the endpoint has no authentication).
    /// </summary>
    public static async Task<EmbeddedClusterHost> StartAsync(EmbeddedOptions options, IReadOnlyList<TopicSpec> topics, IPEndPoint? controlEndpoint, CancellationToken cancellationToken)
    {
        if (controlEndpoint is not null && !IPAddress.IsLoopback(controlEndpoint.Address))
        {
            throw new ArgumentException($"The control endpoint {controlEndpoint} is not a loopback address: it has no authentication, so use 127.0.0.1 (e.g. --control 127.0.0.1:8089).", nameof(controlEndpoint));
        }

        var cluster = (EmbeddedCluster)await new EmbeddedClusterProvider(options)
            .StartAsync("serve-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture), topics, cancellationToken)
            .ConfigureAwait(false);
        if (controlEndpoint is null)
        {
            return new EmbeddedClusterHost(cluster, null);
        }

        try
        {
            return new EmbeddedClusterHost(cluster, ControlEndpoint.Start(cluster, controlEndpoint));
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes what a user needs to connect: bootstrap servers, brokers, topics and the control endpoint.</summary>
    public void Describe(TextWriter output, IReadOnlyList<TopicSpec> topics)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(topics);
        output.WriteLine($"Embedded Kafka cluster ({cluster.Description["platform"]}, librdkafka {cluster.Description["librdkafka"]}), {cluster.Brokers.Count} brokers");
        output.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
        foreach (var broker in cluster.Brokers)
        {
            output.WriteLine($"  broker {broker.Id}  {broker.Host}:{broker.Port}  {broker.Rack}");
        }

        foreach (var topic in topics)
        {
            output.WriteLine($"  topic {topic.Name}: {topic.Partitions} partitions, replication factor {topic.ReplicationFactor}");
        }

        output.WriteLine("Client settings the mock needs: " + string.Join(" ", cluster.ClientDefaults.Select(s => $"{s.Key}={s.Value}")));
        if (control is not null)
        {
            output.WriteLine($"Control endpoint: {control.BaseUri} (GET brokers; POST brokers/{{id}}/kill|restart|pause|resume|slow?ms=N|restore-speed; POST partitions/{{topic}}/{{partition}}/leader?broker=N; POST errors?api=0&code=PolicyViolation&count=N)");
        }

        output.WriteLine($"Limits: {EmbeddedClusterProvider.Limits}");
    }

    public async ValueTask DisposeAsync()
    {
        if (control is not null)
        {
            await control.DisposeAsync().ConfigureAwait(false);
        }

        await cluster.DisposeAsync().ConfigureAwait(false);
    }
}
