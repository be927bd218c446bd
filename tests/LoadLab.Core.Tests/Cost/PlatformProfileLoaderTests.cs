using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class PlatformProfileLoaderTests
{
    private static string E(string key, string value, string? unit = null) =>
        unit is null
            ? $"{key}: {{ value: {value}, source: https://example.test/{key}, date: 2026-11-26 }}\n"
            : $"{key}: {{ value: {value}, unit: {unit}, source: https://example.test/{key}, date: 2026-11-26 }}\n";

    private static string Common(string architecture) =>
        $"name: test\ndisplayName: Test\narchitecture: {architecture}\ninstanceType: r6i.large\n" +
        E("brokerNetworkMiBps", "100", "MiB/s") + E("minBrokers", "3") + E("headroom", "0.2") + E("availabilityZones", "3") +
        E("systemVolumeGiB", "64", "GiB") + E("diskHeadroom", "0") + E("blockIoSizeKiB", "256", "KiB") +
        E("followerFetching", "true") + E("zoneAwareClients", "false") + E("operatorEventsPerMonth", "4") +
        E("attendedHoursPerEvent", "2", "hours");

    private static string SharedStorageKeys =>
        E("walVolumeGiB", "10", "GiB") + E("objectUploadFactor", "1", "bytes/byte written") + E("compactionReadFactor", "0.5", "bytes/byte written") +
        E("objectPutsPerMiB", "0.2946", "requests/MiB written") + E("objectGetsPerMiB", "0.1272", "requests/MiB written") + E("reassignmentSeconds", "10", "seconds");

    [Fact]
    public void Parse_SharedNothing_ReadsFlagsAndThrottle()
    {
        var profile = PlatformProfileLoader.Parse("kafka.yaml", Common("shared-nothing") + E("reassignmentMiBps", "50", "MiB/s"));

        Assert.Equal(StorageArchitecture.SharedNothing, profile.Architecture);
        Assert.Equal(1, profile.FollowerFetching.Value);
        Assert.Equal(0, profile.ZoneAwareClients.Value);
        Assert.Equal(50, profile.ReassignmentMiBps!.Value);
        Assert.Null(profile.WalVolumeGiB);
    }

    [Fact]
    public void Parse_SharedStorage_ReadsWalAndRequestRates()
    {
        var profile = PlatformProfileLoader.Parse("automq.yaml", Common("shared-storage") + SharedStorageKeys);

        Assert.Equal(StorageArchitecture.SharedStorage, profile.Architecture);
        Assert.Equal(10, profile.WalVolumeGiB!.Value);
        Assert.Equal(0.2946, profile.ObjectPutsPerMiB!.Value);
    }

    [Fact]
    public void Parse_SharedStorageWithoutWalButWithAThrottle_ListsBothProblems()
    {
        var text = Common("shared-storage") + SharedStorageKeys.Replace(E("walVolumeGiB", "10", "GiB"), "", StringComparison.Ordinal) + E("reassignmentMiBps", "50", "MiB/s");

        var error = Assert.Throws<CostInputException>(() => PlatformProfileLoader.Parse("automq.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "walVolumeGiB");
        Assert.Contains(error.Problems, p => p.Path == "reassignmentMiBps" && p.Message.Contains("not a known key", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownArchitectureAndNonBooleanFlag_AreRejectedWithTheAllowedValues()
    {
        var text = Common("shared-disk").Replace("followerFetching: { value: true", "followerFetching: { value: yes please", StringComparison.Ordinal);

        var error = Assert.Throws<CostInputException>(() => PlatformProfileLoader.Parse("p.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "architecture" && p.Fix.Contains("shared-nothing", StringComparison.Ordinal) && p.Line == 3);
        Assert.Contains(error.Problems, p => p.Path == "followerFetching.value" && p.Fix.Contains("true", StringComparison.Ordinal));
    }
}
