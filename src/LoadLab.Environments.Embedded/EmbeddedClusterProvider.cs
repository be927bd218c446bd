using System.Globalization;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Observation;
using LoadLab.Core.Scenarios;
using LoadLab.Kafka.Native;

namespace LoadLab.Environments.Embedded;

/// <summary>
/// The embedded environment (kind <c>embedded</c>, the default): librdkafka's mock cluster hosted in this process
/// on loopback ports, with the environment playing the controller the mock lacks. See <see cref="EmbeddedOptions"/>
/// for its settings and <see cref="MockClientDefaults"/> for the client settings it needs.
/// </summary>
public sealed class EmbeddedClusterProvider : IClusterProvider
{
    /// <summary>The environment kind written to <c>summary.json</c>.</summary>
    public const string EnvironmentKind = "embedded";

    /// <summary>
    /// librdkafka settings every client of the mock needs, each for a measured reason:
    /// <list type="bullet">
    /// <item><c>fetch.wait.max.ms=10</c>: the mock answers a fetch only after the full wait, even when data is
    /// there; with librdkafka's 500 ms default the end-to-end p50 is about 250 ms instead of a few ms.</item>
    /// <item><c>fetch.error.backoff.ms=10</c>: a consumer that falls behind the mock's ~5 MiB retention gets
    /// offset-out-of-range; with the 500 ms default it can loop on resets and never catch up.</item>
    /// <item><c>reconnect.backoff.max.ms=1000</c>: librdkafka backs off reconnects up to 10 s, so a broker restarted
    /// after a kill would look dead for up to 10 s longer than it is; 1 s is the Java client's default.</item>
    /// <item><c>session.timeout.ms=10000</c>, <c>heartbeat.interval.ms=1000</c>: the mock waits session.timeout.ms − 1 s
    /// for members that have not (re)joined. With the 45 s default a member whose first join missed the initial 3 s
    /// window got its partitions only ~42 s into the run (half of the 2-member runs seen on a loaded machine), so
    /// those partitions built lag past retention. The same wait follows a killed group coordinator: measured with
    /// the leader of the group's coordinator killed, the group consumed nothing for ~14 s after the fail-over with
    /// 10 s, ~30 s with 20 s. Kafka's default before 3.0 was 10 s.</item>
    /// </list>
    /// Producers and admin clients ignore the consumer settings (librdkafka logs a configuration warning, which
    /// LoadLab's clients discard).
    /// </summary>
    public static IReadOnlyDictionary<string, string> MockClientDefaults { get; } = new Dictionary<string, string>
    {
        ["fetch.wait.max.ms"] = "10",
        ["fetch.error.backoff.ms"] = "10",
        ["reconnect.backoff.max.ms"] = "1000",
        ["session.timeout.ms"] = "10000",
        ["heartbeat.interval.ms"] = "1000",
    };

    /// <summary>What the mock does not do like a real cluster, in one line; written to the results with every run.</summary>
    public static string Limits { get; } = string.Join("; ", EmbeddedCapabilities.Limits) + ".";

    private readonly EmbeddedOptions _options;

    /// <summary>Creates the provider; throws <see cref="ArgumentException"/> listing every problem of <paramref name="options"/>.</summary>
    public EmbeddedClusterProvider(EmbeddedOptions? options = null)
    {
        _options = options ?? new EmbeddedOptions();
        var problems = _options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid embedded environment options:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)), nameof(options));
        }
    }

    public string Kind => EnvironmentKind;

    public FaultCapabilities FaultCapabilities => EmbeddedCapabilities.For(_options);

    public async Task<ICluster> StartAsync(ClusterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (runId, topics) = (request.RunId, request.Topics);
        CheckTopics(topics);

        MockCluster mock;
        try
        {
            mock = MockCluster.Start(_options.Brokers);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            throw new EnvironmentException($"The embedded cluster could not start: {exception.Message} Check that the librdkafka.redist native library for this platform is present next to the application.", exception);
        }

        ClusterObserver? observer = null;
        MockFaultOperations? faults = null;
        try
        {
            var brokers = DescribeBrokers(mock.BootstrapServers);
            foreach (var broker in brokers)
            {
                mock.SetBrokerRack(broker.Id, broker.Rack!);
            }

            const int controller = 1;
            mock.SetControllerId(controller);
            mock.SetGroupInitialRebalanceDelay(_options.GroupInitialRebalanceDelay);
            foreach (var topic in topics)
            {
                mock.CreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor);
            }

            var clientDefaults = new Dictionary<string, string>(MockClientDefaults);
            foreach (var (key, value) in _options.ClientSettings)
            {
                clientDefaults[key] = value;
            }

            observer = new ClusterObserver(mock.BootstrapServers, clientDefaults);
            faults = new MockFaultOperations(mock, observer, _options, brokers, controller);
            await faults.AdoptTopicsAsync(topics, cancellationToken).ConfigureAwait(false);
            return new EmbeddedCluster(mock, observer, faults, brokers, clientDefaults, Describe(runId));
        }
        catch (Exception exception)
        {
            faults?.Dispose();
            observer?.Dispose();
            await mock.DisposeAsync().ConfigureAwait(false);
            if (exception is MockClusterException)
            {
                throw new EnvironmentException($"The embedded cluster could not be set up: {exception.Message}", exception);
            }

            throw;
        }
    }

    /// <summary>
    /// Every reason this environment cannot create <paramref name="topics"/> (duplicates, partitions, replication
    /// factor above the broker count), each with its fix; empty when it can. Lets callers reject input before start.
    /// </summary>
    public IReadOnlyList<string> FindTopicProblems(IReadOnlyList<TopicSpec> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var problems = new List<string>();
        foreach (var duplicate in topics.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"topic '{duplicate.Key}' is listed {duplicate.Count()} times: list each topic once.");
        }

        foreach (var topic in topics)
        {
            if (string.IsNullOrWhiteSpace(topic.Name))
            {
                problems.Add("a topic has no name: give every topic a name.");
            }

            if (topic.Partitions is < 1 or > 10_000)
            {
                problems.Add($"topic '{topic.Name}' has {topic.Partitions} partitions: use 1 to 10000.");
            }

            if (topic.ReplicationFactor < 1 || topic.ReplicationFactor > _options.Brokers)
            {
                problems.Add($"topic '{topic.Name}' has replication factor {topic.ReplicationFactor}, but the embedded cluster has {_options.Brokers} brokers: use 1 to {_options.Brokers}, or more brokers.");
            }
        }

        return problems;
    }

    private void CheckTopics(IReadOnlyList<TopicSpec> topics)
    {
        var problems = FindTopicProblems(topics);
        if (problems.Count > 0)
        {
            throw new EnvironmentException("The embedded cluster cannot create these topics:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }

    private List<BrokerInfo> DescribeBrokers(string bootstrapServers)
    {
        // The mock lists its brokers in id order (1..N) in its bootstrap string.
        var brokers = new List<BrokerInfo>();
        foreach (var (address, index) in bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries).Select((a, i) => (a, i)))
        {
            var colon = address.LastIndexOf(':');
            var id = index + 1;
            brokers.Add(new BrokerInfo(id, address[..colon], int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture), MockFaultOperations.RackOf(id, _options.RackCount)));
        }

        return brokers;
    }

    private Dictionary<string, string> Describe(string runId) => new()
    {
        ["platform"] = "librdkafka mock cluster (in process)",
        ["librdkafka"] = Library.VersionString,
        ["nativeLibrary"] = Path.GetFileName(LibrdkafkaLibrary.LoadedPath),
        ["runId"] = runId,
        ["brokers"] = _options.Brokers.ToString(CultureInfo.InvariantCulture),
        ["racks"] = _options.RackCount.ToString(CultureInfo.InvariantCulture),
        ["detectionDelaySeconds"] = _options.DetectionDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["preferredLeaderRestoreDelaySeconds"] = _options.PreferredLeaderRestoreDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["groupInitialRebalanceDelaySeconds"] = _options.GroupInitialRebalanceDelay.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["limits"] = Limits,
    };
}
