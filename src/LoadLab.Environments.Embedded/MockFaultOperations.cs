using System.Globalization;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Kafka.Observation;
using LoadLab.Core.Scenarios;

namespace LoadLab.Environments.Embedded;

/// <summary>
/// The fault operations of the mock cluster, and the controller the mock lacks. The mock never fails over: a
/// broker set down stays leader of its partitions and coordinator of its groups, so clients stall. Here, after
/// <see cref="EmbeddedOptions.DetectionDelay"/>, leaderships move to the next live replica, coordinators and the
/// controller role to the next live broker; a broker that comes back leads its leaderless partitions at once and
/// takes its preferred leaderships and coordinators back after <see cref="EmbeddedOptions.PreferredLeaderRestoreDelay"/>.
/// Every operation reports what Metadata requests showed afterwards.
/// <para>
/// Thread-safe: operations may run concurrently from a fault timeline while clients run. A kill or pause returns
/// only once its fail-over was seen (or cancelled by the broker coming back), a restart or resume once the
/// preferred leaderships are back (at once when fail-over took none); run each on its own task when later faults
/// must not wait for them. Each reports the moment it changed the mock, for the timeline to date the fault by.
/// </para>
/// <para>
/// Consumer groups must be known to have their coordinator moved: <see cref="GetCoordinatorAsync"/> registers a
/// group (the mock offers no way to list groups, and the ListGroups request crashes librdkafka's admin client).
/// </para>
/// </summary>
internal sealed class MockFaultOperations : IFaultOperations, IDisposable
{
    /// <summary>
    /// How far ahead a hung broker's round-trip time holds its responses back. The mock arms each connection's write
    /// timer for when its oldest held response is due and never shortens an armed timer (<c>rd_kafka_timer_start0</c>
    /// with <c>restart</c> false; librdkafka src/rdkafka_timer.c, src/rdkafka_mock.c
    /// <c>rd_kafka_mock_connection_write_out</c>): a round-trip time of minutes left a timer armed for minutes after the
    /// resume, and every response the mock delays on purpose afterwards (an empty Fetch's wait) waited for it —
    /// consumers stopped reading the resumed broker. So the round-trip time is renewed to stay only this far ahead of
    /// the pause's age; after the resume a stale timer fires within it, and nothing else lingers.
    /// </summary>
    internal static readonly TimeSpan PauseHoldAhead = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a hung broker's hold is renewed: a tenth of <see cref="PauseHoldAhead"/>, so only a process
    /// held up for most of it lets a response out early (the resume then says so).</summary>
    private static readonly TimeSpan PauseRenewalPeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>The largest round-trip time the mock is given (broker.slow's bound).</summary>
    private static readonly TimeSpan MaxRoundTrip = TimeSpan.FromMinutes(10);

    private readonly MockCluster _mock;
    private readonly ClusterObserver _observer;
    private readonly EmbeddedOptions _options;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<int, BrokerState> _brokers = [];
    private readonly List<int> _brokerOrder = [];
    private readonly Dictionary<(string Topic, int Partition), PartitionState> _partitions = [];
    /// <summary>The coordinators LoadLab knows and moves, by key type (<c>group</c> or <c>transaction</c>) and key.</summary>
    private readonly Dictionary<(string KeyType, string Key), GroupState> _groups = [];
    private int _controllerId;
    private int _highestBrokerId;

    public MockFaultOperations(MockCluster mock, ClusterObserver observer, EmbeddedOptions options, IEnumerable<BrokerInfo> startedBrokers, int controllerId)
    {
        _mock = mock;
        _observer = observer;
        _options = options;
        _clock = options.TimeProvider;
        _controllerId = controllerId;
        Capabilities = EmbeddedCapabilities.For(options);
        foreach (var broker in startedBrokers)
        {
            _brokers[broker.Id] = new BrokerState(broker.Id, broker.Rack ?? "") { Address = $"{broker.Host}:{broker.Port}" };
            _brokerOrder.Add(broker.Id);
            _highestBrokerId = Math.Max(_highestBrokerId, broker.Id);
        }

        observer.UseLiveBrokers(LiveAddresses);
    }

    public FaultCapabilities Capabilities { get; }

    /// <summary>The rack of broker <paramref name="brokerId"/> under <paramref name="rackCount"/> racks.</summary>
    public static string RackOf(int brokerId, int rackCount) =>
        "rack-" + ((brokerId - 1) % rackCount + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes over the scenario's topics after creation: records their replica lists from metadata and makes the
    /// first replica of each partition its leader, as Kafka's preferred leader election would (the mock picks a
    /// random replica).
    /// </summary>
    public async Task AdoptTopicsAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken)
    {
        var created = await _observer.WaitUntilAsync(
            metadata => topics.All(topic => metadata.Topics.Any(t => t.Topic == topic.Name && t.Error.Code == ErrorCode.NoError && t.Partitions.Count == topic.Partitions)),
            _options.ObservationTimeout, cancellationToken).ConfigureAwait(false);
        if (!created.Seen || created.Last is null)
        {
            throw new EnvironmentException($"The mock cluster did not show the topics {string.Join(", ", topics.Select(t => t.Name))} in metadata within {Seconds(_options.ObservationTimeout)}.");
        }

        Dictionary<(string, int), int> expected;
        lock (_gate)
        {
            expected = AdoptReplicaListsAndElectPreferred(created.Last, topics.Select(t => t.Name).ToHashSet(StringComparer.Ordinal));
        }

        var elected = await WaitForLeadersAsync(expected, cancellationToken).ConfigureAwait(false);
        if (!elected.Seen)
        {
            throw new EnvironmentException($"The mock cluster did not show the preferred leaders in metadata within {Seconds(_options.ObservationTimeout)}.");
        }
    }

    public async ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.ObservationTimeout);
        try
        {
            var metadata = await _observer.MetadataAsync(timeout.Token).ConfigureAwait(false);
            var leader = LeaderIn(metadata, topic, partition);
            return leader is null or < 0 ? null : leader;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                return _partitions.TryGetValue((topic, partition), out var state) && state.Leader >= 0 ? state.Leader : null;
            }
        }
    }

    public async ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken)
    {
        var observed = await _observer.ControllerAsync(cancellationToken).ConfigureAwait(false);
        if (observed is not null)
        {
            return observed;
        }

        lock (_gate)
        {
            return _controllerId;
        }
    }

    /// <summary>
    /// The coordinator of <paramref name="group"/>. The first call registers the group: it pins the coordinator where
    /// the mock's hash already put it (or on the next live broker), so that fail-over can move it later.
    /// </summary>
    public ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return ValueTask.FromResult(Register(GroupKey, group));
    }

    /// <summary>
    /// The transaction coordinator of <paramref name="transactionalId"/>. The first call registers the id like a group
    /// (<see cref="GetCoordinatorAsync"/>), so that fail-over moves it: the mock hashes transactional ids like group ids.
    /// </summary>
    public ValueTask<int?> GetTransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionalId);
        return ValueTask.FromResult(Register(TransactionKey, transactionalId));
    }

    private const string GroupKey = "group";
    private const string TransactionKey = "transaction";

    private int? Register(string keyType, string key)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue((keyType, key), out var state))
            {
                var hashed = _brokerOrder[MockCoordinatorHash.CoordinatorIndex(key, _brokerOrder.Count)];
                var coordinator = IsAvailable(hashed) ? hashed : NextAvailableAfter(hashed);
                if (coordinator < 0)
                {
                    return null;
                }

                _mock.SetCoordinator(keyType, key, coordinator);
                state = new GroupState(coordinator) { Current = coordinator };
                _groups[(keyType, key)] = state;
            }

            return state.Current;
        }
    }

    private static string Describe((string KeyType, string Key) coordinated) =>
        coordinated.KeyType == GroupKey ? $"coordinator of {coordinated.Key}" : $"transaction coordinator of {coordinated.Key}";

    public ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync(command, static () => { }, cancellationToken);

    /// <summary>
    /// Each operation calls <paramref name="effectApplied"/> right after the native call that changes the mock (under
    /// the lock; it returns once the mock's thread has carried the change out), before it waits for metadata,
    /// fail-over or restore. An operation refused as given changes nothing and does not call it.
    /// </summary>
    public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(effectApplied);
        if (Capabilities.Find(command.Operation) is null)
        {
            throw new NotSupportedException($"The embedded cluster cannot perform {command.Operation}; it is not in its capabilities.");
        }

        var start = _clock.GetTimestamp();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        try
        {
            var step = command.Operation switch
            {
                FaultOperation.BrokerKill => await FailAsync(RequireBroker(command), hang: false, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.BrokerRestart => await RecoverAsync(RequireBroker(command), restart: true, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.BrokerPause => await FailAsync(RequireBroker(command), hang: true, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.BrokerResume => await RecoverAsync(RequireBroker(command), restart: false, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.BrokerSlow => Slow(RequireBroker(command), command.Latency ?? throw new FaultRejectedException("broker.slow needs a latency."), effectApplied),
                FaultOperation.BrokerRestoreSpeed => Slow(RequireBroker(command), TimeSpan.Zero, effectApplied),
                FaultOperation.LeaderMove => await MoveLeaderAsync(command, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.PartitionReassign => await ReassignAsync(command, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.BrokerAdd => await AddBrokerAsync(command.BrokerId, effectApplied, linked.Token).ConfigureAwait(false),
                FaultOperation.BrokerDecommission => await DecommissionAsync(RequireBroker(command), effectApplied, linked.Token).ConfigureAwait(false),
                _ => InjectErrors(command.Errors ?? throw new FaultRejectedException("errors.inject needs the errors to inject."), effectApplied),
            };
            return new FaultOutcome(step.Succeeded, step.Detail, _clock.GetElapsedTime(start));
        }
        catch (Exception exception) when (exception is FaultRejectedException or MockClusterException)
        {
            return new FaultOutcome(false, exception.Message, _clock.GetElapsedTime(start));
        }
    }

    /// <summary>Every broker with its state, for status displays and the control endpoint.</summary>
    public IReadOnlyList<BrokerStatus> Snapshot()
    {
        lock (_gate)
        {
            return _brokerOrder.Select(id =>
            {
                var broker = _brokers[id];
                return new BrokerStatus(
                    id, broker.Rack, broker.Down ? "down" : broker.Paused ? "paused" : "up",
                    (int)broker.SlowRoundTrip.TotalMilliseconds,
                    _partitions.Where(p => p.Value.Leader == id).Select(p => $"{p.Key.Topic}/{p.Key.Partition}").Order(StringComparer.Ordinal).ToArray(),
                    _groups.Where(g => g.Key.KeyType == GroupKey && g.Value.Current == id).Select(g => g.Key.Key).Order(StringComparer.Ordinal).ToArray(),
                    _controllerId == id);
            }).ToArray();
        }
    }

    /// <summary>Cancels pending fail-overs and restores; operations still running end with <see cref="OperationCanceledException"/>.</summary>
    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    /// <summary>
    /// Kills (<paramref name="hang"/> false: connections closed, gone from metadata) or hangs (responses held back,
    /// see <see cref="StartHolding"/>) a broker, then fences it after the detection delay. A hung broker can still be
    /// killed; a dead one can be neither.
    /// </summary>
    private async Task<Step> FailAsync(int brokerId, bool hang, Action effectApplied, CancellationToken cancellationToken)
    {
        CancellationToken failover;
        TaskCompletionSource? killObserved = null;
        lock (_gate)
        {
            var broker = Broker(brokerId);
            if (broker.Down || (hang && broker.Paused))
            {
                return new Step(false, $"broker {brokerId} is already {(broker.Down ? "down" : "paused")}");
            }

            if (hang)
            {
                broker.Paused = true;
                broker.PausedAt = _clock.GetTimestamp();
                broker.HoldRenewedAt = broker.PausedAt;
                broker.LongestHoldGap = TimeSpan.Zero;
                _mock.SetBrokerRtt(brokerId, PauseHoldAhead + broker.SlowRoundTrip);
                StartHolding(broker);
            }
            else
            {
                broker.Down = true;
                _mock.SetBrokerDown(brokerId);
                killObserved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                broker.KillObserved = killObserved.Task;
            }

            effectApplied();
            failover = broker.BeginFailoverWatch();
        }

        Step failed;
        if (hang)
        {
            failed = new Step(true, $"broker {brokerId} hangs (connections stay open, responses held back until it resumes; it stays listed in metadata)");
        }
        else
        {
            try
            {
                var gone = await _observer.WaitUntilAsync(m => m.Brokers.All(b => b.BrokerId != brokerId), _options.ObservationTimeout, cancellationToken).ConfigureAwait(false);
                failed = new Step(gone.Seen, gone.Seen
                    ? $"broker {brokerId} down (connections closed), gone from metadata after {Millis(gone.Took)}"
                    : $"broker {brokerId} set down but still listed in metadata after {Seconds(_options.ObservationTimeout)}");
            }
            finally
            {
                killObserved!.TrySetResult();
            }
        }

        var moved = await FailOverAfterDetectionAsync(brokerId, failover, cancellationToken).ConfigureAwait(false);
        return new Step(failed.Succeeded && moved.Succeeded, failed.Detail + "; " + moved.Detail);
    }

    /// <summary>
    /// Restarts a killed broker (<paramref name="restart"/> true: it comes up, and is no longer hung either) or resumes
    /// a hung one (it answers again), then gives it back what fail-over took from it.
    /// </summary>
    private async Task<Step> RecoverAsync(int brokerId, bool restart, Action effectApplied, CancellationToken cancellationToken)
    {
        // A kill counts once its observer saw the broker leave metadata: a restart that came first would bring it back
        // before that look, and the kill would be recorded as failed though it happened. So a restart waits for it
        // (at most the observation timeout).
        Task killObserved;
        lock (_gate)
        {
            killObserved = Broker(brokerId).KillObserved;
        }

        await killObserved.WaitAsync(cancellationToken).ConfigureAwait(false);
        CancellationToken restore;
        var earlyRelease = TimeSpan.Zero;
        lock (_gate)
        {
            var broker = Broker(brokerId);
            if (restart ? !broker.Down : !broker.Paused)
            {
                return new Step(false, $"broker {brokerId} is not {(restart ? "down" : "paused")}");
            }

            if (broker.Paused)
            {
                // Lowering the round-trip time makes the mock send every response it held back at once; connections
                // stay open, as a SIGCONT'd broker's do. An added network delay (slow) outlives a pause and a restart.
                broker.Paused = false;
                _mock.SetBrokerRtt(brokerId, broker.SlowRoundTrip);
                earlyRelease = Max(broker.LongestHoldGap, _clock.GetElapsedTime(broker.HoldRenewedAt)) - PauseHoldAhead;
            }

            if (restart)
            {
                broker.Down = false;
                _mock.SetBrokerUp(brokerId);
            }

            effectApplied();
            restore = broker.BeginRestoreWatch();
        }

        Step recovered;
        if (restart)
        {
            var back = await _observer.WaitUntilAsync(m => m.Brokers.Any(b => b.BrokerId == brokerId), _options.ObservationTimeout, cancellationToken).ConfigureAwait(false);
            recovered = new Step(back.Seen, back.Seen
                ? $"broker {brokerId} up, back in metadata after {Millis(back.Took)}"
                : $"broker {brokerId} set up but not listed in metadata after {Seconds(_options.ObservationTimeout)}");
        }
        else
        {
            // The hold is renewed by this process: one held up longer than PauseHoldAhead let responses out before
            // the resume, and the fault's recorded end is then later than the real one by up to that much.
            recovered = new Step(true, $"broker {brokerId} answers again (held-back responses sent, connections kept)" + (earlyRelease > TimeSpan.Zero
                ? $"; this process was held up while the broker hung, so responses may have left up to {Millis(earlyRelease)} before this resume"
                : ""));
        }

        var restored = await TakeLeadershipBackAsync(brokerId, restore, cancellationToken).ConfigureAwait(false);
        return new Step(recovered.Succeeded && restored.Succeeded, recovered.Detail + "; " + restored.Detail);
    }

    /// <summary>
    /// Keeps a hung broker's responses held: every <see cref="PauseRenewalPeriod"/> its round-trip time becomes the
    /// pause's age plus <see cref="PauseHoldAhead"/> (plus any slow delay), until it resumes, dies or the cluster is
    /// disposed. Records the longest gap between renewals, which the resume reports when it let responses out early.
    /// A thread of its own, not a timer on the thread pool: a pool starved by blocking client calls delayed ticks by
    /// over a second, and each late tick lets the held responses out.
    /// </summary>
    private void StartHolding(BrokerState broker)
    {
        var cancellation = _lifetime.Token;
        var thread = new Thread(() =>
        {
            try
            {
                while (!cancellation.WaitHandle.WaitOne(PauseRenewalPeriod))
                {
                    lock (_gate)
                    {
                        if (!broker.Paused || broker.Down)
                        {
                            return;
                        }

                        var now = _clock.GetTimestamp();
                        broker.LongestHoldGap = Max(broker.LongestHoldGap, _clock.GetElapsedTime(broker.HoldRenewedAt, now));
                        // A response is due its round-trip time after it was queued; slow's delay is added so that one
                        // queued just before the pause is held too.
                        _mock.SetBrokerRtt(broker.Id, _clock.GetElapsedTime(broker.PausedAt, now) + PauseHoldAhead + broker.SlowRoundTrip);
                        broker.HoldRenewedAt = now;
                    }
                }
            }
            catch (Exception exception) when (exception is MockClusterException or ObjectDisposedException)
            {
                // The cluster is going away: nothing left to hold.
            }
        })
        {
            IsBackground = true,
            Name = $"loadlab-pause-hold-{broker.Id}",
        };
        thread.Start();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private Step Slow(int brokerId, TimeSpan latency, Action effectApplied)
    {
        if (latency < TimeSpan.Zero || latency >= MaxRoundTrip)
        {
            throw new FaultRejectedException($"broker.slow latency {latency} is out of range: use 0 to {MaxRoundTrip.TotalMinutes:0} minutes.");
        }

        lock (_gate)
        {
            var broker = Broker(brokerId);
            broker.SlowRoundTrip = latency;
            if (broker.Paused)
            {
                effectApplied();
                return new Step(true, $"broker {brokerId} is paused; its round-trip time becomes {Millis(latency)} when it resumes");
            }

            _mock.SetBrokerRtt(brokerId, latency);
            effectApplied();
        }

        return new Step(true, latency == TimeSpan.Zero
            ? $"broker {brokerId} answers at full speed again"
            : $"every response of broker {brokerId} is delayed by {Millis(latency)} (mock round-trip time)");
    }

    private async Task<Step> MoveLeaderAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        var (topic, partition) = RequirePartition(command);
        var target = command.BrokerId ?? (command.Replicas is { Count: > 0 } replicas ? replicas[0] : throw new FaultRejectedException("leader.move needs the new leader (broker id or replicas with the leader first)."));
        int previous;
        lock (_gate)
        {
            var state = Partition(topic, partition);
            if (!IsAvailable(target))
            {
                throw new FaultRejectedException($"broker {target} cannot lead {topic}/{partition}: it is {Describe(target)}.");
            }

            previous = state.Leader;
            _mock.SetLeader(topic, partition, target);
            effectApplied();
            state.Leader = target;
        }

        var seen = await WaitForLeadersAsync(new() { [(topic, partition)] = target }, cancellationToken).ConfigureAwait(false);
        return new Step(seen.Seen, seen.Seen
            ? $"leader of {topic}/{partition} moved {Name(previous)}→{target}, seen in metadata after {Millis(seen.Took)}"
            : $"leader of {topic}/{partition} set to {target} but metadata did not show it within {Seconds(_options.ObservationTimeout)}");
    }

    private async Task<Step> ReassignAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        var (topic, partition) = RequirePartition(command);
        if (command.Replicas is not { Count: > 0 } replicas || replicas.Distinct().Count() != replicas.Count)
        {
            throw new FaultRejectedException("partition.reassign needs a non-empty replica list without repeated brokers.");
        }

        int leader;
        int[] before;
        lock (_gate)
        {
            var state = Partition(topic, partition);
            var unknown = replicas.Where(id => !_brokers.ContainsKey(id)).ToArray();
            if (unknown.Length > 0)
            {
                throw new FaultRejectedException($"partition.reassign names unknown brokers {string.Join(", ", unknown)}; the brokers are {string.Join(", ", _brokerOrder)}.");
            }

            leader = replicas.FirstOrDefault(IsAvailable, -1);
            if (leader < 0)
            {
                throw new FaultRejectedException($"no broker of the new replica list [{string.Join(",", replicas)}] is up to lead {topic}/{partition}.");
            }

            before = state.Replicas;
            state.Replicas = [.. replicas];
            _mock.SetLeader(topic, partition, leader);
            effectApplied();
            state.Leader = leader;
        }

        var seen = await WaitForLeadersAsync(new() { [(topic, partition)] = leader }, cancellationToken).ConfigureAwait(false);
        // The mock has no call that changes a partition's replica list or copies data (its replication is cosmetic),
        // so only leadership, the controller's view and fail-over behaviour follow the new assignment.
        var listed = seen.Last is null ? "?" : string.Join(",", ReplicasIn(seen.Last, topic, partition));
        return new Step(seen.Seen, (seen.Seen
            ? $"{topic}/{partition} reassigned [{string.Join(",", before)}]→[{string.Join(",", replicas)}]: leader {leader} seen in metadata after {Millis(seen.Took)}"
            : $"{topic}/{partition} reassigned to [{string.Join(",", replicas)}] but leader {leader} not seen in metadata within {Seconds(_options.ObservationTimeout)}")
            + $"; fail-over and preferred leader now follow the new list, while metadata still lists replicas [{listed}] (the mock cannot change replica lists, and copies no data)");
    }

    private async Task<Step> AddBrokerAsync(int? requestedId, Action effectApplied, CancellationToken cancellationToken)
    {
        int brokerId;
        string rack;
        lock (_gate)
        {
            brokerId = requestedId ?? _highestBrokerId + 1;
            if (brokerId < 1 || _brokers.ContainsKey(brokerId))
            {
                throw new FaultRejectedException($"broker.add cannot add broker {brokerId}: ids must be positive and unused (in use: {string.Join(", ", _brokerOrder)}).");
            }

            rack = RackOf(brokerId, _options.RackCount);
            _mock.AddBroker(brokerId);
            effectApplied();
            _mock.SetBrokerRack(brokerId, rack);
            _brokers[brokerId] = new BrokerState(brokerId, rack);
            _brokerOrder.Add(brokerId);
            _highestBrokerId = Math.Max(_highestBrokerId, brokerId);
        }

        var joined = await _observer.WaitUntilAsync(m => m.Brokers.Any(b => b.BrokerId == brokerId), _options.ObservationTimeout, cancellationToken).ConfigureAwait(false);
        if (!joined.Seen || joined.Last is null)
        {
            return new Step(false, $"broker {brokerId} added but not listed in metadata within {Seconds(_options.ObservationTimeout)}");
        }

        if (joined.Last.Brokers.FirstOrDefault(b => b.BrokerId == brokerId) is { } listed)
        {
            lock (_gate)
            {
                _brokers[brokerId].Address = $"{listed.Host}:{listed.Port}";
            }
        }

        var settled = await AdoptMockReassignmentAsync(joined.Last, cancellationToken).ConfigureAwait(false);
        return new Step(settled.Succeeded, $"broker {brokerId} ({rack}) joined, listed in metadata after {Millis(joined.Took)}; " + settled.Detail);
    }

    private async Task<Step> DecommissionAsync(int brokerId, Action effectApplied, CancellationToken cancellationToken)
    {
        List<string> handedOver;
        lock (_gate)
        {
            Broker(brokerId);
            if (_brokerOrder.Count == 1)
            {
                throw new FaultRejectedException($"broker {brokerId} is the last broker; add one before decommissioning it.");
            }

            // A controlled shutdown hands coordinators and the controller role over before the broker leaves.
            handedOver = MoveRolesAwayFrom(brokerId, moveGroupPreference: true);
            _mock.DecommissionBroker(brokerId);
            effectApplied();
            _brokers.Remove(brokerId);
            _brokerOrder.Remove(brokerId);
        }

        var gone = await _observer.WaitUntilAsync(m => m.Brokers.All(b => b.BrokerId != brokerId), _options.ObservationTimeout, cancellationToken).ConfigureAwait(false);
        if (!gone.Seen || gone.Last is null)
        {
            return new Step(false, $"broker {brokerId} decommissioned but still listed in metadata after {Seconds(_options.ObservationTimeout)}");
        }

        var settled = await AdoptMockReassignmentAsync(gone.Last, cancellationToken).ConfigureAwait(false);
        var roles = handedOver.Count == 0 ? "" : $" after handing over {string.Join(", ", handedOver)}";
        return new Step(settled.Succeeded, $"broker {brokerId} decommissioned{roles}, gone from metadata after {Millis(gone.Took)}; " + settled.Detail);
    }

    private Step InjectErrors(InjectedErrors errors, Action effectApplied)
    {
        if (errors.Count < 1 || errors.ApiKey < 0)
        {
            throw new FaultRejectedException($"errors.inject needs a count of at least 1 and a valid API key (got count {errors.Count}, API key {errors.ApiKey}).");
        }

        _mock.PushRequestErrors(errors.ApiKey, errors.ErrorCode, errors.Count);
        effectApplied();
        return new Step(true, $"the next {errors.Count} requests with API key {errors.ApiKey}, on any broker, fail with {(ErrorCode)errors.ErrorCode} ({errors.ErrorCode})");
    }

    private async Task<Step> FailOverAfterDetectionAsync(int brokerId, CancellationToken failover, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(failover, cancellationToken);
        var start = _clock.GetTimestamp();
        try
        {
            await _clock.WaitUntilElapsedAsync(start, _options.DetectionDelay, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Step(true, $"it came back within the detection delay of {Seconds(_options.DetectionDelay)}, so nothing failed over");
        }

        // Clients may have auto-created topics (the mock creates unknown topics on demand); they fail over too.
        using (var fetch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            fetch.CancelAfter(_options.ObservationTimeout);
            try
            {
                var current = await _observer.MetadataAsync(fetch.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    AdoptUnknownTopics(current);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Fail over what is known; metadata checks below report whether it took.
            }
        }

        Dictionary<(string, int), int> expected;
        List<string> roles;
        lock (_gate)
        {
            if (failover.IsCancellationRequested)
            {
                return new Step(true, $"it came back within the detection delay of {Seconds(_options.DetectionDelay)}, so nothing failed over");
            }

            expected = [];
            foreach (var (key, state) in _partitions.Where(p => p.Value.Leader == brokerId))
            {
                var next = state.Replicas.FirstOrDefault(r => r != brokerId && IsAvailable(r), -1);
                _mock.SetLeader(key.Topic, key.Partition, next);
                state.Leader = next;
                expected[key] = next;
            }

            roles = MoveRolesAwayFrom(brokerId, moveGroupPreference: false);
        }

        var seen = await WaitForLeadersAsync(expected, cancellationToken).ConfigureAwait(false);
        var text = $"after the detection delay of {Seconds(_options.DetectionDelay)}: leaders {DescribeMoves(expected, brokerId)}"
            + (roles.Count == 0 ? "" : "; moved " + string.Join(", ", roles))
            + (seen.Seen ? $"; seen in metadata after {Millis(seen.Took)}" : $"; metadata did not show the new leaders within {Seconds(_options.ObservationTimeout)}");
        return new Step(seen.Seen, text);
    }

    private async Task<Step> TakeLeadershipBackAsync(int brokerId, CancellationToken restore, CancellationToken cancellationToken)
    {
        Dictionary<(string, int), int> leaderless;
        bool owed;
        lock (_gate)
        {
            // Kafka elects a returning in-sync replica at once for partitions that have no leader.
            leaderless = [];
            foreach (var (key, state) in _partitions.Where(p => p.Value.Leader < 0 && p.Value.Replicas.Contains(brokerId)))
            {
                _mock.SetLeader(key.Topic, key.Partition, brokerId);
                state.Leader = brokerId;
                leaderless[key] = brokerId;
            }

            // Back before fail-over (which its return has called off), it still holds all it prefers.
            owed = _partitions.Values.Any(p => p.Replicas.Length > 0 && p.Replicas[0] == brokerId && p.Leader != brokerId)
                || _groups.Values.Any(g => g.Preferred == brokerId && g.Current != brokerId);
        }

        var text = "";
        if (leaderless.Count > 0)
        {
            var seen = await WaitForLeadersAsync(leaderless, cancellationToken).ConfigureAwait(false);
            text = $"leads its {leaderless.Count} leaderless partitions at once{(seen.Seen ? $" (seen after {Millis(seen.Took)})" : " (not seen in metadata)")}; ";
        }

        if (!owed)
        {
            return new Step(true, text + "it still leads its preferred partitions and coordinates its groups: nothing to take back");
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(restore, cancellationToken);
        var start = _clock.GetTimestamp();
        try
        {
            await _clock.WaitUntilElapsedAsync(start, _options.PreferredLeaderRestoreDelay, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Step(true, text + $"it failed again within the restore delay of {Seconds(_options.PreferredLeaderRestoreDelay)}, so it took nothing back");
        }

        Dictionary<(string, int), int> preferred = [];
        List<string> coordinators = [];
        lock (_gate)
        {
            if (restore.IsCancellationRequested || !IsAvailable(brokerId))
            {
                return new Step(true, text + $"it failed again within the restore delay of {Seconds(_options.PreferredLeaderRestoreDelay)}, so it took nothing back");
            }

            foreach (var (key, state) in _partitions.Where(p => p.Value.Replicas.Length > 0 && p.Value.Replicas[0] == brokerId && p.Value.Leader != brokerId))
            {
                _mock.SetLeader(key.Topic, key.Partition, brokerId);
                state.Leader = brokerId;
                preferred[key] = brokerId;
            }

            foreach (var (coordinated, state) in _groups.Where(g => g.Value.Preferred == brokerId && g.Value.Current != brokerId))
            {
                _mock.SetCoordinator(coordinated.KeyType, coordinated.Key, brokerId);
                coordinators.Add($"{Describe(coordinated)} {state.Current}→{brokerId}");
                state.Current = brokerId;
            }
        }

        var back = await WaitForLeadersAsync(preferred, cancellationToken).ConfigureAwait(false);
        return new Step(back.Seen, text + $"after the restore delay of {Seconds(_options.PreferredLeaderRestoreDelay)}: preferred leaderships back for {preferred.Count} partitions"
            + (coordinators.Count == 0 ? "" : ", " + string.Join(", ", coordinators))
            + (back.Seen ? $", seen in metadata after {Millis(back.Took)}" : $", not seen in metadata within {Seconds(_options.ObservationTimeout)}"));
    }

    /// <summary>After the mock reassigned every partition (broker added or removed): adopt its lists and elect preferred leaders.</summary>
    private async Task<Step> AdoptMockReassignmentAsync(Metadata metadata, CancellationToken cancellationToken)
    {
        Dictionary<(string, int), int> expected;
        lock (_gate)
        {
            expected = AdoptReplicaListsAndElectPreferred(metadata, _partitions.Keys.Select(k => k.Topic).ToHashSet(StringComparer.Ordinal));
        }

        var seen = await WaitForLeadersAsync(expected, cancellationToken).ConfigureAwait(false);
        var spread = expected.GroupBy(e => e.Value).OrderBy(g => g.Key).Select(g => $"{Name(g.Key)}: {g.Count()}");
        return new Step(seen.Seen, $"the mock reassigned the replicas of every partition; leaders per broker {string.Join(", ", spread)}"
            + (seen.Seen ? $", seen in metadata after {Millis(seen.Took)}" : $", not seen in metadata within {Seconds(_options.ObservationTimeout)}"));
    }

    /// <summary>
    /// Under the lock: replica lists from metadata, each rotated so that preferred leaders (first replicas) are spread
    /// over the brokers as Kafka's assignment spreads them — the mock gives every partition of a topic with
    /// RF = brokers the same order, which would make one broker lead everything. Leader = first available replica.
    /// </summary>
    private Dictionary<(string, int), int> AdoptReplicaListsAndElectPreferred(Metadata metadata, HashSet<string> topicNames)
    {
        var expected = new Dictionary<(string, int), int>();
        var preferredCount = new Dictionary<int, int>();
        foreach (var topic in metadata.Topics.Where(t => topicNames.Contains(t.Topic)).OrderBy(t => t.Topic, StringComparer.Ordinal))
        {
            foreach (var partition in topic.Partitions.OrderBy(p => p.PartitionId))
            {
                var replicas = PreferLeastLoaded(partition.Replicas, preferredCount);
                var leader = replicas.FirstOrDefault(IsAvailable, -1);
                if (partition.Leader != leader)
                {
                    _mock.SetLeader(topic.Topic, partition.PartitionId, leader);
                }

                _partitions[(topic.Topic, partition.PartitionId)] = new PartitionState(replicas) { Leader = leader };
                expected[(topic.Topic, partition.PartitionId)] = leader;
            }
        }

        return expected;
    }

    /// <summary>Under the lock: tracks topics that clients created, with the mock's replica order and leaders as they are.</summary>
    private void AdoptUnknownTopics(Metadata metadata)
    {
        foreach (var topic in metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError))
        {
            foreach (var partition in topic.Partitions.Where(p => !_partitions.ContainsKey((topic.Topic, p.PartitionId))))
            {
                _partitions[(topic.Topic, partition.PartitionId)] = new PartitionState([.. partition.Replicas]) { Leader = partition.Leader };
            }
        }
    }

    private static int[] PreferLeastLoaded(int[] replicas, Dictionary<int, int> preferredCount)
    {
        if (replicas.Length == 0)
        {
            return replicas;
        }

        var first = 0;
        for (var i = 1; i < replicas.Length; i++)
        {
            if (preferredCount.GetValueOrDefault(replicas[i]) < preferredCount.GetValueOrDefault(replicas[first]))
            {
                first = i;
            }
        }

        preferredCount[replicas[first]] = preferredCount.GetValueOrDefault(replicas[first]) + 1;
        return [.. replicas[first..], .. replicas[..first]];
    }

    /// <summary>Under the lock: coordinators and the controller role leave <paramref name="brokerId"/> for the next live broker.</summary>
    private List<string> MoveRolesAwayFrom(int brokerId, bool moveGroupPreference)
    {
        var moved = new List<string>();
        var next = NextAvailableAfter(brokerId);
        if (next < 0)
        {
            return moved;
        }

        foreach (var (coordinated, state) in _groups.Where(g => g.Value.Current == brokerId || (moveGroupPreference && g.Value.Preferred == brokerId)))
        {
            if (state.Current == brokerId)
            {
                _mock.SetCoordinator(coordinated.KeyType, coordinated.Key, next);
                moved.Add($"{Describe(coordinated)} {brokerId}→{next}");
                state.Current = next;
            }

            if (moveGroupPreference)
            {
                state.Preferred = state.Current;
            }
        }

        if (_controllerId == brokerId)
        {
            _mock.SetControllerId(next);
            moved.Add($"controller {brokerId}→{next}");
            _controllerId = next;
        }

        return moved;
    }

    private Task<MetadataObservation> WaitForLeadersAsync(Dictionary<(string Topic, int Partition), int> expected, CancellationToken cancellationToken) =>
        _observer.WaitUntilAsync(m => expected.All(e => LeaderIn(m, e.Key.Topic, e.Key.Partition) == e.Value), _options.ObservationTimeout, cancellationToken);

    private static int? LeaderIn(Metadata metadata, string topic, int partition) =>
        metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Partitions.FirstOrDefault(p => p.PartitionId == partition)?.Leader;

    private static int[] ReplicasIn(Metadata metadata, string topic, int partition) =>
        metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Partitions.FirstOrDefault(p => p.PartitionId == partition)?.Replicas ?? [];

    private string[] LiveAddresses()
    {
        lock (_gate)
        {
            return [.. _brokerOrder.Where(IsAvailable).Select(id => _brokers[id].Address).OfType<string>()];
        }
    }

    private bool IsAvailable(int brokerId) => _brokers.TryGetValue(brokerId, out var broker) && !broker.Down && !broker.Paused;

    private int NextAvailableAfter(int brokerId)
    {
        var start = _brokerOrder.IndexOf(brokerId);
        for (var i = 1; i <= _brokerOrder.Count; i++)
        {
            var candidate = _brokerOrder[(start + i + _brokerOrder.Count) % _brokerOrder.Count];
            if (candidate != brokerId && IsAvailable(candidate))
            {
                return candidate;
            }
        }

        return -1;
    }

    private string Describe(int brokerId) =>
        !_brokers.TryGetValue(brokerId, out var broker) ? "not a broker of this cluster" : broker.Down ? "down" : broker.Paused ? "paused" : "up";

    private BrokerState Broker(int brokerId) =>
        _brokers.TryGetValue(brokerId, out var broker)
            ? broker
            : throw new FaultRejectedException($"broker {brokerId} does not exist; the brokers are {string.Join(", ", _brokerOrder)}.");

    private PartitionState Partition(string topic, int partition) =>
        _partitions.TryGetValue((topic, partition), out var state)
            ? state
            : throw new FaultRejectedException($"{topic}/{partition} is not a partition of the scenario's topics.");

    private static int RequireBroker(FaultCommand command) =>
        command.BrokerId ?? throw new FaultRejectedException($"{command.Operation} needs a broker id.");

    private static (string Topic, int Partition) RequirePartition(FaultCommand command) =>
        command is { Topic: { } topic, Partition: { } partition }
            ? (topic, partition)
            : throw new FaultRejectedException($"{command.Operation} needs a topic and a partition.");

    private static string DescribeMoves(Dictionary<(string Topic, int Partition), int> moves, int from) =>
        moves.Count == 0
            ? "none to move"
            : string.Join(", ", moves.OrderBy(m => m.Key.Topic, StringComparer.Ordinal).ThenBy(m => m.Key.Partition).Select(m => $"{m.Key.Topic}/{m.Key.Partition} {from}→{Name(m.Value)}"));

    private static string Name(int brokerId) => brokerId < 0 ? "none" : brokerId.ToString(CultureInfo.InvariantCulture);

    private static string Millis(TimeSpan duration) => $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    private static string Seconds(TimeSpan duration) => $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private sealed record Step(bool Succeeded, string Detail);

    private sealed class BrokerState(int id, string rack)
    {
        private CancellationTokenSource? _failoverWatch;
        private CancellationTokenSource? _restoreWatch;

        public int Id { get; } = id;
        public string Rack { get; } = rack;
        public bool Down { get; set; }
        public bool Paused { get; set; }
        /// <summary>When the hang began, as a <see cref="TimeProvider"/> timestamp.</summary>
        public long PausedAt { get; set; }
        /// <summary>When the hang's round-trip time was last renewed.</summary>
        public long HoldRenewedAt { get; set; }
        public TimeSpan LongestHoldGap { get; set; }
        public TimeSpan SlowRoundTrip { get; set; }
        public string? Address { get; set; }
        /// <summary>Completes when the last kill's look at metadata has ended (seen gone, or timed out).</summary>
        public Task KillObserved { get; set; } = Task.CompletedTask;

        /// <summary>The broker failed: a pending restore is void; the returned token fires if it comes back before fail-over.</summary>
        public CancellationToken BeginFailoverWatch()
        {
            _restoreWatch?.Cancel();
            _failoverWatch?.Cancel();
            _failoverWatch = new CancellationTokenSource();
            return _failoverWatch.Token;
        }

        /// <summary>The broker came back: a pending fail-over is void; the returned token fires if it fails again before the restore.</summary>
        public CancellationToken BeginRestoreWatch()
        {
            _failoverWatch?.Cancel();
            _restoreWatch?.Cancel();
            _restoreWatch = new CancellationTokenSource();
            return _restoreWatch.Token;
        }
    }

    private sealed class PartitionState(int[] replicas)
    {
        public int[] Replicas { get; set; } = replicas;
        public int Leader { get; set; } = -1;
    }

    private sealed class GroupState(int preferred)
    {
        public int Preferred { get; set; } = preferred;
        public int Current { get; set; }
    }
}

/// <summary>A fault command that cannot be carried out as given (unknown broker, missing argument).</summary>
internal sealed class FaultRejectedException(string message) : Exception(message);
