using LoadLab.Core.Yaml;

namespace LoadLab.Core.Omb;

/// <summary>An OMB workload file as read: the workload, and the keys OMB itself would ignore.</summary>
/// <param name="Workload">The workload with OMB's defaults for absent keys.</param>
/// <param name="IgnoredKeys">Keys that are not fields of OMB's <c>Workload</c> (forks add some); OMB ignores them too.</param>
public sealed record OmbWorkloadFile(OmbWorkload Workload, IReadOnlyList<(string Key, int Line)> IgnoredKeys);

/// <summary>
/// Reads an OpenMessaging Benchmark workload file (camelCase keys, as OMB writes them) through the one YAML layer,
/// with every problem reported by line and key. Where OMB's reader is silent, this one is not: OMB ignores unknown
/// keys and turns an unknown key distributor into <c>NO_KEY</c> (<c>Benchmark.java</c>: FAIL_ON_UNKNOWN_PROPERTIES
/// off, READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE on), so a misspelt key would run a different workload. Here a
/// key close to a field name and an unknown distributor are errors; other unknown keys are listed as ignored.
/// </summary>
public static class OmbWorkloadReader
{
    /// <summary>The fields of OMB's <c>Workload</c> class, in its declaration order.</summary>
    public static IReadOnlyList<string> Fields { get; } =
    [
        "name", "topics", "partitionsPerTopic", "keyDistributor", "messageSize", "useRandomizedPayloads",
        "randomBytesRatio", "randomizedPayloadPoolSize", "payloadFile", "subscriptionsPerTopic", "producersPerTopic",
        "consumerPerSubscription", "producerRate", "consumerBacklogSizeGB", "backlogDrainRatio", "testDurationMinutes",
        "warmupDurationMinutes",
    ];

    /// <summary>Largest message LoadLab sends (the scenario format's payload limit).</summary>
    private const int MaxMessageSize = 64 * 1024 * 1024;

    private static readonly YamlShape Root = YamlShape.FreeForm("OMB workload");

    private static readonly IReadOnlyList<KeyValuePair<string, OmbKeyDistributor>> Distributors =
    [
        new("NO_KEY", OmbKeyDistributor.NoKey),
        new("KEY_ROUND_ROBIN", OmbKeyDistributor.KeyRoundRobin),
        new("RANDOM_NANO", OmbKeyDistributor.RandomNano),
    ];

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static LoadResult<OmbWorkloadFile> Load(string path) => YamlDocumentReader.Load(path, Root, Read);

    /// <summary>Reads workload text named <paramref name="fileName"/> in problems.</summary>
    public static LoadResult<OmbWorkloadFile> Parse(string yaml, string fileName) => YamlDocumentReader.Parse(yaml, fileName, Root, Read);

    private static OmbWorkloadFile? Read(YamlMap root)
    {
        var ignored = new List<(string, int)>();
        foreach (var (key, value) in root.Entries)
        {
            if (Fields.Contains(key))
            {
                continue;
            }

            var meant = Spelling.DidYouMean(key, Fields);
            if (meant is not null)
            {
                value.Problem($"\"{key}\" is not a field of OMB's Workload; OMB would ignore it and use its default for \"{meant}\"", $"rename \"{key}\" to \"{meant}\"");
            }
            else
            {
                ignored.Add((key, value.Line));
            }
        }

        var topics = Int(root, "topics", "a whole number of topics, at least 1", "1", min: 1, required: true);
        var partitions = Int(root, "partitionsPerTopic", "a whole number of partitions per topic from 1 to 100000", "16", min: 1, max: 100_000, required: true);
        var messageSize = Int(root, "messageSize", $"a message size in bytes from 1 to {MaxMessageSize}", "1024", min: 1, max: MaxMessageSize, required: true);
        var producers = Int(root, "producersPerTopic", "a whole number of producers per topic from 1 to 1000", "1", min: 1, max: 1000, required: true);
        var subscriptions = Int(root, "subscriptionsPerTopic", "a whole number of subscriptions per topic from 0 to 1000", "1", min: 0, max: 1000);
        var consumers = Int(root, "consumerPerSubscription", "a whole number of consumers per subscription from 0 to 1000", "1", min: 0, max: 1000);
        var rate = Int(root, "producerRate", "a rate in messages per second, at least 0 (0: OMB searches the highest sustainable rate)", "50000", min: 0);
        var duration = Int(root, "testDurationMinutes", "a whole number of minutes, at least 1 (OMB runs until stopped with 0; a LoadLab run needs an end)", "15", min: 1, required: true);
        var warmup = Int(root, "warmupDurationMinutes", "a whole number of minutes, at least 0", "1", min: 0, absent: 1);
        var backlog = Int(root, "consumerBacklogSizeGB", "a whole number of GiB, at least 0", "0", min: 0);
        var drainRatio = root.Get("backlogDrainRatio")?.AsDouble("a share from 0 to 1", "1.0", min: 0, max: 1) ?? 1.0;
        var randomized = root.Get("useRandomizedPayloads")?.AsBool("false") ?? false;
        var randomRatio = root.Get("randomBytesRatio")?.AsDouble("a share from 0 to 1", "0.5", min: 0, max: 1) ?? 0;
        var poolSize = Int(root, "randomizedPayloadPoolSize", "a whole number of payloads, at least 1", "1000", min: randomized ? 1 : 0);
        var distributor = root.Get("keyDistributor") is { } distributorValue ? distributorValue.AsChoice(Distributors) : OmbKeyDistributor.NoKey;
        var name = root.Get("name")?.AsString("1 topic / 16 partitions / 1Kb");
        var payloadFile = root.Get("payloadFile")?.AsString("payload/payload-1Kb.data");

        if (subscriptions > 0 && consumers == 0)
        {
            var at = root.Get("consumerPerSubscription");
            var message = "each subscription needs at least one consumer (subscriptionsPerTopic is above 0)";
            if (at is null)
            {
                root.Problem(message + ", and consumerPerSubscription is missing", "add consumerPerSubscription: 1");
            }
            else
            {
                at.Problem(message, "consumerPerSubscription: 1");
            }
        }

        if (backlog > 0 && rate == 0)
        {
            // WorkloadGenerator's constructor refuses the same combination.
            root.Get("consumerBacklogSizeGB")!.Problem(
                "a backlog cannot be built while OMB searches the highest rate (producerRate: 0); OMB refuses this combination too",
                "set producerRate to a fixed rate, or consumerBacklogSizeGB: 0");
        }

        if (root.Problems.Any || topics is null || partitions is null || messageSize is null || producers is null
            || subscriptions is null || consumers is null || rate is null || duration is null || warmup is null || backlog is null || poolSize is null || distributor is null)
        {
            return null;
        }

        var workload = new OmbWorkload
        {
            Name = name,
            Topics = topics.Value,
            PartitionsPerTopic = partitions.Value,
            KeyDistributor = distributor.Value,
            MessageSize = messageSize.Value,
            UseRandomizedPayloads = randomized,
            RandomBytesRatio = randomRatio,
            RandomizedPayloadPoolSize = poolSize.Value,
            PayloadFile = payloadFile,
            SubscriptionsPerTopic = subscriptions.Value,
            ProducersPerTopic = producers.Value,
            ConsumerPerSubscription = consumers.Value,
            ProducerRate = rate.Value,
            ConsumerBacklogSizeGB = backlog.Value,
            BacklogDrainRatio = drainRatio,
            TestDurationMinutes = duration.Value,
            WarmupDurationMinutes = warmup.Value,
        };
        return new OmbWorkloadFile(workload, ignored);
    }

    /// <summary>The whole number under <paramref name="key"/>; when absent, OMB's default (<paramref name="absent"/>), or null after a problem if required.</summary>
    private static int? Int(YamlMap root, string key, string expected, string example, int min, int max = int.MaxValue, bool required = false, int absent = 0)
    {
        var value = required ? root.Require(key, example) : root.Get(key);
        if (value is null)
        {
            return required ? null : absent;
        }

        return value.AsInt(expected, example, min, max);
    }
}
