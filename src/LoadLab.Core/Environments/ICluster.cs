namespace LoadLab.Core.Environments;

/// <summary>
/// A running Kafka-protocol cluster that a run can produce to, consume from and break.
/// Disposing it tears the cluster down (containers, mock cluster, temporary topics).
/// </summary>
public interface ICluster : IAsyncDisposable
{
    /// <summary>"embedded", "docker" or "external"; written to <c>summary.json</c> as <c>environment.kind</c>.</summary>
    string Kind { get; }

    /// <summary>Comma-separated <c>host:port</c> list reachable from this process.</summary>
    string BootstrapServers { get; }

    /// <summary>
    /// librdkafka settings every client of this cluster needs (security, mock-friendly fetch waits).
    /// Scenario producer/consumer settings are applied on top of these.
    /// </summary>
    IReadOnlyDictionary<string, string> ClientDefaults { get; }

    /// <summary>The brokers as the environment started them (ids, racks, addresses).</summary>
    IReadOnlyList<BrokerInfo> Brokers { get; }

    /// <summary>The fault operations this environment can perform; never null.</summary>
    IFaultOperations Faults { get; }

    /// <summary>Environment facts for the results (platform, version, image tags, limits); no secrets.</summary>
    IReadOnlyDictionary<string, string> Description { get; }
}

/// <summary>A broker of a cluster.</summary>
public sealed record BrokerInfo(int Id, string Host, int Port, string? Rack);
