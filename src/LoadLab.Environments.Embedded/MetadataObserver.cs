using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace LoadLab.Environments.Embedded;

/// <summary>
/// Looks at the cluster the way a client does (Metadata and DescribeCluster requests through Confluent's admin
/// client), so every fault outcome states what a client could see, not what the environment believes it did.
/// Requests go to a broker that is up and answering: a client bootstrapped to all brokers keeps picking a hung
/// (paused) broker, whose connection looks healthy, and then waits out every request timeout. So each live broker
/// gets its own admin client bootstrapped to it alone (librdkafka connects learned brokers only when it needs them).
/// </summary>
internal sealed class MetadataObserver : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IReadOnlyDictionary<string, string> _clientDefaults;
    private readonly IAdminClient _anyBroker;
    private readonly Dictionary<string, IAdminClient> _perBroker = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private Func<IReadOnlyList<string>> _liveAddresses = () => [];
    private int _inFlight;
    private int _rotation;
    private bool _disposed;

    public MetadataObserver(string bootstrapServers, IReadOnlyDictionary<string, string> clientDefaults)
    {
        _clientDefaults = clientDefaults;
        _anyBroker = Build(bootstrapServers);
    }

    /// <summary>Where to send requests: the <c>host:port</c> of brokers that are up and not paused.</summary>
    public void UseLiveBrokers(Func<IReadOnlyList<string>> addresses) => _liveAddresses = addresses;

    /// <summary>Metadata of all topics and brokers; retries short requests (a paused broker never answers) until cancelled.</summary>
    public async Task<Metadata> GetMetadataAsync(CancellationToken cancellationToken)
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
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The controller as DescribeCluster reports it, or null when the request fails.</summary>
    public async Task<int?> GetControllerAsync()
    {
        try
        {
            var result = await Task.Run(
                () => WithAdmin(admin => admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = RequestTimeout }).GetAwaiter().GetResult())).ConfigureAwait(false);
            return result.Controller?.Id;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <summary>
    /// Polls metadata until <paramref name="condition"/> holds or <paramref name="timeout"/> passes (measured on the
    /// wall clock: metadata propagation is real time even when delays run on a fake clock).
    /// </summary>
    public async Task<Observation> WaitUntilAsync(Func<Metadata, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = TimeProvider.System.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Metadata? last = null;
        try
        {
            while (true)
            {
                last = await GetMetadataAsync(deadline.Token).ConfigureAwait(false);
                if (condition(last))
                {
                    return new Observation(true, last, TimeProvider.System.GetElapsedTime(start));
                }

                await Task.Delay(PollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Observation(false, last, TimeProvider.System.GetElapsedTime(start));
        }
    }

    /// <summary>Waits for requests in flight (at most the 1 s request timeout): the native client must not be freed under them.</summary>
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

        _anyBroker.Dispose();
    }

    private T WithAdmin<T>(Func<IAdminClient, T> request)
    {
        var addresses = _liveAddresses();
        IAdminClient admin;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _inFlight++;
            admin = _anyBroker;
            if (addresses.Count > 0)
            {
                var address = addresses[(int)((uint)_rotation++ % (uint)addresses.Count)];
                if (!_perBroker.TryGetValue(address, out admin!))
                {
                    admin = Build(address);
                    _perBroker[address] = admin;
                }
            }
        }

        try
        {
            return request(admin);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private IAdminClient Build(string bootstrapServers)
    {
        var config = new AdminClientConfig(_clientDefaults.ToDictionary()) { BootstrapServers = bootstrapServers, ClientId = "loadlab-embedded-observer" };
        // Brokers going down on purpose make librdkafka log connection errors; they are expected here.
        return new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }
}

/// <summary>The outcome of waiting for metadata to show an effect; <see cref="Last"/> is null when no metadata arrived.</summary>
internal sealed record Observation(bool Seen, Metadata? Last, TimeSpan Took);
