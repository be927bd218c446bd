using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace LoadLab.Environments.Embedded;

/// <summary>
/// Looks at the cluster the way a client does (Metadata and DescribeCluster requests through Confluent's admin
/// client), so every fault outcome states what a client could see, not what the environment believes it did.
/// </summary>
internal sealed class MetadataObserver : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IAdminClient admin;
    private readonly object gate = new();
    private int inFlight;
    private bool disposed;

    public MetadataObserver(string bootstrapServers, IReadOnlyDictionary<string, string> clientDefaults)
    {
        var config = new AdminClientConfig(clientDefaults.ToDictionary()) { BootstrapServers = bootstrapServers, ClientId = "loadlab-embedded-observer" };
        // Brokers going down on purpose make librdkafka log connection errors; they are expected here.
        admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    /// <summary>Metadata of all topics and brokers; retries short requests (a paused broker never answers) until cancelled.</summary>
    public async Task<Metadata> GetMetadataAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await Task.Run(() => WithAdmin(() => admin.GetMetadata(RequestTimeout)), cancellationToken).ConfigureAwait(false);
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
                () => WithAdmin(() => admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = RequestTimeout }).GetAwaiter().GetResult())).ConfigureAwait(false);
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

    /// <summary>Waits for requests in flight (at most the 2 s request timeout): the native client must not be freed under them.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            while (inFlight > 0)
            {
                Monitor.Wait(gate);
            }
        }

        admin.Dispose();
    }

    private T WithAdmin<T>(Func<T> request)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            inFlight++;
        }

        try
        {
            return request();
        }
        finally
        {
            lock (gate)
            {
                inFlight--;
                Monitor.PulseAll(gate);
            }
        }
    }
}

/// <summary>The outcome of waiting for metadata to show an effect; <see cref="Last"/> is null when no metadata arrived.</summary>
internal sealed record Observation(bool Seen, Metadata? Last, TimeSpan Took);
