using System.Globalization;
using LoadLab.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Core.Scenarios;

internal sealed partial class ScenarioReader
{
    private static readonly string[] BrokerTargets = ["broker", "leader-of", "controller", "coordinator-of", "transaction-coordinator-of", "random"];

    private FaultSpec? ReadFault(YamlMap map)
    {
        var at = map.Require("at", "30s")?.AsDuration("30s", allowZero: true);
        var action = map.Require("action", "broker.kill")?.AsChoice(FaultActionNames.All);
        var durationValue = map.Get("duration");
        var duration = durationValue?.AsDuration("20s");
        if (action is not { } a)
        {
            return null;
        }

        var name = FaultActionNames.Name(a);
        var valid = at is not null && (durationValue is null || duration is not null);
        if (at is { } start && !IsInsideRun(map.Get("at")!, start, duration, $"the {name} fault"))
        {
            valid = false;
        }

        if (durationValue is not null && a is FaultAction.BrokerRestart or FaultAction.BrokerAdd or FaultAction.BrokerDecommission or FaultAction.GroupReplay)
        {
            durationValue.Problem($"{name} cannot be reverted, so it takes no duration", a == FaultAction.BrokerRestart ? "remove duration (broker.kill with a duration restarts the broker when it ends)" : "remove duration");
            valid = false;
        }

        var (allowedTargets, targetRequired) = a switch
        {
            FaultAction.LeaderMove or FaultAction.PartitionReassign => (["partition"], true),
            FaultAction.GroupReplay => (["group"], true),
            FaultAction.BrokerAdd => (["broker"], false),
            FaultAction.ErrorsInject => (BrokerTargets, false),
            _ => (BrokerTargets, true),
        };
        var targetExample = allowedTargets[0] switch
        {
            "partition" => "{partition: inference-events/0}",
            "group" => "{group: scorers}",
            _ => "{broker: 2}",
        };
        var targetValue = targetRequired ? map.Require("target", targetExample) : map.Get("target");
        FaultTarget? target = null;
        if (targetValue is not null)
        {
            target = ReadTarget(targetValue, name, allowedTargets);
            valid &= target is not null;
        }

        var latencyValue = ValueFor(map, "latency", a, a == FaultAction.BrokerSlow, "50ms", ref valid, FaultAction.BrokerSlow);
        var latency = latencyValue?.AsDuration("50ms");
        valid &= latencyValue is null || latency is not null;
        var replicasValue = ValueFor(map, "replicas", a, a == FaultAction.PartitionReassign, "[2, 3, 1]", ref valid, FaultAction.PartitionReassign, FaultAction.LeaderMove);
        var replicas = replicasValue is null ? null : ReadReplicas(replicasValue);
        valid &= replicasValue is null || replicas is not null;
        var rewindValue = map.Get("rewind");
        GroupRewind? rewind = null;
        if (a == FaultAction.GroupReplay)
        {
            rewind = ReadRewind(map.Require("rewind", "{messages: 10000}")?.AsMap(ScenarioFormat.Rewind, "{messages: 10000}"));
            valid &= rewind is not null;
        }
        else if (rewindValue is not null)
        {
            rewindValue.Problem($"rewind applies only to group.replay, not to {name}", "remove rewind");
            valid = false;
        }

        var errorsValue = map.Get("errors");
        ErrorInjection? errors = null;
        if (a == FaultAction.ErrorsInject)
        {
            errors = ReadErrors(map.Require("errors", "{api: Produce, code: NOT_LEADER_OR_FOLLOWER, count: 50}")?.AsMap(ScenarioFormat.Errors, "{api: Produce, code: NOT_LEADER_OR_FOLLOWER, count: 50}"));
            valid &= errors is not null;
        }
        else if (errorsValue is not null)
        {
            errorsValue.Problem($"errors applies only to errors.inject, not to {name}", "remove errors");
            valid = false;
        }

        return valid
            ? new FaultSpec
            {
                At = at!.Value,
                Action = a,
                Target = target ?? new ClusterTarget(),
                Duration = duration,
                Latency = latency,
                Replicas = replicas ?? [],
                Errors = errors,
                Rewind = rewind,
                Line = map.Line,
            }
            : null;
    }

    /// <summary>The value of a key that only some actions take; for other actions its presence is a problem.</summary>
    private static YamlValue? ValueFor(YamlMap map, string key, FaultAction action, bool required, string example, ref bool valid, params FaultAction[] owners)
    {
        var value = required ? map.Require(key, example) : map.Get(key);
        if (value is null)
        {
            valid &= !required;
            return null;
        }

        if (!owners.Contains(action))
        {
            value.Problem($"{key} applies only to {string.Join(" and ", owners.Select(FaultActionNames.Name))}, not to {FaultActionNames.Name(action)}", $"remove {key}");
            valid = false;
            return null;
        }

        return value;
    }

    private FaultTarget? ReadTarget(YamlValue value, string action, string[] allowed)
    {
        string kind;
        YamlMap? map = null;
        switch (value.Node)
        {
            case YamlScalarNode:
                if (value.AsOneOf(["controller", "random"]) is not { } named)
                {
                    return null;
                }

                kind = named;
                break;
            case YamlMappingNode:
                map = value.AsMap(ScenarioFormat.Target, "{broker: 2}");
                if (map?.ExactlyOneOf(["broker", "leader-of", "coordinator-of", "transaction-coordinator-of", "partition", "group"], "broker: 2") is not { } key)
                {
                    return null;
                }

                kind = key;
                break;
            default:
                value.Problem($"expected controller, random or a mapping such as {{broker: 2}}, got {value.Describe()}", value.Example("{broker: 2}"));
                return null;
        }

        if (!allowed.Contains(kind))
        {
            value.Problem($"target \"{kind}\" does not apply to {action} (allowed targets: {string.Join(", ", allowed)})", allowed[0] switch
            {
                "partition" => $"e.g. target: {{partition: {_declaredTopics.FirstOrDefault() ?? "inference-events"}/0}}",
                "group" => $"e.g. target: {{group: {_groups.Keys.FirstOrDefault() ?? "scorers"}}}",
                _ => "e.g. target: {broker: 2}",
            });
            return null;
        }

        switch (kind)
        {
            case "controller":
                return new ControllerTarget();
            case "random":
                return new RandomBrokerTarget();
            case "broker":
                return map!.Get("broker")!.AsInt("a broker id, at least 0", "2", min: 0) is { } id ? new BrokerTarget(id) : null;
            case "leader-of":
                return ReadPartitionReference(map!.Get("leader-of")!) is { } leaderOf ? new LeaderOfTarget(leaderOf.Topic, leaderOf.Partition) : null;
            case "partition":
                return ReadPartitionReference(map!.Get("partition")!) is { } partition ? new PartitionTarget(partition.Topic, partition.Partition) : null;
            case "group":
                return ReadGroupReference(map!.Get("group")!, "group") is { } replayed ? new GroupTarget(replayed) : null;
            case "transaction-coordinator-of":
                var ownerValue = map!.Get("transaction-coordinator-of")!;
                var owner = ownerValue.AsString("predictions");
                if (owner is null)
                {
                    return null;
                }

                if (_transactionOwners.Contains(owner))
                {
                    return new TransactionCoordinatorOfTarget(owner);
                }

                var closestOwner = Spelling.DidYouMean(owner, _transactionOwners);
                ownerValue.Problem(
                    _transactionOwners.Count == 0
                        ? $"\"{owner}\" produces no transactions; the scenario has no traffic stream with transactions and no transforming consumer group"
                        : $"\"{owner}\" is not a transactional stream or transforming group; those are: {string.Join(", ", _transactionOwners)}",
                    closestOwner is null ? "add transactions: {messages: 100} to a traffic stream" : $"transaction-coordinator-of: {closestOwner}");
                return null;
            default:
                return ReadGroupReference(map!.Get("coordinator-of")!, "coordinator-of") is { } coordinated ? new CoordinatorOfTarget(coordinated) : null;
        }
    }

    /// <summary>A consumer group declared under <c>consumers</c>.</summary>
    private string? ReadGroupReference(YamlValue groupValue, string key)
    {
        var group = groupValue.AsString("scorers");
        if (group is null)
        {
            return null;
        }

        if (_groups.ContainsKey(group))
        {
            return group;
        }

        var closest = Spelling.DidYouMean(group, _groups.Keys);
        groupValue.Problem(
            _groups.Count == 0 ? $"unknown consumer group \"{group}\"; the scenario declares no consumer groups" : $"unknown consumer group \"{group}\"; declared groups: {string.Join(", ", _groups.Keys)}",
            closest is null ? "declare the group under consumers" : $"{key}: {closest}");
        return null;
    }

    /// <summary><c>rewind: {messages: 10000}</c> (per partition) or <c>{ago: 30s}</c>.</summary>
    private static GroupRewind? ReadRewind(YamlMap? map)
    {
        var form = map?.ExactlyOneOf(["messages", "ago"], "messages: 10000");
        return form switch
        {
            "messages" => map!.Get("messages")!.AsInt("a whole number of messages per partition, at least 1", "10000", min: 1, max: int.MaxValue) is { } messages ? new GroupRewind(messages, null) : null,
            "ago" => map!.Get("ago")!.AsDuration("30s") is { } ago ? new GroupRewind(null, ago) : null,
            _ => null,
        };
    }

    /// <summary><c>topic/partition</c> naming a partition that exists.</summary>
    private (string Topic, int Partition)? ReadPartitionReference(YamlValue value)
    {
        var text = value.AsString("inference-events/0");
        if (text is null)
        {
            return null;
        }

        var slash = text.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            value.Problem($"expected topic/partition such as inference-events/0, got {value.Describe()}", value.Example("inference-events/0"));
            return null;
        }

        var topic = FindTopic(text[..slash], value, closest => $"{value.Key}: {closest}/{partition}");
        if (topic is null)
        {
            return null;
        }

        if (partition >= topic.Partitions)
        {
            value.Problem($"partition {partition} does not exist: topic \"{topic.Name}\" has {topic.Partitions} partitions (0 to {topic.Partitions - 1})", $"{value.Key}: {topic.Name}/{topic.Partitions - 1}");
            return null;
        }

        return (topic.Name, partition);
    }

    private static IReadOnlyList<int>? ReadReplicas(YamlValue value)
    {
        var items = value.AsList("[2, 3, 1]");
        if (items is null)
        {
            return null;
        }

        if (items.Count == 0)
        {
            value.Problem("expected at least one replica broker id", value.Example("[2, 3, 1]"));
            return null;
        }

        var replicas = new List<int>();
        var valid = true;
        foreach (var item in items)
        {
            if (item.AsInt("a broker id, at least 0", "2", min: 0) is not { } id)
            {
                valid = false;
            }
            else if (replicas.Contains(id))
            {
                item.Problem($"broker {id} is listed twice", "list each replica once");
                valid = false;
            }
            else
            {
                replicas.Add(id);
            }
        }

        return valid ? replicas : null;
    }

    private static ErrorInjection? ReadErrors(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }

        var apiValue = map.Require("api", "Produce");
        var api = apiValue?.AsChoice(KafkaProtocol.Apis);
        var code = ReadErrorCode(map.Require("code", "NOT_LEADER_OR_FOLLOWER"));
        var count = map.Require("count", "50")?.AsInt("a whole number of failed requests, at least 1", "50", min: 1, max: 10_000_000);
        return api is null || code is null || count is null ? null : new ErrorInjection(apiValue!.Text!, api.Value, code.Value, count.Value);
    }

    private static int? ReadErrorCode(YamlValue? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } && int.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            var code = value.AsInt("a Kafka error code from -1 to 32767, not 0 (0 means no error)", "6", min: -1, max: short.MaxValue);
            if (code == 0)
            {
                value.Problem("expected a Kafka error code from -1 to 32767, not 0 (0 means no error)", value.Example("6"));
                return null;
            }

            return code;
        }

        return value.AsChoice(KafkaProtocol.Errors);
    }
}
