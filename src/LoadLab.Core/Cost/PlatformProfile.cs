namespace LoadLab.Core.Cost;

/// <summary>How a platform stores and replicates data, which decides how it is provisioned and what crosses zones.</summary>
public enum StorageArchitecture
{
    /// <summary>Brokers own local/block storage; durability by replicating RF copies across zones; provisioned for peak.</summary>
    SharedNothing,
    /// <summary>Brokers are stateless; a WAL (block or object storage) plus object storage hold the data; capacity follows load.</summary>
    SharedStorage,
}

/// <summary>
/// The sizing facts of one platform on one instance type (<c>environments/platforms/*.yaml</c>), each with its
/// source. The cost model turns a workload into resources with these numbers and into money with a
/// <see cref="PriceSheet"/>.
/// </summary>
public sealed record PlatformProfile
{
    /// <summary>Id used on the command line (<c>kafka</c>, <c>redpanda</c>, <c>automq</c>).</summary>
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
    public required StorageArchitecture Architecture { get; init; }
    public required string InstanceType { get; init; }
    /// <summary>Sustained network throughput of one broker per direction (MiB/s), the instance's baseline, not its burst.</summary>
    public required SourcedValue BrokerNetworkMiBps { get; init; }
    public required SourcedValue MinBrokers { get; init; }
    /// <summary>Spare capacity kept above the load the brokers must carry (0.2 = 20 %).</summary>
    public required SourcedValue Headroom { get; init; }
    public required SourcedValue AvailabilityZones { get; init; }
    /// <summary>Root volume per broker (GiB), same for every platform in the vendor comparison.</summary>
    public required SourcedValue SystemVolumeGiB { get; init; }
    /// <summary>Free space kept on data volumes above the retained bytes (shared-nothing).</summary>
    public required SourcedValue DiskHeadroom { get; init; }
    /// <summary>Bytes per I/O the block device meters (gp3 counts up to 256 KiB as one I/O) for IOPS sizing.</summary>
    public required SourcedValue BlockIoSizeKiB { get; init; }
    /// <summary>Consumers may read from an in-zone follower (KIP-392) when enabled.</summary>
    public required SourcedValue FollowerFetching { get; init; }
    /// <summary>Clients are routed to a broker in their own zone, so produce/consume traffic does not cross zones.</summary>
    public required SourcedValue ZoneAwareClients { get; init; }
    /// <summary>WAL volume per broker (GiB), shared-storage only.</summary>
    public SourcedValue? WalVolumeGiB { get; init; }
    /// <summary>Bytes uploaded to object storage per byte written (shared-storage).</summary>
    public SourcedValue? ObjectUploadFactor { get; init; }
    /// <summary>Bytes read back from object storage for compaction per byte written (shared-storage).</summary>
    public SourcedValue? CompactionReadFactor { get; init; }
    /// <summary>Object-store PUT requests per MiB written (shared-storage).</summary>
    public SourcedValue? ObjectPutsPerMiB { get; init; }
    /// <summary>Object-store GET requests per MiB written (shared-storage).</summary>
    public SourcedValue? ObjectGetsPerMiB { get; init; }
    /// <summary>Reassignment / scale events an operator handles per month.</summary>
    public required SourcedValue OperatorEventsPerMonth { get; init; }
    /// <summary>Hands-on hours per event (plan, start, verify), on top of watching the data move.</summary>
    public required SourcedValue AttendedHoursPerEvent { get; init; }
    /// <summary>Shared-nothing: throttle at which partition data is copied to a new broker (MiB/s).</summary>
    public SourcedValue? ReassignmentMiBps { get; init; }
    /// <summary>Shared-storage: time a reassignment takes without copying data (seconds).</summary>
    public SourcedValue? ReassignmentSeconds { get; init; }
}
