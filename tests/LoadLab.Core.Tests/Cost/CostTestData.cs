using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

/// <summary>Prices, profiles and workloads built in code, with the inputs of the published worked examples.</summary>
internal static class CostTestData
{
    private static SourcedValue V(double value, string unit = "") => SourcedValue.Given(value, unit, "test");

    /// <summary>AWS us-east-1 list prices (the same numbers as environments/pricing/aws-us-east-1.yaml), 720-hour month.</summary>
    public static PriceSheet Prices(double hoursPerMonth = 720) => new()
    {
        Name = "test-us-east-1",
        Currency = "USD",
        HoursPerMonth = V(hoursPerMonth, "hours/month"),
        InstanceHour = new Dictionary<string, SourcedValue> { ["r6i.large"] = V(0.126, "USD/hour") },
        BlockStorageGbMonth = V(0.08),
        BlockIopsMonth = V(0.005),
        BlockThroughputMiBpsMonth = V(0.04),
        BlockIncludedIops = V(3000),
        BlockIncludedThroughputMiBps = V(125),
        ObjectStorageGbMonth = V(0.023),
        ObjectPutPer1000 = V(0.005),
        ObjectGetPer1000 = V(0.0004),
        CrossAzPerGbPerDirection = V(0.01),
        ObservabilityPerBrokerMonth = V(15),
        OperatorHourly = V(100),
    };

    /// <summary>Shared-nothing broker on r6i.large with the vendor comparison's inputs (no headroom).</summary>
    public static PlatformProfile Kafka(double headroom = 0, double networkMiBps = 100) => new()
    {
        Name = "kafka",
        DisplayName = "Apache Kafka",
        Architecture = StorageArchitecture.SharedNothing,
        InstanceType = "r6i.large",
        BrokerNetworkMiBps = V(networkMiBps),
        MinBrokers = V(3),
        Headroom = V(headroom),
        AvailabilityZones = V(3),
        SystemVolumeGiB = V(64),
        DiskHeadroom = V(0),
        BlockIoSizeKiB = V(256),
        FollowerFetching = V(1),
        ZoneAwareClients = V(0),
        OperatorEventsPerMonth = V(4),
        AttendedHoursPerEvent = V(2),
        ReassignmentMiBps = V(50),
    };

    /// <summary>Shared-storage broker on r6i.large with the vendor comparison's inputs (no headroom).</summary>
    public static PlatformProfile AutoMq(double headroom = 0, double networkMiBps = 100) => new()
    {
        Name = "automq",
        DisplayName = "AutoMQ",
        Architecture = StorageArchitecture.SharedStorage,
        InstanceType = "r6i.large",
        BrokerNetworkMiBps = V(networkMiBps),
        MinBrokers = V(3),
        Headroom = V(headroom),
        AvailabilityZones = V(3),
        SystemVolumeGiB = V(64),
        DiskHeadroom = V(0),
        BlockIoSizeKiB = V(256),
        FollowerFetching = V(0),
        ZoneAwareClients = V(1),
        OperatorEventsPerMonth = V(4),
        AttendedHoursPerEvent = V(0.25),
        WalVolumeGiB = V(10),
        ObjectUploadFactor = V(1),
        CompactionReadFactor = V(0.5),
        ObjectPutsPerMiB = V(147.3 / 500),
        ObjectGetsPerMiB = V(63.6 / 500),
        ReassignmentSeconds = V(10),
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
}
