using LoadLab.Core.Yaml;

namespace LoadLab.Core.Scenarios;

internal sealed partial class ScenarioReader
{
    private const string RateExpected = "a positive number of messages per second";
    private const int MaxMessageBytes = 64 << 20;
    private const string TrafficExample = "{name: predictions, topic: inference-events, rate: 2000}";

    private List<TrafficStream> ReadTraffic()
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var streams = ReadList(_root.Require("traffic", $"[{TrafficExample}]"), $"[{TrafficExample}]", ScenarioFormat.Traffic, TrafficExample, map => ReadStream(map, names));
        if (_root.Get("traffic") is { Node: YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: 0 } } empty)
        {
            empty.Problem("at least one traffic stream is needed", $"add e.g. - {TrafficExample}");
        }

        return streams;
    }

    private TrafficStream? ReadStream(YamlMap map, Dictionary<string, int> names)
    {
        var nameValue = map.Require("name", "predictions");
        var name = nameValue?.AsString("predictions");
        var topic = ReadTopicReference(map.Require("topic", "inference-events"));
        var rate = map.Require("rate", "2000")?.AsDouble(RateExpected, "2000", min: 0, max: 10_000_000, exclusiveMin: true);
        var arrivals = map.Get("arrivals") is { } arrivalsValue ? arrivalsValue.AsEnum<ArrivalProcess>() : ArrivalProcess.Uniform;
        var producers = map.Get("producers")?.AsInt("a whole number of producer instances, at least 1", "1", min: 1, max: 1_000) ?? 1;
        var phases = ReadPhases(map.Get("phases"));
        var payload = map.Get("payload") is { } payloadValue ? ReadPayload(payloadValue.AsMap(ScenarioFormat.Payload, "{kind: prediction, size: 1KiB}")) : new PayloadSpec();
        var keys = map.Get("keys") is { } keysValue ? ReadKeys(keysValue.AsMap(ScenarioFormat.Keys, "{distribution: zipf, space: 10000}")) : new KeySpec();
        var settingsMap = map.Get("producer")?.AsMap(ScenarioFormat.ProducerSettings, "{acks: all, enable.idempotence: true}");
        var settings = ClientSettings.ReadProducer(settingsMap);
        var transactionsValue = map.Get("transactions");
        var transactions = transactionsValue is null ? null : ReadTransactions(transactionsValue);
        if (transactions is not null)
        {
            ClientSettings.CheckTransactional(settingsMap);
        }

        if (name is null || !IsUnique(names, name, nameValue!, "traffic stream") || topic is null || rate is null || arrivals is null || phases is null || payload is null || keys is null
            || (transactionsValue is not null && transactions is null))
        {
            return null;
        }

        if (transactions is not null)
        {
            _transactionOwners.Add(name);
        }

        return new TrafficStream
        {
            Name = name,
            Topic = topic.Name,
            Rate = rate.Value,
            Arrivals = arrivals.Value,
            Producers = producers,
            Phases = phases,
            Payload = payload,
            Keys = keys,
            ProducerConfig = settings,
            Transactions = transactions,
        };
    }

    /// <summary><c>transactions: {messages: 100, abort-share: 0.05}</c> or <c>{duration: 200ms}</c>.</summary>
    private TransactionSpec? ReadTransactions(YamlValue value)
    {
        const string example = "{messages: 100, abort-share: 0.05}";
        var map = value.AsMap(ScenarioFormat.Transactions, example);
        if (map is null)
        {
            return null;
        }

        var bound = map.ExactlyOneOf(["messages", "duration"], "messages: 100");
        var messages = bound == "messages" ? map.Get("messages")!.AsInt("a whole number of messages per transaction, at least 1", "100", min: 1, max: 1_000_000) : null;
        var duration = bound == "duration" ? map.Get("duration")!.AsDuration("200ms") : null;
        if (duration is { } d && RunEnd is { } end && d >= end)
        {
            map.Get("duration")!.Problem($"a transaction of {Durations.Format(d)} would outlast the run ({Durations.Format(end)}), so none would commit before the load ends", "choose a duration shorter than the run, e.g. 200ms");
            duration = null;
        }

        var shareValue = map.Get("abort-share");
        var share = shareValue?.AsDouble("a share of transactions from 0 to 1", "0.05", min: 0, max: 1);
        if (bound is null || (messages is null && duration is null) || (shareValue is not null && share is null))
        {
            return null;
        }

        return new TransactionSpec { Messages = messages, Duration = duration, AbortShare = share ?? 0 };
    }

    /// <summary>
    /// Phases in time order. Phases that set the base rate (step, ramp) must not overlap each other, nor may two
    /// spikes or two sines: the rate at such an instant would be ambiguous. A spike or sine over a ramp is fine.
    /// </summary>
    private List<RatePhase>? ReadPhases(YamlValue? value)
    {
        const string example = "spike: {at: 30s, duration: 10s, multiplier: 3}";
        var phases = new List<RatePhase>();
        var valid = true;
        var lastEnds = new Dictionary<string, (TimeSpan End, string Path, string Kind)>(StringComparer.Ordinal);
        TimeSpan? previousStart = null;
        foreach (var item in value?.AsList($"[{{{example}}}]") ?? [])
        {
            var map = item.AsMap(ScenarioFormat.Phase, $"{{{example}}}");
            var kind = map?.ExactlyOneOf(["step", "ramp", "spike", "sine"], example);
            var body = kind is null ? null : map!.Get(kind)!.AsMap(ScenarioFormat.Phase.Children[kind], PhaseExamples[kind]);
            var phase = kind switch
            {
                "step" => (RatePhase?)ReadStep(body),
                "ramp" => ReadRamp(body),
                "spike" => ReadSpike(body),
                "sine" => ReadSine(body),
                _ => null,
            };
            if (phase is null)
            {
                valid = false;
                continue;
            }

            var atValue = body!.Get("at")!;
            if (previousStart is { } before && phase.At < before)
            {
                atValue.Problem($"phases must be listed in time order: this {kind} starts at {Durations.Format(phase.At)}, before the previous phase at {Durations.Format(before)}", "move it after the phases that start earlier");
                valid = false;
                continue;
            }

            previousStart = phase.At;
            (string group, TimeSpan end) = phase switch
            {
                StepPhase => ("base-rate", phase.At),
                RampPhase ramp => ("base-rate", phase.At + ramp.Duration),
                SpikePhase spike => ("spike", phase.At + spike.Duration),
                SinePhase sine => ("sine", sine.Duration is { } d ? phase.At + d : TimeSpan.MaxValue),
                _ => throw new InvalidOperationException($"Unhandled phase {phase}."),
            };
            if (lastEnds.TryGetValue(group, out var last) && phase.At < last.End)
            {
                atValue.Problem($"this {kind} starts at {Durations.Format(phase.At)}, while the {last.Kind} at {last.Path} still runs until {Durations.Format(last.End)}; {Overlap(group)}", $"start it at {Durations.Format(last.End)} or later");
                valid = false;
                continue;
            }

            lastEnds[group] = (end, item.Path, kind!);
            phases.Add(phase);
        }

        return valid ? phases : null;
    }

    private static readonly Dictionary<string, string> PhaseExamples = new(StringComparer.Ordinal)
    {
        ["step"] = "{at: 10s, rate: 5000}",
        ["ramp"] = "{at: 0s, duration: 20s, to: 8000}",
        ["spike"] = "{at: 30s, duration: 10s, multiplier: 4}",
        ["sine"] = "{at: 0s, period: 60s, amplitude: 0.5}",
    };

    private static string Overlap(string group) => group switch
    {
        "base-rate" => "steps and ramps set the base rate and cannot overlap",
        "spike" => "spikes cannot overlap each other",
        _ => "sine phases cannot overlap each other",
    };

    private StepPhase? ReadStep(YamlMap? map)
    {
        var at = ReadAt(map);
        var rate = map?.Require("rate", "5000")?.AsDouble("a number of messages per second, at least 0", "5000", min: 0, max: 10_000_000);
        return at is null || rate is null || !IsInsideRun(map!.Get("at")!, at.Value, null, "the step") ? null : new StepPhase(at.Value, rate.Value);
    }

    private RampPhase? ReadRamp(YamlMap? map)
    {
        var at = ReadAt(map);
        var duration = map?.Require("duration", "20s")?.AsDuration("20s");
        var to = map?.Require("to", "8000")?.AsDouble("a number of messages per second, at least 0", "8000", min: 0, max: 10_000_000);
        return at is null || duration is null || to is null || !IsInsideRun(map!.Get("at")!, at.Value, duration, "the ramp") ? null : new RampPhase(at.Value, duration.Value, to.Value);
    }

    private SpikePhase? ReadSpike(YamlMap? map)
    {
        var at = ReadAt(map);
        var duration = map?.Require("duration", "10s")?.AsDuration("10s");
        var multiplier = map?.Require("multiplier", "3")?.AsDouble("a positive multiplier of the rate", "3", min: 0, max: 10_000, exclusiveMin: true);
        return at is null || duration is null || multiplier is null || !IsInsideRun(map!.Get("at")!, at.Value, duration, "the spike") ? null : new SpikePhase(at.Value, duration.Value, multiplier.Value);
    }

    private SinePhase? ReadSine(YamlMap? map)
    {
        var at = ReadAt(map);
        var period = map?.Require("period", "60s")?.AsDuration("60s");
        var amplitude = map?.Require("amplitude", "0.5")?.AsDouble("an amplitude greater than 0 and at most 1 (a share of the base rate)", "0.5", min: 0, max: 1, exclusiveMin: true);
        var durationValue = map?.Get("duration");
        var duration = durationValue?.AsDuration("2m");
        if (at is null || period is null || amplitude is null || (durationValue is not null && duration is null))
        {
            return null;
        }

        return IsInsideRun(map!.Get("at")!, at.Value, duration, "the sine") ? new SinePhase(at.Value, duration, period.Value, amplitude.Value) : null;
    }

    private static TimeSpan? ReadAt(YamlMap? map) => map?.Require("at", "10s")?.AsDuration("10s", allowZero: true);

    private PayloadSpec? ReadPayload(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var kindValue = map.Get("kind");
        var kind = kindValue is null ? PayloadKind.Fixed : kindValue.AsEnum<PayloadKind>();
        var size = map.Get("size")?.AsSize("1KiB", max: MaxMessageBytes) ?? 1024;
        var featuresValue = map.Get("features");
        var features = featuresValue is null ? FeatureMode.References : featuresValue.AsEnum<FeatureMode>();
        var blocks = ReadBlocks(map.Get("blocks"));
        var chainShareValue = map.Get("chain-share");
        var chainShare = chainShareValue?.AsDouble("a share of user actions from 0 to 1", "0.2", min: 0, max: 1);
        var growth = map.Get("growth") is { } growthValue ? ReadGrowth(growthValue.AsMap(ScenarioFormat.Growth, "{linear-to: 8KiB}"), kind) : null;
        var valid = kind is not null && features is not null && blocks is not null && (chainShareValue is null || chainShare is not null) && (map.Get("growth") is null || growth is not null);

        if (kind == PayloadKind.Fixed)
        {
            foreach (var key in new[] { "features", "blocks" })
            {
                if (map.Get(key) is { } misplaced)
                {
                    misplaced.Problem($"{key} applies to structured payloads (kind prediction, agent-chain or mixed); this payload is fixed bytes", "set kind: prediction or remove " + key);
                    valid = false;
                }
            }
        }

        if (kind == PayloadKind.Mixed && chainShareValue is null)
        {
            map.Problem("a mixed payload needs chain-share (the share of user actions that become agent chains)", "add chain-share: 0.2");
            valid = false;
        }
        else if (kind is not null and not PayloadKind.Mixed && chainShareValue is not null)
        {
            chainShareValue.Problem($"chain-share applies only to kind: mixed; this payload is {KebabCase.From(kind.Value.ToString())}", "set kind: mixed or remove chain-share");
            valid = false;
        }

        return valid
            ? new PayloadSpec { Kind = kind!.Value, Size = size, Features = features!.Value, Blocks = blocks!, ChainShare = chainShare ?? 0, Growth = growth }
            : null;
    }

    private static List<PayloadBlock>? ReadBlocks(YamlValue? value)
    {
        var blocks = new List<PayloadBlock>();
        if (value is null)
        {
            return blocks;
        }

        var items = value.AsList("[explanation, prompt]");
        var valid = items is not null;
        foreach (var item in items ?? [])
        {
            var block = item.AsEnum<PayloadBlock>();
            if (block is null)
            {
                valid = false;
            }
            else if (blocks.Contains(block.Value))
            {
                item.Problem($"block \"{item.Text}\" is listed twice", "list each block once");
                valid = false;
            }
            else
            {
                blocks.Add(block.Value);
            }
        }

        return valid ? blocks : null;
    }

    private PayloadGrowth? ReadGrowth(YamlMap? map, PayloadKind? kind)
    {
        var form = map?.ExactlyOneOf(["linear-to", "steps", "blocks"], "linear-to: 8KiB");
        switch (form)
        {
            case "linear-to":
                return map!.Get("linear-to")!.AsSize("8KiB", max: MaxMessageBytes) is { } target ? new PayloadGrowth { LinearTo = target } : null;
            case "steps":
                var steps = ReadTimedList(map!.Get("steps")!, ScenarioFormat.SizeStep, "{at: 20s, size: 2KiB}", "size step", m =>
                    m.Require("size", "2KiB")?.AsSize("2KiB", max: MaxMessageBytes) is { } size ? size : (int?)null);
                return steps is null ? null : new PayloadGrowth { Steps = [.. steps.Select(s => new SizeStep(s.At, s.Value))] };
            case "blocks":
                if (kind == PayloadKind.Fixed)
                {
                    map!.Get("blocks")!.Problem("growth by blocks needs a structured payload (kind prediction, agent-chain or mixed); this payload is fixed bytes", "set kind: prediction or grow with linear-to");
                    return null;
                }

                var blockSteps = ReadTimedList(map!.Get("blocks")!, ScenarioFormat.BlockStep, "{at: 20s, block: explanation}", "block step", m =>
                    m.Require("block", "explanation")?.AsEnum<PayloadBlock>());
                return blockSteps is null ? null : new PayloadGrowth { Blocks = [.. blockSteps.Select(s => new BlockStep(s.At, s.Value))] };
            default:
                return null;
        }
    }

    /// <summary>A list of <c>{at, …}</c> items inside the run with strictly increasing offsets.</summary>
    private List<(TimeSpan At, T Value)>? ReadTimedList<T>(YamlValue value, YamlShape shape, string example, string what, Func<YamlMap, T?> readValue) where T : struct
    {
        var items = new List<(TimeSpan At, T Value)>();
        var valid = true;
        foreach (var item in value.AsList($"[{example}]") ?? [])
        {
            var map = item.AsMap(shape, example);
            var at = ReadAt(map);
            var read = map is null ? null : readValue(map);
            if (at is null || read is null || !IsInsideRun(map!.Get("at")!, at.Value, null, $"the {what}"))
            {
                valid = false;
                continue;
            }

            if (items.Count > 0 && at.Value <= items[^1].At)
            {
                map!.Get("at")!.Problem($"{what}s must be in time order: this one is at {Durations.Format(at.Value)}, not after the previous one at {Durations.Format(items[^1].At)}", "order them by at");
                valid = false;
                continue;
            }

            items.Add((at.Value, read.Value));
        }

        return valid && value.Node is YamlDotNet.RepresentationModel.YamlSequenceNode ? items : null;
    }

    private KeySpec? ReadKeys(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var distributionValue = map.Get("distribution");
        var distribution = distributionValue is null ? KeyDistribution.Uniform : distributionValue.AsEnum<KeyDistribution>();
        var space = map.Get("space")?.AsInt("a whole number of distinct keys, at least 1", "10000", min: 1, max: 100_000_000) ?? 10_000;
        var kindValue = map.Get("kind");
        var kind = kindValue is null ? KeyKind.User : kindValue.AsEnum<KeyKind>();
        var exponentValue = map.Get("zipf-exponent");
        var exponent = exponentValue?.AsDouble("a positive Zipf exponent", "1.1", min: 0, max: 10, exclusiveMin: true);
        var valid = distribution is not null && kind is not null && (exponentValue is null || exponent is not null);
        if (exponentValue is not null && distribution is not null and not KeyDistribution.Zipf)
        {
            exponentValue.Problem($"zipf-exponent applies only to distribution: zipf; this one is {KebabCase.From(distribution.Value.ToString())}", "set distribution: zipf or remove zipf-exponent");
            valid = false;
        }

        var hotKeysValue = map.Get("hot-keys");
        if (hotKeysValue is not null && distribution == KeyDistribution.None)
        {
            hotKeysValue.Problem("hot keys need message keys, but distribution is none", "choose a distribution such as uniform or remove hot-keys");
            valid = false;
        }

        var hotKeys = ReadHotKeys(hotKeysValue, space);
        return valid && hotKeys is not null
            ? new KeySpec { Distribution = distribution!.Value, Space = space, Kind = kind!.Value, ZipfExponent = exponent ?? 1.0, HotKeys = hotKeys }
            : null;
    }

    private List<HotKeyWindow>? ReadHotKeys(YamlValue? value, int space)
    {
        const string example = "{at: 20s, duration: 30s, share: 0.4, key: 17}";
        var windows = new List<HotKeyWindow>();
        var valid = true;
        foreach (var item in value?.AsList($"[{example}]") ?? [])
        {
            var map = item.AsMap(ScenarioFormat.HotKey, example);
            if (map is null)
            {
                valid = false;
                continue;
            }

            var at = ReadAt(map);
            var duration = map.Require("duration", "30s")?.AsDuration("30s");
            var share = map.Require("share", "0.4")?.AsDouble("a share of the stream's messages greater than 0 and at most 1", "0.4", min: 0, max: 1, exclusiveMin: true);
            var which = map.ExactlyOneOf(["key", "top"], "key: 17");
            var key = which == "key" ? map.Get("key")!.AsInt($"a key index from 0 to {space - 1} (below the key space {space})", Math.Min(17, space - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), min: 0, max: space - 1) : null;
            var top = which == "top" ? map.Get("top")!.AsInt($"a number of most frequent keys from 1 to {space} (the key space)", Math.Min(3, space).ToString(System.Globalization.CultureInfo.InvariantCulture), min: 1, max: space) : null;
            if (at is null || duration is null || share is null || (key is null && top is null) || !IsInsideRun(map.Get("at")!, at.Value, duration, "the hot-key window"))
            {
                valid = false;
                continue;
            }

            if (windows.Count > 0 && at.Value < windows[^1].At + windows[^1].Duration)
            {
                map.Get("at")!.Problem($"this hot-key window starts at {Durations.Format(at.Value)}, before the previous one ends at {Durations.Format(windows[^1].At + windows[^1].Duration)}; hot-key windows must be in time order and not overlap", $"start it at {Durations.Format(windows[^1].At + windows[^1].Duration)} or later");
                valid = false;
                continue;
            }

            windows.Add(new HotKeyWindow(at.Value, duration.Value, share.Value, key, top));
        }

        return valid && (value is null || value.Node is YamlDotNet.RepresentationModel.YamlSequenceNode) ? windows : null;
    }
}
