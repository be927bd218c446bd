namespace LoadLab.Core.Results;

/// <summary>The <c>type</c> of every line LoadLab writes to <c>events.jsonl</c>.</summary>
public static class RunEventTypes
{
    /// <summary>Before consumers join: scenario, environment, bootstrap servers.</summary>
    public const string RunPreparing = "run.preparing";

    /// <summary>The run clock started (t = 0): run id and the wall-clock start.</summary>
    public const string RunStarted = "run.started";

    /// <summary>The measured window starts (t = warm-up; runs with a warm-up): <c>measuredSeconds</c>.</summary>
    public const string WarmupEnded = "warmup.ended";

    /// <summary>The load stopped (at the end or interrupted); draining starts.</summary>
    public const string RunStopping = "run.stopping";

    /// <summary>The summary was written.</summary>
    public const string RunEnded = "run.ended";

    /// <summary>A consumer group's coordinator before it joined (or the error asking for it).</summary>
    public const string GroupCoordinator = "group.coordinator";

    /// <summary>Every group has its first assignment, or the join timeout passed (<c>notJoined</c> lists the laggards).</summary>
    public const string GroupsJoined = "groups.joined";

    /// <summary>
    /// The producer clients can send (their topic's leaders known, an idempotent client's producer id assigned), or the
    /// wait for it ended (<c>notReady</c> lists which could not be seen ready, and why); the clock starts after it.
    /// </summary>
    public const string ProducersReady = "producers.ready";

    /// <summary>(A segment of a split run) its members joined; the agreed start is the wait for the others.</summary>
    public const string GroupsJoining = "groups.joining";

    /// <summary>(A segment of a split run) the run clock started at the agreed instant: <c>startAt</c>, <c>lateMs</c>.</summary>
    public const string RunStartedAt = "run.startedAt";

    /// <summary>(Segments other than 0 of a split run) a fault of the timeline, executed by segment 0.</summary>
    public const string FaultPlanned = "fault.planned";

    /// <summary>A group member's partitions were assigned or revoked.</summary>
    public const string GroupRebalanced = "group.rebalanced";

    /// <summary>A fault's injection took effect.</summary>
    public const string FaultInjected = "fault.injected";

    /// <summary>A fault's revert took effect.</summary>
    public const string FaultReverted = "fault.reverted";

    /// <summary>A fault step failed, timed out, or was skipped.</summary>
    public const string FaultFailed = "fault.failed";

    /// <summary>Something LoadLab could not do or observe during the run (<c>where</c> says what).</summary>
    public const string Error = "error";
}
