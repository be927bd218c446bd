using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Environments.Docker.Planning;

/// <summary>
/// Resolves a definition into a <see cref="ClusterPlan"/>. Pure: no engine, no clock, no I/O, so the same inputs
/// give the same plan (dry-run snapshots rely on it).
/// </summary>
public sealed partial class ClusterPlanner
{
    /// <summary>Label that marks everything LoadLab created.</summary>
    public const string ManagedLabel = "loadlab.managed";
    /// <summary>Label that holds the run id.</summary>
    public const string RunIdLabel = "loadlab.run-id";
    /// <summary>Label that holds the environment name.</summary>
    public const string EnvironmentLabel = "loadlab.environment";
    /// <summary>Label that holds the broker id of broker containers.</summary>
    public const string BrokerIdLabel = "loadlab.broker-id";

    /// <summary>Placeholders the host supplies: the .NET runtime folder and the built LoadLab CLI folder.</summary>
    public static readonly IReadOnlyList<string> HostValueNames = ["dotnetRoot", "cliDir"];

    /// <summary>Placeholders a fault command may use in addition to the common ones.</summary>
    public static readonly IReadOnlyList<string> FaultValueNames = ["topic", "partition", "replicas", "replicasJson", "reassignmentJson", "leader", "brokerId", "hostname"];

    private readonly EnvironmentDefinition _definition;
    private readonly string _runId;
    private readonly IReadOnlyList<TopicSpec> _topics;
    private readonly IReadOnlyDictionary<string, string> _hostValues;
    private readonly Func<int, int>? _allocateHostPort;

    /// <param name="definition">The environment.</param>
    /// <param name="runId">Run id: names and labels every resource.</param>
    /// <param name="topics">Topics, for definitions whose command creates them (<c>{topicArgs}</c>).</param>
    /// <param name="hostValues">Host-side placeholder values such as <c>dotnetRoot</c> and <c>cliDir</c>.</param>
    /// <param name="allocateHostPort">
    /// Chooses the first of N consecutive free host ports for <c>host-port-base: auto</c> (N = brokers per container);
    /// null leaves them open (dry run).
    /// </param>
    public ClusterPlanner(EnvironmentDefinition definition, string runId, IReadOnlyList<TopicSpec> topics,
        IReadOnlyDictionary<string, string> hostValues, Func<int, int>? allocateHostPort)
    {
        _definition = definition;
        _runId = runId;
        _topics = topics;
        _hostValues = hostValues;
        _allocateHostPort = allocateHostPort;
    }

    /// <summary>Docker names allow [a-zA-Z0-9_.-]; run ids are used in names, so they must fit.</summary>
    public static bool IsValidRunId(string runId) => RunIdPattern().IsMatch(runId);

    public ClusterPlan Plan()
    {
        if (!IsValidRunId(_runId))
        {
            throw new ArgumentException($"run id '{_runId}' cannot name Docker resources; use letters, digits, '.', '_' and '-'", nameof(_runId));
        }

        var brokers = Enumerable.Range(0, _definition.Brokers.Count).Select(PlanBroker).ToList();
        var services = _definition.Services.Select(PlanService).ToList();
        var volumes = brokers.Concat(services).SelectMany(container => container.Mounts).Where(mount => mount.IsVolume)
            .Select(mount => mount.Source).Distinct(StringComparer.Ordinal).ToList();
        return new ClusterPlan
        {
            RunId = _runId,
            Definition = _definition,
            NetworkName = $"loadlab-{_runId}",
            Labels = Labels(),
            Services = services,
            Brokers = brokers,
            Volumes = volumes,
        };
    }

    /// <summary>Plans broker number <paramref name="index"/> (0-based); used again when a fault adds a broker.</summary>
    public ContainerPlan PlanBroker(int index)
    {
        var spec = _definition.Brokers;
        var id = spec.FirstId + index * spec.PerContainer;
        int? hostPort = spec.Listeners.HostPortBase is { } portBase ? portBase + index * spec.PerContainer : _allocateHostPort?.Invoke(spec.PerContainer);
        var values = CommonValues();
        values["id"] = Invariant(id);
        values["index"] = Invariant(index);
        values["hostPort"] = hostPort is null ? "{hostPort}" : Invariant(hostPort.Value);
        // KRaft: the initial nodes form the controller quorum; a node added later is a broker only and must not
        // listen on the controller listener.
        var initialNode = index < spec.Count;
        values["processRoles"] = initialNode ? "broker,controller" : "broker";
        values["controllerListener"] = initialNode && spec.Ports.TryGetValue("controller", out var controllerPort) ? $",CONTROLLER://:{Invariant(controllerPort)}" : "";
        var hostname = Resolve(spec.Hostname, values, "brokers.hostname");
        values["hostname"] = hostname;
        var name = $"loadlab-{_runId}-{hostname}";
        values["name"] = name;
        return new ContainerPlan
        {
            Name = name,
            Hostname = hostname,
            Image = spec.Image,
            Entrypoint = ResolveList(spec.Entrypoint, values, "brokers.entrypoint"),
            Command = ResolveList(spec.Command, values, "brokers.command"),
            Environment = spec.Environment.ToDictionary(pair => pair.Key, pair => Resolve(pair.Value, values, $"brokers.environment.{pair.Key}"), StringComparer.Ordinal),
            Ports = [.. Enumerable.Range(0, spec.PerContainer).Select(offset => new PublishedPort(spec.Listeners.External + offset, hostPort + offset))],
            Mounts = Mounts(spec.Volumes, spec.Binds, values, "brokers"),
            Resources = spec.Resources,
            BrokerId = id,
            BrokerCount = spec.PerContainer,
            ExternalHostPort = hostPort,
            InternalAddress = $"{hostname}:{Invariant(spec.Listeners.Internal)}",
        };
    }

    private ContainerPlan PlanService(ServiceSpec service, int index)
    {
        var values = CommonValues();
        values["hostname"] = service.Name;
        var path = $"services[{index}]";
        return new ContainerPlan
        {
            Name = $"loadlab-{_runId}-{service.Name}",
            Hostname = service.Name,
            Image = service.Image,
            Entrypoint = ResolveList(service.Entrypoint, values, $"{path}.entrypoint"),
            Command = ResolveList(service.Command, values, $"{path}.command"),
            Environment = service.Environment.ToDictionary(pair => pair.Key, pair => Resolve(pair.Value, values, $"{path}.environment.{pair.Key}"), StringComparer.Ordinal),
            Ports = service.Ports.Select(port => new PublishedPort(port.Container, port.Host)).ToList(),
            Mounts = Mounts(service.Volumes, [], values, path),
            Resources = service.Resources,
            RunToCompletion = service.RunToCompletion,
            WaitForHostPort = service.WaitForPort is { } wait ? service.Ports.First(port => port.Container == wait).Host : null,
        };
    }

    /// <summary>
    /// Resolves a platform tool's command for one partition: <c>{topic}</c>, <c>{partition}</c>, <c>{replicas}</c>
    /// (<paramref name="replicas"/> as a comma list), <c>{replicasJson}</c>, <c>{reassignmentJson}</c> (the reassignment
    /// file of Kafka's tool), <c>{leader}</c> (the first replica), and <c>{brokerId}</c>/<c>{hostname}</c> of the container
    /// it runs in, besides the common placeholders.
    /// </summary>
    public IReadOnlyList<string> ResolveExecCommand(IReadOnlyList<string> command, string topic, int partition, IReadOnlyList<int> replicas, ContainerPlan host, string path)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(host);
        var list = string.Join(",", replicas.Select(Invariant));
        return ResolveFaultCommand(command, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["topic"] = topic,
            ["partition"] = Invariant(partition),
            ["replicas"] = list,
            ["replicasJson"] = $"[{list}]",
            ["reassignmentJson"] = $"{{\"version\":1,\"partitions\":[{{\"topic\":\"{topic}\",\"partition\":{Invariant(partition)},\"replicas\":[{list}]}}]}}",
            ["leader"] = Invariant(replicas[0]),
            ["brokerId"] = Invariant(host.BrokerId ?? 0),
            ["hostname"] = host.Hostname,
        }, path);
    }

    /// <summary>Resolves a fault command for one target; <paramref name="values"/> adds topic, partition, replicas….</summary>
    public IReadOnlyList<string> ResolveFaultCommand(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> values, string path)
    {
        var all = CommonValues();
        foreach (var (key, value) in values)
        {
            all[key] = value;
        }

        return ResolveList(command, all, path);
    }

    private Dictionary<string, string> Labels() => new(StringComparer.Ordinal)
    {
        [ManagedLabel] = "true",
        [RunIdLabel] = _runId,
        [EnvironmentLabel] = _definition.Name,
    };

    private Dictionary<string, string> CommonValues()
    {
        var spec = _definition.Brokers;
        var initial = Enumerable.Range(0, spec.Count).Select(index =>
        {
            var id = spec.FirstId + index * spec.PerContainer;
            var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["id"] = Invariant(id), ["index"] = Invariant(index) };
            return (Id: id, Hostname: ResolveRaw(spec.Hostname, values));
        }).ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["runId"] = _runId,
            ["network"] = $"loadlab-{_runId}",
            ["clusterId"] = ClusterId(_runId),
            ["internalPort"] = Invariant(spec.Listeners.Internal),
            ["externalPort"] = Invariant(spec.Listeners.External),
            ["brokerCount"] = Invariant(spec.Count * spec.PerContainer),
            ["bootstrapInternal"] = string.Join(",", initial.Select(broker => $"{broker.Hostname}:{Invariant(spec.Listeners.Internal)}")),
        };
        foreach (var (portName, port) in spec.Ports)
        {
            values[$"port.{portName}"] = Invariant(port);
        }

        if (spec.Ports.TryGetValue("controller", out var controllerPort))
        {
            values["voters"] = string.Join(",", initial.Select(broker => $"{Invariant(broker.Id)}@{broker.Hostname}:{Invariant(controllerPort)}"));
            values["controllerBootstrap"] = string.Join(",", initial.Select(broker => $"{broker.Hostname}:{Invariant(controllerPort)}"));
        }

        if (spec.Ports.TryGetValue("rpc", out var rpcPort))
        {
            values["seeds"] = string.Join(",", initial.Select(broker => $"{broker.Hostname}:{Invariant(rpcPort)}"));
        }

        // Redpanda's rpk reaches only the admin APIs it is given: a tool that must talk to the partition's leader (which
        // may be any broker) needs all of them.
        if (spec.Ports.TryGetValue("admin", out var adminPort))
        {
            values["adminHosts"] = string.Join(",", initial.Select(broker => $"{broker.Hostname}:{Invariant(adminPort)}"));
        }

        foreach (var (key, value) in _hostValues)
        {
            values[key] = value;
        }

        return values;
    }

    private List<MountPlan> Mounts(IReadOnlyList<VolumeSpec> volumes, IReadOnlyList<BindSpec> binds, Dictionary<string, string> values, string path)
    {
        var mounts = volumes.Select(volume => new MountPlan($"loadlab-{_runId}-{Resolve(volume.Name, values, $"{path}.volumes")}", volume.Target, false, true)).ToList();
        mounts.AddRange(binds.Select(bind => new MountPlan(Resolve(bind.Source, values, $"{path}.binds"), bind.Target, bind.ReadOnly, false)));
        return mounts;
    }

    private List<string> ResolveList(IReadOnlyList<string> items, Dictionary<string, string> values, string path)
    {
        var resolved = new List<string>(items.Count);
        foreach (var item in items)
        {
            // A whole-element {topicArgs} becomes one "--topic name:partitions:replication" pair per topic.
            if (item == "{topicArgs}")
            {
                foreach (var topic in _topics)
                {
                    resolved.Add("--topic");
                    resolved.Add($"{topic.Name}:{Invariant(topic.Partitions)}:{Invariant(topic.ReplicationFactor)}");
                }

                continue;
            }

            resolved.Add(Resolve(item, values, path));
        }

        return resolved;
    }

    private static string Resolve(string template, Dictionary<string, string> values, string path)
    {
        var resolved = ResolveRaw(template, values);
        var unresolved = PlaceholderPattern().Match(resolved);
        // {hostPort} stays open in a dry run of "auto" ports; every other placeholder must be known.
        if (unresolved.Success && unresolved.Value != "{hostPort}")
        {
            throw new InvalidInputException(new ValidationProblem("", path, 0, 0,
                $"unknown placeholder {unresolved.Value} in '{template}'",
                $"known placeholders: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal).Select(key => "{" + key + "}"))}"));
        }

        return resolved;
    }

    private static string ResolveRaw(string template, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value) ? value : match.Value);

    /// <summary>A KRaft cluster id (16 bytes, URL-safe base64 without padding) derived from the run id.</summary>
    private static string ClusterId(string runId) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(runId)).AsSpan(0, 16))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9.]*)\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")]
    private static partial Regex RunIdPattern();
}
