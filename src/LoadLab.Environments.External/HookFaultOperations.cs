using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Observation;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.External;

/// <summary>
/// Fault operations of an external cluster: each runs its configured hook command, checks the exit code, and then waits
/// for the effect through the Kafka protocol (<see cref="Until"/>): a killed or paused broker no longer answers, a
/// restarted one serves a probe and is listed again, a moved leader leads and accepts a probe message. Where no hook
/// performs <c>broker.slow</c> or <c>network.partition</c>, LoadLab's client-side proxy does (when the run started one).
/// The outcome's detail carries the hook's output with secrets masked.
/// </summary>
internal sealed class HookFaultOperations : IFaultOperations
{
    private readonly ExternalDefinition _definition;
    private readonly ClusterObserver _observer;
    private readonly BrokerProxy? _proxy;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly string _runId;
    private readonly string _bootstrapServers;
    private readonly ConcurrentDictionary<int, BrokerInfo> _knownBrokers;
    private readonly ConcurrentDictionary<int, TimeSpan> _addedLatency = new();

    public HookFaultOperations(ExternalDefinition definition, ClusterObserver observer, BrokerProxy? proxy, IReadOnlyList<BrokerInfo> brokers, SecretRedactor redactor, string runId, string bootstrapServers, TimeProvider time)
    {
        _definition = definition;
        _observer = observer;
        _proxy = proxy;
        _redactor = redactor;
        _runId = runId;
        _bootstrapServers = bootstrapServers;
        _time = time;
        _knownBrokers = new(brokers.Select(b => KeyValuePair.Create(b.Id, b)));
        Capabilities = ExternalCapabilities.For(definition);
    }

    public FaultCapabilities Capabilities { get; }

    public async ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken) =>
        await _observer.LeaderAsync(topic, partition, cancellationToken).ConfigureAwait(false);

    public async ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken) =>
        await _observer.ControllerAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken) =>
        await _observer.CoordinatorAsync(group, cancellationToken).ConfigureAwait(false);

    public async ValueTask<int?> GetTransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken) =>
        await _observer.TransactionCoordinatorAsync(transactionalId, cancellationToken).ConfigureAwait(false);

    public ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync(command, static () => { }, cancellationToken);

    /// <summary>Runs the hook (or the proxy) and calls <paramref name="effectApplied"/> once the effect is seen.</summary>
    public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(effectApplied);
        var started = _time.GetTimestamp();
        if (!_definition.Hooks.TryGetValue(command.Operation, out var hook))
        {
            if (_proxy is not null && ExternalCapabilities.ViaClientProxy(command.Operation, _definition))
            {
                try
                {
                    var (succeeded, detail) = await ClientSideFaults.ExecuteAsync(_proxy, _observer, command, effectApplied, cancellationToken).ConfigureAwait(false);
                    return new FaultOutcome(succeeded, detail, _time.GetElapsedTime(started));
                }
                catch (ArgumentException e)
                {
                    return new FaultOutcome(false, e.Message, _time.GetElapsedTime(started));
                }
            }

            return new FaultOutcome(false, $"no hook configured for {HookName(command.Operation)} in {_definition.SourcePath}", TimeSpan.Zero);
        }

        if (command.Operation == FaultOperation.BrokerSlow && command.BrokerId is { } slowed && command.Latency is { } latency)
        {
            _addedLatency[slowed] = latency;
        }

        var broker = command.BrokerId is { } id ? _knownBrokers.GetValueOrDefault(id) : null;
        var rendered = HookTemplate.Render(hook.Command, command, broker, _runId, _bootstrapServers);
        var result = await HookRunner.RunAsync(rendered, hook.Timeout, _time, cancellationToken).ConfigureAwait(false);
        var output = result.Output.Length > 0 ? "; " + _redactor.Redact(result.Output) : "";
        var ran = $"hook {HookName(command.Operation)} `{_redactor.Redact(rendered)}`";
        if (result.ExitCode is null)
        {
            return new FaultOutcome(false, $"{ran} timed out after {Seconds(hook.Timeout)} and was killed{output}", _time.GetElapsedTime(started));
        }

        if (result.ExitCode != 0)
        {
            return new FaultOutcome(false, $"{ran} failed with exit code {result.ExitCode} after {Seconds(result.Took)}{output}", _time.GetElapsedTime(started));
        }

        var effect = Effect(command, broker);
        if (effect is null)
        {
            effectApplied();
            return new FaultOutcome(true, $"{ran} exited 0 after {Seconds(result.Took)}; effect not observable through the Kafka protocol, exit code taken as success{output}", _time.GetElapsedTime(started));
        }

        var seen = await _observer.WaitForAsync(effect, _definition.VerifyTimeout, cancellationToken).ConfigureAwait(false);
        if (seen.Met)
        {
            effectApplied();
            await RememberBrokersAsync(cancellationToken).ConfigureAwait(false);
        }

        var what = seen.Met
            ? $"{effect.Description}: seen after {Seconds(seen.Took)} ({seen.Seen})"
            : $"{effect.Description}: not seen within {Seconds(_definition.VerifyTimeout)} (faults.verify-timeout); last seen: {seen.Seen}";
        return new FaultOutcome(seen.Met, $"{ran} exited 0 after {Seconds(result.Took)}; {what}{output}", _time.GetElapsedTime(started));
    }

    /// <summary>What <see cref="ExecuteAsync(FaultCommand, Action, CancellationToken)"/> waits for after <paramref name="operation"/>'s hook, or null when it takes the exit code.</summary>
    public static string? Verification(FaultOperation operation, bool canAddressBrokers) => operation switch
    {
        FaultOperation.BrokerKill or FaultOperation.NetworkDisconnect when canAddressBrokers => "a request sent to the broker is refused, dropped or left unanswered",
        FaultOperation.BrokerPause when canAddressBrokers => "a request sent to the broker is left unanswered",
        FaultOperation.BrokerKill or FaultOperation.BrokerDecommission => "metadata no longer lists the broker",
        FaultOperation.BrokerRestart or FaultOperation.BrokerResume or FaultOperation.BrokerAdd or FaultOperation.NetworkReconnect when canAddressBrokers =>
            "the broker answers a Metadata request sent to it, listing itself, and the cluster's metadata lists it",
        FaultOperation.BrokerRestart or FaultOperation.BrokerAdd => "metadata lists the broker",
        FaultOperation.BrokerSlow when canAddressBrokers => "a request sent to the broker takes at least the latency",
        FaultOperation.BrokerRestoreSpeed when canAddressBrokers => "a request sent to the broker is answered faster than the latency that was added",
        FaultOperation.LeaderMove => "DescribeTopics shows the new leader and a probe message to the partition is acknowledged",
        FaultOperation.PartitionReassign => "DescribeTopics shows exactly the new replicas, all in sync, none still being reassigned, and a probe message is acknowledged",
        _ => null,
    };

    private IClusterCondition? Effect(FaultCommand command, BrokerInfo? broker)
    {
        var direct = _observer.CanAddressBrokers && broker is not null ? $"{broker.Host}:{broker.Port.ToString(CultureInfo.InvariantCulture)}" : null;
        var brokerId = command.BrokerId;
        return (command.Operation, brokerId, direct) switch
        {
            (FaultOperation.BrokerKill or FaultOperation.BrokerPause or FaultOperation.NetworkDisconnect, { } id, { } address) => Until.BrokerSilent(id, address),
            (FaultOperation.BrokerKill or FaultOperation.BrokerDecommission, { } id, _) => Until.BrokerNotListed(id),
            (FaultOperation.BrokerRestart or FaultOperation.BrokerResume or FaultOperation.BrokerAdd or FaultOperation.NetworkReconnect, { } id, { } address) =>
                Until.All(Until.BrokerServes(id, address), Until.BrokerListed(id)),
            (FaultOperation.BrokerRestart or FaultOperation.BrokerAdd, { } id, _) => Until.BrokerListed(id),
            (FaultOperation.BrokerAdd, null, _) => new NewBrokerCondition(_knownBrokers.Keys.ToHashSet()),
            (FaultOperation.BrokerSlow, { } id, { } address) when command.Latency is { } latency => Until.RoundTripAtLeast(id, address, latency),
            (FaultOperation.BrokerRestoreSpeed, { } id, { } address) when _addedLatency.TryRemove(id, out var added) => Until.RoundTripBelow(id, address, added),
            (FaultOperation.LeaderMove, _, _) when command is { Topic: { } topic, Partition: { } partition, Replicas: [var leader, ..] } =>
                Until.All(Until.LeaderIs(topic, partition, leader), Until.ProduceAccepted(topic, partition)),
            (FaultOperation.PartitionReassign, _, _) when command is { Topic: { } topic, Partition: { } partition, Replicas: { Count: > 0 } replicas } =>
                Until.All(Until.ReplicasAre(topic, partition, replicas), Until.ProduceAccepted(topic, partition)),
            _ => null,
        };
    }

    private async Task RememberBrokersAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var broker in await _observer.BrokersAsync(cancellationToken).ConfigureAwait(false))
            {
                _knownBrokers.TryAdd(broker.Id, broker);
            }
        }
        catch (KafkaException)
        {
            // Only new brokers are learnt here; the next fault asks again.
        }
    }

    private static string HookName(FaultOperation operation) => ExternalDefinitionLoader.HookNames.First(n => n.Value == operation).Key;

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Metadata lists a broker that was not known before the hook ran (a broker.add without an id).</summary>
    private sealed class NewBrokerCondition(IReadOnlySet<int> known) : IClusterCondition
    {
        public string Description => "metadata lists a new broker";

        public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
        {
            var brokers = await cluster.BrokersAsync(cancellationToken).ConfigureAwait(false);
            return new ConditionCheck(brokers.Any(b => !known.Contains(b.Id)), $"metadata lists brokers {string.Join(",", brokers.Select(b => b.Id))}");
        }
    }
}
