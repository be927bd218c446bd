namespace LoadLab.Core.Cost;

/// <summary>
/// What a platform must carry: the input of the cost model. Built from a scenario (its planned schedule, see
/// <see cref="PlannedWorkload"/>) or from a run (the schedule it ran, the bytes it measured, see
/// <see cref="MeasuredWorkload"/>). Rates are MiB/s of message values ("MiB" is 2^20 bytes); the factors turn
/// them into what the network carries and what the disks and object store keep.
/// </summary>
public sealed record CostWorkload
{
    /// <summary>Where the numbers come from, e.g. "scenario inference-burst (planned)".</summary>
    public required string Source { get; init; }
    /// <summary>True when taken from a run's measurements, false when planned from a scenario.</summary>
    public required bool Measured { get; init; }
    /// <summary>Value bytes per second of the profile (MiB/s), one value per second; the profile repeats all month.</summary>
    public required IReadOnlyList<double> IngressMiBpsPerSecond { get; init; }
    public required double AverageMessageBytes { get; init; }
    /// <summary>Bytes producers send to the leaders per value byte: keys, headers, batching, compression, protocol framing.</summary>
    public double WireFactor { get; init; } = 1;
    /// <summary>Bytes kept on disk or in object storage (and replicated, and fetched) per value byte: record batches as sent.</summary>
    public double StoredFactor { get; init; } = 1;
    /// <summary>How the two factors were obtained.</summary>
    public string FactorSource { get; init; } = "value bytes only";
    /// <summary>Bytes read per byte written, over every consumer group.</summary>
    public required double FanOut { get; init; }
    public string FanOutSource { get; init; } = "";
    public required int Partitions { get; init; }
    /// <summary>Copies of each byte a shared-nothing cluster keeps (byte-weighted over topics).</summary>
    public required double ReplicationFactor { get; init; }
    public string ReplicationSource { get; init; } = "";
    /// <summary>How long data is kept (byte-weighted over topics, so storage is exact).</summary>
    public required TimeSpan Retention { get; init; }
    public string RetentionSource { get; init; } = "";
    /// <summary>Seconds of the run left out of the profile (fault windows and the flushes after them), with why.</summary>
    public IReadOnlyList<ExcludedWindow> Excluded { get; init; } = [];
    /// <summary>Durations of reassignments and broker additions measured in a run (time at risk).</summary>
    public IReadOnlyList<MeasuredOperation> MeasuredOperations { get; init; } = [];
    /// <summary>True when measured on the embedded (librdkafka mock) cluster, whose replication is cosmetic.</summary>
    public bool MeasuredOnMockCluster { get; init; }
    /// <summary>Assumptions made while deriving the workload.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public double AverageIngressMiBps => IngressMiBpsPerSecond.Count == 0 ? 0 : IngressMiBpsPerSecond.Average();

    public double PeakIngressMiBps => IngressMiBpsPerSecond.Count == 0 ? 0 : IngressMiBpsPerSecond.Max();

    public BurstProfile Burst => BurstProfile.Of(IngressMiBpsPerSecond);
}

/// <summary>Seconds [<paramref name="FromSeconds"/>, <paramref name="ToSeconds"/>) of a run not used for the profile.</summary>
public sealed record ExcludedWindow(double FromSeconds, double ToSeconds, string Reason);

/// <summary>A reassignment or scale event measured in a run: action name (e.g. <c>partition.reassign</c>) and how long it took.</summary>
public sealed record MeasuredOperation(string Action, double Seconds);

/// <summary>
/// Shape of the bursts: peak/average ratio, and how long the load stays near its peak ("near" is at least
/// <see cref="NearPeakFraction"/> of it).
/// </summary>
public sealed record BurstProfile(double PeakToAverage, TimeSpan LongestPeak, double ShareNearPeak)
{
    public const double NearPeakFraction = 0.9;

    public static BurstProfile Of(IReadOnlyList<double> perSecond)
    {
        ArgumentNullException.ThrowIfNull(perSecond);
        if (perSecond.Count == 0 || perSecond.Max() <= 0)
        {
            return new BurstProfile(1, TimeSpan.Zero, 0);
        }

        var peak = perSecond.Max();
        var threshold = peak * NearPeakFraction;
        int longest = 0, current = 0, near = 0;
        foreach (var value in perSecond)
        {
            current = value >= threshold ? current + 1 : 0;
            near += value >= threshold ? 1 : 0;
            longest = Math.Max(longest, current);
        }

        return new BurstProfile(peak / perSecond.Average(), TimeSpan.FromSeconds(longest), (double)near / perSecond.Count);
    }
}
