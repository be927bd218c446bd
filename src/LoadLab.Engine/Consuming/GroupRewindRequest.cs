using LoadLab.Core.Scenarios;

namespace LoadLab.Engine.Consuming;

/// <summary>
/// One <c>group.replay</c> handed to every member of a group: each member moves the partitions it owns back and commits
/// the new offsets from its own thread (a consumer is not thread-safe), then reports them here.
/// </summary>
internal sealed class GroupRewindRequest
{
    private readonly Lock _gate = new();
    private readonly List<RewoundPartition> _partitions = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingMembers;

    /// <param name="rewind">How far to move back.</param>
    /// <param name="members">How many members will report.</param>
    /// <param name="deadlineMicros">Run clock time after which a member reports the partitions it could not commit yet as failed.</param>
    public GroupRewindRequest(GroupRewind rewind, int members, long deadlineMicros)
    {
        Rewind = rewind;
        DeadlineMicros = deadlineMicros;
        _pendingMembers = members;
        if (members == 0)
        {
            _done.SetResult();
        }
    }

    public GroupRewind Rewind { get; }

    public long DeadlineMicros { get; }

    /// <summary>Completes when every member has reported.</summary>
    public Task Completion => _done.Task;

    /// <summary>What the members reported so far.</summary>
    public IReadOnlyList<RewoundPartition> Partitions
    {
        get
        {
            lock (_gate)
            {
                return [.. _partitions.OrderBy(p => p.Partition)];
            }
        }
    }

    /// <summary>A member's report; each member reports once.</summary>
    public void Report(IEnumerable<RewoundPartition> partitions)
    {
        lock (_gate)
        {
            _partitions.AddRange(partitions);
        }

        if (Interlocked.Decrement(ref _pendingMembers) == 0)
        {
            _done.TrySetResult();
        }
    }
}

/// <summary>A partition a member moved back.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Target">Where the member moved it (the first offset to read again).</param>
/// <param name="Until">Where the group was (its next offset) before: reads below it are re-reads.</param>
/// <param name="Committed">The offset the member committed once it read again from the target (OffsetCommit acknowledged); null when it did not.</param>
/// <param name="Error">Why the partition was not moved back or its offset not committed; null when it was.</param>
internal sealed record RewoundPartition(int Partition, long Target, long Until, long? Committed, string? Error);
