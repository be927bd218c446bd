namespace LoadLab.Core.Results;

/// <summary>How a run ended; written to <c>summary.json</c> as <c>completed</c> or <c>interrupted</c>.</summary>
public enum RunOutcome
{
    /// <summary>The load ran for its whole duration.</summary>
    Completed,

    /// <summary>The load was stopped early (Ctrl+C, SIGTERM, a caller's cancellation); the results cover what ran.</summary>
    Interrupted,
}

/// <summary>Names of <see cref="RunOutcome"/>.</summary>
public static class RunOutcomes
{
    /// <summary>The name <c>summary.json</c> and <c>events.jsonl</c> use: <c>completed</c> or <c>interrupted</c>.</summary>
    public static string Name(this RunOutcome outcome) => outcome switch
    {
        RunOutcome.Completed => "completed",
        RunOutcome.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown run outcome."),
    };
}
