using LoadLab.Core.Yaml;

namespace LoadLab.Core.Scenarios;

/// <summary>
/// The keys of scenario format version 1, mapping by mapping. The loader reads exactly these keys and the JSON
/// Schema (<c>schemas/scenario.schema.json</c>) must declare exactly these; a test compares the two.
/// </summary>
public static class ScenarioFormat
{
    public static YamlShape Topic { get; } = YamlShape.Map("topic", ["name", "partitions", "replication-factor", "retention"]);

    public static YamlShape StepPhase { get; } = YamlShape.Map("step phase", ["at", "rate"]);

    public static YamlShape RampPhase { get; } = YamlShape.Map("ramp phase", ["at", "duration", "to"]);

    public static YamlShape SpikePhase { get; } = YamlShape.Map("spike phase", ["at", "duration", "multiplier"]);

    public static YamlShape SinePhase { get; } = YamlShape.Map("sine phase", ["at", "period", "amplitude", "duration"]);

    /// <summary>A phase is a one-key mapping naming its kind.</summary>
    public static YamlShape Phase { get; } = YamlShape.Map("phase", [], ("step", StepPhase), ("ramp", RampPhase), ("spike", SpikePhase), ("sine", SinePhase));

    public static YamlShape SizeStep { get; } = YamlShape.Map("size step", ["at", "size"]);

    public static YamlShape BlockStep { get; } = YamlShape.Map("block step", ["at", "block"]);

    public static YamlShape Growth { get; } = YamlShape.Map("payload growth", ["linear-to"], ("steps", SizeStep), ("blocks", BlockStep));

    public static YamlShape Payload { get; } = YamlShape.Map("payload", ["kind", "size", "features", "blocks", "chain-share"], ("growth", Growth));

    public static YamlShape HotKey { get; } = YamlShape.Map("hot-key window", ["at", "duration", "share", "key", "top"]);

    public static YamlShape Keys { get; } = YamlShape.Map("keys", ["distribution", "space", "kind", "zipf-exponent"], ("hot-keys", HotKey));

    public static YamlShape ProducerSettings { get; } = YamlShape.FreeForm("librdkafka producer settings");

    /// <summary>How messages are grouped into transactions (a stream's or a transforming group's).</summary>
    public static YamlShape Transactions { get; } = YamlShape.Map("transactions", ["messages", "duration", "abort-share"]);

    public static YamlShape Traffic { get; } = YamlShape.Map(
        "traffic stream",
        ["name", "topic", "rate", "arrivals", "producers"],
        ("phases", Phase),
        ("payload", Payload),
        ("keys", Keys),
        ("producer", ProducerSettings),
        ("transactions", Transactions));

    public static YamlShape ConsumerSettings { get; } = YamlShape.FreeForm("librdkafka consumer settings");

    /// <summary>Consume-transform-produce: where a group writes each input, in transactions that commit its input offsets.</summary>
    public static YamlShape Transform { get; } = YamlShape.Map("transform", ["to"], ("transactions", Transactions), ("producer", ProducerSettings));

    public static YamlShape Consumer { get; } = YamlShape.Map("consumer group", ["group", "topic", "instances", "processing-time"], ("consumer", ConsumerSettings), ("transform", Transform));

    public static YamlShape Target { get; } = YamlShape.Map("fault target", ["broker", "leader-of", "coordinator-of", "transaction-coordinator-of", "partition", "group"]);

    public static YamlShape Errors { get; } = YamlShape.Map("injected errors", ["api", "code", "count"]);

    /// <summary>How far <c>group.replay</c> rewinds a group: messages back per partition, or a time ago.</summary>
    public static YamlShape Rewind { get; } = YamlShape.Map("rewind", ["messages", "ago"]);

    public static YamlShape Fault { get; } = YamlShape.Map("fault", ["at", "action", "target", "duration", "latency", "replicas"], ("target", Target), ("errors", Errors), ("rewind", Rewind));

    public static YamlShape Slo { get; } = YamlShape.Map("SLO", ["name", "metric", "phase", "group", "max", "min"]);

    public static YamlShape RegressionRule { get; } = YamlShape.Map("regression rule", ["metric", "max-change"]);

    /// <summary>Regression rules for <c>loadlab baseline check</c>; when present they replace the default rules.</summary>
    public static YamlShape Regression { get; } = YamlShape.Map("regression rules", ["confidence"], ("rules", RegressionRule));

    public static YamlShape Root { get; } = YamlShape.Map(
        "scenario",
        ["version", "name", "description", "duration", "warmup", "seed", "drain-timeout"],
        ("topics", Topic),
        ("traffic", Traffic),
        ("consumers", Consumer),
        ("faults", Fault),
        ("slos", Slo),
        ("regression", Regression));
}
