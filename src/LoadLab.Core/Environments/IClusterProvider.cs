using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Environments;

/// <summary>Starts (or connects to) a cluster and creates the scenario's topics on it.</summary>
public interface IClusterProvider
{
    /// <summary>The environment kind this provider serves ("embedded", "docker", "external").</summary>
    string Kind { get; }

    /// <summary>
    /// The fault operations this environment can perform, how, how their effect is verified and with which caveats,
    /// known before it starts (from its definition), so a scenario that needs any other is refused before a container,
    /// topic or connection exists.
    /// </summary>
    FaultCapabilities FaultCapabilities { get; }

    /// <summary>
    /// Starts the cluster and creates the request's topics. Throws <see cref="EnvironmentException"/>
    /// with a message a user can act on when the environment cannot be brought up.
    /// </summary>
    Task<ICluster> StartAsync(ClusterRequest request, CancellationToken cancellationToken);
}

/// <summary>What a run asks of an environment when it starts it.</summary>
/// <param name="RunId">Names (and labels) what the environment creates.</param>
/// <param name="Topics">Topics to create.</param>
public sealed record ClusterRequest(string RunId, IReadOnlyList<TopicSpec> Topics)
{
    /// <summary>
    /// The fault operations the run will perform (injections and reverts), so the environment prepares what only they
    /// need — the client-side proxy that <c>broker.slow</c> uses on Docker and external clusters stays out of the
    /// clients' path of every other run. Empty: the run breaks nothing.
    /// </summary>
    public IReadOnlySet<FaultOperation> Faults { get; init; } = new HashSet<FaultOperation>();
}

/// <summary>The environment failed in a way the user must fix (exit code 3).</summary>
public sealed class EnvironmentException : Exception
{
    public EnvironmentException(string message) : base(message) { }
    public EnvironmentException(string message, Exception inner) : base(message, inner) { }
    public EnvironmentException() { }
}
