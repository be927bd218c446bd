using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Environments.Docker.Planning;

/// <summary>
/// Everything a run will create for a definition, with every placeholder resolved: the network, volumes and
/// containers with their names, images, environment, ports and mounts. The provider executes it; <c>--dry-run</c>
/// prints it and <c>env export --compose</c> writes it as a compose file.
/// </summary>
public sealed record ClusterPlan
{
    public required string RunId { get; init; }
    public required EnvironmentDefinition Definition { get; init; }
    /// <summary>The run's own bridge network; containers reach each other by host name on it.</summary>
    public required string NetworkName { get; init; }
    /// <summary>Labels put on every container, network and volume of the run.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    /// <summary>Supporting containers, in start order.</summary>
    public required IReadOnlyList<ContainerPlan> Services { get; init; }
    public required IReadOnlyList<ContainerPlan> Brokers { get; init; }
    /// <summary>Named volumes, created before the containers.</summary>
    public required IReadOnlyList<string> Volumes { get; init; }

    /// <summary>Bootstrap servers for this process (host-published broker ports); null host ports print as <c>auto</c>.</summary>
    public string BootstrapServers => string.Join(",", Brokers.SelectMany(broker => broker.Ports).Select(port => $"127.0.0.1:{port.HostPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "auto"}"));

    public IEnumerable<ContainerPlan> Containers => Services.Concat(Brokers);
}

/// <summary>One container of the plan.</summary>
public sealed record ContainerPlan
{
    /// <summary>Docker container name (unique per run).</summary>
    public required string Name { get; init; }
    /// <summary>Host name and network alias on the run's network.</summary>
    public required string Hostname { get; init; }
    public required string Image { get; init; }
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public IReadOnlyList<string> Command { get; init; } = [];
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    public required IReadOnlyList<PublishedPort> Ports { get; init; }
    public required IReadOnlyList<MountPlan> Mounts { get; init; }
    public required ResourceSpec Resources { get; init; }
    /// <summary>The (first) broker id for broker containers; null for services.</summary>
    public int? BrokerId { get; init; }
    /// <summary>Brokers the container serves, with ids from <see cref="BrokerId"/> and host ports from <see cref="ExternalHostPort"/> up.</summary>
    public int BrokerCount { get; init; } = 1;
    public bool RunToCompletion { get; init; }
    /// <summary>Host port that must accept connections before the next container starts.</summary>
    public int? WaitForHostPort { get; init; }

    /// <summary>The host port clients use for this (first) broker (its external listener).</summary>
    public int? ExternalHostPort { get; init; }

    /// <summary>Address other containers use for this broker.</summary>
    public string? InternalAddress { get; init; }
}

/// <summary>A container port published on 127.0.0.1; a null host port is chosen when the run starts.</summary>
public sealed record PublishedPort(int ContainerPort, int? HostPort);

/// <summary>A named volume or a host folder inside a container.</summary>
public sealed record MountPlan(string Source, string Target, bool ReadOnly, bool IsVolume);
