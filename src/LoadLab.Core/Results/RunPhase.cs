namespace LoadLab.Core.Results;

/// <summary>Where a run is: load running but not measured, load measured, or load stopped while consumers catch up.</summary>
public enum RunPhase
{
    WarmUp,
    Measuring,
    Draining,
}

/// <summary>Display names of <see cref="RunPhase"/>.</summary>
public static class RunPhases
{
    /// <summary><c>warm-up</c>, <c>measuring</c> or <c>draining</c>.</summary>
    public static string DisplayName(this RunPhase phase) => phase switch
    {
        RunPhase.WarmUp => "warm-up",
        RunPhase.Measuring => "measuring",
        RunPhase.Draining => "draining",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "Unknown run phase."),
    };
}
