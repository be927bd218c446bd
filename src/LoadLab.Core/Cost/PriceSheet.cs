using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>
/// Dated, sourced unit prices and instance specifications of one cloud region (<c>environments/pricing/*.yaml</c>).
/// The model holds no price or hardware figure of its own: every multiplication by money or by an instance's
/// capacity goes through one of these values. "GB" in a price is the billing gigabyte (2^30 bytes, what AWS
/// meters as GB); bandwidths are MiB/s, sizes GiB, durations seconds after loading.
/// </summary>
public sealed record PriceSheet
{
    public required string Name { get; init; }
    public required string Currency { get; init; }
    /// <summary>The file the sheet was read from ("given" when built in code).</summary>
    public string File { get; init; } = "given";
    /// <summary>Hours in a billing month (720 = 30 days; 730 = 8,760 / 12). Every monthly figure uses it.</summary>
    public required SourcedValue HoursPerMonth { get; init; }
    /// <summary>Shortest time an instance is billed for when launched (seconds); scale-outs pay at least this.</summary>
    public required SourcedValue BillingMinimum { get; init; }
    /// <summary>Prices and specifications by instance type (e.g. <c>r6i.large</c>).</summary>
    public required IReadOnlyDictionary<string, InstanceType> Instances { get; init; }
    public required BlockStoragePrices Block { get; init; }
    public required ObjectStoragePrices Object { get; init; }
    /// <summary>A single-zone, low-latency object store (S3 Express One Zone): the AZ-durable WAL's second copy.</summary>
    public required ExpressStoragePrices Express { get; init; }
    /// <summary>Price per GB crossing an availability-zone boundary, charged once on each side (out and in).</summary>
    public required SourcedValue CrossAzPerGbPerDirection { get; init; }
    public required SourcedValue ObservabilityPerBrokerMonth { get; init; }
    /// <summary>A platform engineer's hour (the labour line).</summary>
    public required SourcedValue OperatorHourly { get; init; }

    /// <summary>The instance type's prices and specifications, or a clear error naming the sheet and the fix.</summary>
    public InstanceType Instance(string instanceType) =>
        Instances.TryGetValue(instanceType, out var instance)
            ? instance
            : throw new InvalidInputException(
            [
                new(File, $"instances.{instanceType}", 0, 0,
                    $"expected prices and specifications for instance type \"{instanceType}\" (the sheet has: {string.Join(", ", Instances.Keys)})",
                    $"add instances.{instanceType} with on-demand, vcpus, memory, network-baseline, … (see environments/pricing/README.md), or choose a listed instance type in the platform profile"),
            ]);
}

/// <summary>Hourly prices and the hardware facts the sizing needs, for one instance type.</summary>
public sealed record InstanceType
{
    public required string Name { get; init; }
    /// <summary>On-demand price (USD/hour).</summary>
    public required SourcedValue OnDemandHourly { get; init; }
    /// <summary>Effective hourly price with a 1-year commitment; null when no public price was confirmed.</summary>
    public SourcedValue? OneYearHourly { get; init; }
    /// <summary>Effective hourly price with a 3-year commitment; null when no public price was confirmed.</summary>
    public SourcedValue? ThreeYearHourly { get; init; }
    public required SourcedValue Vcpus { get; init; }
    /// <summary>Memory (GiB).</summary>
    public required SourcedValue Memory { get; init; }
    /// <summary>Sustained network bandwidth per direction (MiB/s).</summary>
    public required SourcedValue NetworkBaseline { get; init; }
    /// <summary>Network bandwidth while burst credits last (MiB/s); equal to the baseline for instances that do not burst.</summary>
    public required SourcedValue NetworkBurst { get; init; }
    /// <summary>How long a full bucket of network credits lasts at the burst rate (seconds).</summary>
    public required SourcedValue NetworkBurstDuration { get; init; }
    /// <summary>Sustained EBS bandwidth, reads and writes together (MiB/s); null when the sheet gives none.</summary>
    public SourcedValue? EbsBaseline { get; init; }
    /// <summary>EBS bandwidth while EBS burst credits last (MiB/s).</summary>
    public SourcedValue? EbsBurst { get; init; }
    /// <summary>How long the instance can run at <see cref="EbsBurst"/> (seconds).</summary>
    public SourcedValue? EbsBurstDuration { get; init; }
    /// <summary>Local NVMe storage (GiB); null for EBS-only instances.</summary>
    public SourcedValue? InstanceStore { get; init; }
    /// <summary>Sustained write bandwidth of the local NVMe (MiB/s); null for EBS-only instances.</summary>
    public SourcedValue? InstanceStoreWrite { get; init; }
}

/// <summary>General-purpose SSD volumes (gp3): prices, what every volume includes, and the per-volume limits.</summary>
public sealed record BlockStoragePrices
{
    public required SourcedValue StorageGbMonth { get; init; }
    public required SourcedValue IopsMonth { get; init; }
    public required SourcedValue ThroughputMiBpsMonth { get; init; }
    public required SourcedValue IncludedIops { get; init; }
    /// <summary>MiB/s included with every volume.</summary>
    public required SourcedValue IncludedThroughput { get; init; }
    /// <summary>Largest volume (GiB).</summary>
    public required SourcedValue MaxVolumeSize { get; init; }
    public required SourcedValue MaxIops { get; init; }
    /// <summary>MiB/s one volume can be provisioned for.</summary>
    public required SourcedValue MaxThroughput { get; init; }
    /// <summary>Data volumes one instance can attach.</summary>
    public required SourcedValue MaxVolumesPerInstance { get; init; }
}

/// <summary>Regional object storage (S3 Standard).</summary>
public sealed record ObjectStoragePrices
{
    public required SourcedValue StorageGbMonth { get; init; }
    public required SourcedValue PutPer1000 { get; init; }
    public required SourcedValue GetPer1000 { get; init; }
}

/// <summary>Single-zone object storage (S3 Express One Zone): higher storage price, cheaper requests, per-GB upload charge.</summary>
public sealed record ExpressStoragePrices
{
    public required SourcedValue StorageGbMonth { get; init; }
    public required SourcedValue PutPer1000 { get; init; }
    public required SourcedValue GetPer1000 { get; init; }
    /// <summary>USD per GB uploaded.</summary>
    public required SourcedValue UploadPerGb { get; init; }
}
