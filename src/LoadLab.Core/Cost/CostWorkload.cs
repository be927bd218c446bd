namespace LoadLab.Core.Cost;

/// <summary>
/// What a platform must carry, per second and in total: the input of the cost model. Built from a scenario
/// (planned rates, see <see cref="PlannedWorkload"/>) or from a run (measured rates, see <see cref="MeasuredWorkload"/>).
/// "MiB" is 2^20 bytes throughout.
/// </summary>
public sealed record CostWorkload
{
    /// <summary>Where the numbers come from, e.g. "scenario inference-burst (planned)".</summary>
    public required string Source { get; init; }
    /// <summary>True when taken from a run's measurements, false when planned from a scenario.</summary>
    public required bool Measured { get; init; }
    /// <summary>Ingress per second of the profile (MiB/s), one value per second; the profile is assumed to repeat all month.</summary>
    public required IReadOnlyList<double> IngressMiBpsPerSecond { get; init; }
    public required double AverageMessageBytes { get; init; }
    /// <summary>Consumer groups reading each written byte (byte-weighted over topics).</summary>
    public required double FanOut { get; init; }
    public required int Partitions { get; init; }
    /// <summary>Copies of each byte kept by a shared-nothing cluster (byte-weighted over topics).</summary>
    public required double ReplicationFactor { get; init; }
    public required TimeSpan Retention { get; init; }
    /// <summary>Durations of reassignments and broker additions measured in a run (operator-time input).</summary>
    public IReadOnlyList<MeasuredOperation> MeasuredOperations { get; init; } = [];
    /// <summary>
    /// True when measured on the embedded (librdkafka mock) cluster, whose replication is cosmetic: its
    /// reassignment durations say nothing about copying data.
    /// </summary>
    public bool MeasuredOnMockCluster { get; init; }
    /// <summary>Assumptions made while deriving the workload (e.g. a replication factor the run did not record).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public double AverageIngressMiBps => IngressMiBpsPerSecond.Count == 0 ? 0 : IngressMiBpsPerSecond.Average();

    public double PeakIngressMiBps => IngressMiBpsPerSecond.Count == 0 ? 0 : IngressMiBpsPerSecond.Max();

    public BurstProfile Burst => BurstProfile.Of(IngressMiBpsPerSecond);
}

/// <summary>A reassignment or scale event measured in a run: action name (e.g. <c>partition.reassign</c>) and how long it took.</summary>
public sealed record MeasuredOperation(string Action, double Seconds);

/// <summary>
/// Shape of the bursts: peak/average ratio, and how long the load stays near its peak. "Near the peak" means at
/// least <see cref="NearPeakFraction"/> of it.
/// </summary>
/// <param name="PeakToAverage">Peak second divided by the average (1 for a flat profile).</param>
/// <param name="LongestPeak">Longest run of consecutive seconds near the peak.</param>
/// <param name="ShareNearPeak">Share of all seconds spent near the peak (0..1).</param>
public sealed record BurstProfile(double PeakToAverage, TimeSpan LongestPeak, double ShareNearPeak)
{
    public const double NearPeakFraction = 0.9;

    public static BurstProfile Of(IReadOnlyList<double> perSecond)
    {
        if (perSecond.Count == 0)
        {
            return new BurstProfile(1, TimeSpan.Zero, 0);
        }

        var peak = perSecond.Max();
        var average = perSecond.Average();
        if (peak <= 0)
        {
            return new BurstProfile(1, TimeSpan.Zero, 0);
        }

        var threshold = peak * NearPeakFraction;
        int longest = 0, current = 0, near = 0;
        foreach (var value in perSecond)
        {
            if (value >= threshold)
            {
                near++;
                current++;
                longest = Math.Max(longest, current);
            }
            else
            {
                current = 0;
            }
        }

        return new BurstProfile(peak / average, TimeSpan.FromSeconds(longest), (double)near / perSecond.Count);
    }
}
