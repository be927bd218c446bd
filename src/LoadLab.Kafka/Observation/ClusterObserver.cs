using System.Globalization;
using System.Net.Sockets;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Protocol;

namespace LoadLab.Kafka.Observation;

/// <summary>
/// Looks at a cluster the way a client does — through the Kafka protocol only — so that every fault an environment
/// records states what a client could see, not what the environment believes it did: Metadata and DescribeTopics
/// (brokers, leaders, replicas, in-sync replicas), DescribeCluster (brokers, controller), DescribeConsumerGroups
/// (coordinators), ListPartitionReassignments, a request aimed at one broker (does it answer, how fast?) and a produce
/// probe to one partition. The conditions of this namespace (<see cref="IClusterCondition"/>) are built on it.
/// <para>
/// Requests go to a broker that is up and answering: a client bootstrapped to every broker keeps picking a hung
/// (paused) broker, whose connection looks healthy, and then waits out every request timeout. So when the environment
/// says which brokers are live (<see cref="UseLiveBrokers"/>), each gets an admin client bootstrapped to it alone
/// (librdkafka connects learned brokers only when it needs them) and requests rotate among them.
/// </para>
/// </summary>
public sealed class ClusterObserver : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IReadOnlyDictionary<string, string> _clientSettings;
    private readonly string _bootstrapServers;
    private readonly IAdminClient _anyBroker;
    private readonly Dictionary<string, IAdminClient> _perBroker = new(StringComparer.Ordinal);
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _probeProducer;
    private readonly object _gate = new();
    private Func<IReadOnlyList<string>> _liveAddresses = () => [];
    private int _inFlight;
    private int _rotation;
    private bool _disposed;

    /// <param name="bootstrapServers">Where the cluster is, as this process reaches it.</param>
    /// <param name="clientSettings">librdkafka settings every client of the cluster needs (security, …).</param>
    /// <param name="requestTimeout">How long one request may take before the next broker is asked; default 1 s.</param>
    /// <param name="time">Clock of waits and timings; observation is real time, so the system clock unless a test drives it.</param>
    public ClusterObserver(string bootstrapServers, IReadOnlyDictionary<string, string> clientSettings, TimeSpan? requestTimeout = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bootstrapServers);
        ArgumentNullException.ThrowIfNull(clientSettings);
        _bootstrapServers = bootstrapServers;
        _clientSettings = clientSettings;
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(1);
        Time = time ?? TimeProvider.System;
        _anyBroker = BuildAdmin(bootstrapServers);
        _probeProducer = new Lazy<IProducer<byte[]?, byte[]?>>(BuildProbeProducer);
        var protocol = clientSettings.TryGetValue("security.protocol", out var configured) ? configured : "plaintext";
        CanAddressBrokers = protocol.Equals("plaintext", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>How long one request may take.</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>The clock of waits and timings.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// Whether requests can be aimed at one broker (<see cref="ProbeAsync"/>, <see cref="ReassignmentAsync"/>): LoadLab
    /// speaks the protocol itself for them, in plaintext only; a TLS or SASL cluster is observed through metadata alone.
    /// </summary>
    public bool CanAddressBrokers { get; }

    /// <summary>Where to send requests: the <c>host:port</c> of brokers that are up and not paused (empty: any broker).</summary>
    public void UseLiveBrokers(Func<IReadOnlyList<string>> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        _liveAddresses = addresses;
    }

    /// <summary>Metadata of all topics and brokers; retries short requests (a paused broker never answers) until cancelled.</summary>
    public async Task<Metadata> MetadataAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await Task.Run(() => WithAdmin(admin => admin.GetMetadata(RequestTimeout)), cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException)
            {
                await Task.Delay(PollInterval, Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Polls metadata until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    public async Task<MetadataObservation> WaitUntilAsync(Func<Metadata, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var start = Time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Metadata? last = null;
        try
        {
            while (true)
            {
                last = await MetadataAsync(deadline.Token).ConfigureAwait(false);
                if (condition(last))
                {
                    return new MetadataObservation(true, last, Time.GetElapsedTime(start));
                }

                await Task.Delay(PollInterval, Time, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new MetadataObservation(false, last, Time.GetElapsedTime(start));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is met or <paramref name="timeout"/> passes; says what it saw last.</summary>
    public async Task<ConditionResult> WaitForAsync(IClusterCondition condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var start = Time.GetTimestamp();
        var seen = "nothing yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var check = await condition.CheckAsync(this, cancellationToken).ConfigureAwait(false);
                seen = check.Seen;
                if (check.Met)
                {
                    return new ConditionResult(true, Time.GetElapsedTime(start), seen);
                }
            }
            catch (Exception e) when (e is KafkaException or SocketException or IOException or KafkaProtocolException or TimeoutException)
            {
                // The cluster is changing (brokers leaving, leaders moving): ask again until the time is up.
                seen = e is KafkaException kafka ? kafka.Error.Reason : e.Message;
            }

            if (Time.GetElapsedTime(start) >= timeout)
            {
                return new ConditionResult(false, Time.GetElapsedTime(start), seen);
            }

            await Task.Delay(PollInterval, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The brokers metadata lists, in id order.</summary>
    public async Task<IReadOnlyList<BrokerInfo>> BrokersAsync(CancellationToken cancellationToken)
    {
        var metadata = await Task.Run(() => WithAdmin(admin => admin.GetMetadata(RequestTimeout)), cancellationToken).ConfigureAwait(false);
        return [.. metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => new BrokerInfo(b.BrokerId, b.Host, b.Port, null))];
    }

    /// <summary>Leader, replicas and in-sync replicas of one partition (DescribeTopics), or null when the topic or partition is unknown.</summary>
    public async Task<PartitionState?> PartitionAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        DescribeTopicsResult described;
        try
        {
            described = await WithAdminAsync(admin => admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]), new DescribeTopicsOptions { RequestTimeout = RequestTimeout }), cancellationToken).ConfigureAwait(false);
        }
        catch (DescribeTopicsException e) when (e.Results.TopicDescriptions.Any(t => t.Error.Code == ErrorCode.UnknownTopicOrPart))
        {
            return null;
        }

        var found = described.TopicDescriptions.FirstOrDefault(t => t.Name == topic)?.Partitions.FirstOrDefault(p => p.Partition == partition);
        return found is null
            ? null
            : new PartitionState(found.Leader?.Id is { } leader and >= 0 ? leader : null, [.. found.Replicas.Select(r => r.Id)], [.. found.ISR.Select(r => r.Id)]);
    }

    /// <summary>The leader of one partition (DescribeTopics), or null when it has none or the request fails.</summary>
    public async Task<int?> LeaderAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        try
        {
            return (await PartitionAsync(topic, partition, cancellationToken).ConfigureAwait(false))?.Leader;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <summary>The brokers and the controller as DescribeCluster reports them.</summary>
    public async Task<(IReadOnlyList<BrokerInfo> Brokers, int? Controller)> DescribeClusterAsync(CancellationToken cancellationToken)
    {
        var cluster = await WithAdminAsync(admin => admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = RequestTimeout }), cancellationToken).ConfigureAwait(false);
        return ([.. cluster.Nodes.OrderBy(n => n.Id).Select(n => new BrokerInfo(n.Id, n.Host, n.Port, n.Rack))], cluster.Controller?.Id);
    }

    /// <summary>The controller (DescribeCluster), or null when the request fails.</summary>
    public async Task<int?> ControllerAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await DescribeClusterAsync(cancellationToken).ConfigureAwait(false)).Controller;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <summary>The coordinator of a consumer group (DescribeConsumerGroups), or null when unknown.</summary>
    public async Task<int?> CoordinatorAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            var groups = await WithAdminAsync(admin => admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = RequestTimeout }), cancellationToken).ConfigureAwait(false);
            return groups.ConsumerGroupDescriptions.FirstOrDefault()?.Coordinator?.Id;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <summary>
    /// The transaction coordinator of <paramref name="transactionalId"/> (FindCoordinator with the transaction key type,
    /// asked of a live broker), or null when it is unknown: no broker named one, or LoadLab cannot address brokers
    /// (<see cref="CanAddressBrokers"/>: librdkafka offers no call for it).
    /// </summary>
    public async Task<int?> TransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken)
    {
        if (!CanAddressBrokers)
        {
            return null;
        }

        var (host, port) = SplitAddress(LiveAddress());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout * 5);
        try
        {
            await using var connection = await BrokerConnection.OpenAsync(host, port, timeout.Token).ConfigureAwait(false);
            return await ProbeRequests.CoordinatorAsync(connection, transactionalId, 1, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or KafkaErrorException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// The reassignment of one partition in progress (ListPartitionReassignments, asked of any live broker, which
    /// forwards it to the controller), or null when none is. Throws <see cref="NotSupportedException"/> when LoadLab
    /// cannot address brokers (<see cref="CanAddressBrokers"/>) or the cluster does not implement the request.
    /// </summary>
    public async Task<PartitionReassignment?> ReassignmentAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        if (!CanAddressBrokers)
        {
            throw new NotSupportedException("ListPartitionReassignments is sent by LoadLab itself, in plaintext only");
        }

        var (host, port) = SplitAddress(LiveAddress());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout * 5);
        await using var connection = await BrokerConnection.OpenAsync(host, port, timeout.Token).ConfigureAwait(false);
        try
        {
            return await ProbeRequests.ReassignmentAsync(connection, topic, partition, RequestTimeout * 5, timeout.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new NotSupportedException($"{host}:{port} closed the connection on ListPartitionReassignments (the cluster does not implement it)", e);
        }
    }

    /// <summary>
    /// Sends ApiVersions to one broker at <paramref name="host"/>:<paramref name="port"/> and says whether (and how fast)
    /// it answered within <paramref name="timeout"/>: a killed broker refuses or drops the connection, a paused one accepts
    /// it and never answers.
    /// </summary>
    public async Task<BrokerAnswer> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!CanAddressBrokers)
        {
            throw new NotSupportedException("requests aimed at one broker are sent by LoadLab itself, in plaintext only");
        }

        var start = Time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await using var connection = await BrokerConnection.OpenAsync(host, port, deadline.Token).ConfigureAwait(false);
            var error = await ProbeRequests.ApiVersionsAsync(connection, deadline.Token).ConfigureAwait(false);
            var took = Time.GetElapsedTime(start);
            return new BrokerAnswer(true, took, $"{host}:{port} answered ApiVersions in {Millis(took)}" + (error == 0 ? "" : $" with error {error}"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new BrokerAnswer(false, Time.GetElapsedTime(start), $"{host}:{port} did not answer ApiVersions within {Millis(timeout)}");
        }
        catch (Exception e) when (e is SocketException or IOException or KafkaProtocolException)
        {
            return new BrokerAnswer(false, Time.GetElapsedTime(start), $"{host}:{port} refused or dropped the connection ({e.Message})");
        }
    }

    /// <summary>The brokers that the broker at <paramref name="host"/>:<paramref name="port"/> lists itself (Metadata v1 sent to it).</summary>
    public async Task<IReadOnlyList<int>> BrokersListedByAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout * 2);
        await using var connection = await BrokerConnection.OpenAsync(host, port, timeout.Token).ConfigureAwait(false);
        var (brokers, _) = await ProbeRequests.BrokersAsync(connection, timeout.Token).ConfigureAwait(false);
        return [.. brokers.Select(b => b.Id).Order()];
    }

    /// <summary>
    /// Produces one probe message (key <c>loadlab-probe</c>, no LoadLab header, so a run's consumers and audit ignore
    /// it) to one partition with acks=all; says whether its leader acknowledged it within <paramref name="timeout"/>.
    /// </summary>
    public async Task<ProduceAnswer> ProduceProbeAsync(string topic, int partition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = Time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var result = await _probeProducer.Value.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Key = "loadlab-probe"u8.ToArray() }, deadline.Token).ConfigureAwait(false);
            var took = Time.GetElapsedTime(start);
            return new ProduceAnswer(true, took, $"a probe to {topic}/{partition} was acknowledged at offset {result.Offset.Value.ToString(CultureInfo.InvariantCulture)} in {Millis(took)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProduceAnswer(false, Time.GetElapsedTime(start), $"a probe to {topic}/{partition} was not acknowledged within {Millis(timeout)}");
        }
        catch (ProduceException<byte[]?, byte[]?> e)
        {
            return new ProduceAnswer(false, Time.GetElapsedTime(start), $"a probe to {topic}/{partition} failed: {e.Error.Reason}");
        }
    }

    /// <summary>Waits for requests in flight (at most the request timeout): the native clients must not be freed under them.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_inFlight > 0)
            {
                Monitor.Wait(_gate);
            }
        }

        foreach (var client in _perBroker.Values)
        {
            client.Dispose();
        }

        if (_probeProducer.IsValueCreated)
        {
            _probeProducer.Value.Flush(TimeSpan.FromSeconds(1));
            _probeProducer.Value.Dispose();
        }

        _anyBroker.Dispose();
    }

    internal static (string Host, int Port) SplitAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        return (address[..colon].Trim('[', ']'), int.Parse(address.AsSpan(colon + 1), CultureInfo.InvariantCulture));
    }

    private string LiveAddress()
    {
        var live = _liveAddresses();
        if (live.Count > 0)
        {
            lock (_gate)
            {
                return live[(int)((uint)_rotation++ % (uint)live.Count)];
            }
        }

        return _bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
    }

    private async Task<T> WithAdminAsync<T>(Func<IAdminClient, Task<T>> request, CancellationToken cancellationToken)
    {
        var admin = Acquire();
        try
        {
            return await request(admin).WaitAsync(RequestTimeout * 2, Time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    private T WithAdmin<T>(Func<IAdminClient, T> request)
    {
        var admin = Acquire();
        try
        {
            return request(admin);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>The admin client of the next live broker (or of any broker), counted as in use until <see cref="Release"/>.</summary>
    private IAdminClient Acquire()
    {
        var addresses = _liveAddresses();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _inFlight++;
            if (addresses.Count == 0)
            {
                return _anyBroker;
            }

            var address = addresses[(int)((uint)_rotation++ % (uint)addresses.Count)];
            if (!_perBroker.TryGetValue(address, out var admin))
            {
                admin = BuildAdmin(address);
                _perBroker[address] = admin;
            }

            return admin;
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _inFlight--;
            Monitor.PulseAll(_gate);
        }
    }

    private IAdminClient BuildAdmin(string bootstrapServers)
    {
        var config = new AdminClientConfig(_clientSettings.ToDictionary()) { BootstrapServers = bootstrapServers, ClientId = "loadlab-observer" };
        // Brokers going down on purpose make librdkafka log connection errors; they are expected here.
        return new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    private IProducer<byte[]?, byte[]?> BuildProbeProducer()
    {
        var config = new ProducerConfig(_clientSettings.ToDictionary())
        {
            BootstrapServers = _bootstrapServers,
            ClientId = "loadlab-probe",
            Acks = Acks.All,
            EnableIdempotence = false,
            LingerMs = 0,
            // One attempt per probe: the condition polls again, so a retry inside librdkafka would only hide the timing.
            MessageSendMaxRetries = 0,
            // A probe abandoned by its caller must not linger in librdkafka's queue for the default 5 minutes.
            MessageTimeoutMs = 10_000,
        };
        return new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    private static string Millis(TimeSpan duration) => duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}

/// <summary>The outcome of waiting for metadata to show an effect; <see cref="Last"/> is null when no metadata arrived.</summary>
public sealed record MetadataObservation(bool Seen, Metadata? Last, TimeSpan Took);

/// <summary>A partition as DescribeTopics shows it; <see cref="Leader"/> is null when it has none.</summary>
public sealed record PartitionState(int? Leader, int[] Replicas, int[] InSyncReplicas);

/// <summary>Whether a broker answered a request aimed at it, how fast, and what was seen.</summary>
public sealed record BrokerAnswer(bool Answered, TimeSpan Took, string Detail);

/// <summary>Whether a probe message was acknowledged, how fast, and what was seen.</summary>
public sealed record ProduceAnswer(bool Acknowledged, TimeSpan Took, string Detail);
