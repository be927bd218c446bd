using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Sessions;

/// <summary>
/// An environment prepared for load and the runs made on it: the one path by which every command that runs load
/// (<c>run</c>, <c>maxrate</c>, <c>bench</c>) reaches a cluster, whatever the environment.
/// <list type="number">
/// <item>Prepare (<see cref="StartAsync"/>): the scenarios' faults are checked against what the environment can
/// perform before it starts; the environment starts; topic names are resolved (a cluster may prefix them per run);
/// topics the environment did not create are created through the Kafka admin API, and each must appear in the
/// cluster's metadata.</item>
/// <item>Run (<see cref="RunAsync"/>), as often as the caller wants: load, faults and sampling; then the analysis
/// (delivery audit, recovery, SLOs); the results folder is written as the run goes.</item>
/// </list>
/// Disposing the session tears the environment down.
/// </summary>
public sealed class RunSession : IAsyncDisposable
{
    private readonly IReadOnlySet<FaultOperation> _supportedFaults;
    private readonly IReadOnlySet<FaultOperation> _preparedFaults;
    private readonly IReadOnlyDictionary<string, string> _topicNames;

    private RunSession(ICluster cluster, ClusterRequest request, IReadOnlySet<FaultOperation> supportedFaults, IReadOnlyDictionary<string, string> topicNames, IReadOnlyList<string> createdTopics)
    {
        Cluster = cluster;
        Id = request.RunId;
        _supportedFaults = supportedFaults;
        _preparedFaults = request.Faults;
        _topicNames = topicNames;
        CreatedTopics = createdTopics;
    }

    /// <summary>The session's id (<see cref="SessionOptions.Id"/>).</summary>
    public string Id { get; }

    /// <summary>
    /// The started cluster, for what runs beside LoadLab's own load (a bare client loop, kcat). Its topics carry the
    /// cluster's names: translate with <see cref="TopicName"/>.
    /// </summary>
    public ICluster Cluster { get; }

    /// <summary>Topics the session created through the admin API because the environment had not (cluster names).</summary>
    public IReadOnlyList<string> CreatedTopics { get; }

    /// <summary>
    /// Every reason a run of <paramref name="scenario"/> cannot inject its faults on <paramref name="provider"/>'s
    /// environment, located in the scenario file; empty when it can. Needs nothing started.
    /// </summary>
    public static IReadOnlyList<ValidationProblem> CheckFaults(Scenario scenario, IClusterProvider provider)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(provider);
        return CheckFaults(scenario, provider.FaultCapabilities.Operations);
    }

    /// <summary>
    /// Prepares the environment for load. Throws <see cref="UnsupportedFaultsException"/> before anything starts when a
    /// scenario of <paramref name="options"/> has a fault the environment cannot perform, and
    /// <see cref="EnvironmentException"/> when the environment or its topics cannot be brought up (whatever started is
    /// torn down again).
    /// </summary>
    public static async Task<RunSession> StartAsync(IClusterProvider provider, SessionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);
        var supported = provider.FaultCapabilities.Operations;
        var problems = options.Scenarios.SelectMany(s => CheckFaults(s, supported)).ToList();
        if (problems.Count > 0)
        {
            throw new UnsupportedFaultsException(provider.Kind, problems);
        }

        // The environment prepares what only the announced faults need (e.g. the proxy of broker.slow).
        var request = new ClusterRequest(options.Id, options.Topics) { Faults = options.Scenarios.SelectMany(FaultTimeline.Operations).ToHashSet() };
        var cluster = await provider.StartAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var renamed = cluster is ITopicNames names ? names.TopicNames : new Dictionary<string, string>();
            var topicNames = options.Topics.ToDictionary(t => t.Name, t => renamed.GetValueOrDefault(t.Name, t.Name), StringComparer.Ordinal);
            var created = await TopicProvisioner.EnsureAsync(cluster, [.. options.Topics.Select(t => t with { Name = topicNames[t.Name] })], options.Time, cancellationToken).ConfigureAwait(false);
            if (created.Count > 0)
            {
                options.Progress?.Report($"Created topics {string.Join(", ", created)} through the admin API.");
            }

            return new RunSession(cluster, request, supported, topicNames, created);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The cluster's name of a topic the session prepared (unchanged unless the environment prefixes names).</summary>
    public string TopicName(string topic) =>
        _topicNames.TryGetValue(topic, out var name) ? name : throw new ArgumentException($"Topic '{topic}' was not among the session's topics.", nameof(topic));

    /// <summary>
    /// Runs <paramref name="request"/>'s scenario on the cluster and returns its summary (also in <c>summary.json</c>).
    /// Its topics must be among the session's, and its faults among those of <see cref="SessionOptions.Scenarios"/>
    /// (the environment prepared for those only): <see cref="UnsupportedFaultsException"/> for a fault the environment
    /// cannot perform, <see cref="ArgumentException"/> for one it was not prepared for. Cancelling stops the load
    /// early: the summary's outcome is then "interrupted" and everything measured until then is kept.
    /// </summary>
    public Task<RunSummary> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Only segment 0 of a split run injects the faults; the other workers need no fault support at all.
        var executed = SessionOptions.Executed(request.Scenario, request.Segment);
        var problems = CheckFaults(executed, _supportedFaults);
        if (problems.Count > 0)
        {
            throw new UnsupportedFaultsException(Cluster.Kind, problems);
        }

        var unprepared = FaultTimeline.Operations(executed).Except(_preparedFaults).ToList();
        if (unprepared.Count > 0)
        {
            throw new ArgumentException($"The environment was not prepared for {string.Join(", ", unprepared)}; list the scenario in SessionOptions.Scenarios.", nameof(request));
        }

        var unknown = request.Scenario.Topics.Select(t => t.Name).Where(t => !_topicNames.ContainsKey(t)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"The session did not prepare the topics {string.Join(", ", unknown)}; list them in SessionOptions.Topics.", nameof(request));
        }

        var onCluster = request with { Scenario = ScenarioTopics.Rename(request.Scenario, _topicNames) };
        return RunEngine.RunAsync(Cluster, onCluster, cancellationToken);
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();

    private static List<ValidationProblem> CheckFaults(Scenario scenario, IReadOnlySet<FaultOperation> supported) =>
        [.. FaultTimeline.Validate(scenario, supported).Select(problem => new ValidationProblem(scenario.SourcePath ?? scenario.Name, "", 0, 0, problem, null))];
}
