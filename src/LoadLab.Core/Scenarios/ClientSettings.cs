using System.Globalization;
using System.Text.RegularExpressions;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Scenarios;

/// <summary>
/// librdkafka settings given in a scenario (<c>producer:</c>, <c>consumer:</c>): passed through as strings, except
/// the ones LoadLab itself must control, which are rejected with the reason.
/// </summary>
internal static partial class ClientSettings
{
    private const string ConnectionReason = "LoadLab connects clients to the environment's cluster; choose the cluster with --env";
    private const string SecurityReason = "security settings come from the environment (environment variables), so secrets never land in scenario files or results";

    private static readonly Dictionary<string, string> ReservedForProducers = new(StringComparer.Ordinal)
    {
        ["bootstrap.servers"] = ConnectionReason,
        ["metadata.broker.list"] = ConnectionReason,
        ["dr_cb"] = "LoadLab installs its own delivery handler to measure every acknowledgement",
        ["dr_msg_cb"] = "LoadLab installs its own delivery handler to measure every acknowledgement",
        ["enable.delivery.reports"] = "produce latency and the delivery audit need a delivery report for every message",
        ["delivery.report.only.error"] = "produce latency and the delivery audit need a delivery report for every message",
        ["transactional.id"] = "LoadLab owns the transactional ids (one per producer instance, the same on every run, so a restarted run fences the one before); use the stream's transactions: block",
    };

    private static readonly Dictionary<string, string> ReservedForConsumers = new(StringComparer.Ordinal)
    {
        ["bootstrap.servers"] = ConnectionReason,
        ["metadata.broker.list"] = ConnectionReason,
        ["group.id"] = "the consumer group's \"group\" key names the group",
    };

    /// <summary>Reads a settings mapping; null values after problems are left out.</summary>
    public static IReadOnlyDictionary<string, string> ReadProducer(YamlMap? settings) => Read(settings, ReservedForProducers, "producer");

    public static IReadOnlyDictionary<string, string> ReadConsumer(YamlMap? settings)
    {
        var read = Read(settings, ReservedForConsumers, "consumer");
        if (settings?.Get(ConsumerGroupSpec.IsolationSetting) is { } isolation && read.TryGetValue(ConsumerGroupSpec.IsolationSetting, out var level)
            && level is not ("read_committed" or "read_uncommitted"))
        {
            isolation.Problem($"isolation.level must be read_committed or read_uncommitted, got \"{level}\"", "isolation.level: read_committed");
            read.Remove(ConsumerGroupSpec.IsolationSetting);
        }

        return read;
    }

    /// <summary>
    /// The settings of a transforming group's consumers: LoadLab commits their offsets inside each transaction, so it
    /// controls automatic commits; and a pipeline that promises exactly once reads committed inputs only.
    /// </summary>
    public static void CheckTransforming(YamlMap? settings)
    {
        foreach (var (key, value) in settings?.Entries ?? [])
        {
            if (key is "enable.auto.commit" or "enable.auto.offset.store")
            {
                value.Problem($"the consumer setting \"{key}\" is controlled by LoadLab in a transforming group: its input offsets are committed inside each transaction", $"remove {key}");
            }
        }
    }

    /// <summary>
    /// Settings that contradict a transactional producer: transactions need idempotence and acks=all (librdkafka turns
    /// both on and refuses a producer configured otherwise), so such a setting is a mistake found before the run.
    /// </summary>
    public static void CheckTransactional(YamlMap? settings)
    {
        foreach (var (key, value) in settings?.Entries ?? [])
        {
            if (key == "enable.idempotence" && value.Text is { } idempotence && idempotence.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                value.Problem("transactions need an idempotent producer; librdkafka refuses enable.idempotence: false with a transactional id", "remove enable.idempotence");
            }
            else if (key is "acks" or "request.required.acks" && value.Text is { } acks && acks is not ("all" or "-1"))
            {
                value.Problem($"transactions need acks=all; librdkafka refuses {key}: {acks} with a transactional id", $"remove {key} or set it to all");
            }
        }
    }

    private static Dictionary<string, string> Read(YamlMap? settings, Dictionary<string, string> reserved, string client)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings is null)
        {
            return result;
        }

        foreach (var (key, value) in settings.Entries)
        {
            if (!SettingName().IsMatch(key))
            {
                value.Problem($"\"{key}\" is not a librdkafka setting name (lower-case words joined by dots, e.g. linger.ms)");
                continue;
            }

            var reason = reserved.GetValueOrDefault(key)
                ?? (key == "security.protocol" || key.StartsWith("sasl.", StringComparison.Ordinal) || key.StartsWith("ssl.", StringComparison.Ordinal) ? SecurityReason : null);
            if (reason is not null)
            {
                value.Problem($"the {client} setting \"{key}\" is controlled by LoadLab: {reason}", $"remove {key}");
                continue;
            }

            if (value.Text is not { Length: > 0 } text)
            {
                value.Problem($"expected a text, number or true/false value for a librdkafka setting, got {value.Describe()}", value.Example("5"));
                continue;
            }

            result[key] = LibrdkafkaValue(value, text);
        }

        return result;
    }

    /// <summary>
    /// librdkafka parses booleans as lower-case <c>true</c>/<c>false</c> and integers without exponent or separators,
    /// so the YAML spellings <c>True</c>, <c>1_000</c> and <c>1e3</c> are converted; quoted text is passed unchanged.
    /// </summary>
    private static string LibrdkafkaValue(YamlValue value, string text)
    {
        if (value.Node is not YamlDotNet.RepresentationModel.YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain })
        {
            return text;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return text.ToLowerInvariant();
        }

        var number = text.Replace("_", "", StringComparison.Ordinal);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
            ? parsed.ToString(CultureInfo.InvariantCulture)
            : text;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SettingName();
}
