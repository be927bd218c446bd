using LoadLab.Core.Results;

namespace LoadLab.Core.Faults;

/// <summary>
/// One step of the fault timeline as it happened: an injection or a revert, written to <c>events.jsonl</c>
/// (type <see cref="EventType"/>) and drawn on the charts.
/// </summary>
/// <param name="FaultIndex">Position of the fault in the scenario's <c>faults</c> list.</param>
/// <param name="Step">Injection or revert.</param>
/// <param name="Action">The scenario action name, e.g. <c>broker.kill</c>.</param>
/// <param name="Target">The target as resolved when the step ran, e.g. <c>broker 2 (leader of t/0)</c>.</param>
/// <param name="ScheduledSeconds">When the step was due, seconds since the run start; a revert is due the fault's duration after its injection took effect.</param>
/// <param name="AtSeconds">
/// When the step took effect on the cluster, seconds since the run start, as the environment reports it (when it
/// reports nothing: when the step's operations started, after its target was resolved). Later than scheduled by the
/// time the target took to resolve and the environment took to act, or when an earlier step started late.
/// </param>
/// <param name="Outcome">Whether the effect was observed.</param>
/// <param name="Detail">What the environment observed, or why the step failed or was skipped.</param>
/// <param name="TookSeconds">How long the primitive operations took until their effect was observed.</param>
public sealed record FaultMarker(
    int FaultIndex,
    FaultStep Step,
    string Action,
    string Target,
    double ScheduledSeconds,
    double AtSeconds,
    FaultStepOutcome Outcome,
    string Detail,
    double TookSeconds)
{
    /// <summary>The <c>events.jsonl</c> type: <c>fault.injected</c>, <c>fault.reverted</c> or <c>fault.failed</c>.</summary>
    public string EventType => Outcome == FaultStepOutcome.Succeeded
        ? Step == FaultStep.Inject ? RunEventTypes.FaultInjected : RunEventTypes.FaultReverted
        : RunEventTypes.FaultFailed;
}

/// <summary>Which half of a fault a marker records.</summary>
public enum FaultStep
{
    Inject,
    Revert,
}

/// <summary>What happened when a step ran.</summary>
public enum FaultStepOutcome
{
    /// <summary>The environment observed the intended effect.</summary>
    Succeeded,
    /// <summary>The operation failed, timed out, or its target could not be resolved.</summary>
    Failed,
    /// <summary>The revert did not run because the injection had failed (there is nothing to undo).</summary>
    Skipped,
}

/// <summary>Receives fault markers as the timeline runs; the run engine writes them to <c>events.jsonl</c>.</summary>
public interface IRunEventSink
{
    /// <summary>Called once per step, from the timeline's task, in timeline order.</summary>
    void Marker(FaultMarker marker);
}

/// <summary>A fault as it ran, for recovery analysis and <c>summary.json</c>.</summary>
/// <param name="FaultIndex">Position in the scenario's <c>faults</c> list.</param>
/// <param name="Action">Scenario action name.</param>
/// <param name="Target">Target as resolved at injection.</param>
/// <param name="InjectedAtSeconds">When the injection took effect on the cluster (as <see cref="FaultMarker.AtSeconds"/>), seconds since the run start.</param>
/// <param name="RevertedAtSeconds">
/// When the revert took effect (seconds since the run start), not when its operation returned (a restart returns
/// after the preferred leaderships are back); null when there was none.
/// </param>
/// <param name="Succeeded">Whether the injection's effect was observed.</param>
/// <param name="Detail">The injection's observation or failure reason.</param>
public sealed record FaultOccurrence(
    int FaultIndex,
    string Action,
    string Target,
    double InjectedAtSeconds,
    double? RevertedAtSeconds,
    bool Succeeded,
    string Detail);
