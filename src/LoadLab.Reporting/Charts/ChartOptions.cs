namespace LoadLab.Reporting.Charts;

/// <summary>Choices that change how charts look, not what they show.</summary>
public sealed record ChartOptions
{
    /// <summary>Latency over time on a log axis (default), so the median and the tail are both readable.</summary>
    public bool LogScaleLatency { get; init; } = true;
}
