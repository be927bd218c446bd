namespace LoadLab.Core.Cost;

/// <summary>One input of a line item: a named number with its unit and where it came from.</summary>
public sealed record CostInput(string Name, double Value, string Unit, string Source);

/// <summary>
/// One monthly line item of an estimate, explained: the inputs, the formula in words and with the numbers, and
/// the result in USD per month.
/// </summary>
/// <param name="Item">Stable id for charts and JSON (e.g. <c>compute</c>, <c>crossAz.consume</c>).</param>
/// <param name="Label">Human-readable name.</param>
/// <param name="MonthlyUsd">Result, USD per month.</param>
/// <param name="Formula">Formula with the numbers filled in.</param>
/// <param name="Inputs">Every number the formula uses.</param>
/// <param name="Note">Why the line is what it is (e.g. the alternative with fetch-from-follower).</param>
public sealed record CostLine(string Item, string Label, double MonthlyUsd, string Formula, IReadOnlyList<CostInput> Inputs, string Note = "");

/// <summary>The resources the model sized for a platform (what the money pays for).</summary>
/// <param name="BaseBrokers">Brokers needed at the average load plus headroom.</param>
/// <param name="PeakBrokers">Brokers needed at the peak load plus headroom.</param>
/// <param name="MeanBrokers">Brokers running on average over the month (shared-nothing: the peak count all the time).</param>
/// <param name="NetworkFactor">Bytes through the busiest direction of the brokers' network per byte written.</param>
/// <param name="DataVolumeGiBPerBroker">Block storage for data per broker (shared-nothing: retained replicas; shared-storage: the WAL).</param>
/// <param name="ObjectStorageGiB">Object storage held (shared-storage).</param>
/// <param name="CrossAzGiBPerMonth">GiB crossing zone boundaries per month (each billed out and in).</param>
public sealed record PlatformSizing(int BaseBrokers, int PeakBrokers, double MeanBrokers, double NetworkFactor, double DataVolumeGiBPerBroker, double ObjectStorageGiB, double CrossAzGiBPerMonth);

/// <summary>The monthly estimate of one platform for one workload.</summary>
public sealed record PlatformEstimate
{
    public required string Platform { get; init; }
    public required string DisplayName { get; init; }
    public required StorageArchitecture Architecture { get; init; }
    public required string InstanceType { get; init; }
    public required PlatformSizing Sizing { get; init; }
    public required IReadOnlyList<CostLine> Lines { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    public double TotalMonthlyUsd => Lines.Sum(l => l.MonthlyUsd);

    public CostLine Line(string item) => Lines.Single(l => l.Item == item);
}

/// <summary>Estimates of several platforms for one workload and one price sheet.</summary>
public sealed record CostReport
{
    public required CostWorkload Workload { get; init; }
    public required string PriceSheet { get; init; }
    public required string PriceSheetFile { get; init; }
    public required CostOptions Options { get; init; }
    public required IReadOnlyList<PlatformEstimate> Platforms { get; init; }
}
