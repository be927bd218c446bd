using System.Globalization;
using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Measurement;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Consuming;

/// <summary>
/// Carries out <c>group.replay</c> on one consumer group of the run while its live traffic goes on: every member moves
/// the partitions it owns back (<see cref="GroupMember.RequestRewind"/>) and commits the new offsets once it reads
/// again from them. The fault counts only when its effect is observed through the Kafka protocol: the coordinator
/// acknowledged each OffsetCommit, and an independent client reads the group's committed offsets back (OffsetFetch) below
/// where the group was — or, when the group re-read that stretch so fast that its automatic commit passed it already,
/// the group's re-reads from the new offsets (Fetch responses) show it moved back.
/// </summary>
/// <remarks>
/// Works the same on every environment: it needs no admin API beyond OffsetFetch (the embedded mock lacks
/// DescribeConsumerGroups, crashes the client on ListConsumerGroups, and an active group's offsets cannot be altered from
/// outside it on a real cluster either).
/// </remarks>
internal sealed class GroupReplayer(RunContext run, ConsumerGroupSpec spec, GroupProgress progress, IReadOnlyList<GroupMember> members, ReplayLog log)
{
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan OffsetFetchTimeout = TimeSpan.FromSeconds(10);

    public string Group => spec.Group;

    /// <summary>Moves the group back and observes it; <paramref name="effectApplied"/> is called when the new offsets were committed.</summary>
    public async ValueTask<FaultOutcome> RewindAsync(GroupRewind rewind, Action effectApplied, CancellationToken cancellationToken)
    {
        var started = run.Clock.NowMicros();
        var request = new GroupRewindRequest(rewind, members.Count, started + (long)MemberTimeout.TotalMicroseconds);
        foreach (var member in members)
        {
            member.RequestRewind(request);
        }

        await request.Completion.WaitAsync(MemberTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var partitions = request.Partitions;
        var committed = partitions.Where(p => p.Committed is not null).ToList();
        var took = TimeSpan.FromMicroseconds(run.Clock.NowMicros() - started);
        if (committed.Count == 0)
        {
            var reasons = partitions.Count == 0 ? "no member owned a partition" : string.Join("; ", partitions.Select(p => $"p{p.Partition}: {p.Error}"));
            log.Add(new ReplayRecord(spec.Group, null, Describe(rewind), partitions, Succeeded: false));
            return new FaultOutcome(false, $"group {spec.Group} was not moved back: {reasons}", took);
        }

        effectApplied();
        var at = run.SecondsNow;
        var fetched = await Task.Run(() => FetchCommitted(committed), cancellationToken).ConfigureAwait(false);
        var seen = committed.Select(p =>
        {
            var offset = fetched.TryGetValue(p.Partition, out var o) ? o : (long?)null;
            // The member committed the offset of a message it was sent again (a Fetch response below where it was); another
            // client's OffsetFetch confirms the committed offset, unless the re-reads already carried it past.
            var reRead = p.Committed < p.Until;
            return (Partition: p, Fetched: offset, Observed: reRead && (offset is { } value && value < p.Until || progress.ReplayReads(p.Partition) > 0));
        }).ToList();
        var succeeded = seen.All(s => s.Observed);
        var messages = committed.Sum(p => p.Until - p.Target);
        var failed = partitions.Where(p => p.Error is not null).Select(p => $"p{p.Partition}: {p.Error}").ToList();
        var detail = $"group {spec.Group} moved back {messages.ToString(CultureInfo.InvariantCulture)} messages on {committed.Count} partitions by its own members "
            + $"({string.Join(", ", committed.Select(p => $"p{p.Partition} {p.Until}→{p.Target}"))}); OffsetCommit acknowledged; "
            + $"OffsetFetch by another client reads {string.Join(", ", seen.Select(s => $"p{s.Partition.Partition}={(s.Fetched is { } f ? f.ToString(CultureInfo.InvariantCulture) : "none")}"))}"
            + (seen.Any(s => s.Fetched is not { } f || f >= s.Partition.Until) ? " (where committed offsets had moved on already, the group's re-reads from the new offsets were seen instead)" : "")
            + (failed.Count == 0 ? "" : $"; not moved back: {string.Join("; ", failed)}");
        log.Add(new ReplayRecord(spec.Group, at, Describe(rewind), partitions, succeeded));
        return new FaultOutcome(succeeded, detail, took);
    }

    /// <summary>How the rewind was asked for, for markers and the summary.</summary>
    public static string Describe(GroupRewind rewind) => rewind.Messages is { } messages
        ? $"{messages.ToString(CultureInfo.InvariantCulture)} messages back per partition"
        : $"to messages intended {rewind.Ago!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s before the replay";

    /// <summary>OffsetFetch from a client that shares the group id but never joins the group (it does not subscribe).</summary>
    private Dictionary<int, long> FetchCommitted(IReadOnlyList<RewoundPartition> partitions)
    {
        var config = new ConsumerConfig(new Dictionary<string, string>(run.ClientDefaults))
        {
            BootstrapServers = run.BootstrapServers,
            GroupId = spec.Group,
            ClientId = $"loadlab-{spec.Group}-observer",
            EnableAutoCommit = false,
        };
        using var observer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        try
        {
            return observer.Committed(partitions.Select(p => new TopicPartition(spec.Topic, p.Partition)), OffsetFetchTimeout)
                .Where(c => c.Offset.Value >= 0)
                .ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
        }
        catch (KafkaException)
        {
            return [];
        }
    }
}

/// <summary>The replays of a run as they happened, for the summary.</summary>
internal sealed class ReplayLog
{
    private readonly Lock _gate = new();
    private readonly List<ReplayRecord> _records = [];

    public void Add(ReplayRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }

    public IReadOnlyList<ReplayRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }
}

/// <summary>One replay: the group, when its new offsets were committed (seconds since the run start; null when none was), how, and each partition.</summary>
internal sealed record ReplayRecord(string Group, double? AtSeconds, string Rewind, IReadOnlyList<RewoundPartition> Partitions, bool Succeeded);
