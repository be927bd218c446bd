using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LoadLab.Core.Environments;

namespace LoadLab.Environments.Embedded.Hosting;

/// <summary>
/// Carries TCP connections from the addresses of a <see cref="BrokerAddressing"/> to the mock brokers, which listen on
/// 127.0.0.1 only (librdkafka binds them there; <c>rd_kafka_mock_broker_set_host_port</c> changes what they advertise,
/// not where they listen). A connection closes on both sides as soon as either side closes, so a client sees a broker
/// that goes down (or a forwarder that stops) exactly as it would see the broker itself close.
/// </summary>
internal sealed class BrokerForwarder : IAsyncDisposable
{
    private readonly List<TcpListener> _listeners;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly List<Task> _acceptLoops;

    private BrokerForwarder(List<TcpListener> listeners, IReadOnlyList<IPEndPoint> brokers)
    {
        _listeners = listeners;
        _acceptLoops = listeners.Select((listener, index) => Task.Run(() => AcceptAsync(listener, brokers[index]))).ToList();
    }

    /// <summary>
    /// Listens for every broker of <paramref name="brokers"/> (their own loopback endpoints, in id order);
    /// <see cref="EnvironmentException"/> when an address cannot be bound.
    /// </summary>
    public static BrokerForwarder Start(BrokerAddressing addressing, IReadOnlyList<IPEndPoint> brokers)
    {
        var listeners = new List<TcpListener>(brokers.Count);
        try
        {
            for (var index = 0; index < brokers.Count; index++)
            {
                var endpoint = addressing.ListenEndpoint(index);
                var listener = new TcpListener(endpoint);
                try
                {
                    listener.Start();
                }
                catch (SocketException exception)
                {
                    throw new EnvironmentException($"Broker {index + 1} cannot listen on {endpoint}: {exception.Message}. Choose another --listen port.", exception);
                }

                listeners.Add(listener);
            }
        }
        catch
        {
            listeners.ForEach(listener => listener.Stop());
            throw;
        }

        return new BrokerForwarder(listeners, brokers);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listeners.ForEach(listener => listener.Stop());
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, IPEndPoint broker)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = ForwardAsync(client, broker);
            _connections.TryAdd(connection, true);
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ForwardAsync(TcpClient client, IPEndPoint broker)
    {
        using (client)
        using (var upstream = new TcpClient())
        using (var closed = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            try
            {
                // Kafka requests are small and latency-bound: never hold a segment back for Nagle.
                client.NoDelay = upstream.NoDelay = true;
                await upstream.ConnectAsync(broker, closed.Token).ConfigureAwait(false);
                var downstream = client.GetStream();
                var toBroker = upstream.GetStream();
                Task[] copies = [downstream.CopyToAsync(toBroker, closed.Token), toBroker.CopyToAsync(downstream, closed.Token)];
                await Task.WhenAny(copies).ConfigureAwait(false);
                // One side closed: end the other copy, which still waits for data, so both sockets close together.
                await closed.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(copies).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A refused or broken connection ends here: the client sees its connection closed, as with a real broker.
            }
        }
    }
}
