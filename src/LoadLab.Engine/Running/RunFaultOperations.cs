using LoadLab.Core.Environments;
using LoadLab.Engine.Consuming;

namespace LoadLab.Engine.Running;

/// <summary>
/// The fault operations a run's timeline uses: the environment's, plus <see cref="FaultOperation.GroupRewind"/>, which the
/// run carries out through the group's own members (<see cref="GroupReplayer"/>) — the environment only declares it among
/// its capabilities (how it is verified there), because the run, not the cluster, owns the consumers.
/// </summary>
internal sealed class RunFaultOperations(IFaultOperations environment, IReadOnlyList<GroupReplayer> replayers) : IFaultOperations
{
    public FaultCapabilities Capabilities => environment.Capabilities;

    public ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken) =>
        environment.GetLeaderAsync(topic, partition, cancellationToken);

    public ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken) => environment.GetControllerAsync(cancellationToken);

    public ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken) => environment.GetCoordinatorAsync(group, cancellationToken);

    public ValueTask<int?> GetTransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken) =>
        environment.GetTransactionCoordinatorAsync(transactionalId, cancellationToken);

    public ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync(command, static () => { }, cancellationToken);

    public ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Operation != FaultOperation.GroupRewind)
        {
            return environment.ExecuteAsync(command, effectApplied, cancellationToken);
        }

        return replayers.FirstOrDefault(r => r.Group == command.Group) is { } replayer && command.Rewind is { } rewind
            ? replayer.RewindAsync(rewind, effectApplied, cancellationToken)
            : ValueTask.FromResult(new FaultOutcome(false, $"group {command.Group} is not a consumer group of this run", TimeSpan.Zero));
    }
}
