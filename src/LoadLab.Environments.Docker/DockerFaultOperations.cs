using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using Docker.DotNet;
using Docker.DotNet.Models;
using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Planning;
using LoadLab.Kafka.Observation;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.Docker;

/// <summary>
/// The faults of a <see cref="DockerCluster"/>: container runtime operations, the platform's own tools run in a broker
/// container, and the client-side proxy. None is recorded as applied because Docker or a tool said so: each waits until
/// the Kafka protocol shows its effect (<see cref="Until"/>) — a killed broker refuses requests, a paused one leaves them
/// unanswered, a restarted one serves a probe and is listed again, a moved leader leads and accepts a probe message —
/// and is dated by that observation. A tool that exits 0 without the effect is a failed fault, with what was seen.
/// </summary>
internal sealed class DockerFaultOperations : IFaultOperations
{
    /// <summary>How long a container operation's effect may take to show (a broker restart waits for readiness instead).</summary>
    private static readonly TimeSpan EffectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The least time a tool's effect is awaited after the tool exits 0.</summary>
    private static readonly TimeSpan MinimumVerifyTime = TimeSpan.FromSeconds(5);

    private readonly DockerCluster _cluster;
    private readonly ClusterPlanner _planner;
    private readonly EnvironmentDefinition _definition;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<int, bool> _unavailable = new();

    public DockerFaultOperations(DockerCluster cluster, ClusterPlanner planner, EnvironmentDefinition definition, TimeProvider time)
    {
        _cluster = cluster;
        _planner = planner;
        _definition = definition;
        _time = time;
        Capabilities = DockerCapabilities.For(definition);
    }

    public FaultCapabilities Capabilities { get; }

    /// <summary>Brokers this environment paused or cut off: requests must not be sent to them.</summary>
    public IReadOnlySet<int> UnavailableBrokers => _unavailable.Keys.ToHashSet();

    private ClusterObserver Observer => _cluster.Observer;

    public async ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken) =>
        await Observer.LeaderAsync(topic, partition, cancellationToken);

    public async ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken) => await Observer.ControllerAsync(cancellationToken);

    public async ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken) => await Observer.CoordinatorAsync(group, cancellationToken);

    public async ValueTask<int?> GetTransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken) =>
        await Observer.TransactionCoordinatorAsync(transactionalId, cancellationToken);

    public ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync(command, static () => { }, cancellationToken);

    /// <summary>
    /// Carries the operation out and calls <paramref name="effectApplied"/> when its effect is seen (a pause: when the
    /// engine has frozen the container, confirmed afterwards by a request left unanswered, since silence shows only after
    /// waiting). Never throws for a failure of the operation: the outcome says what was seen.
    /// </summary>
    public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(effectApplied);
        var started = _time.GetTimestamp();
        try
        {
            var (succeeded, detail) = await ExecuteCoreAsync(command, effectApplied, cancellationToken);
            return new FaultOutcome(succeeded, detail, _time.GetElapsedTime(started));
        }
        catch (Exception e) when (e is DockerApiException or InvalidOperationException or KafkaException or TimeoutException or ArgumentException)
        {
            return new FaultOutcome(false, $"{command.Operation} failed: {e.Message}", _time.GetElapsedTime(started));
        }
    }

    private async Task<(bool, string)> ExecuteCoreAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        if (DockerCapabilities.MappingKey(command.Operation) is { } key && _definition.Faults.TryGetValue(key, out var mapping))
        {
            return mapping switch
            {
                ContainerFaultMapping { Action: ContainerAction.AddNode } => await AddBrokerAsync(effectApplied, cancellationToken),
                ContainerFaultMapping container => await ContainerFaultAsync(container.Action, RequireBroker(command), effectApplied, cancellationToken),
                ExecFaultMapping exec => await ExecFaultAsync(exec, command, effectApplied, cancellationToken),
                _ => (false, $"unknown mapping {mapping}"),
            };
        }

        if (DockerCapabilities.ViaClientProxy(command.Operation, _definition))
        {
            return await ProxyFaultAsync(command, effectApplied, cancellationToken);
        }

        return (false, $"{command.Operation} is not mapped by environment {_definition.Name}");
    }

    private static int RequireBroker(FaultCommand command) =>
        command.BrokerId ?? throw new InvalidOperationException($"{command.Operation} needs a broker id");

    private async Task<(bool, string)> ContainerFaultAsync(ContainerAction action, int brokerId, Action effectApplied, CancellationToken cancellationToken)
    {
        var target = _cluster.ContainerOf(brokerId);
        var id = _cluster.ContainerId(target);
        var address = _cluster.AddressOf(brokerId);
        var together = _cluster.BrokersIn(target);
        var containers = _cluster.Client.Containers;
        switch (action)
        {
            case ContainerAction.Kill:
                await containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "SIGKILL" }, cancellationToken);
                return await GoneAsync(brokerId, together, address, "killed (SIGKILL)", effectApplied, cancellationToken);
            case ContainerAction.Stop:
                await containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 30 }, cancellationToken);
                return await GoneAsync(brokerId, together, address, "stopped", effectApplied, cancellationToken);
            case ContainerAction.Disconnect:
                await _cluster.Client.Networks.DisconnectNetworkAsync(_cluster.NetworkId, new NetworkDisconnectParameters { Container = id, Force = true }, cancellationToken);
                return await GoneAsync(brokerId, together, address, $"disconnected from {_cluster.NetworkName} (its published port goes with it)", effectApplied, cancellationToken);
            case ContainerAction.Pause:
                await containers.PauseContainerAsync(id, cancellationToken);
                MarkUnavailable(together);
                effectApplied();
                var silent = await Observer.WaitForAsync(Until.BrokerSilent(brokerId, address), EffectTimeout, cancellationToken);
                return (silent.Met, silent.Met
                    ? $"broker {brokerId} paused{Along(brokerId, together)} (every process of {target.Name} frozen); a request sent to it is not answered: {silent.Seen}"
                    : $"{target.Name} was paused, but broker {brokerId} still answers after {Seconds(silent.Took)}: {silent.Seen}");
            case ContainerAction.Start:
                await containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
                return await ServesAsync(brokerId, together, address, "restarted", effectApplied, cancellationToken);
            case ContainerAction.Unpause:
                await containers.UnpauseContainerAsync(id, cancellationToken);
                return await ServesAsync(brokerId, together, address, "resumed", effectApplied, cancellationToken);
            case ContainerAction.Connect:
                await _cluster.Client.Networks.ConnectNetworkAsync(_cluster.NetworkId, new NetworkConnectParameters
                {
                    Container = id,
                    EndpointConfig = new EndpointSettings { Aliases = [target.Hostname] },
                }, cancellationToken);
                return await ServesAsync(brokerId, together, address, $"reconnected to {_cluster.NetworkName}", effectApplied, cancellationToken);
            case ContainerAction.AddNode:
            default:
                throw new InvalidOperationException($"{action} does not act on one broker");
        }
    }

    /// <summary>
    /// The broker no longer answers (connection refused or dropped). Metadata is only reported: a cluster can list a killed
    /// broker for seconds (Kafka's KRaft until its session times out: broker.session.timeout.ms, 9 s by default), which
    /// is the cluster's business.
    /// </summary>
    private async Task<(bool, string)> GoneAsync(int brokerId, IReadOnlyList<int> together, string address, string what, Action effectApplied, CancellationToken cancellationToken)
    {
        MarkUnavailable(together);
        var gone = await Observer.WaitForAsync(Until.BrokerSilent(brokerId, address), EffectTimeout, cancellationToken);
        if (!gone.Met)
        {
            return (false, $"broker {brokerId} {what}, but it still answers after {Seconds(gone.Took)}: {gone.Seen}");
        }

        effectApplied();
        return (true, $"broker {brokerId} {what}{Along(brokerId, together)}; it no longer answers after {Seconds(gone.Took)} ({gone.Seen}); {await MetadataViewAsync(brokerId, cancellationToken)}");
    }

    /// <summary>The other brokers a container fault takes along (the test-only mock serves several from one container).</summary>
    private static string Along(int brokerId, IReadOnlyList<int> together) =>
        together.Count > 1 ? $" (with brokers {string.Join(",", together.Where(id => id != brokerId))}, served by the same container)" : "";

    private void MarkUnavailable(IReadOnlyList<int> brokers)
    {
        foreach (var id in brokers)
        {
            _unavailable[id] = true;
        }
    }

    /// <summary>
    /// The broker serves again: it answers a Metadata request sent to it and lists itself (a starting broker answers only
    /// once it has caught up and registered), and the cluster's metadata lists it — within the readiness timeout.
    /// </summary>
    private async Task<(bool, string)> ServesAsync(int brokerId, IReadOnlyList<int> together, string address, string what, Action effectApplied, CancellationToken cancellationToken)
    {
        var serves = await Observer.WaitForAsync(Until.All(Until.BrokerServes(brokerId, address), Until.BrokerListed(brokerId)), _definition.Readiness.Timeout, cancellationToken);
        if (!serves.Met)
        {
            return (false, $"broker {brokerId} {what}, but it did not serve a probe within {Seconds(_definition.Readiness.Timeout)} (readiness.timeout): {serves.Seen}");
        }

        foreach (var id in together)
        {
            _unavailable.TryRemove(id, out _);
        }

        effectApplied();
        return (true, $"broker {brokerId} {what}{Along(brokerId, together)}; it serves again after {Seconds(serves.Took)} ({serves.Seen})");
    }

    private async Task<string> MetadataViewAsync(int brokerId, CancellationToken cancellationToken)
    {
        try
        {
            var listed = await Observer.BrokersAsync(cancellationToken);
            return listed.Any(b => b.Id == brokerId)
                ? $"metadata still lists broker {brokerId} (until the controller's session timeout expels it)"
                : $"metadata no longer lists broker {brokerId}";
        }
        catch (KafkaException e)
        {
            return $"no metadata answer ({e.Error.Reason})";
        }
    }

    private async Task<(bool, string)> AddBrokerAsync(Action effectApplied, CancellationToken cancellationToken)
    {
        var broker = _planner.PlanBroker(_cluster.BrokerContainers.Count);
        var brokerId = broker.BrokerId!.Value;
        await _cluster.CreateAndStartBrokerAsync(broker, cancellationToken);
        var address = $"127.0.0.1:{broker.ExternalHostPort?.ToString(CultureInfo.InvariantCulture)}";
        var joined = await Observer.WaitForAsync(Until.All(Until.BrokerServes(brokerId, address), Until.BrokerListed(brokerId)), _definition.Readiness.Timeout, cancellationToken);
        if (!joined.Met)
        {
            return (false, $"{broker.Name} started as broker {brokerId}, but it did not join within {Seconds(_definition.Readiness.Timeout)} (readiness.timeout): {joined.Seen}");
        }

        _cluster.MapBrokers(await Observer.BrokersAsync(cancellationToken));
        effectApplied();
        return (true, $"{broker.Name} joined as broker {brokerId} after {Seconds(joined.Took)} ({joined.Seen})");
    }

    private async Task<(bool, string)> ExecFaultAsync(ExecFaultMapping exec, FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        if (command.Topic is not { } topic || command.Partition is not { } partition)
        {
            throw new InvalidOperationException($"{command.Operation} needs a topic and a partition");
        }

        var requested = command.Replicas is { Count: > 0 } given ? given : throw new InvalidOperationException($"{command.Operation} needs replicas (the new leader first for a leader move)");
        var before = await Observer.PartitionAsync(topic, partition, cancellationToken);
        var replicas = command.Operation == FaultOperation.LeaderMove
            ? [requested[0], .. (before?.Replicas ?? []).Where(replica => replica != requested[0])]
            : requested;
        var host = await RunningBrokerAsync(before?.Leader, cancellationToken);
        var resolved = _planner.ResolveExecCommand(exec.Command, topic, partition, replicas, host, command.Operation.ToString());
        var started = _time.GetTimestamp();
        var (exitCode, output) = await _cluster.ExecAsync(host, resolved, exec.Timeout, cancellationToken);
        var ran = $"{resolved[0]} in {host.Name} exited {exitCode.ToString(CultureInfo.InvariantCulture)} after {Seconds(_time.GetElapsedTime(started))}" + (output.Length > 0 ? $" ({OneLine(output)})" : "");
        if (exitCode != 0)
        {
            return (false, ran);
        }

        // A tool that exits 0 has at best started the change: the fault counts once the cluster shows it.
        var effect = command.Operation == FaultOperation.LeaderMove
            ? Until.All(Until.LeaderIs(topic, partition, requested[0]), Until.ProduceAccepted(topic, partition))
            : Until.All(Until.ReplicasAre(topic, partition, requested), Until.ProduceAccepted(topic, partition));
        // Within what is left of the mapping's timeout, but never less than a few seconds to see a change the tool finished.
        var remaining = exec.Timeout - _time.GetElapsedTime(started);
        var seen = await Observer.WaitForAsync(effect, remaining > MinimumVerifyTime ? remaining : MinimumVerifyTime, cancellationToken);
        var took = _time.GetElapsedTime(started);
        if (!seen.Met)
        {
            return (false, $"{ran}, but {effect.Description} was not seen within {Seconds(took)}: {seen.Seen}");
        }

        effectApplied();
        var from = before is null ? "" : $" (before: {LeaderDescription(before)})";
        return (true, $"{command.Operation} of {topic}/{partition.ToString(CultureInfo.InvariantCulture)} observed {Seconds(took)} after the tool started{from}: {seen.Seen}; {ran}");
    }

    /// <summary>
    /// The container to run a platform tool in: the partition's current leader when it runs (a tool that talks to its own
    /// node then reaches the broker that must act), else the first running, connected broker.
    /// </summary>
    private async Task<ContainerPlan> RunningBrokerAsync(int? preferred, CancellationToken cancellationToken)
    {
        var candidates = _cluster.BrokerContainers.OrderBy(broker => broker.BrokerId == preferred ? 0 : 1).ToList();
        foreach (var broker in candidates)
        {
            var state = await _cluster.InspectAsync(broker, cancellationToken);
            if (state.Running && !state.Paused && state.Networks.Contains(_cluster.NetworkName))
            {
                return broker;
            }
        }

        throw new InvalidOperationException("no broker container is running and connected to run the platform's tool in");
    }

    /// <summary>broker.slow and the client-side network.partition: LoadLab's proxy in front of the broker (clients only).</summary>
    private async Task<(bool, string)> ProxyFaultAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        var proxy = _cluster.Proxy ?? throw new InvalidOperationException(
            $"{command.Operation} acts through LoadLab's client-side proxy, which this cluster was started without (start it with the run's fault operations in the ClusterRequest)");
        return await ClientSideFaults.ExecuteAsync(proxy, Observer, command, effectApplied, cancellationToken);
    }

    private static string LeaderDescription(PartitionState state) =>
        $"leader {state.Leader?.ToString(CultureInfo.InvariantCulture) ?? "none"}, replicas [{string.Join(",", state.Replicas)}]";

    /// <summary>A tool's output on one line, its end kept when long (where tools print their verdict).</summary>
    private static string OneLine(string output)
    {
        var line = string.Join(" ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 300 ? "…" + line[^300..] : line;
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

}
