using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;
using LoadLab.Core.Environments;

namespace LoadLab.Environments.Embedded.Hosting;

/// <summary>
/// A loopback HTTP/JSON endpoint that breaks the served cluster on demand (BCL <see cref="HttpListener"/>, no
/// authentication, so it only ever listens on loopback). Requests run concurrently, so a kill that waits for its
/// fail-over does not hold up a restart. Routes (all answers are JSON):
/// <list type="table">
/// <item><term>GET /</term><description>bootstrap servers, controller, brokers</description></item>
/// <item><term>GET /brokers</term><description>every broker: id, host, port, rack, state (up/down/paused), slowMs, leads, coordinates, isController</description></item>
/// <item><term>POST /brokers/{id}/kill|restart|pause|resume|restore-speed|decommission</term><description>the fault; answers the outcome</description></item>
/// <item><term>POST /brokers/{id}/slow?ms=N</term><description>adds N ms to every response of the broker</description></item>
/// <item><term>POST /brokers?id=N</term><description>adds a broker (next free id when none is given)</description></item>
/// <item><term>GET|POST /partitions/{topic}/{partition}/leader[?broker=N]</term><description>the leader, or moves it</description></item>
/// <item><term>POST /partitions/{topic}/{partition}/reassign?replicas=1,2,3</term><description>new replica list, leader first</description></item>
/// <item><term>GET /groups/{group}/coordinator</term><description>registers the group (so fail-over moves its coordinator) and answers it</description></item>
/// <item><term>POST /errors?api=0&amp;code=PolicyViolation&amp;count=N</term><description>the next N requests of that API key fail with that code (name or number)</description></item>
/// </list>
/// A fault answers 200 with <c>{succeeded, detail, tookMs}</c> when its effect was observed, 409 when it was not;
/// kill and pause answer only after the detection delay; restart and resume after the preferred-leader restore delay
/// when fail-over had moved something, at once otherwise.
/// </summary>
internal sealed class ControlEndpoint : IAsyncDisposable
{
    // Details are read by people (curl) and scripts; relaxed escaping keeps ' and → readable. Never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpListener _listener;
    private readonly EmbeddedCluster _cluster;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly Task _acceptLoop;

    private ControlEndpoint(HttpListener listener, EmbeddedCluster cluster, Uri baseUri)
    {
        _listener = listener;
        _cluster = cluster;
        BaseUri = baseUri;
        _acceptLoop = Task.Run(AcceptAsync);
    }

    public Uri BaseUri { get; }

    public static ControlEndpoint Start(EmbeddedCluster cluster, IPEndPoint endpoint)
    {
        var baseUri = new Uri($"http://{endpoint}/");
        var listener = new HttpListener();
        listener.Prefixes.Add(baseUri.ToString());
        try
        {
            listener.Start();
        }
        catch (HttpListenerException exception)
        {
            listener.Close();
            throw new EnvironmentException($"The control endpoint cannot listen on {endpoint}: {exception.Message}. Choose another port.", exception);
        }

        return new ControlEndpoint(listener, cluster, baseUri);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        _listener.Close();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            var handling = HandleAsync(context);
            _running[handling] = true;
            _ = handling.ContinueWith(done => _running.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        int status;
        object body;
        try
        {
            (status, body) = await RouteAsync(context.Request).ConfigureAwait(false);
        }
        catch (BadRequestException exception)
        {
            (status, body) = (400, new ErrorBody(exception.Message));
        }
        catch (OperationCanceledException)
        {
            (status, body) = (503, new ErrorBody("The cluster is shutting down."));
        }
        catch (Exception exception) when (exception is KafkaException or InvalidOperationException or ObjectDisposedException)
        {
            (status, body) = (500, new ErrorBody(exception.Message));
        }

        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The caller went away; nothing to answer.
        }
    }

    private async Task<(int Status, object Body)> RouteAsync(HttpListenerRequest request)
    {
        var path = request.Url?.AbsolutePath ?? "/";
        string[] segments = [.. path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
        var post = request.HttpMethod == "POST";
        var get = request.HttpMethod == "GET";
        var token = _stopping.Token;
        return segments switch
        {
            [] when get => (200, await ClusterViewAsync(token).ConfigureAwait(false)),
            ["brokers"] when get => (200, Brokers()),
            ["brokers"] when post => await ExecuteAsync(new FaultCommand(FaultOperation.BrokerAdd, BrokerId: OptionalInt(request, "id")), token).ConfigureAwait(false),
            ["brokers", var id, var action] when post => await ExecuteAsync(BrokerCommand(ParseInt("broker id", id), action, request), token).ConfigureAwait(false),
            ["partitions", var topic, var partition, "leader"] when get =>
                (200, new LeaderBody(topic, ParseInt("partition", partition), await _cluster.Faults.GetLeaderAsync(topic, ParseInt("partition", partition), token).ConfigureAwait(false))),
            ["partitions", var topic, var partition, "leader"] when post => await ExecuteAsync(
                new FaultCommand(FaultOperation.LeaderMove, BrokerId: RequiredInt(request, "broker"), Topic: topic, Partition: ParseInt("partition", partition)), token).ConfigureAwait(false),
            ["partitions", var topic, var partition, "reassign"] when post => await ExecuteAsync(
                new FaultCommand(FaultOperation.PartitionReassign, Topic: topic, Partition: ParseInt("partition", partition), Replicas: ParseReplicas(request)), token).ConfigureAwait(false),
            ["groups", var group, "coordinator"] when get => (200, new CoordinatorBody(group, await _cluster.Faults.GetCoordinatorAsync(group, token).ConfigureAwait(false))),
            ["errors"] when post => await ExecuteAsync(new FaultCommand(FaultOperation.InjectErrors, Errors: ParseErrors(request)), token).ConfigureAwait(false),
            _ => (404, new ErrorBody($"No route for {request.HttpMethod} {path}. Routes: GET /, GET /brokers, POST /brokers/{{id}}/kill|restart|pause|resume|slow?ms=N|restore-speed|decommission, POST /brokers?id=N, GET|POST /partitions/{{topic}}/{{partition}}/leader?broker=N, POST /partitions/{{topic}}/{{partition}}/reassign?replicas=1,2,3, GET /groups/{{group}}/coordinator, POST /errors?api=0&code=PolicyViolation&count=N.")),
        };
    }

    private async Task<(int, object)> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken)
    {
        var outcome = await _cluster.Faults.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        return (outcome.Succeeded ? 200 : 409, new OutcomeBody(outcome.Succeeded, outcome.Detail, Math.Round(outcome.Took.TotalMilliseconds, 1)));
    }

    private static FaultCommand BrokerCommand(int brokerId, string action, HttpListenerRequest request) => action switch
    {
        "kill" => new FaultCommand(FaultOperation.BrokerKill, brokerId),
        "restart" => new FaultCommand(FaultOperation.BrokerRestart, brokerId),
        "pause" => new FaultCommand(FaultOperation.BrokerPause, brokerId),
        "resume" => new FaultCommand(FaultOperation.BrokerResume, brokerId),
        "slow" => new FaultCommand(FaultOperation.BrokerSlow, brokerId, Latency: TimeSpan.FromMilliseconds(RequiredInt(request, "ms"))),
        "restore-speed" => new FaultCommand(FaultOperation.BrokerRestoreSpeed, brokerId),
        "decommission" => new FaultCommand(FaultOperation.BrokerDecommission, brokerId),
        _ => throw new BadRequestException($"Unknown broker action '{action}': use kill, restart, pause, resume, slow?ms=N, restore-speed or decommission."),
    };

    private async Task<ClusterView> ClusterViewAsync(CancellationToken cancellationToken) =>
        new(_cluster.Kind, _cluster.BootstrapServers, await _cluster.Faults.GetControllerAsync(cancellationToken).ConfigureAwait(false), Brokers(), _cluster.ClientDefaults);

    private BrokerView[] Brokers()
    {
        var started = _cluster.Brokers.ToDictionary(b => b.Id);
        return [.. _cluster.BrokerStatuses().Select(status =>
        {
            started.TryGetValue(status.Id, out var info);
            return new BrokerView(status.Id, info?.Host, info?.Port, status.Rack, status.State, status.SlowMilliseconds, status.Leads, status.Coordinates, status.IsController);
        })];
    }

    private static InjectedErrors ParseErrors(HttpListenerRequest request)
    {
        var api = RequiredInt(request, "api");
        var codeText = request.QueryString["code"] ?? throw new BadRequestException("Missing query parameter 'code': a Kafka error code number or name, e.g. code=PolicyViolation.");
        if (!int.TryParse(codeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
        {
            if (!Enum.TryParse<ErrorCode>(codeText, ignoreCase: true, out var named))
            {
                throw new BadRequestException($"Unknown error code '{codeText}': use a number or a Confluent.Kafka ErrorCode name such as PolicyViolation or NotLeaderForPartition.");
            }

            code = (int)named;
        }

        if (api is < 0 or > short.MaxValue)
        {
            throw new BadRequestException($"api={api} is not a Kafka API key (0 Produce, 1 Fetch, 3 Metadata, 8 OffsetCommit, 12 Heartbeat, …).");
        }

        return new InjectedErrors((short)api, code, OptionalInt(request, "count") ?? 1);
    }

    private static int[] ParseReplicas(HttpListenerRequest request)
    {
        var text = request.QueryString["replicas"] ?? throw new BadRequestException("Missing query parameter 'replicas', e.g. replicas=3,1,2 (new leader first).");
        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => ParseInt("replica", id))];
    }

    private static int RequiredInt(HttpListenerRequest request, string name) =>
        OptionalInt(request, name) ?? throw new BadRequestException($"Missing query parameter '{name}' (a whole number).");

    private static int? OptionalInt(HttpListenerRequest request, string name) =>
        request.QueryString[name] is { } text ? ParseInt(name, text) : null;

    private static int ParseInt(string name, string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BadRequestException($"{name} '{text}' is not a whole number.");

    private sealed class BadRequestException(string message) : Exception(message);

    private sealed record ErrorBody(string Error);

    private sealed record OutcomeBody(bool Succeeded, string Detail, double TookMs);

    private sealed record LeaderBody(string Topic, int Partition, int? Leader);

    private sealed record CoordinatorBody(string Group, int? Coordinator);

    private sealed record BrokerView(int Id, string? Host, int? Port, string Rack, string State, int SlowMs, IReadOnlyList<string> Leads, IReadOnlyList<string> Coordinates, bool IsController);

    private sealed record ClusterView(string Kind, string BootstrapServers, int? Controller, IReadOnlyList<BrokerView> Brokers, IReadOnlyDictionary<string, string> ClientDefaults);
}
