
namespace LoadLab.Core.Results;

/// <summary>
/// A fault as the charts draw it: from injection (<see cref="Start"/>) until it was reverted
/// (<see cref="End"/>), or a single instant when it was never reverted (a leader move, a kill without
/// restart). Recovery comes from <c>summary.faults</c>; the revert time from the duration or from the
/// <c>fault.reverted</c> marker in <c>events.jsonl</c>.
/// </summary>
public sealed record FaultWindow(
    string Action,
    string Target,
    double Start,
    double? End,
    bool Succeeded,
    double? RecoverySeconds,
    string? NotRecoveredReason,
    IReadOnlyList<GroupRecovery> Groups)
{
    /// <summary>Short label for charts and tables, e.g. <c>broker.kill broker 1</c>.</summary>
    public string Label => Succeeded ? $"{Action} {Target}" : $"{Action} {Target} (failed)";

    internal static IReadOnlyList<FaultWindow> From(RunSummary summary, IReadOnlyList<RunEvent> events)
    {
        var reverts = events.Where(e => e.Type == RunEventTypes.FaultReverted).ToList();
        if (summary.Faults.Count > 0)
        {
            return summary.Faults
                .OrderBy(f => f.AtSeconds)
                .Select(f => new FaultWindow(
                    f.Action,
                    f.Target,
                    f.AtSeconds,
                    f.DurationSeconds is { } duration ? f.AtSeconds + duration : RevertTime(reverts, f.Action, f.Target, f.AtSeconds),
                    f.Succeeded,
                    f.RecoverySeconds,
                    f.NotRecoveredReason,
                    f.Groups))
                .ToList();
        }

        // A run that stopped before writing its fault summary still has the markers.
        return events
            .Where(e => e.Type is RunEventTypes.FaultInjected or RunEventTypes.FaultFailed)
            .OrderBy(e => e.T)
            .Select(e => new FaultWindow(
                e.Action ?? "fault",
                e.Target ?? "",
                e.T,
                RevertTime(reverts, e.Action, e.Target, e.T),
                e.Type == RunEventTypes.FaultInjected,
                null,
                null,
                []))
            .ToList();
    }

    private static double? RevertTime(IReadOnlyList<RunEvent> reverts, string? action, string? target, double after) =>
        reverts.FirstOrDefault(r => r.T >= after && r.Action == action && r.Target == target)?.T;
}
