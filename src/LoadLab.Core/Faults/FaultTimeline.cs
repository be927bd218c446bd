using System.Globalization;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Faults;

/// <summary>Settings of a <see cref="FaultTimeline"/>.</summary>
public sealed record FaultTimelineOptions
{
    /// <summary>
    /// Longest time one step (target resolution plus its primitive operations) may take before it is
    /// recorded as failed; default 60 s, long enough for a broker restart to show in metadata.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When the run stops before a fault's revert is due, revert it anyway so that no broker is left
    /// killed, paused or slow on a cluster that outlives the run; default true.
    /// </summary>
    public bool RevertOutstandingOnStop { get; init; } = true;

    internal void Validate()
    {
        if (OperationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(OperationTimeout), OperationTimeout, "The operation timeout must be positive.");
        }
    }
}

/// <summary>
/// Runs a scenario's faults against an environment: each fault at its offset from the run start, reverted
/// its duration after the injection took effect on the cluster (as the environment reports it), so a fault
/// lasts its duration even when resolving its target or the environment acted late. Steps start one at a
/// time in time order (a revert due at the same time as an injection starts first); a step that starts
/// late delays the next one, which its marker shows as <see cref="FaultMarker.AtSeconds"/> later than scheduled.
/// Targets are resolved when the injection runs; the revert acts on the same broker or partition.
/// A failing operation becomes a marker with <see cref="FaultStepOutcome.Failed"/>, never an exception.
/// </summary>
public sealed class FaultTimeline
{
    private readonly IReadOnlyList<FaultSpec> _faults;
    private readonly IFaultOperations _operations;
    private readonly TimeProvider _time;
    private readonly long _runStartTimestamp;
    private readonly IRunEventSink _sink;
    private readonly FaultTimelineOptions _options;
    private readonly Random _random;
    private readonly SortedSet<int> _knownBrokers;
    private readonly IReadOnlyDictionary<string, string> _transactionalIds;
    private readonly HashSet<int> _unavailableBrokers = [];
    private readonly Lock _brokersGate = new();

    /// <param name="faults">The scenario's faults (validated with <see cref="Validate"/>).</param>
    /// <param name="operations">The environment's fault operations.</param>
    /// <param name="brokerIds">The cluster's brokers at the start (random targets choose among the live ones).</param>
    /// <param name="time">Clock of the run.</param>
    /// <param name="runStartTimestamp"><see cref="TimeProvider.GetTimestamp"/> at the run start; offsets count from it.</param>
    /// <param name="seed">Scenario seed; makes random targets repeatable.</param>
    /// <param name="sink">Receives a marker per step.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="transactionalIds">
    /// Per transactional stream and transforming group (scenario names), the transactional id of its first instance, for
    /// <c>transaction-coordinator-of</c> targets; none when null.
    /// </param>
    public FaultTimeline(
        IReadOnlyList<FaultSpec> faults,
        IFaultOperations operations,
        IReadOnlyList<int> brokerIds,
        TimeProvider time,
        long runStartTimestamp,
        int seed,
        IRunEventSink sink,
        FaultTimelineOptions? options = null,
        IReadOnlyDictionary<string, string>? transactionalIds = null)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(brokerIds);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(sink);
        _options = options ?? new FaultTimelineOptions();
        _options.Validate();
        _faults = faults;
        _operations = operations;
        _time = time;
        _runStartTimestamp = runStartTimestamp;
        _sink = sink;
        _random = new Random(seed);
        _knownBrokers = [.. brokerIds];
        _transactionalIds = transactionalIds ?? new Dictionary<string, string>();
    }

    /// <summary>
    /// Every reason the scenario's faults cannot run on an environment supporting <paramref name="supported"/>:
    /// operations it lacks (for the injection and, when a duration is given, the revert), durations on actions
    /// that cannot be reverted, targets an action cannot use and missing arguments. Empty when all can run.
    /// Each problem names the fault by its index and line and says how to fix it.
    /// </summary>
    public static IReadOnlyList<string> Validate(Scenario scenario, IReadOnlySet<FaultOperation> supported)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(supported);
        var problems = new List<string>();
        for (var i = 0; i < scenario.Faults.Count; i++)
        {
            var fault = scenario.Faults[i];
            var name = FaultActionNames.Name(fault.Action);
            var where = $"faults[{i}] (line {fault.Line.ToString(CultureInfo.InvariantCulture)}): {name}";
            var revert = RevertOperation(fault.Action);
            if (fault.At >= scenario.TotalDuration)
            {
                problems.Add($"{where} at {fault.At.TotalSeconds:0.###} s would never run: the run lasts {scenario.TotalDuration.TotalSeconds:0.###} s (warm-up included); move 'at' inside the run.");
            }

            foreach (var operation in InjectOperations(fault.Action).Where(o => !supported.Contains(o)))
            {
                problems.Add($"{where} needs the {operation} operation, which this environment cannot perform; remove the fault or use an environment that supports it.");
            }

            if (fault.Duration is not null)
            {
                if (revert is null)
                {
                    problems.Add($"{where} cannot be reverted, so 'duration' has no meaning; remove 'duration'.");
                }
                else if (!supported.Contains(revert.Value))
                {
                    problems.Add($"{where} with a duration needs the {revert.Value} operation to revert it, which this environment cannot perform; remove 'duration' or use an environment that supports it.");
                }
            }

            if (ActsOnPartition(fault.Action))
            {
                if (fault.Target is not (PartitionTarget or LeaderOfTarget))
                {
                    problems.Add($"{where} acts on a partition; set the target to 'partition: topic/partition'.");
                }
            }
            else if (fault.Action == FaultAction.GroupReplay)
            {
                if (fault.Target is not GroupTarget { Group: var replayed } || scenario.Consumers.All(c => c.Group != replayed))
                {
                    problems.Add($"{where} acts on a consumer group of the scenario; set the target to 'group: <name>'.");
                }

                if (fault.Rewind is not { } rewind || (rewind.Messages is null) == (rewind.Ago is null))
                {
                    problems.Add($"{where} needs how far to rewind; add 'rewind: {{messages: 10000}}' (per partition) or 'rewind: {{ago: 30s}}'.");
                }
            }
            else if (fault.Action != FaultAction.BrokerAdd && fault.Target is PartitionTarget or GroupTarget)
            {
                problems.Add($"{where} acts on a broker; use 'broker: <id>', 'leader-of: topic/partition', 'controller', 'coordinator-of: <group>', 'transaction-coordinator-of: <stream or group>' or 'random'.");
            }

            if (fault.Action == FaultAction.PartitionReassign && fault.Replicas.Count == 0)
            {
                problems.Add($"{where} needs the new replica list; add 'replicas: [broker ids]'.");
            }

            if (fault.Action == FaultAction.BrokerSlow && (fault.Latency is null || fault.Latency <= TimeSpan.Zero))
            {
                problems.Add($"{where} needs the added latency; add 'latency: 200ms' (positive).");
            }

            if (fault.Action == FaultAction.ErrorsInject && fault.Errors is null)
            {
                problems.Add($"{where} needs the errors to inject; add 'errors: {{api: Produce, code: 6, count: 100}}'.");
            }
        }

        return problems;
    }

    /// <summary>
    /// The operations the scenario's faults perform: each injection's, and the revert's of those with a duration. An
    /// environment is started with them (<see cref="ClusterRequest.Faults"/>) so it prepares what only they need.
    /// </summary>
    public static IReadOnlySet<FaultOperation> Operations(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var operations = new HashSet<FaultOperation>();
        foreach (var fault in scenario.Faults)
        {
            operations.UnionWith(InjectOperations(fault.Action));
            if (fault.Duration is not null && RevertOperation(fault.Action) is { } revert)
            {
                operations.Add(revert);
            }
        }

        return operations;
    }

    /// <summary>
    /// Runs every step at its time and returns the faults as they ran. Stops waiting when
    /// <paramref name="cancellationToken"/> is cancelled (the run ends); then, by default, reverts the
    /// faults that are still in effect.
    /// </summary>
    public async Task<IReadOnlyList<FaultOccurrence>> RunAsync(CancellationToken cancellationToken)
    {
        var steps = PlanSteps();
        var states = new InjectedFault?[_faults.Count];
        var running = new List<Task>();
        try
        {
            for (var next = 0; next < steps.Count; next++)
            {
                var step = Scheduled(steps[next], states);
                await _time.WaitUntilElapsedAsync(_runStartTimestamp, step.Due, cancellationToken);

                // Targets resolve in timeline order (random choices stay repeatable), but an operation whose effect is
                // confirmed slowly (a kill or pause returns after the fail-over it causes) must not hold back the next
                // step: a 1 s pause is resumed after 1 s, not after the detection delay.
                var execution = await StartStepAsync(step, states, early: false, cancellationToken);
                running.Add(execution);
                var untilNext = next + 1 < steps.Count ? Scheduled(steps[next + 1], states).Due - _time.GetElapsedTime(_runStartTimestamp) : Timeout.InfiniteTimeSpan;
                if (untilNext == Timeout.InfiniteTimeSpan)
                {
                    await execution;
                }
                else if (untilNext > TimeSpan.Zero)
                {
                    await Task.WhenAny(execution, Task.Delay(untilNext, _time, cancellationToken));
                }
            }

            await Task.WhenAll(running);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
            if (_options.RevertOutstandingOnStop)
            {
                foreach (var step in steps.Where(s => s.Kind == FaultStep.Revert && states[s.FaultIndex] is { RevertDone: false }))
                {
                    await await StartStepAsync(step, states, early: true, CancellationToken.None);
                }
            }
        }

        return [.. states.OfType<InjectedFault>().OrderBy(s => s.FaultIndex).Select(s => s.ToOccurrence())];
    }

    private List<PlannedStep> PlanSteps()
    {
        var steps = new List<PlannedStep>();
        for (var i = 0; i < _faults.Count; i++)
        {
            var fault = _faults[i];
            steps.Add(new PlannedStep(i, FaultStep.Inject, fault.At));
            if (fault.Duration is { } duration && RevertOperation(fault.Action) is not null)
            {
                steps.Add(new PlannedStep(i, FaultStep.Revert, fault.At + duration));
            }
        }

        // At equal times an earlier fault is undone before a new one breaks the cluster, but a fault's own
        // zero-length revert still follows its injection.
        return [.. steps.OrderBy(s => s.Due).ThenBy(s => s.Kind == FaultStep.Inject ? 1 : _faults[s.FaultIndex].Duration == TimeSpan.Zero ? 2 : 0).ThenBy(s => s.FaultIndex)];
    }

    /// <summary>
    /// The step with its due time as it stands now. A revert is due the fault's duration after the injection took
    /// effect, not after the injection was planned: resolving the target and the environment acting take from a few
    /// to several hundred milliseconds (more on a loaded machine), which would otherwise come off the fault.
    /// </summary>
    private PlannedStep Scheduled(PlannedStep step, InjectedFault?[] states) =>
        step.Kind == FaultStep.Revert && states[step.FaultIndex]?.EffectAt is { } injected
            ? step with { Due = injected + _faults[step.FaultIndex].Duration!.Value }
            : step;

    /// <summary>Resolves the step's target and starts its operations; the returned task completes with them.</summary>
    private async Task<Task> StartStepAsync(PlannedStep step, InjectedFault?[] states, bool early, CancellationToken cancellationToken)
    {
        var fault = _faults[step.FaultIndex];
        var action = FaultActionNames.Name(fault.Action);
        if (step.Kind == FaultStep.Revert)
        {
            return RevertAsync(step, states[step.FaultIndex], fault, action, early, cancellationToken);
        }

        ResolvedTarget? target;
        using (var resolveDeadline = new CancellationTokenSource(_options.OperationTimeout, _time))
        using (var resolveTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, resolveDeadline.Token))
        {
            try
            {
                target = await ResolveAsync(fault, resolveTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                target = ResolvedTarget.Unresolved(Describe(fault.Target), $"target not resolved within {_options.OperationTimeout.TotalSeconds:0.#} s");
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                target = ResolvedTarget.Unresolved(Describe(fault.Target), $"target not resolved: {exception.Message}");
            }
        }

        var state = new InjectedFault(step.FaultIndex, action, target, new EffectMoment(_time, _runStartTimestamp));
        states[step.FaultIndex] = state;
        if (target.Problem is not null)
        {
            state.Detail = target.Problem;
            state.Completed = true;
            Emit(step, action, target.Description, state.InjectedAt, FaultStepOutcome.Failed, target.Problem, TimeSpan.Zero);
            return Task.CompletedTask;
        }

        return InjectAsync(step, state, fault, action, cancellationToken);
    }

    private async Task InjectAsync(PlannedStep step, InjectedFault state, FaultSpec fault, string action, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.OperationTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var result = await ExecuteAsync(InjectCommands(fault, state.ResolvedTarget), state.Effect, timeout.Token, cancellationToken);
        state.Succeeded = result.Succeeded;
        state.Detail = result.Detail;
        state.Completed = true;
        if (result.Succeeded && !state.RevertDone)
        {
            ApplyAvailability(fault.Action, FaultStep.Inject, state.ResolvedTarget);
        }

        Emit(step, action, state.Target, state.InjectedAt, result.Succeeded ? FaultStepOutcome.Succeeded : FaultStepOutcome.Failed, result.Detail, result.Took);
    }

    private async Task RevertAsync(PlannedStep step, InjectedFault? injected, FaultSpec fault, string action, bool early, CancellationToken cancellationToken)
    {
        var effect = new EffectMoment(_time, _runStartTimestamp);
        using var deadline = new CancellationTokenSource(_options.OperationTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        if (injected is null)
        {
            return;
        }

        // An injection still waiting for its confirmation (a pause whose fail-over has not happened yet) is in
        // effect: revert it; the environment then confirms that it came back before anything failed over.
        if (injected.Completed && !injected.Succeeded)
        {
            injected.RevertDone = true;
            Emit(step, action, injected.Target, effect.AtOrStart, FaultStepOutcome.Skipped, "not reverted: the injection failed", TimeSpan.Zero);
            return;
        }

        var revert = await ExecuteAsync(RevertCommands(fault, injected), effect, timeout.Token, cancellationToken);
        var detail = early ? $"reverted early because the run is stopping; {revert.Detail}" : revert.Detail;
        if (revert.Succeeded)
        {
            injected.RevertDone = true;
            ApplyAvailability(fault.Action, FaultStep.Revert, injected.ResolvedTarget);
        }

        injected.RevertedAt = effect.AtOrStart;
        Emit(step, action, injected.Target, effect.AtOrStart, revert.Succeeded ? FaultStepOutcome.Succeeded : FaultStepOutcome.Failed, detail, revert.Took);
    }

    private async Task<FaultOutcome> ExecuteAsync(IReadOnlyList<FaultCommand> commands, EffectMoment effect, CancellationToken timeoutToken, CancellationToken runToken)
    {
        var took = TimeSpan.Zero;
        var details = new List<string>();
        foreach (var command in commands)
        {
            FaultOutcome outcome;
            try
            {
                outcome = await _operations.ExecuteAsync(command, effect.Mark, timeoutToken);
            }
            catch (OperationCanceledException) when (runToken.IsCancellationRequested)
            {
                outcome = new FaultOutcome(false, $"{command.Operation} interrupted: the run is stopping", TimeSpan.Zero);
            }
            catch (OperationCanceledException) when (timeoutToken.IsCancellationRequested)
            {
                outcome = new FaultOutcome(false, $"{command.Operation} did not complete within {_options.OperationTimeout.TotalSeconds:0.#} s", _options.OperationTimeout);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                outcome = new FaultOutcome(false, $"{command.Operation} failed: {exception.Message}", TimeSpan.Zero);
            }

            took += outcome.Took;
            details.Add(outcome.Detail);
            if (!outcome.Succeeded)
            {
                return new FaultOutcome(false, string.Join("; ", details), took);
            }
        }

        return new FaultOutcome(true, string.Join("; ", details), took);
    }

    private async Task<ResolvedTarget> ResolveAsync(FaultSpec fault, CancellationToken cancellationToken)
    {
        if (ActsOnPartition(fault.Action))
        {
            return await ResolvePartitionAsync(fault, cancellationToken);
        }

        if (fault.Action == FaultAction.BrokerAdd)
        {
            lock (_brokersGate)
            {
                var newId = fault.Target is BrokerTarget requested ? requested.BrokerId : _knownBrokers.Count == 0 ? 1 : _knownBrokers.Max + 1;
                return _knownBrokers.Contains(newId) && !_unavailableBrokers.Contains(newId)
                    ? ResolvedTarget.Unresolved($"broker {newId}", $"broker {newId} is already part of the cluster")
                    : ResolvedTarget.Broker(newId, $"broker {newId} (new)");
            }
        }

        switch (fault.Target)
        {
            case BrokerTarget broker:
                return ResolvedTarget.Broker(broker.BrokerId, $"broker {broker.BrokerId}");
            case LeaderOfTarget leaderOf:
                var leader = await _operations.GetLeaderAsync(leaderOf.Topic, leaderOf.Partition, cancellationToken);
                var leaderLabel = $"leader of {leaderOf.Topic}/{leaderOf.Partition}";
                return leader is { } leaderId
                    ? ResolvedTarget.Broker(leaderId, $"broker {leaderId} ({leaderLabel})")
                    : ResolvedTarget.Unresolved(leaderLabel, $"{leaderOf.Topic}/{leaderOf.Partition} has no leader");
            case ControllerTarget:
                var controller = await _operations.GetControllerAsync(cancellationToken);
                return controller is { } controllerId
                    ? ResolvedTarget.Broker(controllerId, $"broker {controllerId} (controller)")
                    : ResolvedTarget.Unresolved("controller", "the cluster reports no controller");
            case TransactionCoordinatorOfTarget transactional:
                var transactionLabel = $"transaction coordinator of {transactional.Owner}";
                if (!_transactionalIds.TryGetValue(transactional.Owner, out var transactionalId))
                {
                    return ResolvedTarget.Unresolved(transactionLabel, $"{transactional.Owner} produces no transactions in this run");
                }

                var transactionCoordinator = await _operations.GetTransactionCoordinatorAsync(transactionalId, cancellationToken);
                return transactionCoordinator is { } transactionCoordinatorId
                    ? ResolvedTarget.Broker(transactionCoordinatorId, $"broker {transactionCoordinatorId} ({transactionLabel}, transactional id {transactionalId})")
                    : ResolvedTarget.Unresolved(transactionLabel, $"no coordinator found for transactional id {transactionalId}");
            case GroupTarget replayed when fault.Action == FaultAction.GroupReplay:
                return ResolvedTarget.ForGroup(replayed.Group, DescribeRewind(replayed.Group, fault.Rewind!));
            case CoordinatorOfTarget coordinatorOf:
                var coordinator = await _operations.GetCoordinatorAsync(coordinatorOf.Group, cancellationToken);
                var coordinatorLabel = $"coordinator of {coordinatorOf.Group}";
                return coordinator is { } coordinatorId
                    ? ResolvedTarget.Broker(coordinatorId, $"broker {coordinatorId} ({coordinatorLabel})")
                    : ResolvedTarget.Unresolved(coordinatorLabel, $"group {coordinatorOf.Group} has no known coordinator");
            case ClusterTarget when fault.Action == FaultAction.ErrorsInject:
                // errors.inject without a target fails requests on every broker (the scenario format's default).
                return ResolvedTarget.EveryBroker();
            case RandomBrokerTarget:
                var live = LiveBrokers();
                if (live.Count == 0)
                {
                    return ResolvedTarget.Unresolved("random", "no live broker to choose from");
                }

                var chosen = live[_random.Next(live.Count)];
                return ResolvedTarget.Broker(chosen, $"broker {chosen} (random)");
            default:
                return ResolvedTarget.Unresolved(Describe(fault.Target), $"{FaultActionNames.Name(fault.Action)} acts on a broker, not on {Describe(fault.Target)}");
        }
    }

    private async Task<ResolvedTarget> ResolvePartitionAsync(FaultSpec fault, CancellationToken cancellationToken)
    {
        var (topic, partition) = fault.Target switch
        {
            PartitionTarget p => (p.Topic, p.Partition),
            LeaderOfTarget l => (l.Topic, l.Partition),
            _ => (null!, -1),
        };
        if (topic is null)
        {
            return ResolvedTarget.Unresolved(Describe(fault.Target), $"{FaultActionNames.Name(fault.Action)} acts on a partition, not on {Describe(fault.Target)}");
        }

        var label = $"{topic}/{partition}";
        var previousLeader = await _operations.GetLeaderAsync(topic, partition, cancellationToken);
        if (fault.Action == FaultAction.PartitionReassign)
        {
            return ResolvedTarget.Partition(topic, partition, previousLeader, fault.Replicas, $"{label} (replicas → {string.Join(",", fault.Replicas)})");
        }

        IReadOnlyList<int> replicas = fault.Replicas;
        if (replicas.Count == 0)
        {
            var candidates = LiveBrokers().Where(b => b != previousLeader).ToList();
            if (candidates.Count == 0)
            {
                return ResolvedTarget.Unresolved(label, $"no live broker other than the current leader of {label} to move it to");
            }

            replicas = [candidates[_random.Next(candidates.Count)]];
        }

        var from = previousLeader?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return ResolvedTarget.Partition(topic, partition, previousLeader, replicas, $"{label} (leader {from} → {replicas[0]})");
    }

    private static List<FaultCommand> InjectCommands(FaultSpec fault, ResolvedTarget target) => fault.Action switch
    {
        FaultAction.BrokerKill => [new(FaultOperation.BrokerKill, target.BrokerId)],
        FaultAction.BrokerRestart => [new(FaultOperation.BrokerRestart, target.BrokerId)],
        FaultAction.BrokerPause => [new(FaultOperation.BrokerPause, target.BrokerId)],
        FaultAction.BrokerSlow => [new(FaultOperation.BrokerSlow, target.BrokerId, Latency: fault.Latency)],
        FaultAction.LeaderMove => [new(FaultOperation.LeaderMove, Topic: target.Topic, Partition: target.PartitionId, Replicas: target.Replicas)],
        FaultAction.PartitionReassign => [new(FaultOperation.PartitionReassign, Topic: target.Topic, Partition: target.PartitionId, Replicas: target.Replicas)],
        FaultAction.BrokerAdd => [new(FaultOperation.BrokerAdd, target.BrokerId)],
        FaultAction.BrokerDecommission => [new(FaultOperation.BrokerDecommission, target.BrokerId)],
        FaultAction.ErrorsInject => [new(FaultOperation.InjectErrors, target.BrokerId, Errors: new InjectedErrors(fault.Errors!.ApiKey, fault.Errors.ErrorCode, fault.Errors.Count))],
        FaultAction.NetworkPartition => [new(FaultOperation.NetworkDisconnect, target.BrokerId)],
        FaultAction.GroupReplay => [new(FaultOperation.GroupRewind, Group: target.Group, Rewind: fault.Rewind)],
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault.Action, "Unknown fault action."),
    };

    private static List<FaultCommand> RevertCommands(FaultSpec fault, InjectedFault injected)
    {
        var target = injected.ResolvedTarget;
        return fault.Action switch
        {
            FaultAction.BrokerKill => [new(FaultOperation.BrokerRestart, target.BrokerId)],
            FaultAction.BrokerPause => [new(FaultOperation.BrokerResume, target.BrokerId)],
            FaultAction.BrokerSlow => [new(FaultOperation.BrokerRestoreSpeed, target.BrokerId)],
            FaultAction.BrokerAdd => [new(FaultOperation.BrokerDecommission, target.BrokerId)],
            FaultAction.BrokerDecommission => [new(FaultOperation.BrokerAdd, target.BrokerId)],
            FaultAction.NetworkPartition => [new(FaultOperation.NetworkReconnect, target.BrokerId)],
            // Without a known previous leader there is nothing to move back to; the revert then does nothing.
            FaultAction.LeaderMove when target.PreviousLeader is { } previous =>
                [new(FaultOperation.LeaderMove, Topic: target.Topic, Partition: target.PartitionId, Replicas: [previous])],
            FaultAction.LeaderMove => [],
            _ => throw new InvalidOperationException($"{FaultActionNames.Name(fault.Action)} has no revert."),
        };
    }

    private static FaultOperation[] InjectOperations(FaultAction action) => action switch
    {
        FaultAction.BrokerKill => [FaultOperation.BrokerKill],
        FaultAction.BrokerRestart => [FaultOperation.BrokerRestart],
        FaultAction.BrokerPause => [FaultOperation.BrokerPause],
        FaultAction.BrokerSlow => [FaultOperation.BrokerSlow],
        FaultAction.LeaderMove => [FaultOperation.LeaderMove],
        FaultAction.PartitionReassign => [FaultOperation.PartitionReassign],
        FaultAction.BrokerAdd => [FaultOperation.BrokerAdd],
        FaultAction.BrokerDecommission => [FaultOperation.BrokerDecommission],
        FaultAction.ErrorsInject => [FaultOperation.InjectErrors],
        FaultAction.NetworkPartition => [FaultOperation.NetworkDisconnect],
        FaultAction.GroupReplay => [FaultOperation.GroupRewind],
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown fault action."),
    };

    private static FaultOperation? RevertOperation(FaultAction action) => action switch
    {
        FaultAction.BrokerKill => FaultOperation.BrokerRestart,
        FaultAction.BrokerPause => FaultOperation.BrokerResume,
        FaultAction.BrokerSlow => FaultOperation.BrokerRestoreSpeed,
        FaultAction.LeaderMove => FaultOperation.LeaderMove,
        FaultAction.BrokerAdd => FaultOperation.BrokerDecommission,
        FaultAction.BrokerDecommission => FaultOperation.BrokerAdd,
        FaultAction.NetworkPartition => FaultOperation.NetworkReconnect,
        _ => null,
    };

    private static bool ActsOnPartition(FaultAction action) => action is FaultAction.LeaderMove or FaultAction.PartitionReassign;

    private static string Describe(FaultTarget target) => target switch
    {
        BrokerTarget b => $"broker {b.BrokerId}",
        LeaderOfTarget l => $"leader of {l.Topic}/{l.Partition}",
        ControllerTarget => "controller",
        CoordinatorOfTarget c => $"coordinator of {c.Group}",
        RandomBrokerTarget => "random",
        PartitionTarget p => $"partition {p.Topic}/{p.Partition}",
        TransactionCoordinatorOfTarget t => $"transaction coordinator of {t.Owner}",
        GroupTarget g => $"group {g.Group}",
        _ => target.ToString(),
    };

    private static string DescribeRewind(string group, GroupRewind rewind) => rewind.Messages is { } messages
        ? $"group {group} ({messages.ToString(CultureInfo.InvariantCulture)} messages back per partition)"
        : $"group {group} (to {rewind.Ago!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s ago)";

    private List<int> LiveBrokers()
    {
        lock (_brokersGate)
        {
            return [.. _knownBrokers.Where(b => !_unavailableBrokers.Contains(b))];
        }
    }

    // Random targets choose among brokers that can still be broken: not killed, paused, cut off or removed.
    private void ApplyAvailability(FaultAction action, FaultStep step, ResolvedTarget target)
    {
        if (target.BrokerId is not { } broker)
        {
            return;
        }

        var makesUnavailable = action switch
        {
            FaultAction.BrokerKill or FaultAction.BrokerPause or FaultAction.NetworkPartition or FaultAction.BrokerDecommission => step == FaultStep.Inject,
            FaultAction.BrokerAdd => step == FaultStep.Revert,
            FaultAction.BrokerRestart => false,
            _ => (bool?)null,
        };
        if (makesUnavailable is null)
        {
            return;
        }

        lock (_brokersGate)
        {
            _knownBrokers.Add(broker);
            if (makesUnavailable.Value)
            {
                _unavailableBrokers.Add(broker);
            }
            else
            {
                _unavailableBrokers.Remove(broker);
            }
        }
    }

    private void Emit(PlannedStep step, string action, string target, TimeSpan at, FaultStepOutcome outcome, string detail, TimeSpan took) =>
        _sink.Marker(new FaultMarker(step.FaultIndex, step.Kind, action, target, step.Due.TotalSeconds, at.TotalSeconds, outcome, detail, took.TotalSeconds));

    private sealed record PlannedStep(int FaultIndex, FaultStep Kind, TimeSpan Due);

    private sealed record ResolvedTarget(string Description, string? Problem, int? BrokerId, string? Topic, int? PartitionId, int? PreviousLeader, IReadOnlyList<int>? Replicas)
    {
        public string? Group { get; init; }

        public static ResolvedTarget ForGroup(string group, string description) =>
            new(description, null, null, null, null, null, null) { Group = group };

        public static ResolvedTarget Broker(int id, string description) =>
            new(description, null, id, null, null, null, null);

        public static ResolvedTarget Partition(string topic, int partition, int? previousLeader, IReadOnlyList<int> replicas, string description) =>
            new(description, null, null, topic, partition, previousLeader, replicas);

        public static ResolvedTarget EveryBroker() =>
            new("every broker", null, null, null, null, null, null);

        public static ResolvedTarget Unresolved(string description, string problem) =>
            new(description, problem, null, null, null, null, null);
    }

    /// <summary>
    /// When a step changed the cluster: the moment the environment reports (set once, from any thread), or, when it
    /// reports none (the operation failed first, or there was nothing to do), when the step's operations started.
    /// </summary>
    private sealed class EffectMoment(TimeProvider time, long runStartTimestamp)
    {
        private readonly TimeSpan _operationsStartedAt = time.GetElapsedTime(runStartTimestamp);
        private long _effectTicks = -1;

        public TimeSpan? At => Volatile.Read(ref _effectTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

        public TimeSpan AtOrStart => At ?? _operationsStartedAt;

        public void Mark() => Interlocked.CompareExchange(ref _effectTicks, time.GetElapsedTime(runStartTimestamp).Ticks, -1);
    }

    private sealed class InjectedFault(int faultIndex, string action, ResolvedTarget target, EffectMoment effect)
    {
        private bool _revertDone;
        private bool _completed;

        public int FaultIndex { get; } = faultIndex;
        public ResolvedTarget ResolvedTarget { get; } = target;
        public EffectMoment Effect { get; } = effect;

        /// <summary>When the injection changed the cluster; null until the environment reports it.</summary>
        public TimeSpan? EffectAt => Effect.At;

        public TimeSpan InjectedAt => Effect.AtOrStart;
        public string Target => ResolvedTarget.Description;
        public bool Succeeded { get; set; }
        public string Detail { get; set; } = "";
        public TimeSpan? RevertedAt { get; set; }

        // Read and written from the injection's and the revert's tasks.
        public bool RevertDone { get => Volatile.Read(ref _revertDone); set => Volatile.Write(ref _revertDone, value); }

        /// <summary>The injection's operations returned.</summary>
        public bool Completed { get => Volatile.Read(ref _completed); set => Volatile.Write(ref _completed, value); }

        public FaultOccurrence ToOccurrence() =>
            new(FaultIndex, action, Target, InjectedAt.TotalSeconds, RevertedAt?.TotalSeconds, Succeeded, Detail);
    }
}
