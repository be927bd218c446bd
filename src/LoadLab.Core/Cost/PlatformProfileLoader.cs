namespace LoadLab.Core.Cost;

/// <summary>Reads and validates platform profiles (see <c>environments/platforms/README.md</c> for the format).</summary>
public static class PlatformProfileLoader
{
    private static readonly string[] CommonKeys =
    [
        "name", "displayName", "architecture", "instanceType", "brokerNetworkMiBps", "minBrokers", "headroom",
        "availabilityZones", "systemVolumeGiB", "diskHeadroom", "blockIoSizeKiB", "followerFetching",
        "zoneAwareClients", "operatorEventsPerMonth", "attendedHoursPerEvent",
    ];

    private static readonly string[] SharedNothingKeys = ["reassignmentMiBps"];

    private static readonly string[] SharedStorageKeys =
        ["walVolumeGiB", "objectUploadFactor", "compactionReadFactor", "objectPutsPerMiB", "objectGetsPerMiB", "reassignmentSeconds"];

    /// <summary>Loads <c>&lt;directory&gt;/&lt;name&gt;.yaml</c> for each requested platform name.</summary>
    public static IReadOnlyList<PlatformProfile> LoadAll(string directory, IEnumerable<string> names)
    {
        var profiles = new List<PlatformProfile>();
        var problems = new List<CostInputProblem>();
        foreach (var name in names)
        {
            var path = System.IO.Path.Combine(directory, $"{name}.yaml");
            if (!System.IO.File.Exists(path))
            {
                var known = Directory.Exists(directory)
                    ? string.Join(", ", Directory.GetFiles(directory, "*.yaml").Select(System.IO.Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
                    : "none";
                problems.Add(new CostInputProblem(null, "--platforms", 0, $"names '{name}' but {path} does not exist.", $"choose from: {known}."));
                continue;
            }

            try
            {
                profiles.Add(Parse(path, System.IO.File.ReadAllText(path)));
            }
            catch (CostInputException e)
            {
                problems.AddRange(e.Problems);
            }
        }

        return problems.Count > 0 ? throw new CostInputException(problems) : profiles;
    }

    /// <summary>Parses profile text; <paramref name="file"/> only names it in messages.</summary>
    public static PlatformProfile Parse(string file, string text)
    {
        var (reader, root) = CostYamlReader.Parse(file, text);
        if (root is null)
        {
            reader.ThrowIfProblems();
        }

        var architectureText = reader.Text(root!, "architecture", "", true, "write 'architecture: shared-nothing' or 'architecture: shared-storage'.");
        StorageArchitecture? architecture = architectureText switch
        {
            "shared-nothing" => StorageArchitecture.SharedNothing,
            "shared-storage" => StorageArchitecture.SharedStorage,
            null => null,
            _ => null,
        };
        if (architectureText is not null && architecture is null)
        {
            reader.Add("architecture", CostYamlReader.LineOf(reader.Child(root!, "architecture", "", false, "")!), $"is '{architectureText}'.", "write 'shared-nothing' (Kafka, Redpanda) or 'shared-storage' (AutoMQ).");
        }

        var sharedStorage = architecture == StorageArchitecture.SharedStorage;
        reader.RejectUnknown(root!, "", [.. CommonKeys, .. sharedStorage ? SharedStorageKeys : SharedNothingKeys]);

        SourcedValue? Count(string key, double min = 0, double max = double.MaxValue) => reader.Sourced(root!, key, "", null, true, min, max);
        SourcedValue? Flag(string key) => reader.Sourced(root!, key, "", null, true, flag: true);
        SourcedValue? Only(bool wanted, string key, string unit, double min = 0, double max = double.MaxValue) =>
            wanted ? reader.Sourced(root!, key, "", unit, true, min, max) : null;

        var profile = new
        {
            Name = reader.Text(root!, "name", "", true, "write the platform id, e.g. 'name: kafka'."),
            DisplayName = reader.Text(root!, "displayName", "", true, "write a display name, e.g. 'displayName: Apache Kafka'."),
            InstanceType = reader.Text(root!, "instanceType", "", true, "write the broker instance type, e.g. 'instanceType: r6i.large'."),
            Network = reader.Sourced(root!, "brokerNetworkMiBps", "", "MiB/s", true, min: 1),
            MinBrokers = Count("minBrokers", min: 1),
            Headroom = Count("headroom", max: 10),
            Zones = Count("availabilityZones", min: 1),
            SystemVolume = reader.Sourced(root!, "systemVolumeGiB", "", "GiB", true),
            DiskHeadroom = Count("diskHeadroom", max: 10),
            IoSize = reader.Sourced(root!, "blockIoSizeKiB", "", "KiB", true, min: 1),
            FollowerFetching = Flag("followerFetching"),
            ZoneAware = Flag("zoneAwareClients"),
            Events = Count("operatorEventsPerMonth"),
            Attended = reader.Sourced(root!, "attendedHoursPerEvent", "", "hours", true),
            ReassignmentMiBps = Only(!sharedStorage, "reassignmentMiBps", "MiB/s", min: 1),
            Wal = Only(sharedStorage, "walVolumeGiB", "GiB", min: 1),
            Upload = Only(sharedStorage, "objectUploadFactor", "bytes/byte written"),
            Compaction = Only(sharedStorage, "compactionReadFactor", "bytes/byte written"),
            Puts = Only(sharedStorage, "objectPutsPerMiB", "requests/MiB written"),
            Gets = Only(sharedStorage, "objectGetsPerMiB", "requests/MiB written"),
            ReassignmentSeconds = Only(sharedStorage, "reassignmentSeconds", "seconds"),
        };

        reader.ThrowIfProblems();
        return new PlatformProfile
        {
            Name = profile.Name!,
            DisplayName = profile.DisplayName!,
            Architecture = architecture!.Value,
            InstanceType = profile.InstanceType!,
            BrokerNetworkMiBps = profile.Network!,
            MinBrokers = profile.MinBrokers!,
            Headroom = profile.Headroom!,
            AvailabilityZones = profile.Zones!,
            SystemVolumeGiB = profile.SystemVolume!,
            DiskHeadroom = profile.DiskHeadroom!,
            BlockIoSizeKiB = profile.IoSize!,
            FollowerFetching = profile.FollowerFetching!,
            ZoneAwareClients = profile.ZoneAware!,
            OperatorEventsPerMonth = profile.Events!,
            AttendedHoursPerEvent = profile.Attended!,
            ReassignmentMiBps = profile.ReassignmentMiBps,
            WalVolumeGiB = profile.Wal,
            ObjectUploadFactor = profile.Upload,
            CompactionReadFactor = profile.Compaction,
            ObjectPutsPerMiB = profile.Puts,
            ObjectGetsPerMiB = profile.Gets,
            ReassignmentSeconds = profile.ReassignmentSeconds,
        };
    }
}
