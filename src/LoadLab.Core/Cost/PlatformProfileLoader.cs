using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>Reads and validates platform profiles (format: <c>environments/platforms/README.md</c>) through the one YAML layer.</summary>
public static class PlatformProfileLoader
{
    private static readonly string[] SharedNothingKeys =
        ["data-storage", "reassignment-throttle", "tiered-local-retention", "tiered-segment-size", "tiered-puts-per-segment", "tiered-licence"];

    private static readonly string[] SharedStorageKeys =
        ["object-upload-factor", "compaction-read-factor", "object-puts-per-mib", "object-gets-per-mib", "reassignment-time", "wal", "wal-volume", "wal-commits-per-second", "zone-router-batches-per-second", "zone-router-batch-size"];

    private static readonly YamlShape Root = YamlShape.Map("platform profile",
    [
        "name", "display-name", "architecture", "instance-type", "larger-instance-types", "min-brokers", "headroom", "availability-zones",
        "system-volume", "disk-headroom", "block-io-size", "follower-fetching", "zone-aware-clients",
        "memory-per-core", "memory-per-partition-replica", "autoscaling", "scale-out-trigger", "scale-out-delay", "scale-in-trigger",
        "operations-per-month", "hands-on-hours-per-operation", "licence",
        .. SharedNothingKeys, .. SharedStorageKeys,
    ]);

    /// <summary>Loads <c>&lt;directory&gt;/&lt;name&gt;.yaml</c> for each requested platform; every problem of every file is listed.</summary>
    public static IReadOnlyList<PlatformProfile> LoadAll(string directory, IEnumerable<string> names)
    {
        var profiles = new List<PlatformProfile>();
        var problems = new List<ValidationProblem>();
        foreach (var name in names)
        {
            var path = System.IO.Path.Combine(directory, $"{name}.yaml");
            if (!System.IO.File.Exists(path))
            {
                var known = Directory.Exists(directory)
                    ? Directory.GetFiles(directory, "*.yaml").Select(System.IO.Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()
                    : [];
                var closest = Spelling.DidYouMean(name, known!);
                problems.Add(ValidationProblem.ForOption("--platforms",
                    $"expected a platform profile in {directory} (known: {(known.Length == 0 ? "none" : string.Join(", ", known))}), got \"{name}\"",
                    known.Length == 0 ? $"add the profile as {path}"
                    : closest is null ? $"choose from: {string.Join(", ", known)}" : $"did you mean \"{closest}\"?"));
                continue;
            }

            var result = YamlDocumentReader.Load(path, Root, root => Read(root));
            if (result.Succeeded)
            {
                profiles.Add(result.Value!);
            }
            else
            {
                problems.AddRange(result.Problems);
            }
        }

        return problems.Count > 0 ? throw new InvalidInputException(problems) : profiles;
    }

    /// <summary>Parses profile text; <paramref name="file"/> only names it in problems.</summary>
    public static PlatformProfile Parse(string file, string text)
    {
        var result = YamlDocumentReader.Parse(text, file, Root, root => Read(root));
        return result.Succeeded ? result.Value! : throw new InvalidInputException(result.Problems);
    }

    private static PlatformProfile? Read(YamlMap root)
    {
        var architecture = root.Require("architecture", "shared-nothing")?.AsEnum<StorageArchitecture>();
        var sharedStorage = architecture == StorageArchitecture.SharedStorage;
        foreach (var key in sharedStorage ? SharedNothingKeys : architecture is null ? [] : SharedStorageKeys)
        {
            if (root.Get(key) is { } misplaced)
            {
                misplaced.Problem(
                    $"\"{key}\" applies to {(sharedStorage ? "shared-nothing" : "shared-storage")} platforms, not to {(sharedStorage ? "shared-storage" : "shared-nothing")} ones",
                    "remove it, or correct the architecture");
            }
        }

        SourcedValue? Number(string key, double min = 0, double max = double.MaxValue, bool required = true) =>
            SourcedValues.Read(root, key, Quantity.Number, required, min, max);
        SourcedValue? Flag(string key) => SourcedValues.ReadFlag(root, key);
        SourcedValue? Only(bool wanted, string key, Quantity quantity, double min = 0, bool required = true) =>
            wanted ? SourcedValues.Read(root, key, quantity, required, min) : null;

        var autoscaling = Flag("autoscaling");
        var elastic = autoscaling?.Value > 0;
        var tiered = !sharedStorage && root.Has("tiered-local-retention");
        var profile = new
        {
            Name = root.Require("name", "kafka")?.AsString("kafka"),
            DisplayName = root.Require("display-name", "Apache Kafka")?.AsString("Apache Kafka"),
            InstanceType = root.Require("instance-type", "r6i.large")?.AsString("r6i.large"),
            LargerInstanceTypes = root.Get("larger-instance-types")?.AsStrings("[r6i.xlarge, r6i.2xlarge]") ?? [],
            DataStorage = sharedStorage ? DataStorage.Ebs : root.Get("data-storage")?.AsEnum<DataStorage>() ?? DataStorage.Ebs,
            MinBrokers = Number("min-brokers", min: 1),
            Headroom = Number("headroom", max: 10),
            Zones = Number("availability-zones", min: 1),
            SystemVolume = SourcedValues.Read(root, "system-volume", Quantity.Size),
            DiskHeadroom = Number("disk-headroom", max: 10),
            IoSize = SourcedValues.Read(root, "block-io-size", Quantity.SizeIn("KiB", 1024), exclusiveMin: true),
            FollowerFetching = Flag("follower-fetching"),
            ZoneAware = Flag("zone-aware-clients"),
            MemoryPerCore = SourcedValues.Read(root, "memory-per-core", Quantity.Size, required: false),
            MemoryPerPartition = SourcedValues.Read(root, "memory-per-partition-replica", Quantity.Size, required: false),
            Autoscaling = autoscaling,
            ScaleOutTrigger = Only(elastic, "scale-out-trigger", Quantity.Duration),
            ScaleOutDelay = Only(elastic, "scale-out-delay", Quantity.Duration),
            ScaleInTrigger = Only(elastic, "scale-in-trigger", Quantity.Duration),
            Operations = Number("operations-per-month"),
            HandsOn = SourcedValues.Read(root, "hands-on-hours-per-operation", Quantity.DurationIn("hours", 3600)),
            Licence = SourcedValues.Read(root, "licence", Quantity.Exactly("USD/broker-month")),
            Throttle = Only(!sharedStorage, "reassignment-throttle", Quantity.Bandwidth, min: 1),
            LocalRetention = Only(tiered, "tiered-local-retention", Quantity.Duration),
            SegmentSize = Only(tiered, "tiered-segment-size", Quantity.Size),
            PutsPerSegment = Only(tiered, "tiered-puts-per-segment", Quantity.Number, min: 1),
            TieredLicence = Only(tiered, "tiered-licence", Quantity.Exactly("USD/broker-month")),
            Upload = Only(sharedStorage, "object-upload-factor", Quantity.Number),
            Compaction = Only(sharedStorage, "compaction-read-factor", Quantity.Number),
            Puts = Only(sharedStorage, "object-puts-per-mib", Quantity.Number),
            Gets = Only(sharedStorage, "object-gets-per-mib", Quantity.Number),
            ReassignmentTime = Only(sharedStorage, "reassignment-time", Quantity.Duration),
            Wal = sharedStorage ? root.Require("wal", "ebs")?.AsEnum<WalKind>() : WalKind.Ebs,
            WalVolume = Only(sharedStorage, "wal-volume", Quantity.Size, min: 1),
            WalCommits = Only(sharedStorage, "wal-commits-per-second", Quantity.Number),
            ZoneRouterBatches = Only(sharedStorage, "zone-router-batches-per-second", Quantity.Number, required: false),
            ZoneRouterBatchSize = Only(sharedStorage && root.Has("zone-router-batches-per-second"), "zone-router-batch-size", Quantity.SizeIn("MiB", 1 << 20), min: 0.001),
        };

        if (root.Problems.Any || architecture is null || profile.Name is null || profile.DisplayName is null || profile.InstanceType is null
            || profile.Wal is null || profile.MinBrokers is null || profile.Headroom is null || profile.Zones is null || profile.SystemVolume is null
            || profile.DiskHeadroom is null || profile.IoSize is null || profile.FollowerFetching is null || profile.ZoneAware is null
            || profile.Autoscaling is null || profile.Operations is null || profile.HandsOn is null || profile.Licence is null)
        {
            return null;
        }

        return new PlatformProfile
        {
            Name = profile.Name,
            DisplayName = profile.DisplayName,
            Architecture = architecture.Value,
            InstanceType = profile.InstanceType,
            LargerInstanceTypes = profile.LargerInstanceTypes,
            DataStorage = profile.DataStorage,
            MinBrokers = profile.MinBrokers,
            Headroom = profile.Headroom,
            AvailabilityZones = profile.Zones,
            SystemVolume = profile.SystemVolume,
            DiskHeadroom = profile.DiskHeadroom,
            BlockIoSize = profile.IoSize,
            FollowerFetching = profile.FollowerFetching,
            ZoneAwareClients = profile.ZoneAware,
            MemoryPerCore = profile.MemoryPerCore,
            MemoryPerPartitionReplica = profile.MemoryPerPartition,
            Autoscaling = profile.Autoscaling,
            ScaleOutTrigger = profile.ScaleOutTrigger,
            ScaleOutDelay = profile.ScaleOutDelay,
            ScaleInTrigger = profile.ScaleInTrigger,
            OperationsPerMonth = profile.Operations,
            HandsOnHoursPerOperation = profile.HandsOn,
            ReassignmentThrottle = profile.Throttle,
            ReassignmentTime = profile.ReassignmentTime,
            Licence = profile.Licence,
            TieredLocalRetention = profile.LocalRetention,
            TieredSegmentSize = profile.SegmentSize,
            TieredPutsPerSegment = profile.PutsPerSegment,
            TieredLicence = profile.TieredLicence,
            ObjectUploadFactor = profile.Upload,
            CompactionReadFactor = profile.Compaction,
            ObjectPutsPerMiB = profile.Puts,
            ObjectGetsPerMiB = profile.Gets,
            Wal = profile.Wal.Value,
            WalVolume = profile.WalVolume,
            WalCommitsPerSecond = profile.WalCommits,
            ZoneRouterBatchesPerSecond = profile.ZoneRouterBatches,
            ZoneRouterBatchSize = profile.ZoneRouterBatchSize,
        };
    }
}
