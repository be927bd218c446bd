using System.Globalization;
using System.Text;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Omb;

/// <summary>How faithfully one OMB field is carried into the scenario.</summary>
public enum OmbFieldFit
{
    /// <summary>The scenario does what OMB does with the field.</summary>
    Exact,
    /// <summary>The scenario does the same in kind, with a stated difference.</summary>
    Approximate,
    /// <summary>LoadLab has no equivalent; the scenario runs without it.</summary>
    NotHonoured,
}

/// <summary>What became of one OMB workload field.</summary>
/// <param name="Field">The OMB key (camelCase, as in the workload file).</param>
/// <param name="Fit">How faithfully it is carried.</param>
/// <param name="Detail">Where it went in the scenario, or why it could not.</param>
public sealed record OmbFieldMapping(string Field, OmbFieldFit Fit, string Detail);

/// <summary>An OMB workload turned into a scenario.</summary>
/// <param name="Yaml">The scenario file's text (kebab-case, as every LoadLab file), its header listing what is not honoured.</param>
/// <param name="Scenario">The scenario as LoadLab reads that text back.</param>
/// <param name="Fields">Every OMB field, in OMB's declaration order, with what became of it.</param>
/// <param name="WorkloadName">OMB's workload name (the <c>workload</c> of OMB's result files): pass it to <c>loadlab export omb --workload</c>.</param>
public sealed record OmbImportResult(string Yaml, Scenario Scenario, IReadOnlyList<OmbFieldMapping> Fields, string WorkloadName)
{
    /// <summary>The fields LoadLab cannot honour.</summary>
    public IEnumerable<OmbFieldMapping> NotHonoured => Fields.Where(f => f.Fit == OmbFieldFit.NotHonoured);
}

/// <summary>
/// Maps an OpenMessaging Benchmark workload to a LoadLab scenario with OMB's semantics, as read from OMB's sources
/// (openmessaging/benchmark, <c>benchmark-framework/src/main/java/io/openmessaging/benchmark/</c>):
/// <list type="bullet">
/// <item><c>WorkloadGenerator.createProducers</c> gives every topic <c>producersPerTopic</c> producers, and
/// <c>LocalWorker.startLoad</c> paces all of them with one <c>UniformRateLimiter(producerRate)</c>: so
/// <c>producerRate</c> is the total over all topics, and each topic's stream gets an equal share, evenly spaced.</item>
/// <item><c>createConsumers</c> makes <c>subscriptionsPerTopic</c> subscriptions (consumer groups, named
/// <c>sub-%03d-…</c>) of <c>consumerPerSubscription</c> consumers on every topic.</item>
/// <item><c>producerRate: 0</c> starts at 10,000 msg/s and lets <c>RateController</c> search the highest rate at which
/// the publish and receive backlogs stay under 1,000 messages.</item>
/// <item>Keyed distributors draw from 10,000 random keys (<c>KeyDistributor.UNIQUE_COUNT</c>).</item>
/// <item>The replication factor is a driver setting (<c>replicationFactor</c> in e.g. <c>driver-kafka/kafka-throughput.yaml</c>, 3), not a workload field.</item>
/// </list>
/// </summary>
public static class OmbImport
{
    /// <summary>The rate OMB starts its maximum-rate search at (<c>WorkloadGenerator.run</c>).</summary>
    public const double MaxRateSearchStart = 10_000;

    /// <summary>Distinct keys of OMB's keyed distributors (<c>KeyDistributor.UNIQUE_COUNT</c>).</summary>
    public const int KeyCount = 10_000;

    /// <summary>The replication factor of OMB's Kafka driver files.</summary>
    public const int DefaultReplicationFactor = 3;

    /// <summary>Builds the scenario for <paramref name="file"/>, read from <paramref name="sourcePath"/>.</summary>
    /// <exception cref="InvalidOperationException">The scenario written does not read back: a bug in this mapping.</exception>
    public static OmbImportResult ToScenario(OmbWorkloadFile file, string sourcePath, int replicationFactor = DefaultReplicationFactor)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourcePath);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        var workload = file.Workload;
        var stem = Path.GetFileNameWithoutExtension(sourcePath);
        var workloadName = string.IsNullOrWhiteSpace(workload.Name) ? stem : workload.Name;
        var fields = Map(file, replicationFactor);
        var yaml = Write(workload, ScenarioName(stem), workloadName, Path.GetFileName(sourcePath), replicationFactor, fields);
        var loaded = ScenarioLoader.Parse(yaml, sourcePath);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException(
                $"The scenario imported from {sourcePath} does not validate: {string.Join("; ", loaded.Problems)}\n{yaml}");
        }

        return new OmbImportResult(yaml, loaded.Scenario!, fields, workloadName);
    }

    private static List<OmbFieldMapping> Map(OmbWorkloadFile file, int replicationFactor)
    {
        var w = file.Workload;
        var perTopicRate = (w.ProducerRate > 0 ? w.ProducerRate : MaxRateSearchStart) / w.Topics;
        var fields = new List<OmbFieldMapping>
        {
            new("name", OmbFieldFit.Exact, "description (and the --workload of 'loadlab export omb'); the scenario is named after the file"),
            new("topics", OmbFieldFit.Exact, $"topics: {w.Topics} topic(s) {TopicName(0, w.Topics)}…, one traffic stream each"),
            new("partitionsPerTopic", OmbFieldFit.Exact, $"topics[].partitions: {w.PartitionsPerTopic}"),
            KeyMapping(w.KeyDistributor),
            new("messageSize", OmbFieldFit.Exact, $"traffic[].payload: {{kind: fixed, size: {w.MessageSize}}}"),
        };

        if (w.UseRandomizedPayloads)
        {
            fields.Add(new("useRandomizedPayloads", OmbFieldFit.NotHonoured,
                $"OMB sends a pool of {w.RandomizedPayloadPoolSize} payloads, each {w.RandomBytesRatio.ToString("0.##", CultureInfo.InvariantCulture)} random bytes and the rest zeros; " +
                "LoadLab's fixed payload is all random bytes, so it compresses less"));
            fields.Add(new("randomBytesRatio", OmbFieldFit.NotHonoured, "see useRandomizedPayloads"));
            fields.Add(new("randomizedPayloadPoolSize", OmbFieldFit.NotHonoured, "see useRandomizedPayloads"));
        }

        if (w.PayloadFile is not null)
        {
            fields.Add(new("payloadFile", w.UseRandomizedPayloads ? OmbFieldFit.Exact : OmbFieldFit.NotHonoured, w.UseRandomizedPayloads
                ? "unused by OMB with useRandomizedPayloads"
                : $"LoadLab sends generated random bytes of messageSize, not the content of \"{w.PayloadFile}\"; with compression on, ratios differ"));
        }

        fields.Add(new("subscriptionsPerTopic", OmbFieldFit.Exact, w.SubscriptionsPerTopic == 0
            ? "no consumers"
            : $"consumers: {w.SubscriptionsPerTopic} group(s) per topic ({GroupName(TopicName(0, w.Topics), 0)}…)"));
        fields.Add(new("producersPerTopic", OmbFieldFit.Exact, $"traffic[].producers: {w.ProducersPerTopic}"));
        if (w.SubscriptionsPerTopic > 0)
        {
            fields.Add(new("consumerPerSubscription", OmbFieldFit.Exact, $"consumers[].instances: {w.ConsumerPerSubscription}"));
        }

        fields.Add(w.ProducerRate > 0
            ? new("producerRate", OmbFieldFit.Exact, $"traffic[].rate: {Number(perTopicRate)} per topic (OMB's rate is the total over all producers; uniform arrivals like its UniformRateLimiter)")
            : new("producerRate", OmbFieldFit.NotHonoured,
                $"0 makes OMB search the highest rate while it runs (RateController: publish and receive backlog under 1,000 messages each); " +
                $"the scenario runs at OMB's starting rate, {Number(MaxRateSearchStart)} msg/s in total: search with 'loadlab maxrate <scenario>', " +
                "which steps the rate while the scenario's SLOs hold and at least 99 % of the target is acknowledged"));

        if (w.ConsumerBacklogSizeGB > 0)
        {
            fields.Add(new("consumerBacklogSizeGB", OmbFieldFit.NotHonoured,
                $"LoadLab does not hold its consumers back until {w.ConsumerBacklogSizeGB} GiB are retained and then drain it; the consumers read from the start"));
            fields.Add(new("backlogDrainRatio", OmbFieldFit.NotHonoured, "see consumerBacklogSizeGB"));
        }

        fields.Add(new("testDurationMinutes", OmbFieldFit.Exact, $"duration: {w.TestDurationMinutes}m"));
        fields.Add(new("warmupDurationMinutes", OmbFieldFit.Exact, $"warmup: {Minutes(w.WarmupDurationMinutes)} (the load runs, nothing is measured)"));
        fields.Add(new("replicationFactor", OmbFieldFit.Exact,
            $"topics[].replication-factor: {replicationFactor} (a setting of OMB's driver file, not of the workload; --replication-factor changes it)"));
        foreach (var (key, line) in file.IgnoredKeys)
        {
            fields.Add(new(key, OmbFieldFit.NotHonoured, $"line {line}: not a field of OMB's Workload (OMB ignores it too)"));
        }

        return fields;
    }

    private static OmbFieldMapping KeyMapping(OmbKeyDistributor distributor) => distributor switch
    {
        OmbKeyDistributor.KeyRoundRobin => new("keyDistributor", OmbFieldFit.Approximate,
            $"KEY_ROUND_ROBIN: keys: {{distribution: sequential, space: {KeyCount}}}; the same number of keys used in turn, but LoadLab's key ids instead of OMB's random 7-byte strings, so keys land on other partitions"),
        OmbKeyDistributor.RandomNano => new("keyDistributor", OmbFieldFit.Approximate,
            $"RANDOM_NANO: keys: {{distribution: uniform, space: {KeyCount}}}; OMB picks System.nanoTime() % {KeyCount}, about uniform, from random 7-byte strings, LoadLab from its key ids"),
        _ => new("keyDistributor", OmbFieldFit.Exact, "NO_KEY: keys: {distribution: none}"),
    };

    private static string Write(OmbWorkload w, string name, string workloadName, string sourceFile, int replicationFactor, List<OmbFieldMapping> fields)
    {
        var yaml = new StringBuilder();
        yaml.Append("# Imported by 'loadlab import omb' from the OpenMessaging Benchmark workload ").Append(sourceFile).Append('\n');
        yaml.Append("# OMB workload name: ").Append(workloadName).Append('\n');
        yaml.Append("# To chart a run of this scenario beside OMB's results: loadlab export omb <run-dir> --workload ").Append(ShellQuote(workloadName)).Append('\n');
        var notHonoured = fields.Where(f => f.Fit != OmbFieldFit.Exact).ToList();
        if (notHonoured.Count > 0)
        {
            yaml.Append("#\n# Differences from OMB:\n");
            foreach (var field in notHonoured)
            {
                yaml.Append("#   ").Append(field.Field).Append(field.Fit == OmbFieldFit.NotHonoured ? " (not honoured): " : " (approximated): ").Append(field.Detail).Append('\n');
            }
        }

        var perTopicRate = (w.ProducerRate > 0 ? w.ProducerRate : MaxRateSearchStart) / w.Topics;
        yaml.Append('\n');
        yaml.Append("version: 1\n");
        yaml.Append("name: ").Append(name).Append('\n');
        yaml.Append("description: ").Append(Quote($"OMB workload \"{workloadName}\" ({sourceFile})")).Append('\n');
        yaml.Append("warmup: ").Append(Minutes(w.WarmupDurationMinutes)).Append('\n');
        yaml.Append("duration: ").Append(w.TestDurationMinutes).Append("m\n");
        yaml.Append("topics:\n");
        for (var t = 0; t < w.Topics; t++)
        {
            yaml.Append("  - {name: ").Append(TopicName(t, w.Topics)).Append(", partitions: ").Append(w.PartitionsPerTopic)
                .Append(", replication-factor: ").Append(replicationFactor).Append("}\n");
        }

        var keys = w.KeyDistributor switch
        {
            OmbKeyDistributor.KeyRoundRobin => $"{{distribution: sequential, space: {KeyCount}}}",
            OmbKeyDistributor.RandomNano => $"{{distribution: uniform, space: {KeyCount}}}",
            _ => "{distribution: none}",
        };
        yaml.Append("traffic:\n");
        for (var t = 0; t < w.Topics; t++)
        {
            var topic = TopicName(t, w.Topics);
            yaml.Append("  - name: ").Append(topic).Append('\n');
            yaml.Append("    topic: ").Append(topic).Append('\n');
            yaml.Append("    rate: ").Append(Number(perTopicRate)).Append('\n');
            yaml.Append("    producers: ").Append(w.ProducersPerTopic).Append('\n');
            yaml.Append("    payload: {kind: fixed, size: ").Append(w.MessageSize).Append("}\n");
            yaml.Append("    keys: ").Append(keys).Append('\n');
        }

        if (w.SubscriptionsPerTopic > 0)
        {
            yaml.Append("consumers:\n");
            for (var t = 0; t < w.Topics; t++)
            {
                var topic = TopicName(t, w.Topics);
                for (var s = 0; s < w.SubscriptionsPerTopic; s++)
                {
                    yaml.Append("  - {group: ").Append(GroupName(topic, s)).Append(", topic: ").Append(topic)
                        .Append(", instances: ").Append(w.ConsumerPerSubscription).Append("}\n");
                }
            }
        }

        return yaml.ToString();
    }

    /// <summary>The file name as a scenario name: letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    private static string ScenarioName(string stem)
    {
        var name = new StringBuilder();
        foreach (var c in stem)
        {
            var safe = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-';
            if (!(safe == '-' && name.Length > 0 && name[^1] == '-'))
            {
                name.Append(safe);
            }
        }

        var trimmed = name.ToString().TrimStart('.', '_', '-').TrimEnd('-');
        return trimmed.Length == 0 ? "omb-workload" : trimmed;
    }

    private static string TopicName(int index, int count) =>
        "omb-topic-" + index.ToString(CultureInfo.InvariantCulture).PadLeft((count - 1).ToString(CultureInfo.InvariantCulture).Length, '0');

    private static string GroupName(string topic, int subscription) =>
        string.Create(CultureInfo.InvariantCulture, $"{topic}-sub-{subscription:D3}");

    private static string Minutes(int minutes) => minutes == 0 ? "0s" : $"{minutes}m";

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A POSIX shell single-quoted word.</summary>
    private static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                _ when char.IsControl(c) => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
