namespace LoadLab.Core.Cost;

/// <summary>How a platform stores and replicates data, which decides how it is provisioned and what crosses zones.</summary>
public enum StorageArchitecture
{
    /// <summary>Brokers own their log on local or block storage; durability by replicating RF copies across zones.</summary>
    SharedNothing,
    /// <summary>Brokers are stateless; a WAL plus object storage hold the data.</summary>
    SharedStorage,
}

/// <summary>Where a shared-nothing broker keeps its log.</summary>
public enum DataStorage
{
    /// <summary>gp3 volumes attached over the instance's EBS bandwidth.</summary>
    Ebs,
    /// <summary>The instance's local NVMe (its size is the broker's capacity; nothing to attach).</summary>
    InstanceStore,
}

/// <summary>Where a shared-storage broker writes its write-ahead log before data reaches object storage.</summary>
public enum WalKind
{
    /// <summary>A small gp3 volume per broker: lowest latency; durable within one zone only.</summary>
    Ebs,
    /// <summary>Straight to regional object storage: survives a zone loss; produce latency of object-store writes.</summary>
    S3,
    /// <summary>EBS plus a copy in single-zone object storage in another zone (the vendor's AZ-durable double write on AWS).</summary>
    EbsS3Express,
}

/// <summary>
/// The sizing facts of one platform (<c>environments/platforms/*.yaml</c>), each with its source. The hardware
/// (bandwidths, memory, local disks) comes from the price sheet's entry for <see cref="InstanceType"/>.
/// </summary>
public sealed record PlatformProfile
{
    /// <summary>Id used on the command line (<c>kafka</c>, <c>redpanda</c>, <c>automq</c>).</summary>
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
    public required StorageArchitecture Architecture { get; init; }
    public required string InstanceType { get; init; }
    /// <summary>
    /// Other sizes of the instance family to price as well (<c>larger-instance-types</c>); the estimate keeps the
    /// cheapest, so a platform is not charged a fleet of hundreds of small brokers where a few large ones cost less.
    /// </summary>
    public IReadOnlyList<string> LargerInstanceTypes { get; init; } = [];
    /// <summary>Where a shared-nothing broker keeps its log (shared-storage brokers keep none).</summary>
    public DataStorage DataStorage { get; init; } = DataStorage.Ebs;
    public required SourcedValue MinBrokers { get; init; }
    /// <summary>Spare capacity kept above the load on every limit (0.2 = 20 %).</summary>
    public required SourcedValue Headroom { get; init; }
    public required SourcedValue AvailabilityZones { get; init; }
    /// <summary>Root volume per broker (GiB).</summary>
    public required SourcedValue SystemVolume { get; init; }
    /// <summary>Free space kept on data volumes or disks above the retained bytes.</summary>
    public required SourcedValue DiskHeadroom { get; init; }
    /// <summary>Bytes per I/O the volume meters (KiB) for IOPS sizing.</summary>
    public required SourcedValue BlockIoSize { get; init; }
    public required SourcedValue FollowerFetching { get; init; }
    public required SourcedValue ZoneAwareClients { get; init; }

    /// <summary>Memory the platform needs per core (GiB); null when it states no rule.</summary>
    public SourcedValue? MemoryPerCore { get; init; }
    /// <summary>Memory the platform needs per partition replica (GiB); null when it states no rule.</summary>
    public SourcedValue? MemoryPerPartitionReplica { get; init; }

    /// <summary>True when the platform adds and removes brokers with the load (stateless brokers).</summary>
    public required SourcedValue Autoscaling { get; init; }
    /// <summary>How long demand must exceed capacity before a scale-out starts (seconds).</summary>
    public SourcedValue? ScaleOutTrigger { get; init; }
    /// <summary>From the scale-out decision until the new broker serves traffic (seconds).</summary>
    public SourcedValue? ScaleOutDelay { get; init; }
    /// <summary>How long demand must stay below capacity before a broker is removed: its minimum lifetime (seconds).</summary>
    public SourcedValue? ScaleInTrigger { get; init; }

    /// <summary>Reassignments, broker additions and replacements an operator runs per month.</summary>
    public required SourcedValue OperationsPerMonth { get; init; }
    /// <summary>Hands-on hours per operation (plan, start, watch the dashboards, verify), billed as labour.</summary>
    public required SourcedValue HandsOnHoursPerOperation { get; init; }
    /// <summary>Shared-nothing: the throttle data is copied at when partitions move (MiB/s); its duration is time at risk.</summary>
    public SourcedValue? ReassignmentThrottle { get; init; }
    /// <summary>Shared-storage: how long moving a partition takes without copying data (seconds).</summary>
    public SourcedValue? ReassignmentTime { get; init; }

    /// <summary>Licence per broker and month (USD); 0 for open-source editions, with the source saying so.</summary>
    public required SourcedValue Licence { get; init; }

    /// <summary>Shared-nothing with tiered storage: how long data stays on broker disks (seconds); null when tiering is not supported.</summary>
    public SourcedValue? TieredLocalRetention { get; init; }
    /// <summary>Size of a log segment uploaded as one object (GiB).</summary>
    public SourcedValue? TieredSegmentSize { get; init; }
    /// <summary>Object-store PUTs per uploaded segment (the segment and its index files).</summary>
    public SourcedValue? TieredPutsPerSegment { get; init; }
    /// <summary>Licence per broker and month that tiered storage needs on top of <see cref="Licence"/> (USD).</summary>
    public SourcedValue? TieredLicence { get; init; }

    /// <summary>Bytes uploaded to object storage per byte written (shared-storage).</summary>
    public SourcedValue? ObjectUploadFactor { get; init; }
    /// <summary>Bytes read back from object storage for compaction per byte written (shared-storage).</summary>
    public SourcedValue? CompactionReadFactor { get; init; }
    /// <summary>Object-store PUT requests per MiB written (shared-storage).</summary>
    public SourcedValue? ObjectPutsPerMiB { get; init; }
    /// <summary>Object-store GET requests per MiB written (shared-storage).</summary>
    public SourcedValue? ObjectGetsPerMiB { get; init; }
    /// <summary>The WAL priced unless <c>--wal</c> says otherwise (shared-storage).</summary>
    public WalKind Wal { get; init; } = WalKind.Ebs;
    /// <summary>EBS WAL volume per broker (GiB).</summary>
    public SourcedValue? WalVolume { get; init; }
    /// <summary>Object-store writes per broker and second when the WAL (or its second copy) goes to object storage.</summary>
    public SourcedValue? WalCommitsPerSecond { get; init; }
    /// <summary>
    /// Object-store writes per broker and second of the zone router that keeps clients in their own zone
    /// (shared-storage with zone-aware clients): produce requests for leaders in other zones are forwarded through
    /// object storage, each batch read back by the leaders of the other zones. Null when the profile prices no router.
    /// </summary>
    public SourcedValue? ZoneRouterBatchesPerSecond { get; init; }
    /// <summary>Largest zone-router batch (MiB): above batches-per-second × this, forwarded produce fills batches sooner.</summary>
    public SourcedValue? ZoneRouterBatchSize { get; init; }

    public bool SharedStorage => Architecture == StorageArchitecture.SharedStorage;
}
