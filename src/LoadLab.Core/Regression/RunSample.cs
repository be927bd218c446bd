namespace LoadLab.Core.Regression;

/// <summary>
/// What a regression check needs from one run: its headline value per metric (SLO metric names, e.g.
/// <c>produce.p99</c>) and, where the run has them, the per-second values of the measured window that show how
/// much the metric moves within the run (the noise).
/// </summary>
/// <param name="RunId">The run's id (its results folder name).</param>
/// <param name="Headline">Whole-run value per metric; a metric the run could not measure (e.g. an unrecovered fault's recovery) is absent.</param>
/// <param name="Intervals">Per-second values of the measured window per metric, in time order; only metrics with a per-second series.</param>
public sealed record RunSample(
    string RunId,
    IReadOnlyDictionary<string, double> Headline,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Intervals);
