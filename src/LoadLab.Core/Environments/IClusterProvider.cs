using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Environments;

/// <summary>Starts (or connects to) a cluster and creates the scenario's topics on it.</summary>
public interface IClusterProvider
{
    /// <summary>The environment kind this provider serves ("embedded", "docker", "external").</summary>
    string Kind { get; }

    /// <summary>
    /// The fault operations this environment can perform, known before it starts (from its definition), so a scenario
    /// that needs any other is refused before a container, topic or connection exists.
    /// </summary>
    IReadOnlySet<FaultOperation> SupportedFaults { get; }

    /// <summary>
    /// Starts the cluster and creates <paramref name="topics"/>. Throws <see cref="EnvironmentException"/>
    /// with a message a user can act on when the environment cannot be brought up.
    /// </summary>
    Task<ICluster> StartAsync(string runId, IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken);
}

/// <summary>The environment failed in a way the user must fix (exit code 3).</summary>
public sealed class EnvironmentException : Exception
{
    public EnvironmentException(string message) : base(message) { }
    public EnvironmentException(string message, Exception inner) : base(message, inner) { }
    public EnvironmentException() { }
}
