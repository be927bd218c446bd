using LoadLab.Core.Cost;
using LoadLab.Core.Tests.Scenarios;

namespace LoadLab.Core.Tests.Cost;

/// <summary>
/// Prices, instances, profiles and workloads built in code. <see cref="VendorPrices"/> and the vendor profiles carry
/// exactly the inputs of the published worked examples (the vendor comparison's "r6i.large, in/out is 100MB/s" and
/// nothing else limiting); <see cref="Shipped"/> loads the repository's own sheet and profiles.
/// </summary>
internal static class CostTestData
{
    /// <summary>An EBS or disk figure so large it never binds: the vendor comparison sized on the network alone.</summary>
    private const double Unlimited = 1e9;

    private static SourcedValue V(double value, string unit = "") => SourcedValue.Given(value, unit, "test");

    /// <summary>An instance that only the network limits: <paramref name="networkMiBps"/> per direction, no burst.</summary>
    public static InstanceType Instance(string name = "r6i.large", double networkMiBps = 100, double hourly = 0.126, double? ebsMiBps = null) => new()
    {
        Name = name,
        OnDemandHourly = V(hourly, "USD/hour"),
        Vcpus = V(2),
        Memory = V(16, "GiB"),
        NetworkBaseline = V(networkMiBps, "MiB/s"),
        NetworkBurst = V(networkMiBps, "MiB/s"),
        NetworkBurstDuration = V(0, "seconds"),
        EbsBaseline = V(ebsMiBps ?? Unlimited, "MiB/s"),
        EbsBurst = V(ebsMiBps ?? Unlimited, "MiB/s"),
        EbsBurstDuration = V(0, "seconds"),
    };

    /// <summary>AWS us-east-1 list prices as in environments/pricing/aws-us-east-1.yaml, 720-hour month, with the vendor's r6i.large.</summary>
    public static PriceSheet VendorPrices(double hoursPerMonth = 720, params InstanceType[] instances) => new()
    {
        Name = "test-us-east-1",
        Currency = "USD",
        HoursPerMonth = V(hoursPerMonth, "hours"),
        BillingMinimum = V(60, "seconds"),
        Instances = (instances.Length == 0 ? [Instance()] : instances).ToDictionary(i => i.Name, StringComparer.Ordinal),
        Block = new BlockStoragePrices
        {
            StorageGbMonth = V(0.08),
            IopsMonth = V(0.005),
            ThroughputMiBpsMonth = V(0.04),
            IncludedIops = V(3000),
            IncludedThroughput = V(125, "MiB/s"),
            MaxVolumeSize = V(65_536, "GiB"),
            MaxIops = V(80_000),
            MaxThroughput = V(Unlimited, "MiB/s"),
            MaxVolumesPerInstance = V(26),
        },
        Object = new ObjectStoragePrices { StorageGbMonth = V(0.023), PutPer1000 = V(0.005), GetPer1000 = V(0.0004) },
        Express = new ExpressStoragePrices { StorageGbMonth = V(0.11), PutPer1000 = V(0.00113), GetPer1000 = V(0.00003), UploadPerGb = V(0.0032) },
        CrossAzPerGbPerDirection = V(0.01),
        ObservabilityPerBrokerMonth = V(15),
        OperatorHourly = V(100),
    };

    /// <summary>Shared-nothing broker with the vendor comparison's inputs (no headroom, no disk headroom).</summary>
    public static PlatformProfile Kafka(double headroom = 0) => new()
    {
        Name = "kafka",
        DisplayName = "Apache Kafka",
        Architecture = StorageArchitecture.SharedNothing,
        InstanceType = "r6i.large",
        DataStorage = DataStorage.Ebs,
        MinBrokers = V(3),
        Headroom = V(headroom),
        AvailabilityZones = V(3),
        SystemVolume = V(64, "GiB"),
        DiskHeadroom = V(0),
        BlockIoSize = V(256, "KiB"),
        FollowerFetching = V(1),
        ZoneAwareClients = V(0),
        Autoscaling = V(0),
        OperationsPerMonth = V(4),
        HandsOnHoursPerOperation = V(2, "hours"),
        ReassignmentThrottle = V(50, "MiB/s"),
        Licence = V(0, "USD/broker-month"),
        TieredLocalRetention = V(6 * 3600, "seconds"),
        TieredSegmentSize = V(1, "GiB"),
        TieredPutsPerSegment = V(5),
        TieredLicence = V(0, "USD/broker-month"),
    };

    /// <summary>Shared-storage broker with the vendor comparison's inputs (no headroom, EBS WAL).</summary>
    public static PlatformProfile AutoMq(double headroom = 0, bool autoscaling = true) => new()
    {
        Name = "automq",
        DisplayName = "AutoMQ",
        Architecture = StorageArchitecture.SharedStorage,
        InstanceType = "r6i.large",
        MinBrokers = V(3),
        Headroom = V(headroom),
        AvailabilityZones = V(3),
        SystemVolume = V(64, "GiB"),
        DiskHeadroom = V(0),
        BlockIoSize = V(256, "KiB"),
        FollowerFetching = V(0),
        ZoneAwareClients = V(1),
        Autoscaling = V(autoscaling ? 1 : 0),
        ScaleOutTrigger = V(180, "seconds"),
        ScaleOutDelay = V(120, "seconds"),
        ScaleInTrigger = V(900, "seconds"),
        OperationsPerMonth = V(4),
        HandsOnHoursPerOperation = V(0.25, "hours"),
        ReassignmentTime = V(10, "seconds"),
        Licence = V(0, "USD/broker-month"),
        ObjectUploadFactor = V(1),
        CompactionReadFactor = V(0.5),
        ObjectPutsPerMiB = V(147.3 / 500),
        ObjectGetsPerMiB = V(63.6 / 500),
        Wal = WalKind.Ebs,
        WalVolume = V(10, "GiB"),
        WalCommitsPerSecond = V(4),
    };

    public static CostWorkload Flat(double mibps, double fanOut, double replicationFactor = 3, double retentionHours = 24, int seconds = 60) =>
        Profile(Enumerable.Repeat(mibps, seconds).ToArray(), fanOut, replicationFactor, retentionHours);

    public static CostWorkload Profile(double[] perSecond, double fanOut, double replicationFactor = 3, double retentionHours = 24) => new()
    {
        Source = "synthetic",
        Measured = false,
        IngressMiBpsPerSecond = perSecond,
        AverageMessageBytes = 1024,
        FanOut = fanOut,
        Partitions = 12,
        ReplicationFactor = replicationFactor,
        Retention = TimeSpan.FromHours(retentionHours),
    };

    /// <summary>A day at <paramref name="baseMiBps"/> with <paramref name="peakSeconds"/> at <paramref name="peakMiBps"/> in its middle.</summary>
    public static CostWorkload Day(double baseMiBps, double peakMiBps, int peakSeconds, double fanOut = 1)
    {
        var perSecond = Enumerable.Repeat(baseMiBps, 86_400).ToArray();
        for (var second = 43_200; second < 43_200 + peakSeconds; second++)
        {
            perSecond[second] = peakMiBps;
        }

        return Profile(perSecond, fanOut);
    }

    /// <summary>The repository's price sheet and platform profiles.</summary>
    public static (PriceSheet Prices, IReadOnlyList<PlatformProfile> Profiles) Shipped()
    {
        var environments = RepositoryFiles.PathOf("environments");
        return (
            PriceSheetLoader.Load(Path.Combine(environments, "pricing", "aws-us-east-1.yaml")),
            PlatformProfileLoader.LoadAll(Path.Combine(environments, "platforms"), ["kafka", "redpanda", "automq"]));
    }
}
