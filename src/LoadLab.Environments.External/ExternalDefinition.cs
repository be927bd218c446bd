using LoadLab.Core.Environments;
using LoadLab.Core.Yaml;

namespace LoadLab.Environments.External;

/// <summary>
/// An existing cluster as its definition file describes it (format: <c>schemas/external.schema.json</c>).
/// Values written as <c>${VAR}</c> stay references here; <see cref="SecretResolver"/> resolves them when the
/// environment starts, so a definition never holds a secret.
/// </summary>
public sealed record ExternalDefinition
{
    public required string Name { get; init; }
    /// <summary>The file the definition was read from.</summary>
    public required string SourcePath { get; init; }
    /// <summary><c>host:port,…</c>, possibly a <c>${VAR}</c> reference.</summary>
    public required string BootstrapServers { get; init; }
    /// <summary>Where <see cref="BootstrapServers"/> was written, for a reference that cannot be resolved.</summary>
    public required YamlPosition BootstrapServersAt { get; init; }
    public SecurityProtocol Protocol { get; init; } = SecurityProtocol.Plaintext;
    public SaslMechanism? Mechanism { get; init; }
    /// <summary>librdkafka settings in the order written (security first, then <c>client:</c>), values as written.</summary>
    public required IReadOnlyList<ClientSetting> ClientSettings { get; init; }
    public TopicPolicy Topics { get; init; } = TopicPolicy.Existing;
    /// <summary>Start of per-run topic names under <see cref="TopicPolicy.Prefix"/>.</summary>
    public string TopicPrefix { get; init; } = "loadlab-";
    /// <summary>Allow writing into a topic that already holds messages.</summary>
    public bool AllowExistingData { get; init; }
    /// <summary>Commands that perform fault operations; an operation without one is not supported.</summary>
    public IReadOnlyDictionary<FaultOperation, FaultHook> Hooks { get; init; } = new Dictionary<FaultOperation, FaultHook>();
    /// <summary>How long a hook's effect may take to show in cluster metadata; default 30 s.</summary>
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>A librdkafka setting with where it was written, so a missing <c>${VAR}</c> can be located.</summary>
/// <param name="Key">librdkafka name, e.g. <c>sasl.password</c>.</param>
/// <param name="Value">As written: text, <c>${VAR}</c> references, or both.</param>
/// <param name="At">File, YAML path, line and column, e.g. <c>staging.yaml:7 security.sasl.password</c>.</param>
public sealed record ClientSetting(string Key, string Value, YamlPosition At);

/// <summary>A fault hook: a shell command template with placeholders such as <c>{broker.id}</c>, and its time limit.</summary>
public sealed record FaultHook(string Command, TimeSpan Timeout);

/// <summary>librdkafka <c>security.protocol</c> values.</summary>
public enum SecurityProtocol { Plaintext, Ssl, SaslPlaintext, SaslSsl }

/// <summary>librdkafka <c>sasl.mechanism</c> values LoadLab accepts.</summary>
public enum SaslMechanism { Plain, ScramSha256, ScramSha512, OAuthBearer }

/// <summary>What to do about the scenario's topics on an existing cluster.</summary>
public enum TopicPolicy
{
    /// <summary>Create missing topics with the scenario's partitions and replication factor; existing ones must match.</summary>
    Create,
    /// <summary>Every topic must exist already, with the scenario's partitions.</summary>
    Existing,
    /// <summary>Create per-run topics <c>{prefix}{run id}-{name}</c> and delete them at the end.</summary>
    Prefix,
}
