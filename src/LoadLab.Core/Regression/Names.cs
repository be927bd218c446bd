namespace LoadLab.Core.Regression;

/// <summary>The words verdicts are written with in every output (JUnit, Markdown, JSON, console).</summary>
public static class Names
{
    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Improved => "improved",
        Verdict.Unchanged => "unchanged",
        Verdict.Regressed => "regressed",
        _ => "insufficient data",
    };

    public static string Of(ComparisonMethod method) => method switch
    {
        ComparisonMethod.PerSecond => "per-second values",
        ComparisonMethod.PerRun => "one value per run",
        _ => "exact count",
    };
}
