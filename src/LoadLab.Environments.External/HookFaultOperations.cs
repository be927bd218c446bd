using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Admin;

namespace LoadLab.Environments.External;

/// <summary>
/// Fault operations of an external cluster: each runs its configured hook command, checks the exit code, and
/// then waits for the effect in cluster metadata where metadata shows it (broker gone after a kill, back after
/// a restart, the new leader after a move). The outcome's detail carries the hook's output with secrets masked.
/// </summary>
internal sealed class HookFaultOperations : IFaultOperations
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly ExternalDefinition _definition;
    private readonly ClusterMetadata _metadata;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly string _runId;
    private readonly string _bootstrapServers;
    private readonly ConcurrentDictionary<int, BrokerInfo> _knownBrokers;

    public HookFaultOperations(ExternalDefinition definition, ClusterMetadata metadata, IReadOnlyList<BrokerInfo> brokers, SecretRedactor redactor, string runId, string bootstrapServers, TimeProvider time)
    {
        _definition = definition;
        _metadata = metadata;
        _redactor = redactor;
        _runId = runId;
        _bootstrapServers = bootstrapServers;
        _time = time;
        _knownBrokers = new(brokers.Select(b => KeyValuePair.Create(b.Id, b)));
        Capabilities = ExternalCapabilities.For(definition);
    }

    public FaultCapabilities Capabilities { get; }

    /// <summary>What <see cref="VerifyAsync"/> waits for after <paramref name="operation"/>'s hook, or null when it takes the exit code.</summary>
    public static string? Verification(FaultOperation operation) => operation switch
    {
        FaultOperation.BrokerKill or FaultOperation.BrokerDecommission => "metadata no longer lists the broker",
        FaultOperation.BrokerRestart or FaultOperation.BrokerAdd => "metadata lists the broker",
        FaultOperation.LeaderMove => "metadata shows the new leader",
        FaultOperation.PartitionReassign => "metadata shows the new leader and replica set",
        _ => null,
    };

    public async ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken) =>
        (await _metadata.PartitionAsync(topic, partition, cancellationToken).ConfigureAwait(false))?.Leader;

    public async ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken) =>
        await _metadata.ControllerAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken) =>
        await _metadata.CoordinatorAsync(group, cancellationToken).ConfigureAwait(false);

    public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = ExternalDefinitionLoader.HookNames.First(n => n.Value == command.Operation).Key;
        if (!_definition.Hooks.TryGetValue(command.Operation, out var hook))
        {
            return new FaultOutcome(false, $"no hook configured for {name} in {_definition.SourcePath}", TimeSpan.Zero);
        }

        var broker = command.BrokerId is { } id ? _knownBrokers.GetValueOrDefault(id) : null;
        var rendered = HookTemplate.Render(hook.Command, command, broker, _runId, _bootstrapServers);
        var started = _time.GetTimestamp();
        var result = await HookRunner.RunAsync(rendered, hook.Timeout, _time, cancellationToken).ConfigureAwait(false);
        var output = result.Output.Length > 0 ? "; " + _redactor.Redact(result.Output) : "";
        var ran = $"hook {name} `{_redactor.Redact(rendered)}`";
        if (result.ExitCode is null)
        {
            return new FaultOutcome(false, $"{ran} timed out after {Seconds(hook.Timeout)} and was killed{output}", _time.GetElapsedTime(started));
        }

        if (result.ExitCode != 0)
        {
            return new FaultOutcome(false, $"{ran} failed with exit code {result.ExitCode} after {Seconds(result.Took)}{output}", _time.GetElapsedTime(started));
        }

        var (observed, what) = await VerifyAsync(command, cancellationToken).ConfigureAwait(false);
        return new FaultOutcome(observed, $"{ran} exited 0 after {Seconds(result.Took)}; {what}{output}", _time.GetElapsedTime(started));
    }

    /// <summary>Waits for metadata to show the operation's effect; says what it saw.</summary>
    private async Task<(bool Observed, string What)> VerifyAsync(FaultCommand command, CancellationToken cancellationToken)
    {
        var brokerId = command.BrokerId;
        var newLeader = command.Replicas is [var first, ..] ? first : brokerId;
        return command.Operation switch
        {
            FaultOperation.BrokerKill or FaultOperation.BrokerDecommission when brokerId is { } gone =>
                await PollAsync(async ct => !(await BrokerIdsAsync(ct).ConfigureAwait(false)).Contains(gone), $"broker {gone} gone from metadata", $"broker {gone} still in metadata", cancellationToken).ConfigureAwait(false),
            FaultOperation.BrokerRestart or FaultOperation.BrokerAdd when brokerId is { } back =>
                await PollAsync(async ct => (await BrokerIdsAsync(ct).ConfigureAwait(false)).Contains(back), $"broker {back} in metadata", $"broker {back} not in metadata", cancellationToken).ConfigureAwait(false),
            FaultOperation.BrokerAdd =>
                await PollAsync(async ct => (await BrokerIdsAsync(ct).ConfigureAwait(false)).Any(id => !_knownBrokers.ContainsKey(id)), "a new broker in metadata", "no new broker in metadata", cancellationToken).ConfigureAwait(false),
            FaultOperation.LeaderMove or FaultOperation.PartitionReassign when command.Topic is { } topic && command.Partition is { } partition && newLeader is { } leader =>
                await PollAsync(
                    async ct => await _metadata.PartitionAsync(topic, partition, ct).ConfigureAwait(false) is { } state && state.Leader == leader
                        && (command.Operation == FaultOperation.LeaderMove || state.Replicas.Order().SequenceEqual(command.Replicas!.Order())),
                    $"leader of {topic}/{partition} is now {leader}", $"leader of {topic}/{partition} is not {leader}", cancellationToken).ConfigureAwait(false),
            _ => (true, "effect not visible in metadata, exit code taken as success"),
        };
    }

    private async Task<HashSet<int>> BrokerIdsAsync(CancellationToken cancellationToken)
    {
        var brokers = await _metadata.BrokersAsync(cancellationToken).ConfigureAwait(false);
        foreach (var broker in brokers)
        {
            _knownBrokers.TryAdd(broker.Id, broker);
        }

        return [.. brokers.Select(b => b.Id)];
    }

    private async Task<(bool, string)> PollAsync(Func<CancellationToken, Task<bool>> condition, string seen, string notSeen, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                if (await condition(cancellationToken).ConfigureAwait(false))
                {
                    return (true, $"{seen} after {Seconds(_time.GetElapsedTime(started))}");
                }
            }
            catch (KafkaException)
            {
                // Metadata is briefly unavailable while brokers change; keep asking until the limit.
            }

            if (_time.GetElapsedTime(started) >= _definition.VerifyTimeout)
            {
                return (false, $"{notSeen} after {Seconds(_definition.VerifyTimeout)} (faults.verify-timeout)");
            }

            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
