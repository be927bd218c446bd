using LoadLab.Core.Cost;
using LoadLab.Core.Tests.Scenarios;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class PlatformProfileLoaderTests
{
    private static readonly string Platforms = RepositoryFiles.PathOf(Path.Combine("environments", "platforms"));

    private static string Shipped(string name) => File.ReadAllText(Path.Combine(Platforms, $"{name}.yaml"));

    private static int LineOf(string text, string fragment) => text.Split('\n').ToList().FindIndex(l => l.Contains(fragment, StringComparison.Ordinal)) + 1;

    private static string[] ProblemsOf(string file, string text) =>
        [.. Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.Parse(file, text)).Problems.Select(p => p.ToString())];

    /// <summary><paramref name="text"/> without the lines from the one starting <paramref name="from"/> up to the one starting <paramref name="to"/> (or the end).</summary>
    private static string Without(string text, string from, string? to = null)
    {
        var start = text.IndexOf("\n" + from, StringComparison.Ordinal) + 1;
        var end = to is null ? text.Length : text.IndexOf("\n" + to, start, StringComparison.Ordinal) + 1;
        return text[..start] + text[end..];
    }

    [Fact]
    public void LoadAll_ShippedProfiles_AreTheirOwn()
    {
        var profiles = PlatformProfileLoader.LoadAll(Platforms, ["kafka", "redpanda", "automq"]);

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
    public void Parse_KeyOfTheOtherArchitecture_SaysWhichArchitectureItBelongsTo()
    {
        var kafka = Shipped("kafka") + "wal: ebs\n";
        var automq = Shipped("automq") + "data-storage: disk\n";

        Assert.Equal(
            [$"kafka.yaml:{LineOf(kafka, "wal: ebs")}:6: wal: \"wal\" applies to shared-storage platforms, not to shared-nothing ones. Fix: remove it, or correct the architecture"],
            ProblemsOf("kafka.yaml", kafka));
        // Only where it belongs is the key's value read: the misplaced one is not also refused as a bad data storage.
        Assert.Equal(
            [$"automq.yaml:{LineOf(automq, "data-storage: disk")}:15: data-storage: \"data-storage\" applies to shared-nothing platforms, not to shared-storage ones. Fix: remove it, or correct the architecture"],
            ProblemsOf("automq.yaml", automq));
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
        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.LoadAll(Platforms, ["kafak", "zookeeper"]));

        Assert.Equal(
        [
            $"--platforms: expected a platform profile in {Platforms} (known: automq, kafka, redpanda), got \"kafak\". Fix: did you mean \"kafka\"?",
            $"--platforms: expected a platform profile in {Platforms} (known: automq, kafka, redpanda), got \"zookeeper\". Fix: choose from: automq, kafka, redpanda",
        ], error.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void LoadAll_MissingDirectory_KnowsNoProfile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "loadlab-no-platforms-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.LoadAll(directory, ["kafka"]));

        Assert.Equal([$"--platforms: expected a platform profile in {directory} (known: none), got \"kafka\". Fix: add the profile as {Path.Combine(directory, "kafka.yaml")}"], error.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void LoadAll_ProfileWithAProblemAndAnUnknownName_ListsEveryProblemOfEveryFile()
    {
        var directory = Directory.CreateTempSubdirectory("loadlab-platforms-").FullName;
        try
        {
            var path = Path.Combine(directory, "mine.yaml");
            File.WriteAllText(path, Shipped("kafka").Replace("architecture: shared-nothing\n", "", StringComparison.Ordinal));

            var error = Assert.Throws<InvalidInputException>(() => PlatformProfileLoader.LoadAll(directory, ["mine", "kafka"]));

            Assert.Equal(
            [
                $"{path}:{LineOf(Shipped("kafka"), "name: kafka")}:1: architecture: missing required key \"architecture\" in platform profile. Fix: add architecture: shared-nothing",
                $"--platforms: expected a platform profile in {directory} (known: mine), got \"kafka\". Fix: choose from: mine",
            ], error.Problems.Select(p => p.ToString()));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Parse_ShippedKafka_ReadsTheListsAndDefaultsOfASharedNothingProfile()
    {
        var kafka = PlatformProfileLoader.Parse("kafka.yaml", Shipped("kafka"));

        Assert.Equal(["r6i.xlarge", "r6i.2xlarge", "r6i.4xlarge"], kafka.LargerInstanceTypes);
        Assert.Equal((WalKind.Ebs, DataStorage.Ebs), (kafka.Wal, kafka.DataStorage));
        Assert.Equal(new SourcedValue(256, "KiB", "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-io-characteristics.html", new DateOnly(2026, 12, 6),
            "SSD volumes count I/Os up to 256 KiB as one I/O; Kafka writes large sequential I/Os. Not re-read from this workspace.",
            $"kafka.yaml:{LineOf(Shipped("kafka"), "block-io-size:") + 1} block-io-size", "256KiB", Confirmed: false), kafka.BlockIoSize);
        Assert.Equal(5, kafka.TieredPutsPerSegment!.Value);
        Assert.Null(kafka.ZoneRouterBatchSize);
    }

    [Fact]
    public void Parse_SharedNothingProfileWithoutTieredStorageOrLargerTypes_LoadsWithoutThem()
    {
        var text = Without(Shipped("kafka"), "tiered-local-retention:").Replace("larger-instance-types: [r6i.xlarge, r6i.2xlarge, r6i.4xlarge]\n", "", StringComparison.Ordinal);

        var kafka = PlatformProfileLoader.Parse("kafka.yaml", text);

        Assert.Empty(kafka.LargerInstanceTypes);
        Assert.Equal((null, null, null, null), (kafka.TieredLocalRetention, kafka.TieredSegmentSize, kafka.TieredPutsPerSegment, kafka.TieredLicence));
    }

    [Fact]
    public void Parse_SharedStorageProfileWithAnS3WalAndNoZoneRouter_ReadsTheWalAndLeavesTheRouterOut()
    {
        var text = Without(Shipped("automq"), "zone-router-batches-per-second:", "autoscaling:").Replace("\nwal: ebs\n", "\nwal: s3\n", StringComparison.Ordinal);

        var automq = PlatformProfileLoader.Parse("automq.yaml", text);

        Assert.Equal(WalKind.S3, automq.Wal);
        Assert.Equal((null, null), (automq.ZoneRouterBatchesPerSecond, automq.ZoneRouterBatchSize));
    }

    [Fact]
    public void Parse_UnknownArchitecture_IsReportedWithoutCheckingWhichKeysBelongToIt()
    {
        var kafka = Shipped("kafka").Replace("architecture: shared-nothing", "architecture: shared-disk", StringComparison.Ordinal);
        var automq = Shipped("automq").Replace("architecture: shared-storage", "architecture: shared-disk", StringComparison.Ordinal);

        var architecture = "architecture: expected one of shared-nothing, shared-storage, got \"shared-disk\". Fix: e.g. architecture: shared-nothing";
        Assert.Equal([$"kafka.yaml:{LineOf(kafka, "shared-disk")}:15: {architecture}"], ProblemsOf("kafka.yaml", kafka));
        // Read as shared-nothing, the AutoMQ profile lacks the reassignment throttle; its shared-storage keys are not called misplaced.
        Assert.Equal(
        [
            $"automq.yaml:{LineOf(automq, "name: automq")}:1: reassignment-throttle: missing required key \"reassignment-throttle\" in platform profile. Fix: add reassignment-throttle: {{ value: <number>, unit: MiB/s, source: <url>, date: <yyyy-mm-dd> }}",
            $"automq.yaml:{LineOf(automq, "shared-disk")}:15: {architecture}",
        ], ProblemsOf("automq.yaml", automq));
    }

    [Fact]
    public void Parse_MissingOrEmptyNamesAndAZeroIoSize_ListEachWithItsExample()
    {
        var kafka = Shipped("kafka")
            .Replace("name: kafka\n", "", StringComparison.Ordinal)
            .Replace("display-name: Apache Kafka\n", "", StringComparison.Ordinal)
            .Replace("instance-type: r6i.large\n", "", StringComparison.Ordinal);
        var automq = Shipped("automq")
            .Replace("name: automq\n", "name: ''\n", StringComparison.Ordinal)
            .Replace("display-name: AutoMQ\n", "display-name: ''\n", StringComparison.Ordinal)
            .Replace("instance-type: r6i.large\n", "instance-type: ''\n", StringComparison.Ordinal)
            .Replace("larger-instance-types: [r6i.xlarge, r6i.2xlarge, r6i.4xlarge]\n", "larger-instance-types: r6i.xlarge\n", StringComparison.Ordinal)
            .Replace("\nwal: ebs\n", "\n", StringComparison.Ordinal)
            .Replace("block-io-size:\n  value: 256KiB", "block-io-size:\n  value: 0KiB", StringComparison.Ordinal);

        var root = LineOf(kafka, "architecture:");
        Assert.Equal(
        [
            $"kafka.yaml:{root}:1: name: missing required key \"name\" in platform profile. Fix: add name: kafka",
            $"kafka.yaml:{root}:1: display-name: missing required key \"display-name\" in platform profile. Fix: add display-name: Apache Kafka",
            $"kafka.yaml:{root}:1: instance-type: missing required key \"instance-type\" in platform profile. Fix: add instance-type: r6i.large",
        ], ProblemsOf("kafka.yaml", kafka));
        // The missing WAL is reported at the start of the profile, where the key belongs.
        Assert.Equal(
        [
            $"automq.yaml:{LineOf(automq, "name: ''")}:1: wal: missing required key \"wal\" in platform profile. Fix: add wal: ebs",
            $"automq.yaml:{LineOf(automq, "name: ''")}:7: name: expected text, got nothing. Fix: e.g. name: kafka",
            $"automq.yaml:{LineOf(automq, "display-name: ''")}:15: display-name: expected text, got nothing. Fix: e.g. display-name: Apache Kafka",
            $"automq.yaml:{LineOf(automq, "instance-type: ''")}:16: instance-type: expected text, got nothing. Fix: e.g. instance-type: r6i.large",
            $"automq.yaml:{LineOf(automq, "larger-instance-types:")}:24: larger-instance-types: expected a list, got \"r6i.xlarge\". Fix: e.g. larger-instance-types: [r6i.xlarge, r6i.2xlarge]",
            $"automq.yaml:{LineOf(automq, "0KiB")}:10: block-io-size.value: expected a size at least 1, got \"0KiB\". Fix: e.g. value: 64GiB",
        ], ProblemsOf("automq.yaml", automq));
    }
}
