using System.Globalization;
using LoadLab.Kafka.Protocol;

namespace LoadLab.Kafka.Observation;

/// <summary>
/// One state of the cluster that a fault should bring about, checked through the Kafka protocol (in the spirit of
/// Testcontainers' wait strategies: one condition per class, composed with <see cref="Until.All"/>). A fault is recorded
/// as applied only when its condition is met; <see cref="ClusterObserver.WaitForAsync"/> polls it until then.
/// </summary>
public interface IClusterCondition
{
    /// <summary>What is awaited, e.g. <c>broker 2 answers requests</c>.</summary>
    string Description { get; }

    /// <summary>Checks once; says what was seen either way.</summary>
    Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken);
}

/// <summary>One check of a condition.</summary>
public sealed record ConditionCheck(bool Met, string Seen);

/// <summary>The end of a wait: whether the condition was met, after how long, and what was seen last.</summary>
public sealed record ConditionResult(bool Met, TimeSpan Took, string Seen);

/// <summary>The conditions faults wait for.</summary>
public static class Until
{
    /// <summary>Metadata lists broker <paramref name="brokerId"/>.</summary>
    public static IClusterCondition BrokerListed(int brokerId) => new BrokerListedCondition(brokerId, listed: true);

    /// <summary>Metadata no longer lists broker <paramref name="brokerId"/>.</summary>
    public static IClusterCondition BrokerNotListed(int brokerId) => new BrokerListedCondition(brokerId, listed: false);

    /// <summary>The broker at <paramref name="address"/> answers a request sent to it.</summary>
    public static IClusterCondition BrokerAnswers(int brokerId, string address) => new BrokerAnswersCondition(brokerId, address, answers: true);

    /// <summary>
    /// The broker at <paramref name="address"/> does not answer a request sent to it: the connection is refused or
    /// dropped (killed, cut off) or stays silent (paused).
    /// </summary>
    public static IClusterCondition BrokerSilent(int brokerId, string address) => new BrokerAnswersCondition(brokerId, address, answers: false);

    /// <summary>
    /// The broker at <paramref name="address"/> serves: it answers a Metadata request sent to it and lists itself (a
    /// starting broker opens its listener only once it has caught up, and lists itself once it is registered).
    /// </summary>
    public static IClusterCondition BrokerServes(int brokerId, string address) => new BrokerServesCondition(brokerId, address);

    /// <summary>A request to the broker at <paramref name="address"/> takes at least <paramref name="latency"/> to be answered.</summary>
    public static IClusterCondition RoundTripAtLeast(int brokerId, string address, TimeSpan latency) => new RoundTripCondition(brokerId, address, latency, atLeast: true);

    /// <summary>A request to the broker at <paramref name="address"/> is answered in less than <paramref name="latency"/>.</summary>
    public static IClusterCondition RoundTripBelow(int brokerId, string address, TimeSpan latency) => new RoundTripCondition(brokerId, address, latency, atLeast: false);

    /// <summary>Broker <paramref name="brokerId"/> leads <paramref name="topic"/>/<paramref name="partition"/>.</summary>
    public static IClusterCondition LeaderIs(string topic, int partition, int brokerId) => new LeaderCondition(topic, partition, brokerId);

    /// <summary>
    /// <paramref name="topic"/>/<paramref name="partition"/> has exactly <paramref name="replicas"/> (in any order), all in
    /// sync, and no reassignment of it is in progress (where the cluster answers ListPartitionReassignments).
    /// </summary>
    public static IClusterCondition ReplicasAre(string topic, int partition, IReadOnlyList<int> replicas) => new ReplicasCondition(topic, partition, replicas);

    /// <summary>A probe message to <paramref name="topic"/>/<paramref name="partition"/> is acknowledged.</summary>
    public static IClusterCondition ProduceAccepted(string topic, int partition) => new ProduceCondition(topic, partition);

    /// <summary>Every one of <paramref name="conditions"/>, checked in order (a check stops at the first unmet one).</summary>
    public static IClusterCondition All(params IClusterCondition[] conditions) => new AllCondition(conditions);
}

internal sealed class BrokerListedCondition(int brokerId, bool listed) : IClusterCondition
{
    public string Description => listed ? $"metadata lists broker {brokerId}" : $"metadata no longer lists broker {brokerId}";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var brokers = await cluster.BrokersAsync(cancellationToken).ConfigureAwait(false);
        var present = brokers.Any(b => b.Id == brokerId);
        return new ConditionCheck(present == listed, $"metadata lists brokers {string.Join(",", brokers.Select(b => b.Id))}");
    }
}

internal sealed class BrokerAnswersCondition(int brokerId, string address, bool answers) : IClusterCondition
{
    public string Description => answers ? $"broker {brokerId} answers requests" : $"broker {brokerId} no longer answers requests";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var (host, port) = ClusterObserver.SplitAddress(address);
        var answer = await cluster.ProbeAsync(host, port, cluster.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return new ConditionCheck(answer.Answered == answers, $"broker {brokerId}: {answer.Detail}");
    }
}

internal sealed class BrokerServesCondition(int brokerId, string address) : IClusterCondition
{
    public string Description => $"broker {brokerId} serves requests";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var (host, port) = ClusterObserver.SplitAddress(address);
        var listed = await cluster.BrokersListedByAsync(host, port, cancellationToken).ConfigureAwait(false);
        return new ConditionCheck(listed.Contains(brokerId), $"broker {brokerId} at {address} answers Metadata listing brokers {string.Join(",", listed)}");
    }
}

internal sealed class RoundTripCondition(int brokerId, string address, TimeSpan latency, bool atLeast) : IClusterCondition
{
    public string Description => $"requests to broker {brokerId} take {(atLeast ? "at least" : "less than")} {latency.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var (host, port) = ClusterObserver.SplitAddress(address);
        var answer = await cluster.ProbeAsync(host, port, cluster.RequestTimeout + latency, cancellationToken).ConfigureAwait(false);
        return new ConditionCheck(answer.Answered && (answer.Took >= latency) == atLeast, $"broker {brokerId}: {answer.Detail}");
    }
}

internal sealed class LeaderCondition(string topic, int partition, int brokerId) : IClusterCondition
{
    public string Description => $"broker {brokerId} leads {topic}/{partition}";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var state = await cluster.PartitionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        return state is null
            ? new ConditionCheck(false, $"{topic}/{partition} is unknown")
            : new ConditionCheck(state.Leader == brokerId, Describe(topic, partition, state));
    }

    internal static string Describe(string topic, int partition, PartitionState state) =>
        $"{topic}/{partition}: leader {state.Leader?.ToString(CultureInfo.InvariantCulture) ?? "none"}, replicas [{string.Join(",", state.Replicas)}], in sync [{string.Join(",", state.InSyncReplicas)}]";
}

internal sealed class ReplicasCondition(string topic, int partition, IReadOnlyList<int> replicas) : IClusterCondition
{
    public string Description => $"{topic}/{partition} has replicas [{string.Join(",", replicas)}], all in sync, and no reassignment in progress";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var state = await cluster.PartitionAsync(topic, partition, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return new ConditionCheck(false, $"{topic}/{partition} is unknown");
        }

        var seen = LeaderCondition.Describe(topic, partition, state);
        var wanted = replicas.Order().ToArray();
        if (!state.Replicas.Order().SequenceEqual(wanted) || !wanted.All(state.InSyncReplicas.Contains))
        {
            return new ConditionCheck(false, seen);
        }

        if (!cluster.CanAddressBrokers)
        {
            return new ConditionCheck(true, seen);
        }

        try
        {
            var running = await cluster.ReassignmentAsync(topic, partition, cancellationToken).ConfigureAwait(false);
            return running is null
                ? new ConditionCheck(true, seen + "; no reassignment in progress")
                : new ConditionCheck(false, seen + $"; reassignment in progress (adding [{string.Join(",", running.Adding)}], removing [{string.Join(",", running.Removing)}])");
        }
        catch (NotSupportedException e)
        {
            return new ConditionCheck(true, seen + $"; in-progress reassignments not observable: {e.Message}");
        }
    }
}

internal sealed class ProduceCondition(string topic, int partition) : IClusterCondition
{
    public string Description => $"a probe message to {topic}/{partition} is acknowledged";

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var answer = await cluster.ProduceProbeAsync(topic, partition, cluster.RequestTimeout * 5, cancellationToken).ConfigureAwait(false);
        return new ConditionCheck(answer.Acknowledged, answer.Detail);
    }
}

internal sealed class AllCondition(IReadOnlyList<IClusterCondition> conditions) : IClusterCondition
{
    public string Description => string.Join(" and ", conditions.Select(c => c.Description));

    public async Task<ConditionCheck> CheckAsync(ClusterObserver cluster, CancellationToken cancellationToken)
    {
        var seen = new List<string>();
        foreach (var condition in conditions)
        {
            var check = await condition.CheckAsync(cluster, cancellationToken).ConfigureAwait(false);
            seen.Add(check.Seen);
            if (!check.Met)
            {
                return new ConditionCheck(false, string.Join("; ", seen));
            }
        }

        return new ConditionCheck(true, string.Join("; ", seen));
    }
}
