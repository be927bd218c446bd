using System.Text.RegularExpressions;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Scenarios;

/// <summary>
/// Reads one scenario document. Sections are read in dependency order (run window, topics, consumers, traffic,
/// faults, SLOs) so that references and offsets are checked where they are written, with their own line.
/// </summary>
internal sealed partial class ScenarioReader
{
    private readonly YamlMap _root;
    private readonly ScenarioOverrides _overrides;
    private readonly Dictionary<string, TopicSpec> _topics = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declaredTopics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsumerGroupSpec> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groupLines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, YamlValue> _transformOutputs = new(StringComparer.Ordinal);
    /// <summary>Streams with transactions and transforming groups: what <c>transaction-coordinator-of</c> may name.</summary>
    private readonly List<string> _transactionOwners = [];
    private TimeSpan _warmup;
    private TimeSpan? _duration;

    public ScenarioReader(YamlMap root, ScenarioOverrides overrides)
    {
        _root = root;
        _overrides = overrides;
    }

    /// <summary>Warm-up plus duration, when the duration is valid; offsets are checked against it.</summary>
    private TimeSpan? RunEnd => _duration + _warmup;

    public Scenario? Read()
    {
        _ = _root.Require("version", "1")?.AsInt($"the format version {ScenarioLoader.FormatVersion}", "1", ScenarioLoader.FormatVersion, ScenarioLoader.FormatVersion);
        var name = ReadName(_root.Require("name", "my-scenario"));
        var description = _root.Get("description")?.AsString("\"What this scenario shows\"") ?? "";
        _duration = _root.Require("duration", "50s")?.AsDuration("50s");

        _warmup = _root.Get("warmup")?.AsDuration("10s", allowZero: true) ?? TimeSpan.Zero;
        var seed = _root.Get("seed")?.AsInt("a whole number", "42") ?? 1;
        seed = _overrides.Seed ?? seed;
        var drainTimeout = _root.Get("drain-timeout")?.AsDuration("15s") ?? TimeSpan.FromSeconds(15);
        var topics = ReadTopics();
        var consumers = ReadList(_root.Get("consumers"), "[{group: scorers, topic: inference-events}]", ScenarioFormat.Consumer, "{group: scorers, topic: inference-events}", ReadConsumer);
        CheckTransformOutputsAreRead(consumers);
        var traffic = ReadTraffic();
        var faults = ReadList(_root.Get("faults"), "[{at: 30s, action: broker.kill, target: random}]", ScenarioFormat.Fault, "{at: 30s, action: broker.kill, target: random}", ReadFault);
        // Counted from the file, so that an SLO is not also blamed when the faults themselves have problems.
        var hasFaults = faults.Count > 0 || _root.Get("faults")?.Node is YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: > 0 };
        var slos = ReadSlos(hasFaults, faults);
        var regression = ReadRegression();

        if (_root.Problems.Any || name is null || _duration is not { } duration)
        {
            return null;
        }

        return new Scenario
        {
            Version = ScenarioLoader.FormatVersion,
            Name = name,
            Description = description,
            Duration = duration,
            Warmup = _warmup,
            Seed = seed,
            DrainTimeout = drainTimeout,
            Topics = topics,
            Traffic = traffic,
            Consumers = consumers,
            Faults = faults,
            Slos = slos,
            Regression = regression ?? RegressionSpec.Default,
        };
    }

    private static string? ReadName(YamlValue? value)
    {
        var name = value?.AsString("my-scenario");
        if (name is not null && !SafeName().IsMatch(name))
        {
            value!.Problem($"the scenario name \"{name}\" must start with a letter or digit and contain only letters, digits, '.', '_' and '-' (it names result folders)", value.Example("my-scenario"));
            return null;
        }

        return name;
    }

    private List<TopicSpec> ReadTopics()
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var topics = ReadList(_root.Require("topics", "[{name: inference-events, partitions: 6, replication-factor: 3}]"), "[{name: inference-events, partitions: 6, replication-factor: 3}]", ScenarioFormat.Topic, "{name: inference-events, partitions: 6, replication-factor: 3}", map =>
        {
            var nameValue = map.Require("name", "inference-events");
            var name = nameValue?.AsString("inference-events");
            if (name is not null && !TopicName().IsMatch(name))
            {
                nameValue!.Problem($"the topic name \"{name}\" is not a valid Kafka topic name (1 to 249 letters, digits, '.', '_' or '-')", nameValue.Example("inference-events"));
                name = null;
            }

            if (name is not null)
            {
                _declaredTopics.Add(name);
            }

            var partitions = map.Require("partitions", "6")?.AsInt("a whole number of partitions, at least 1", "6", min: 1, max: 100_000);
            var replication = map.Require("replication-factor", "3")?.AsInt("a whole number of replicas, at least 1", "3", min: 1, max: 100);
            var retentionValue = map.Get("retention");
            var retention = retentionValue?.AsDuration("24h");
            if (name is null || !IsUnique(lines, name, nameValue!, "topic") || partitions is null || replication is null || (retentionValue is not null && retention is null))
            {
                return null;
            }

            var topic = new TopicSpec(name, partitions.Value, replication.Value, retention);
            _topics[name] = topic;
            return topic;
        });
        if (topics.Count == 0 && _root.Get("topics") is { Node: YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: 0 } } empty)
        {
            empty.Problem("at least one topic is needed", "add e.g. - {name: inference-events, partitions: 6, replication-factor: 3}");
        }

        return topics;
    }

    private ConsumerGroupSpec? ReadConsumer(YamlMap map)
    {
        var groupValue = map.Require("group", "scorers");
        var group = groupValue?.AsString("scorers");
        var topic = ReadTopicReference(map.Require("topic", "inference-events"));
        var instances = map.Get("instances")?.AsInt("a whole number of consumer instances, at least 1", "2", min: 1, max: 1_000) ?? 1;
        var processing = map.Get("processing-time")?.AsDuration("2ms") ?? TimeSpan.Zero;
        var settingsMap = map.Get("consumer")?.AsMap(ScenarioFormat.ConsumerSettings, "{auto.offset.reset: earliest}");
        var settings = ClientSettings.ReadConsumer(settingsMap);
        var transformValue = map.Get("transform");
        YamlValue? toValue = null;
        var transform = transformValue is null ? null : ReadTransform(transformValue, topic, out toValue);
        if (transformValue is not null)
        {
            ClientSettings.CheckTransforming(settingsMap);
        }

        if (group is null || topic is null || !IsUnique(_groupLines, group, groupValue!, "consumer group") || (transformValue is not null && transform is null))
        {
            return null;
        }

        var spec = new ConsumerGroupSpec(group, topic.Name, instances, processing, settings) { Transform = transform };
        _groups[group] = spec;
        if (transform is not null)
        {
            _transformOutputs[group] = toValue!;
            _transactionOwners.Add(group);
        }

        return spec;
    }

    private const string TransformExample = "{to: enriched-events, transactions: {messages: 100}}";

    /// <summary><c>transform: {to: topic, transactions: {...}, producer: {...}}</c>.</summary>
    private TransformSpec? ReadTransform(YamlValue value, TopicSpec? input, out YamlValue? toValue)
    {
        toValue = null;
        var map = value.AsMap(ScenarioFormat.Transform, TransformExample);
        if (map is null)
        {
            return null;
        }

        toValue = map.Require("to", "enriched-events");
        var output = ReadTopicReference(toValue);
        if (output is not null && input is not null && output.Name == input.Name)
        {
            toValue!.Problem($"the group would write its outputs to the topic it reads (\"{input.Name}\") and read them again", "write to another declared topic");
            output = null;
        }

        var transactionsValue = map.Require("transactions", "{messages: 100}");
        var transactions = transactionsValue is null ? null : ReadTransactions(transactionsValue);
        var settingsMap = map.Get("producer")?.AsMap(ScenarioFormat.ProducerSettings, "{linger.ms: 5}");
        var settings = ClientSettings.ReadProducer(settingsMap);
        ClientSettings.CheckTransactional(settingsMap);
        return output is null || transactions is null ? null : new TransformSpec(output.Name, transactions, settings);
    }

    /// <summary>
    /// Every transforming group's output must be read by a read_committed group: the audit follows each input to its
    /// outputs through what such a group sees, as any downstream consumer of the pipeline would.
    /// </summary>
    private void CheckTransformOutputsAreRead(IReadOnlyList<ConsumerGroupSpec> consumers)
    {
        foreach (var spec in consumers.Where(c => c.Transform is not null))
        {
            var output = spec.Transform!.Topic;
            if (!consumers.Any(c => c.Topic == output && c.Isolation == ConsumerIsolation.ReadCommitted) && _transformOutputs.TryGetValue(spec.Group, out var toValue))
            {
                toValue.Problem(
                    $"no read_committed consumer group reads \"{output}\", so nothing would check that each input of \"{spec.Group}\" has exactly one output",
                    $"add a consumer group, e.g. - {{group: {output}-verifier, topic: {output}}}");
            }
        }
    }

    private IReadOnlyList<SloSpec> ReadSlos(bool hasFaults, IReadOnlyList<FaultSpec> faults)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        return ReadList(_root.Get("slos"), "[{metric: produce.p99, phase: steady, max: 50}]", ScenarioFormat.Slo, "{metric: produce.p99, phase: steady, max: 50}", map =>
        {
            var metricValue = map.Require("metric", "produce.p99");
            var metric = metricValue?.AsOneOf(SloMetrics.Names);
            var phaseValue = map.Get("phase");
            var phase = phaseValue is null ? SloPhase.Overall : phaseValue.AsEnum<SloPhase>();
            var bound = map.ExactlyOneOf(["max", "min"], "max: 50");
            var limit = bound is null ? null : map.Get(bound)!.AsDouble("a number, at least 0, in the metric's unit", "50", min: 0);
            if (metric is null || phase is null || bound is null || limit is null)
            {
                return null;
            }

            if (phase is SloPhase.During or SloPhase.After && !hasFaults)
            {
                phaseValue!.Problem($"phase \"{KebabCase.From(phase.Value.ToString())}\" is measured around faults, but the scenario has no faults", "use phase: overall or add a fault");
                return null;
            }

            if (SloMetrics.IsWholeRun(metric) && phase != SloPhase.Overall)
            {
                phaseValue!.Problem($"{metric} is counted over the whole run, not per phase", "remove phase (it defaults to overall)");
                return null;
            }

            if (metric == "recovery" && !hasFaults)
            {
                metricValue!.Problem("recovery is measured after faults, but the scenario has no faults", "add a fault or remove this SLO");
                return null;
            }

            var groupValue = map.Get("group");
            var group = groupValue is null ? null : ReadSloGroup(groupValue, metric);
            if (groupValue is not null && group is null)
            {
                return null;
            }

            if (!CanMeasure(metricValue!, metric, group, faults))
            {
                return null;
            }

            var comparison = bound == "max" ? SloComparison.LessOrEqual : SloComparison.GreaterOrEqual;
            var phaseName = KebabCase.From(phase.Value.ToString());
            var defaultName = $"{(group is null ? "" : group + " ")}{metric} {phaseName} {(bound == "max" ? "<=" : ">=")} {limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            var nameValue = map.Get("name");
            var name = nameValue?.AsString("steady produce p99") ?? defaultName;
            return IsUnique(names, name, nameValue ?? metricValue!, "SLO") ? new SloSpec(name, metric, phase.Value, comparison, limit.Value) { Group = group } : null;
        });
    }

    /// <summary>The consumer group of an SLO on consumption; null after recording why it cannot be.</summary>
    private string? ReadSloGroup(YamlValue groupValue, string metric)
    {
        if (!SloMetrics.IsPerGroup(metric))
        {
            groupValue.Problem($"{metric} is measured for the run, not per consumer group", "remove group (SLOs on e2e, lag, recovery, the audit, transactions and replays take a group)");
            return null;
        }

        if (ReadGroupReference(groupValue, "group") is not { } group)
        {
            return null;
        }

        if (SloMetrics.NeedsTransformingGroup(metric) && _groups[group].Transform is null)
        {
            var transforming = _groups.Values.Where(g => g.Transform is not null).Select(g => g.Group).ToList();
            groupValue.Problem(
                $"{metric} of a group measures its consume-transform-produce pipeline, but \"{group}\" does not transform",
                transforming.Count == 0 ? "add transform: to the group, or remove group" : $"group: {transforming[0]}");
            return null;
        }

        return group;
    }

    /// <summary>Whether the run can have a value for the metric at all; false after recording why not.</summary>
    private bool CanMeasure(YamlValue metricValue, string metric, string? group, IReadOnlyList<FaultSpec> faults)
    {
        string? problem = null;
        string? fix = null;
        if (metric.StartsWith("txn.", StringComparison.Ordinal) && _transactionOwners.Count == 0)
        {
            (problem, fix) = ($"{metric} is measured on transactions, but no stream or group of the scenario produces in transactions", "add transactions: {messages: 100} to a traffic stream");
        }
        else if (metric is "outputs.lost" or "outputs.duplicated" && group is null && !_groups.Values.Any(g => g.Transform is not null))
        {
            (problem, fix) = ($"{metric} counts the outputs of consume-transform-produce pipelines, but no consumer group transforms", "add transform: to a consumer group");
        }
        else if (metric == "replay.catch-up" && !faults.Any(f => f.Action == FaultAction.GroupReplay && (group is null || f.Target is GroupTarget { Group: var replayed } && replayed == group)))
        {
            (problem, fix) = group is null
                ? ("replay.catch-up is measured after group.replay faults, but the scenario has none", "add a group.replay fault or remove this SLO")
                : ($"replay.catch-up of \"{group}\" is measured after a group.replay of that group, but the scenario replays no such group", $"add {{at: 30s, action: group.replay, target: {{group: {group}}}, rewind: {{messages: 10000}}}}");
        }

        if (problem is null)
        {
            return true;
        }

        metricValue.Problem(problem, fix);
        return false;
    }

    private RegressionSpec? ReadRegression()
    {
        if (_root.Get("regression")?.AsMap(ScenarioFormat.Regression, "{rules: [{metric: produce.p99, max-change: +15%}]}") is not { } map)
        {
            return null;
        }

        var confidence = map.Get("confidence")?.AsDouble("a confidence level between 0.5 and 1 (exclusive)", "0.95", min: 0.5, max: 0.999, exclusiveMin: true) ?? RegressionSpec.DefaultConfidence;
        var metrics = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = ReadList(map.Require("rules", "[{metric: produce.p99, max-change: +15%}]"), "[{metric: produce.p99, max-change: +15%}]", ScenarioFormat.RegressionRule, "{metric: produce.p99, max-change: +15%}", rule =>
        {
            var metricValue = rule.Require("metric", "produce.p99");
            var metric = metricValue?.AsOneOf(SloMetrics.Comparable);
            var change = ReadMaxChange(rule.Require("max-change", "+15%"), metric);
            return metric is null || change is null || !IsUnique(metrics, metric, metricValue!, "regression rule for metric") ? null : change;
        });
        return new RegressionSpec { Confidence = confidence, Rules = rules };
    }

    /// <summary><c>+15%</c> (relative, higher is worse), <c>-2%</c> (lower is worse), <c>+20</c> (absolute, in the metric's unit); without a sign the metric's natural direction.</summary>
    private static RegressionRule? ReadMaxChange(YamlValue? value, string? metric)
    {
        var text = value?.AsString("+15%");
        if (text is null || metric is null)
        {
            return null;
        }

        var match = MaxChange().Match(text.Trim());
        if (!match.Success)
        {
            value!.Problem($"\"{text}\" is not an allowed change; write +15% (relative to the baseline, higher is worse), -2% (lower is worse) or +20 (absolute, in the metric's unit)", value.Example("+15%"));
            return null;
        }

        var amount = double.Parse(match.Groups["amount"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var relative = match.Groups["percent"].Success;
        var worse = match.Groups["sign"].Value switch
        {
            "+" => WorseDirection.Higher,
            "-" => WorseDirection.Lower,
            _ => RegressionRule.NaturalDirection(metric),
        };
        return new RegressionRule(metric, relative ? amount / 100 : amount, relative, worse);
    }

    /// <summary>A topic name that must be declared under <c>topics</c>.</summary>
    private TopicSpec? ReadTopicReference(YamlValue? value)
    {
        var name = value?.AsString("inference-events");
        return name is null ? null : FindTopic(name, value!, closest => value!.Key is null ? closest : $"{value.Key}: {closest}");
    }

    private TopicSpec? FindTopic(string name, YamlValue value, Func<string, string> fixFor)
    {
        if (_topics.TryGetValue(name, out var topic))
        {
            return topic;
        }

        if (_declaredTopics.Count == 0 || _declaredTopics.Contains(name))
        {
            // The topic (or the whole list) is declared wrongly and has its own problem.
            return null;
        }

        var closest = Spelling.DidYouMean(name, _declaredTopics);
        value.Problem(
            $"unknown topic \"{name}\"; declared topics: {string.Join(", ", _declaredTopics)}",
            closest is null ? "declare it under topics or use a declared topic" : fixFor(closest));
        return null;
    }

    /// <summary>Reads an optional (or required, when <paramref name="value"/> came from Require) list of mappings.</summary>
    private static List<T> ReadList<T>(YamlValue? value, string listExample, YamlShape itemShape, string itemExample, Func<YamlMap, T?> readItem) where T : class
    {
        var items = new List<T>();
        foreach (var item in value?.AsList(listExample) ?? [])
        {
            if (item.AsMap(itemShape, itemExample) is { } map && readItem(map) is { } read)
            {
                items.Add(read);
            }
        }

        return items;
    }

    private static bool IsUnique(Dictionary<string, int> seen, string name, YamlValue value, string what)
    {
        if (seen.TryGetValue(name, out var firstLine))
        {
            value.Problem($"{what} \"{name}\" is declared twice (first at line {firstLine})", $"give each {what} its own name");
            return false;
        }

        seen[name] = value.Line;
        return true;
    }

    /// <summary>Checks that a window [at, at + length) lies inside the run; returns false after recording why not.</summary>
    private bool IsInsideRun(YamlValue atValue, TimeSpan at, TimeSpan? length, string what)
    {
        if (RunEnd is not { } end)
        {
            return true;
        }

        if (at >= end)
        {
            atValue.Problem($"{what} starts at {Durations.Format(at)}, not before {DescribeRunEnd(end)}", $"start it before {Durations.Format(end)}; offsets count from the start of the run, warm-up included");
            return false;
        }

        if (length is { } l && at + l > end)
        {
            atValue.Problem($"{what} ends at {Durations.Format(at + l)} (starts at {Durations.Format(at)}, lasts {Durations.Format(l)}), after {DescribeRunEnd(end)}", $"make it last at most {Durations.Format(end - at)} or start it earlier");
            return false;
        }

        return true;
    }

    private string DescribeRunEnd(TimeSpan end)
    {
        return _warmup > TimeSpan.Zero
            ? $"the end of the run at {Durations.Format(end)} (warm-up {Durations.Format(_warmup)} + duration {Durations.Format(end - _warmup)})"
            : $"the end of the run at {Durations.Format(end)}";
    }

    [GeneratedRegex(@"^(?<sign>[+-])?(?<amount>[0-9]+(\.[0-9]+)?)\s*(?<percent>%)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MaxChange();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicName();
}
