namespace LoadLab.Environments.Docker.Definitions;

/// <summary>
/// A Docker environment read from <c>environments/*.yaml</c>: which containers make up a cluster, how clients reach
/// it, when it is ready and how each fault maps onto Docker or the platform's own tools. Built only by
/// <see cref="EnvironmentDefinitionLoader"/>, so every instance is valid. Strings may hold placeholders such as
/// <c>{id}</c> or <c>{voters}</c>; <see cref="Planning.ClusterPlanner"/> resolves them.
/// </summary>
public sealed record EnvironmentDefinition
{
    public required string Name { get; init; }
    /// <summary>kafka, redpanda, automq or loadlab-mock.</summary>
    public required string Platform { get; init; }
    public string Description { get; init; } = "";
    /// <summary>The platform documentation the container settings follow.</summary>
    public string Docs { get; init; } = "";
    public required BrokerSpec Brokers { get; init; }
    /// <summary>Supporting containers (object store, set-up jobs), started in order before the brokers.</summary>
    public IReadOnlyList<ServiceSpec> Services { get; init; } = [];
    public required ReadinessSpec Readiness { get; init; }
    /// <summary>librdkafka settings every client of this environment needs.</summary>
    public IReadOnlyDictionary<string, string> ClientDefaults { get; init; } = new Dictionary<string, string>();
    public required IReadOnlyDictionary<FaultMappingKey, FaultMapping> Faults { get; init; }
    /// <summary>
    /// Where this environment differs from the platform in production in ways that change what its numbers mean (no
    /// fsync, a forced replication factor …); printed with the plan and kept in every run's results.
    /// </summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];
    public string? SourcePath { get; init; }
}

/// <summary>The broker containers, all from the same template: one broker each, or <see cref="PerContainer"/>.</summary>
public sealed record BrokerSpec
{
    /// <summary>Broker containers.</summary>
    public required int Count { get; init; }
    /// <summary>
    /// Brokers each container serves (default 1, as every real platform does). The test-only mock serves several from
    /// one process: they get consecutive ids and consecutive published ports, and a container fault hits all of them.
    /// </summary>
    public int PerContainer { get; init; } = 1;
    public required string Image { get; init; }
    /// <summary>Broker id of the first node; the others count up from it.</summary>
    public int FirstId { get; init; } = 1;
    /// <summary>Host name on the environment's network, e.g. <c>kafka-{id}</c>.</summary>
    public required string Hostname { get; init; }
    public required ListenerSpec Listeners { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Replaces the image's entrypoint when not empty.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    /// <summary>Replaces the image's command when not empty.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    public IReadOnlyList<VolumeSpec> Volumes { get; init; } = [];
    public IReadOnlyList<BindSpec> Binds { get; init; } = [];
    public ResourceSpec Resources { get; init; } = new();
    /// <summary>Extra ports named in placeholders (e.g. <c>rpc: 33145</c> → <c>{port.rpc}</c>); not published.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();
}

/// <summary>
/// Where a broker listens. Other containers use <c>{hostname}:{Internal}</c>; this process uses
/// <c>127.0.0.1:{hostPort}</c>, published from container port <see cref="External"/>.
/// </summary>
/// <param name="Internal">Container port for clients on the environment's network.</param>
/// <param name="External">Container port published on the host.</param>
/// <param name="HostPortBase">Host port of the first broker (then +1 per broker); null: free ports chosen at start.</param>
public sealed record ListenerSpec(int Internal, int External, int? HostPortBase);

/// <summary>A named volume per container (<c>{name}</c> may be used in the name), labelled with the run id.</summary>
public sealed record VolumeSpec(string Name, string Target);

/// <summary>A read-only (or read-write) host folder inside the container.</summary>
public sealed record BindSpec(string Source, string Target, bool ReadOnly);

/// <summary>Container limits; null means unlimited.</summary>
public sealed record ResourceSpec(double? Cpus = null, long? MemoryBytes = null);

/// <summary>A supporting container such as MinIO or a bucket set-up job.</summary>
public sealed record ServiceSpec
{
    public required string Name { get; init; }
    public required string Image { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public IReadOnlyList<string> Command { get; init; } = [];
    public IReadOnlyList<PortSpec> Ports { get; init; } = [];
    public IReadOnlyList<VolumeSpec> Volumes { get; init; } = [];
    public ResourceSpec Resources { get; init; } = new();
    /// <summary>A set-up job: started, waited for until it exits 0, before the next container starts.</summary>
    public bool RunToCompletion { get; init; }
    /// <summary>A port the service must accept connections on (from the host) before the next container starts.</summary>
    public int? WaitForPort { get; init; }
}

/// <summary>A container port published on 127.0.0.1.</summary>
public sealed record PortSpec(int Container, int Host);

/// <summary>When the cluster counts as ready.</summary>
/// <param name="Timeout">How long to wait for the condition.</param>
public sealed record ReadinessSpec(TimeSpan Timeout)
{
    /// <summary>The only condition: the cluster's metadata lists every broker the environment started.</summary>
    public const string Condition = "metadata lists all brokers";
}

/// <summary>The fault actions an environment definition maps (YAML keys).</summary>
public enum FaultMappingKey
{
    BrokerKill,
    BrokerRestart,
    BrokerPause,
    BrokerResume,
    NetworkDisconnect,
    NetworkReconnect,
    PartitionReassign,
    LeaderMove,
    BrokerAdd,
}

/// <summary>How one fault is carried out.</summary>
public abstract record FaultMapping;

/// <summary>A container runtime operation on the target broker's container.</summary>
public sealed record ContainerFaultMapping(ContainerAction Action) : FaultMapping;

/// <summary>Container runtime operations.</summary>
public enum ContainerAction { Kill, Stop, Start, Pause, Unpause, Disconnect, Connect, AddNode }

/// <summary>
/// A platform tool run inside a broker container. <see cref="Command"/> may use <c>{topic}</c>, <c>{partition}</c>,
/// <c>{replicas}</c> (comma list), <c>{replicasJson}</c>, <c>{leader}</c> and <c>{bootstrapInternal}</c>. After it
/// exits 0, LoadLab waits for the effect through the Kafka protocol; the duration runs from its start to that moment.
/// </summary>
public sealed record ExecFaultMapping(IReadOnlyList<string> Command, TimeSpan Timeout) : FaultMapping
{
    /// <summary>Where the platform's tool does something else than the scenario's action names (e.g. a single replica only).</summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];
}
