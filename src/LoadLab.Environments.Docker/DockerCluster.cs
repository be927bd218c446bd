using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Docker.DotNet;
using Docker.DotNet.Models;
using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Engine;
using LoadLab.Environments.Docker.Planning;

namespace LoadLab.Environments.Docker;

/// <summary>
/// A cluster running in Docker containers. Disposing it removes every container, network and volume labelled with its
/// run id; so does SIGINT/SIGTERM while it is alive (unless detached by <c>env up</c>).
/// </summary>
public sealed class DockerCluster : ICluster, IFaultOperations
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StateChangeTimeout = TimeSpan.FromSeconds(30);

    private readonly ClusterPlan _plan;
    private readonly ClusterPlanner _planner;
    private readonly DockerProviderOptions _options;
    private readonly TimeProvider _time;
    private readonly List<ContainerPlan> _brokers;
    private readonly Dictionary<string, string> _containerIds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ContainerPlan> _brokersById = [];
    private readonly List<PosixSignalRegistration> _signalRegistrations = [];
    private readonly SemaphoreSlim _teardownLock = new(1, 1);
    private readonly Lazy<IAdminClient> _admin;
    private string _lastAdminError = "";
    private bool _tornDown;
    private bool _detached;

    internal DockerCluster(DockerClient client, ClusterPlan plan, ClusterPlanner planner, DockerProviderOptions options)
    {
        Client = client;
        _plan = plan;
        _planner = planner;
        _options = options;
        _time = options.TimeProvider;
        _brokers = [.. plan.Brokers];
        _admin = new Lazy<IAdminClient>(CreateAdmin);
        Capabilities = DockerCapabilities.For(options.Definition);
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

    public string BootstrapServers => string.Join(",", _brokers.Select(broker => $"127.0.0.1:{broker.ExternalHostPort?.ToString(CultureInfo.InvariantCulture)}"));

    public IReadOnlyDictionary<string, string> ClientDefaults => _options.Definition.ClientDefaults;

    public IReadOnlyList<BrokerInfo> Brokers => _brokersById
        .OrderBy(pair => pair.Key)
        .Select(pair => new BrokerInfo(pair.Key, "127.0.0.1", pair.Value.ExternalHostPort ?? 0, null))
        .ToList();

    public IFaultOperations Faults => this;

    public IReadOnlyDictionary<string, string> Description => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["environment"] = _plan.Definition.Name,
        ["platform"] = _plan.Definition.Platform,
        ["images"] = string.Join(",", _plan.Containers.Select(container => container.Image).Distinct(StringComparer.Ordinal)),
        ["brokers"] = _brokers.Count.ToString(CultureInfo.InvariantCulture),
        ["network"] = _plan.NetworkName,
        ["runId"] = _plan.RunId,
    };

    public FaultCapabilities Capabilities { get; }

    /// <summary>From network creation until ready with topics (image pulls excluded).</summary>
    public TimeSpan StartupTime { get; internal set; }

    internal DockerClient Client { get; }

    internal string? NetworkId { get; set; }

    internal IAdminClient Admin => _admin.Value;

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
        if (!_detached)
        {
            await TearDownAsync(CancellationToken.None);
        }

        foreach (var registration in _signalRegistrations)
        {
            registration.Dispose();
        }

        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }

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

    internal async Task<string> CreateContainerAsync(ContainerPlan container, CancellationToken cancellationToken)
    {
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
        _containerIds[container.Name] = response.ID;
        return response.ID;
    }

    internal async Task CreateAndStartBrokerAsync(ContainerPlan broker, CancellationToken cancellationToken)
    {
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
                        $"its last output: {await LogTailAsync(_containerIds[broker.Name], cancellationToken)}");
                }
            }

            var listed = TryListBrokers(out var seen);
            lastSeen = seen;
            if (listed is not null && MapBrokers(listed))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken);
        }

        throw new EnvironmentException($"{_plan.Definition.Name} was not ready within {timeout.TotalSeconds:0} s: waited for \"{ReadinessSpec.Condition}\" " +
            $"({_brokers.Count} at {BootstrapServers}); last seen: {lastSeen}. Raise readiness.timeout in {_plan.Definition.SourcePath ?? _plan.Definition.Name} " +
            "if the machine is slow, or inspect the containers with `docker logs`.");
    }

    /// <summary>Maps metadata broker ids to containers by advertised host port; true when every broker is listed.</summary>
    private bool MapBrokers(IReadOnlyList<BrokerMetadata> listed)
    {
        var mapped = new Dictionary<int, ContainerPlan>();
        foreach (var broker in listed)
        {
            if (_brokers.FirstOrDefault(container => container.ExternalHostPort == broker.Port) is { } container)
            {
                mapped[broker.BrokerId] = container;
            }
        }

        if (mapped.Count < _brokers.Count)
        {
            return false;
        }

        _brokersById.Clear();
        foreach (var (id, container) in mapped)
        {
            _brokersById[id] = container;
        }

        return true;
    }

    private List<BrokerMetadata>? TryListBrokers(out string seen)
    {
        try
        {
            var metadata = Admin.GetMetadata(MetadataTimeout);
            seen = $"metadata listed {metadata.Brokers.Count} of {_brokers.Count} brokers ({string.Join(", ", metadata.Brokers.Select(broker => $"{broker.BrokerId}@{broker.Host}:{broker.Port}"))})";
            return metadata.Brokers;
        }
        catch (KafkaException e)
        {
            seen = _lastAdminError.Length > 0 ? $"{e.Error.Reason}; client log: {_lastAdminError}" : e.Error.Reason;
            return null;
        }
    }

    private IAdminClient CreateAdmin()
    {
        var config = new AdminClientConfig(ClientDefaults.ToDictionary(pair => pair.Key, pair => pair.Value))
        {
            BootstrapServers = BootstrapServers,
            SocketTimeoutMs = 5000,
            // A killed or paused broker must not stall metadata queries for long.
            ReconnectBackoffMaxMs = 1000,
        };
        return new AdminClientBuilder(config)
            .SetLogHandler((_, message) => _lastAdminError = message.Message)
            .SetErrorHandler((_, error) => _lastAdminError = error.Reason)
            .Build();
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

    private async Task<(bool Running, bool Paused, long ExitCode, IReadOnlyCollection<string> Networks)> InspectAsync(ContainerPlan container, CancellationToken cancellationToken)
    {
        var inspected = await Client.Containers.InspectContainerAsync(_containerIds[container.Name], cancellationToken);
        var networks = inspected.NetworkSettings?.Networks?.Keys.ToList() ?? [];
        return (inspected.State.Running, inspected.State.Paused, inspected.State.ExitCode, networks);
    }

    // ---- IFaultOperations ----

    public ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = Admin.GetMetadata(topic, MetadataTimeout);
            var leader = metadata.Topics.FirstOrDefault(found => found.Topic == topic)?.Partitions.FirstOrDefault(found => found.PartitionId == partition)?.Leader;
            return ValueTask.FromResult(leader is null or < 0 ? null : leader);
        }
        catch (KafkaException)
        {
            return ValueTask.FromResult<int?>(null);
        }
    }

    public async ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var description = await Admin.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = MetadataTimeout });
            return description.Controller?.Id;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    public async ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            var description = await Admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = MetadataTimeout });
            return description.ConsumerGroupDescriptions.FirstOrDefault()?.Coordinator?.Id;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken)
    {
        var key = ToMappingKey(command.Operation);
        if (key is null || !_options.Definition.Faults.TryGetValue(key.Value, out var mapping))
        {
            return new FaultOutcome(false, $"{command.Operation} is not mapped by environment {_plan.Definition.Name}", TimeSpan.Zero);
        }

        var started = _time.GetTimestamp();
        try
        {
            var (succeeded, detail) = mapping switch
            {
                ContainerFaultMapping { Action: ContainerAction.AddNode } => await AddBrokerAsync(cancellationToken),
                ContainerFaultMapping container => await ContainerFaultAsync(container.Action, TargetOf(command), cancellationToken),
                ExecFaultMapping exec => await ExecFaultAsync(exec, command, cancellationToken),
                _ => (false, $"unknown mapping {mapping}"),
            };
            return new FaultOutcome(succeeded, detail, _time.GetElapsedTime(started));
        }
        catch (Exception e) when (e is DockerApiException or InvalidOperationException or KafkaException or TimeoutException)
        {
            return new FaultOutcome(false, $"{command.Operation} failed: {e.Message}", _time.GetElapsedTime(started));
        }
    }

    private ContainerPlan TargetOf(FaultCommand command)
    {
        if (command.BrokerId is not { } id)
        {
            throw new InvalidOperationException($"{command.Operation} needs a broker id");
        }

        return _brokersById.TryGetValue(id, out var container)
            ? container
            : throw new InvalidOperationException($"broker {id} is not part of this cluster (brokers: {string.Join(", ", _brokersById.Keys.Order())})");
    }

    private async Task<(bool, string)> ContainerFaultAsync(ContainerAction action, ContainerPlan target, CancellationToken cancellationToken)
    {
        var id = _containerIds[target.Name];
        var containers = Client.Containers;
        switch (action)
        {
            case ContainerAction.Kill:
                await containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken);
                return await ObserveAsync(target, state => !state.Running, "is no longer running", cancellationToken);
            case ContainerAction.Stop:
                await containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 30 }, cancellationToken);
                return await ObserveAsync(target, state => !state.Running, "stopped", cancellationToken);
            case ContainerAction.Start:
                await containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
                return await ObserveListedAsync(target, "restarted", cancellationToken);
            case ContainerAction.Pause:
                await containers.PauseContainerAsync(id, cancellationToken);
                return await ObserveAsync(target, state => state.Paused, "is paused (all its processes frozen)", cancellationToken);
            case ContainerAction.Unpause:
                await containers.UnpauseContainerAsync(id, cancellationToken);
                return await ObserveAsync(target, state => state.Running && !state.Paused, "is running again", cancellationToken);
            case ContainerAction.Disconnect:
                await Client.Networks.DisconnectNetworkAsync(NetworkId, new NetworkDisconnectParameters { Container = id, Force = true }, cancellationToken);
                return await ObserveAsync(target, state => !state.Networks.Contains(_plan.NetworkName), $"is disconnected from {_plan.NetworkName}", cancellationToken);
            case ContainerAction.Connect:
                await Client.Networks.ConnectNetworkAsync(NetworkId, new NetworkConnectParameters
                {
                    Container = id,
                    EndpointConfig = new EndpointSettings { Aliases = [target.Hostname] },
                }, cancellationToken);
                return await ObserveListedAsync(target, $"reconnected to {_plan.NetworkName}", cancellationToken);
            case ContainerAction.AddNode:
            default:
                throw new InvalidOperationException($"{action} does not act on one broker");
        }
    }

    private async Task<(bool, string)> ObserveAsync(ContainerPlan target, Func<(bool Running, bool Paused, long ExitCode, IReadOnlyCollection<string> Networks), bool> condition, string effect, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < StateChangeTimeout)
        {
            if (condition(await InspectAsync(target, cancellationToken)))
            {
                return (true, $"{target.Name} {effect}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }

        return (false, $"{target.Name} did not reach '{effect}' within {StateChangeTimeout.TotalSeconds:0} s");
    }

    /// <summary>Waits until the metadata lists the broker again (it is serving), within the readiness timeout.</summary>
    private async Task<(bool, string)> ObserveListedAsync(ContainerPlan target, string effect, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var timeout = _plan.Definition.Readiness.Timeout;
        var seen = "";
        while (_time.GetElapsedTime(started) < timeout)
        {
            var listed = TryListBrokers(out seen);
            if (listed is not null && listed.Any(broker => broker.Port == target.ExternalHostPort))
            {
                MapBrokers(listed);
                return (true, $"{target.Name} {effect}; metadata lists it after {_time.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
        }

        return (false, $"{target.Name} {effect}, but metadata did not list it within {timeout.TotalSeconds:0} s (last seen: {seen})");
    }

    private async Task<(bool, string)> AddBrokerAsync(CancellationToken cancellationToken)
    {
        var broker = _planner.PlanBroker(_brokers.Count);
        _brokers.Add(broker);
        await CreateAndStartBrokerAsync(broker, cancellationToken);
        return await ObserveListedAsync(broker, $"added as broker {broker.BrokerId}", cancellationToken);
    }

    private async Task<(bool, string)> ExecFaultAsync(ExecFaultMapping exec, FaultCommand command, CancellationToken cancellationToken)
    {
        if (command.Topic is not { } topic || command.Partition is not { } partition)
        {
            throw new InvalidOperationException($"{command.Operation} needs a topic and a partition");
        }

        var replicas = await ReplicasForAsync(command, topic, partition);
        var host = await RunningBrokerAsync(cancellationToken);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["topic"] = topic,
            ["partition"] = partition.ToString(CultureInfo.InvariantCulture),
            ["replicas"] = string.Join(",", replicas),
            ["replicasJson"] = $"[{string.Join(",", replicas)}]",
            ["reassignmentJson"] = $"{{\"version\":1,\"partitions\":[{{\"topic\":\"{topic}\",\"partition\":{partition.ToString(CultureInfo.InvariantCulture)},\"replicas\":[{string.Join(",", replicas)}]}}]}}",
            ["leader"] = replicas[0].ToString(CultureInfo.InvariantCulture),
            ["brokerId"] = (host.BrokerId ?? 0).ToString(CultureInfo.InvariantCulture),
            ["hostname"] = host.Hostname,
        };
        var resolved = _planner.ResolveFaultCommand(exec.Command, values, command.Operation.ToString());
        var started = _time.GetTimestamp();
        var (exitCode, output) = await ExecAsync(host, resolved, exec.Timeout, cancellationToken);
        var took = _time.GetElapsedTime(started);
        var tail = output.Length > 400 ? "…" + output[^400..] : output;
        if (exitCode != 0)
        {
            return (false, $"{resolved[0]} in {host.Name} exited with {exitCode} after {took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s: {tail}");
        }

        var leader = await GetLeaderAsync(topic, partition, cancellationToken);
        return (true, $"{command.Operation} of {topic}/{partition.ToString(CultureInfo.InvariantCulture)} to [{string.Join(",", replicas)}] completed in " +
            $"{took.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s (ran in {host.Name}); leader is now {leader?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}" +
            (output.Length > 0 ? $"; tool output: {LastLine(output)}" : ""));
    }

    private static string LastLine(string output)
    {
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return last.Length > 200 ? last[..200] + "…" : last;
    }

    /// <summary>The replica list to apply; a leader move keeps the current replicas with the new leader first.</summary>
    private async Task<IReadOnlyList<int>> ReplicasForAsync(FaultCommand command, string topic, int partition)
    {
        var requested = command.Replicas ?? [];
        if (requested.Count == 0)
        {
            throw new InvalidOperationException($"{command.Operation} needs replicas (the new leader first for a leader move)");
        }

        if (command.Operation != FaultOperation.LeaderMove)
        {
            return requested;
        }

        await Task.Yield();
        var metadata = Admin.GetMetadata(topic, MetadataTimeout);
        var current = metadata.Topics.FirstOrDefault(found => found.Topic == topic)?.Partitions.FirstOrDefault(found => found.PartitionId == partition)?.Replicas ?? [];
        return [requested[0], .. current.Where(replica => replica != requested[0])];
    }

    private async Task<ContainerPlan> RunningBrokerAsync(CancellationToken cancellationToken)
    {
        foreach (var broker in _brokers)
        {
            var state = await InspectAsync(broker, cancellationToken);
            if (state.Running && !state.Paused && state.Networks.Contains(_plan.NetworkName))
            {
                return broker;
            }
        }

        throw new InvalidOperationException("no broker container is running and connected to run the platform's tool in");
    }

    private async Task<(long ExitCode, string Output)> ExecAsync(ContainerPlan container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var created = await Client.Exec.ExecCreateContainerAsync(_containerIds[container.Name], new ContainerExecCreateParameters
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

    internal static FaultOperation ToOperation(FaultMappingKey key) => key switch
    {
        FaultMappingKey.BrokerKill => FaultOperation.BrokerKill,
        FaultMappingKey.BrokerRestart => FaultOperation.BrokerRestart,
        FaultMappingKey.BrokerPause => FaultOperation.BrokerPause,
        FaultMappingKey.BrokerResume => FaultOperation.BrokerResume,
        FaultMappingKey.NetworkDisconnect => FaultOperation.NetworkDisconnect,
        FaultMappingKey.NetworkReconnect => FaultOperation.NetworkReconnect,
        FaultMappingKey.PartitionReassign => FaultOperation.PartitionReassign,
        FaultMappingKey.LeaderMove => FaultOperation.LeaderMove,
        FaultMappingKey.BrokerAdd => FaultOperation.BrokerAdd,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static FaultMappingKey? ToMappingKey(FaultOperation operation) => operation switch
    {
        FaultOperation.BrokerKill => FaultMappingKey.BrokerKill,
        FaultOperation.BrokerRestart => FaultMappingKey.BrokerRestart,
        FaultOperation.BrokerPause => FaultMappingKey.BrokerPause,
        FaultOperation.BrokerResume => FaultMappingKey.BrokerResume,
        FaultOperation.NetworkDisconnect => FaultMappingKey.NetworkDisconnect,
        FaultOperation.NetworkReconnect => FaultMappingKey.NetworkReconnect,
        FaultOperation.PartitionReassign => FaultMappingKey.PartitionReassign,
        FaultOperation.LeaderMove => FaultMappingKey.LeaderMove,
        FaultOperation.BrokerAdd => FaultMappingKey.BrokerAdd,
        _ => null,
    };
}
