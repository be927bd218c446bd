using LoadLab.Core.Environments;
using LoadLab.Kafka.Observation;

namespace LoadLab.Environments.Embedded;

/// <summary>A running mock cluster with its controller; disposing it tears everything down (safe to call twice).</summary>
internal sealed class EmbeddedCluster : ICluster
{
    private readonly MockCluster _mock;
    private readonly ClusterObserver _observer;
    private readonly MockFaultOperations _faults;
    private int _disposed;

    public EmbeddedCluster(
        MockCluster mock,
        ClusterObserver observer,
        MockFaultOperations faults,
        IReadOnlyList<BrokerInfo> brokers,
        IReadOnlyDictionary<string, string> clientDefaults,
        IReadOnlyDictionary<string, string> description)
    {
        _mock = mock;
        _observer = observer;
        _faults = faults;
        Brokers = brokers;
        ClientDefaults = clientDefaults;
        Description = description;
    }

    public string Kind => EmbeddedClusterProvider.EnvironmentKind;

    public string BootstrapServers => _mock.BootstrapServers;

    public IReadOnlyDictionary<string, string> ClientDefaults { get; }

    public IReadOnlyList<BrokerInfo> Brokers { get; }

    public IFaultOperations Faults => _faults;

    public IReadOnlyDictionary<string, string> Description { get; }

    /// <summary>The controller's view of every broker (state, leaderships, coordinators).</summary>
    public IReadOnlyList<BrokerStatus> BrokerStatuses() => _faults.Snapshot();

    /// <summary>The mock itself, for observations that metadata cannot give (request tracking in tests).</summary>
    internal MockCluster Mock => _mock;

    /// <summary>Pending fail-overs first, then the observer's client, then the mock cluster and its host handle.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _faults.Dispose();
        _observer.Dispose();
        await _mock.DisposeAsync().ConfigureAwait(false);
    }
}
