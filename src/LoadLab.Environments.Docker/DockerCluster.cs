using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Engine;
using LoadLab.Environments.Docker.Planning;
using LoadLab.Kafka.Observation;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.Docker;

/// <summary>
/// A cluster running in Docker containers: its containers, how clients reach it, and how LoadLab observes it (through
/// the Kafka protocol, <see cref="Observer"/>); its faults are <see cref="DockerFaultOperations"/>. Disposing it removes
/// every container, network and volume labelled with its run id; so does SIGINT/SIGTERM while it is alive (unless
/// detached by <c>env up</c>).
/// </summary>
public sealed class DockerCluster : ICluster
{
    private readonly ClusterPlan _plan;
    private readonly DockerProviderOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ContainerPlan> _brokers;
    private readonly Dictionary<string, string> _containerIds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (ContainerPlan Container, int Port)> _brokersById = [];
    private readonly Lock _brokersGate = new();
    private readonly List<PosixSignalRegistration> _signalRegistrations = [];
    private readonly SemaphoreSlim _teardownLock = new(1, 1);
    private readonly DockerFaultOperations _faults;
    private bool _tornDown;
    private bool _detached;

    internal DockerCluster(DockerClient client, ClusterPlan plan, ClusterPlanner planner, DockerProviderOptions options)
    {
        Client = client;
        _plan = plan;
        _options = options;
        _time = options.TimeProvider;
        _brokers = [.. plan.Brokers];
        Observer = new ClusterObserver(DirectBootstrapServers, ClientDefaults, time: options.TimeProvider);
        Observer.UseLiveBrokers(LiveBrokerAddresses);
        _faults = new DockerFaultOperations(this, planner, options.Definition, options.TimeProvider);
        if (options.TeardownOnSignal)
        {
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
            {
                _signalRegistrations.Add(PosixSignalRegistration.Create(signal, _ => TearDownOnSignal()));
            }
        }
    }

    public string Kind => "docker";

    public string RunId => _plan.RunId;

    public ClusterPlan Plan => _plan;

    /// <summary>Where clients connect: the client-side proxy when the run needs it, else the brokers' published ports.</summary>
    public string BootstrapServers => Proxy?.BootstrapServers ?? DirectBootstrapServers;

    public IReadOnlyDictionary<string, string> ClientDefaults => _options.Definition.ClientDefaults;

    public IReadOnlyList<BrokerInfo> Brokers
    {
        get
        {
            lock (_brokersGate)
            {
                return [.. _brokersById.OrderBy(pair => pair.Key).Select(pair => new BrokerInfo(pair.Key, "127.0.0.1", pair.Value.Port, null))];
            }
        }
    }

    public IFaultOperations Faults => _faults;

    public IReadOnlyDictionary<string, string> Description
    {
        get
        {
            var description = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["environment"] = _plan.Definition.Name,
                ["platform"] = _plan.Definition.Platform,
                ["images"] = string.Join(",", _plan.Containers.Select(container => container.Image).Distinct(StringComparer.Ordinal)),
                ["brokers"] = ExpectedBrokerCount.ToString(CultureInfo.InvariantCulture),
                ["network"] = _plan.NetworkName,
                ["runId"] = _plan.RunId,
            };
            if (Proxy is not null)
            {
                description["clientProxy"] = $"clients reach the brokers through LoadLab's proxy on this host ({Proxy.BootstrapServers}) for client-side faults; traffic between brokers does not pass it";
            }

            return description;
        }
    }

    /// <summary>From network creation until ready with topics (image pulls excluded).</summary>
    public TimeSpan StartupTime { get; internal set; }

    /// <summary>Looks at the cluster through the Kafka protocol, at the brokers' own published ports (never through the proxy).</summary>
    public ClusterObserver Observer { get; }

    /// <summary>The client-side proxy (<c>broker.slow</c>, client-side <c>network.partition</c>), when the run needs it.</summary>
    internal BrokerProxy? Proxy { get; private set; }

    internal DockerClient Client { get; }

    internal string? NetworkId { get; set; }

    internal string NetworkName => _plan.NetworkName;

    /// <summary>The brokers' published ports on this host.</summary>
    internal string DirectBootstrapServers => string.Join(",", BrokerContainers.SelectMany(HostPorts).Select(port => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Brokers the containers serve together.</summary>
    private int ExpectedBrokerCount => BrokerContainers.Sum(container => container.BrokerCount);

    /// <summary>Keeps the cluster running after this process exits (<c>env up</c>); <c>env down</c> removes it.</summary>
    public void Detach()
    {
        _detached = true;
        foreach (var registration in _signalRegistrations)
        {
            registration.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (!_detached)
        {
            await TearDownAsync(CancellationToken.None);
        }

        foreach (var registration in _signalRegistrations)
        {
            registration.Dispose();
        }

        Observer.Dispose();
        Client.Dispose();
    }

    /// <summary>Removes everything of this run; safe to call more than once.</summary>
    public async Task<ReapResult> TearDownAsync(CancellationToken cancellationToken)
    {
        await _teardownLock.WaitAsync(cancellationToken);
        try
        {
            if (_tornDown)
            {
                return new ReapResult(0, 0, 0);
            }

            var started = _time.GetTimestamp();
            var result = await ResourceReaper.RemoveAsync(Client, _plan.RunId, cancellationToken);
            _tornDown = true;
            _options.Progress?.Report($"removed {result} of run {_plan.RunId} in {_time.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            return result;
        }
        finally
        {
            _teardownLock.Release();
        }
    }

    /// <summary>Puts LoadLab's proxy in front of every broker, before any client connects.</summary>
    internal void StartProxy() =>
        Proxy = BrokerProxy.Start([.. Brokers.Select(broker => new ProxiedBroker(broker.Id, broker.Host, broker.Port))], new BrokerProxyOptions { TimeProvider = _time });

    /// <summary>
    /// Creates a container with the run's labels; its named volumes are created first, labelled too, so that teardown and
    /// <c>env clean</c> find them (a volume Docker creates implicitly for a mount carries no label).
    /// </summary>
    internal async Task<string> CreateContainerAsync(ContainerPlan container, CancellationToken cancellationToken)
    {
        foreach (var volume in container.Mounts.Where(mount => mount.IsVolume))
        {
            await Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = volume.Source, Labels = new Dictionary<string, string>(_plan.Labels) }, cancellationToken);
        }

        var labels = new Dictionary<string, string>(_plan.Labels);
        if (container.BrokerId is { } brokerId)
        {
            labels[ClusterPlanner.BrokerIdLabel] = brokerId.ToString(CultureInfo.InvariantCulture);
        }

        var ports = container.Ports.Where(port => port.HostPort is not null).ToList();
        var response = await Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = container.Name,
            Hostname = container.Hostname,
            Image = container.Image,
            Env = container.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            Entrypoint = container.Entrypoint.Count > 0 ? container.Entrypoint.ToList() : null,
            Cmd = container.Command.Count > 0 ? container.Command.ToList() : null,
            Labels = labels,
            ExposedPorts = ports.ToDictionary(port => $"{port.ContainerPort.ToString(CultureInfo.InvariantCulture)}/tcp", _ => new EmptyStruct()),
            HostConfig = new HostConfig
            {
                NetworkMode = _plan.NetworkName,
                PortBindings = ports.ToDictionary(
                    port => $"{port.ContainerPort.ToString(CultureInfo.InvariantCulture)}/tcp",
                    port => (IList<PortBinding>)[new PortBinding { HostIP = "127.0.0.1", HostPort = port.HostPort!.Value.ToString(CultureInfo.InvariantCulture) }]),
                Mounts = container.Mounts.Select(mount => new Mount
                {
                    Type = mount.IsVolume ? "volume" : "bind",
                    Source = mount.Source,
                    Target = mount.Target,
                    ReadOnly = mount.ReadOnly,
                }).ToList(),
                NanoCPUs = container.Resources.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
                Memory = container.Resources.MemoryBytes ?? 0,
            },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [_plan.NetworkName] = new() { Aliases = [container.Hostname] } },
            },
        }, cancellationToken);
        lock (_brokersGate)
        {
            _containerIds[container.Name] = response.ID;
        }

        return response.ID;
    }

    internal async Task CreateAndStartBrokerAsync(ContainerPlan broker, CancellationToken cancellationToken)
    {
        lock (_brokersGate)
        {
            if (!_brokers.Contains(broker))
            {
                _brokers.Add(broker);
            }
        }

        var id = await CreateContainerAsync(broker, cancellationToken);
        await Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        _options.Progress?.Report($"started {broker.Name} (broker {broker.BrokerId}, 127.0.0.1:{broker.ExternalHostPort})");
    }

    /// <summary>
    /// Waits until the metadata lists every broker; the timeout message names the condition and the last thing seen.
    /// A broker container that exits fails the wait at once, with its last output.
    /// </summary>
    internal async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var timeout = _plan.Definition.Readiness.Timeout;
        var started = _time.GetTimestamp();
        var lastSeen = "no metadata answer yet";
        while (_time.GetElapsedTime(started) < timeout)
        {
            foreach (var broker in _brokers)
            {
                var state = await InspectAsync(broker, cancellationToken);
                if (!state.Running)
                {
                    throw new EnvironmentException($"Broker container {broker.Name} exited (code {state.ExitCode}) before the cluster was ready; " +
                        $"its last output: {await LogTailAsync(ContainerId(broker), cancellationToken)}");
                }
            }

            try
            {
                var listed = await Observer.BrokersAsync(cancellationToken);
                lastSeen = $"metadata listed {listed.Count} of {ExpectedBrokerCount} brokers ({string.Join(", ", listed.Select(broker => $"{broker.Id}@{broker.Host}:{broker.Port}"))})";
                if (MapBrokers(listed))
                {
                    return;
                }
            }
            catch (Confluent.Kafka.KafkaException e)
            {
                lastSeen = e.Error.Reason;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken);
        }

        throw new EnvironmentException($"{_plan.Definition.Name} was not ready within {timeout.TotalSeconds:0} s: waited for \"{Definitions.ReadinessSpec.Condition}\" " +
            $"({ExpectedBrokerCount} at {DirectBootstrapServers}); last seen: {lastSeen}. Raise readiness.timeout in {_plan.Definition.SourcePath ?? _plan.Definition.Name} " +
            "if the machine is slow, or inspect the containers with `docker logs`.");
    }

    /// <summary>Maps metadata broker ids to containers by advertised host port; true when every broker of every container is listed.</summary>
    internal bool MapBrokers(IReadOnlyList<BrokerInfo> listed)
    {
        lock (_brokersGate)
        {
            var mapped = new Dictionary<int, (ContainerPlan, int)>();
            foreach (var broker in listed)
            {
                if (_brokers.FirstOrDefault(container => HostPorts(container).Contains(broker.Port)) is { } container)
                {
                    mapped[broker.Id] = (container, broker.Port);
                }
            }

            if (mapped.Count < _brokers.Sum(container => container.BrokerCount))
            {
                return false;
            }

            _brokersById.Clear();
            foreach (var (id, broker) in mapped)
            {
                _brokersById[id] = broker;
            }

            return true;
        }
    }

    /// <summary>The container of broker <paramref name="brokerId"/>.</summary>
    internal ContainerPlan ContainerOf(int brokerId) => Lookup(brokerId).Container;

    /// <summary>The published address of broker <paramref name="brokerId"/> on this host.</summary>
    internal string AddressOf(int brokerId) => $"127.0.0.1:{Lookup(brokerId).Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The brokers that <paramref name="container"/> serves (all of them go when it is killed or paused).</summary>
    internal IReadOnlyList<int> BrokersIn(ContainerPlan container)
    {
        lock (_brokersGate)
        {
            return [.. _brokersById.Where(pair => pair.Value.Container == container).Select(pair => pair.Key).Order()];
        }
    }

    /// <summary>The broker containers, in start order.</summary>
    internal IReadOnlyList<ContainerPlan> BrokerContainers
    {
        get
        {
            lock (_brokersGate)
            {
                return [.. _brokers];
            }
        }
    }

    /// <summary>The host ports a broker container publishes for its brokers.</summary>
    internal static IEnumerable<int> HostPorts(ContainerPlan broker) =>
        broker.ExternalHostPort is { } first ? Enumerable.Range(first, broker.BrokerCount) : [];

    internal string ContainerId(ContainerPlan container)
    {
        lock (_brokersGate)
        {
            return _containerIds[container.Name];
        }
    }

    internal async Task<string> LogTailAsync(string containerId, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = await Client.Containers.GetContainerLogsAsync(containerId, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "15" }, cancellationToken);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken);
            var text = (stdout + stderr).Trim();
            return text.Length == 0 ? "(no output)" : text.Replace("\n", " | ", StringComparison.Ordinal);
        }
        catch (DockerApiException e)
        {
            return $"(logs unavailable: {e.Message})";
        }
    }

    internal async Task<ContainerState> InspectAsync(ContainerPlan container, CancellationToken cancellationToken)
    {
        var inspected = await Client.Containers.InspectContainerAsync(ContainerId(container), cancellationToken);
        var networks = inspected.NetworkSettings?.Networks?.Keys.ToList() ?? [];
        return new ContainerState(inspected.State.Running, inspected.State.Paused, inspected.State.ExitCode, networks);
    }

    /// <summary>Runs a command in a container; throws <see cref="TimeoutException"/> when it does not finish within <paramref name="timeout"/>.</summary>
    internal async Task<(long ExitCode, string Output)> ExecAsync(ContainerPlan container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var created = await Client.Exec.ExecCreateContainerAsync(ContainerId(container), new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            AttachStdout = true,
            AttachStderr = true,
        }, deadline.Token);
        try
        {
            using var stream = await Client.Exec.StartAndAttachContainerExecAsync(created.ID, tty: false, deadline.Token);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(deadline.Token);
            var inspected = await Client.Exec.InspectContainerExecAsync(created.ID, deadline.Token);
            return (inspected.ExitCode, new StringBuilder(stdout).Append(stderr).ToString().Trim());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{command[0]} in {container.Name} did not finish within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Where the observer sends requests: brokers LoadLab did not freeze or cut off itself (a paused broker accepts
    /// connections and never answers, which would stall every request that picks it).
    /// </summary>
    private IReadOnlyList<string> LiveBrokerAddresses()
    {
        var unavailable = _faults.UnavailableBrokers;
        lock (_brokersGate)
        {
            return [.. _brokersById.Where(pair => !unavailable.Contains(pair.Key)).Select(pair => $"127.0.0.1:{pair.Value.Port.ToString(CultureInfo.InvariantCulture)}")];
        }
    }

    private (ContainerPlan Container, int Port) Lookup(int brokerId)
    {
        lock (_brokersGate)
        {
            return _brokersById.TryGetValue(brokerId, out var broker)
                ? broker
                : throw new InvalidOperationException($"broker {brokerId} is not part of this cluster (brokers: {string.Join(", ", _brokersById.Keys.Order())})");
        }
    }

    private void TearDownOnSignal()
    {
        if (_detached)
        {
            return;
        }

        // The signal ends the process; removing the containers must finish first, but not hang forever.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            TearDownAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"loadlab: tearing down run {_plan.RunId} failed ({e.Message}); run `loadlab env clean` to remove what is left.");
        }
    }
}

/// <summary>A container's state as the engine reports it.</summary>
internal sealed record ContainerState(bool Running, bool Paused, long ExitCode, IReadOnlyCollection<string> Networks);
