using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Protocol;

namespace LoadLab.Kafka.Proxy;

/// <summary>
/// A TCP proxy per broker on this host, in the path of every client connection to the cluster. It forwards Kafka
/// requests and responses frame by frame and can, per broker, add latency to every response (<c>broker.slow</c>) or stop
/// moving bytes in both directions while connections stay open (a client-side <c>network.partition</c>: what a client sees
/// when packets are dropped — requests time out, nothing is refused — and what it sees resume when the partition heals).
/// <para>
/// With <see cref="BrokerProxyOptions.RewriteAddresses"/> it rewrites the broker addresses in Metadata, FindCoordinator
/// and DescribeCluster responses to its own listeners (<see cref="BrokerAddressRewriter"/>), so a client bootstrapped to
/// the proxy reaches every broker through it, whatever the brokers advertise — this is how Docker and external clusters
/// get client-side faults without NET_ADMIN. A broker it first sees in a response gets a listener at once. Without
/// rewriting it is the plain forwarder of <c>loadlab cluster serve --listen</c>, whose brokers advertise the listeners.
/// </para>
/// <para>
/// Only clients are affected: traffic between brokers (replication, the controller quorum) never passes the proxy, so a
/// slow or cut broker still replicates and stays in the ISR. The proxy speaks plaintext Kafka framing; TLS connections
/// cannot be rewritten.
/// </para>
/// </summary>
public sealed class BrokerProxy : IAsyncDisposable
{
    private readonly BrokerProxyOptions _options;
    private readonly ConcurrentDictionary<int, BrokerRoute> _routes = new();
    private readonly ConcurrentDictionary<Task, bool> _tasks = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _routesGate = new();

    private BrokerProxy(BrokerProxyOptions options) => _options = options;

    /// <summary>
    /// Listens for each of <paramref name="brokers"/> (at its <see cref="ProxiedBroker.Listen"/> endpoint, or a free
    /// port on <see cref="BrokerProxyOptions.ListenAddress"/>) and forwards to it. Throws <see cref="EnvironmentException"/>
    /// when an endpoint cannot be bound.
    /// </summary>
    public static BrokerProxy Start(IReadOnlyList<ProxiedBroker> brokers, BrokerProxyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(brokers);
        var proxy = new BrokerProxy(options ?? new BrokerProxyOptions());
        try
        {
            foreach (var broker in brokers)
            {
                proxy.AddRoute(broker);
            }
        }
        catch
        {
            proxy.StopListeners();
            throw;
        }

        return proxy;
    }

    /// <summary>The proxy's listeners as clients reach them, comma-separated, in broker id order.</summary>
    public string BootstrapServers => string.Join(",", _routes.Values.OrderBy(r => r.BrokerId).Select(r => ClientAddress(r)));

    /// <summary>Every proxied broker: its id and the address clients use for it.</summary>
    public IReadOnlyList<BrokerInfo> Brokers => [.. _routes.Values.OrderBy(r => r.BrokerId).Select(r => new BrokerInfo(r.BrokerId, _options.AdvertisedHost, r.Port, null))];

    /// <summary>The <c>host:port</c> clients use for broker <paramref name="brokerId"/>, or null when the proxy does not know it.</summary>
    public string? AddressOf(int brokerId) => _routes.TryGetValue(brokerId, out var route) ? ClientAddress(route) : null;

    /// <summary>Every response of broker <paramref name="brokerId"/> leaves the proxy <paramref name="latency"/> later (zero: no delay).</summary>
    public void SetLatency(int brokerId, TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        Route(brokerId).Latency = latency;
    }

    /// <summary>The added latency of broker <paramref name="brokerId"/>.</summary>
    public TimeSpan LatencyOf(int brokerId) => Route(brokerId).Latency;

    /// <summary>Stops moving bytes to and from broker <paramref name="brokerId"/>; open connections stay open and new ones wait.</summary>
    public void Cut(int brokerId) => Route(brokerId).Gate.Close();

    /// <summary>Lets bytes move again: what waited is delivered, in order.</summary>
    public void Heal(int brokerId) => Route(brokerId).Gate.Open();

    /// <summary>Whether broker <paramref name="brokerId"/> is cut off.</summary>
    public bool IsCut(int brokerId) => !Route(brokerId).Gate.IsOpen;

    /// <summary>Stops listening, closes every connection and waits for the forwarding tasks to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        StopListeners();
        foreach (var route in _routes.Values)
        {
            route.Gate.Open();
        }

        await Task.WhenAll(_tasks.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private string ClientAddress(BrokerRoute route) =>
        (_options.AdvertisedHost.Contains(':', StringComparison.Ordinal) ? $"[{_options.AdvertisedHost}]" : _options.AdvertisedHost) + ":" + route.Port.ToString(CultureInfo.InvariantCulture);

    private BrokerRoute Route(int brokerId) =>
        _routes.TryGetValue(brokerId, out var route) ? route : throw new ArgumentException($"broker {brokerId} is not proxied (proxied: {string.Join(", ", _routes.Keys.Order())})", nameof(brokerId));

    private BrokerRoute AddRoute(ProxiedBroker broker)
    {
        var endpoint = broker.Listen ?? new IPEndPoint(_options.ListenAddress, 0);
        var listener = new TcpListener(endpoint);
        try
        {
            listener.Start();
        }
        catch (SocketException exception)
        {
            throw new EnvironmentException($"Broker {broker.Id} cannot listen on {endpoint}: {exception.Message}. {_options.ListenFix}", exception);
        }

        var route = new BrokerRoute(broker.Id, listener, broker.UpstreamHost, broker.UpstreamPort);
        _routes[broker.Id] = route;
        Track(Task.Run(() => AcceptAsync(route)));
        return route;
    }

    /// <summary>The address map of rewritten responses: a broker seen for the first time gets a listener.</summary>
    private (string Host, int Port) Map(int brokerId, string host, int port)
    {
        lock (_routesGate)
        {
            if (!_routes.TryGetValue(brokerId, out var route))
            {
                route = AddRoute(new ProxiedBroker(brokerId, host, port));
            }
            else if (route.UpstreamHost != host || route.UpstreamPort != port)
            {
                // The broker moved (a restarted container may advertise another address): new connections follow it.
                route.UpstreamHost = host;
                route.UpstreamPort = port;
            }

            return (_options.AdvertisedHost, route.Port);
        }
    }

    private void Track(Task task)
    {
        _tasks.TryAdd(task, true);
        _ = task.ContinueWith(done => _tasks.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void StopListeners()
    {
        foreach (var route in _routes.Values)
        {
            route.Listener.Stop();
        }
    }

    private async Task AcceptAsync(BrokerRoute route)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await route.Listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new ProxiedConnection(client, route, _options.RewriteAddresses ? Map : null, _options.TimeProvider, _stopping.Token);
            Track(connection.RunAsync());
        }
    }
}

/// <summary>A broker behind the proxy.</summary>
/// <param name="Id">The broker id.</param>
/// <param name="UpstreamHost">Where the broker accepts connections from this host.</param>
/// <param name="UpstreamPort">Its port.</param>
/// <param name="Listen">Where the proxy listens for it; null: a free port on <see cref="BrokerProxyOptions.ListenAddress"/>.</param>
public sealed record ProxiedBroker(int Id, string UpstreamHost, int UpstreamPort, IPEndPoint? Listen = null);

/// <summary>Settings of a <see cref="BrokerProxy"/>.</summary>
public sealed record BrokerProxyOptions
{
    /// <summary>Rewrite broker addresses in responses to the proxy's listeners (default true).</summary>
    public bool RewriteAddresses { get; init; } = true;

    /// <summary>Where listeners without an endpoint of their own listen (default 127.0.0.1).</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The host clients are given for the listeners (default 127.0.0.1).</summary>
    public string AdvertisedHost { get; init; } = "127.0.0.1";

    /// <summary>What a user should do when a listener cannot bind (the option that chose its port).</summary>
    public string ListenFix { get; init; } = "Choose another port.";

    /// <summary>Clock of added latency.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>One proxied broker: its listener, where it forwards to, its added latency and its cut-off gate.</summary>
internal sealed class BrokerRoute(int brokerId, TcpListener listener, string upstreamHost, int upstreamPort)
{
    private long _latencyTicks;

    public int BrokerId { get; } = brokerId;
    public TcpListener Listener { get; } = listener;
    public int Port { get; } = ((IPEndPoint)listener.LocalEndpoint).Port;
    public string UpstreamHost { get; set; } = upstreamHost;
    public int UpstreamPort { get; set; } = upstreamPort;
    public ProxyGate Gate { get; } = new();

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _latencyTicks));
        set => Volatile.Write(ref _latencyTicks, value.Ticks);
    }
}

/// <summary>Open: bytes move. Closed: every forwarding step waits until it opens again.</summary>
internal sealed class ProxyGate
{
    private volatile TaskCompletionSource _opened = Completed();

    public bool IsOpen => _opened.Task.IsCompleted;

    public Task WaitOpenAsync(CancellationToken cancellationToken) => _opened.Task.IsCompleted ? Task.CompletedTask : _opened.Task.WaitAsync(cancellationToken);

    public void Close()
    {
        if (_opened.Task.IsCompleted)
        {
            _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Open() => _opened.TrySetResult();

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
