using LoadLab.Core.Cost;
using LoadLab.Core.Tests.Scenarios;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class PlatformProfileLoaderTests
{
    private static string Shipped(string name) => File.ReadAllText(RepositoryFiles.PathOf(Path.Combine("environments", "platforms", $"{name}.yaml")));

    [Fact]
    public void LoadAll_ShippedProfiles_AreTheirOwn()
    {
        var profiles = PlatformProfileLoader.LoadAll(RepositoryFiles.PathOf(Path.Combine("environments", "platforms")), ["kafka", "redpanda", "automq"]);

        var (kafka, redpanda, automq) = (profiles[0], profiles[1], profiles[2]);
        Assert.Equal((DataStorage.Ebs, "r6i.large"), (kafka.DataStorage, kafka.InstanceType));
        Assert.Equal((DataStorage.InstanceStore, "i4i.large"), (redpanda.DataStorage, redpanda.InstanceType));
        Assert.Equal(2.0 / 1024, redpanda.MemoryPerPartitionReplica!.Value, precision: 12); // 2 MiB in GiB
        Assert.Null(kafka.MemoryPerPartitionReplica);
        Assert.Equal(6 * 3600, kafka.TieredLocalRetention!.Value);
        Assert.Equal(StorageArchitecture.SharedStorage, automq.Architecture);
        Assert.Equal(WalKind.Ebs, automq.Wal);
        Assert.Equal(180, automq.ScaleOutTrigger!.Value);
        Assert.Equal(0, kafka.Autoscaling.Value);
    }

    [Fact]
    public void Parse_OldCamelCaseKeys_AreRefusedWithADidYouMeanToTheirKebabCaseNames()
    {
        var text = Shipped("kafka").Replace("display-name:", "displayName:", StringComparison.Ordinal).Replace("min-brokers:", "minBrokers:", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.Parse("kafka.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "displayName" && p.Suggestion == "rename \"displayName\" to \"display-name\"" && p.Line == 5);
        Assert.Contains(error.Problems, p => p.Path == "minBrokers" && p.Suggestion == "rename \"minBrokers\" to \"min-brokers\"");
    }

    [Fact]
    public void Parse_SharedStorageKeyInASharedNothingProfile_SaysWhichArchitectureItBelongsTo()
    {
        var text = Shipped("kafka") + "wal: ebs\n";

        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.Parse("kafka.yaml", text));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("wal", problem.Path);
        Assert.Contains("applies to shared-storage platforms", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownArchitectureAndNonBooleanFlag_AreRejectedWithTheAllowedValues()
    {
        var text = Shipped("kafka")
            .Replace("architecture: shared-nothing", "architecture: shared-disk", StringComparison.Ordinal)
            .Replace("follower-fetching:\n  value: true", "follower-fetching:\n  value: yes please", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.Parse("p.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "architecture" && p.Message.Contains("shared-nothing, shared-storage", StringComparison.Ordinal) && p.Line == 6);
        Assert.Contains(error.Problems, p => p.Path == "follower-fetching.value" && p.Message.Contains("true or false", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ElasticProfileWithAMisspeltScalingTime_ReportsTheTypoOnce()
    {
        var text = Shipped("automq").Replace("scale-out-trigger:", "scale-out-triger:", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.Parse("automq.yaml", text));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("scale-out-triger", problem.Path);
        Assert.Equal("rename \"scale-out-triger\" to \"scale-out-trigger\"", problem.Suggestion);
    }

    [Fact]
    public void LoadAll_UnknownPlatform_NamesTheKnownProfilesAndTheClosest()
    {
        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.LoadAll(RepositoryFiles.PathOf(Path.Combine("environments", "platforms")), ["kafak"]));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("--platforms", problem.File);
        Assert.Contains("automq, kafka, redpanda", problem.Message, StringComparison.Ordinal);
        Assert.Contains("kafka", problem.Suggestion, StringComparison.Ordinal);
    }
}
