using System.Text.RegularExpressions;
using LoadLab.Core.Environments;
using LoadLab.Core.Yaml;

namespace LoadLab.Environments.External;

/// <summary>
/// Reads and validates external environment definitions (<c>schemas/external.schema.json</c>). Every problem is
/// reported with file, YAML path, line and a fix. Secrets may only be written as <c>${VAR}</c> references.
/// </summary>
public static partial class ExternalDefinitionLoader
{
    /// <summary>Placeholders a hook command may use; each is replaced by the fault's value (empty when it has none).</summary>
    public static readonly IReadOnlyList<string> Placeholders =
        ["broker.id", "broker.host", "broker.port", "topic", "partition", "replicas", "leader", "latency.ms", "errors.api", "errors.code", "errors.count", "run.id", "bootstrap.servers"];

    /// <summary>
    /// YAML names of the hookable operations (kebab-case of <see cref="FaultOperation"/>): every operation but the group
    /// rewind, which LoadLab's own group members perform on any cluster.
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, FaultOperation>> HookNames =
        [.. KebabCase.Names<FaultOperation>().Where(name => name.Value != FaultOperation.GroupRewind)];

    /// <summary>YAML names of the security protocols, as librdkafka spells them.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, SecurityProtocol>> ProtocolNames =
    [
        new("PLAINTEXT", SecurityProtocol.Plaintext), new("SSL", SecurityProtocol.Ssl),
        new("SASL_PLAINTEXT", SecurityProtocol.SaslPlaintext), new("SASL_SSL", SecurityProtocol.SaslSsl),
    ];

    /// <summary>YAML names of the SASL mechanisms, as librdkafka spells them.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, SaslMechanism>> MechanismNames =
    [
        new("PLAIN", SaslMechanism.Plain), new("SCRAM-SHA-256", SaslMechanism.ScramSha256),
        new("SCRAM-SHA-512", SaslMechanism.ScramSha512), new("OAUTHBEARER", SaslMechanism.OAuthBearer),
    ];

    private static readonly YamlShape Sasl = YamlShape.Map("security.sasl", ["mechanism", "username", "password"]);
    private static readonly YamlShape Ssl = YamlShape.Map("security.ssl", ["ca", "certificate", "key", "key-password"]);
    private static readonly YamlShape Security = YamlShape.Map("security", ["protocol"], ("sasl", Sasl), ("ssl", Ssl));
    private static readonly YamlShape Topics = YamlShape.Map("topics", ["policy", "prefix", "allow-existing-data"]);
    private static readonly YamlShape Hook = YamlShape.Map("fault hook", ["command", "timeout"]);
    private static readonly YamlShape Hooks = YamlShape.Map("faults.hooks", [], [.. HookNames.Select(n => (n.Key, Hook))]);
    private static readonly YamlShape Faults = YamlShape.Map("faults", ["timeout", "verify-timeout"], ("hooks", Hooks));

    /// <summary>The root of an external definition; its key paths are compared with the JSON Schema by a test.</summary>
    public static readonly YamlShape Root = YamlShape.Map(
        "external environment", ["name", "description", "bootstrap-servers"],
        ("security", Security), ("client", YamlShape.FreeForm("client settings")), ("topics", Topics), ("faults", Faults));

    /// <summary>Longest time limit of a hook or of its verification: a day catches a unit slip (60d for 60s).</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>Settings LoadLab sets from <c>security:</c> or <c>bootstrap-servers</c>; <c>client:</c> may not set them.</summary>
    private static readonly string[] ReservedSettings = ["bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.mechanisms", "sasl.username", "sasl.password", "ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.key.password"];

    /// <summary>Loads a definition by path, or by name from <paramref name="searchFolders"/> (<c>name.yaml</c> or <c>external.name.yaml</c>).</summary>
    /// <exception cref="InvalidInputException">No such definition, or it has problems; every problem is listed.</exception>
    public static ExternalDefinition LoadByNameOrPath(string nameOrPath, IEnumerable<string> searchFolders)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        ArgumentNullException.ThrowIfNull(searchFolders);
        if (File.Exists(nameOrPath))
        {
            return LoadFile(nameOrPath);
        }

        var folders = searchFolders.ToList();
        foreach (var folder in folders)
        {
            foreach (var candidate in new[] { $"{nameOrPath}.yaml", $"external.{nameOrPath}.yaml" })
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path))
                {
                    return LoadFile(path);
                }
            }
        }

        var known = folders.Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "external.*.yaml"))
            .Select(path => Path.GetFileNameWithoutExtension(path)["external.".Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
        var closest = Spelling.DidYouMean(nameOrPath, known);
        var searched = folders.Count == 0 ? "no environments/ folder was found" : "looked in " + string.Join(", ", folders);
        throw new InvalidInputException(new ValidationProblem(nameOrPath, "", 0, 0,
            $"no external definition file or name '{nameOrPath}' ({searched})",
            closest is not null ? $"did you mean '{closest}'?" : "give a path to a definition, e.g. external:environments/external.example.yaml"));
    }

    /// <summary>Loads and validates one file.</summary>
    /// <exception cref="InvalidInputException">The file is missing or has problems; every problem is listed.</exception>
    public static ExternalDefinition LoadFile(string path) =>
        YamlDocumentReader.Load(path, Root, root => Read(root, path)).GetValueOrThrow();

    /// <summary>Validates YAML text named <paramref name="fileName"/> in problems.</summary>
    public static LoadResult<ExternalDefinition> Parse(string yaml, string fileName) =>
        YamlDocumentReader.Parse(yaml, fileName, Root, root => Read(root, fileName));

    /// <summary>The <c>${VAR}</c> names referenced in <paramref name="value"/>.</summary>
    public static IEnumerable<string> References(string value) =>
        Reference().Matches(value).Select(m => m.Groups["name"].Value);

    /// <summary>True for librdkafka settings that hold a credential (passwords, secrets, tokens, private keys).</summary>
    public static bool IsSecretSetting(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
            || key.Contains("passphrase", StringComparison.OrdinalIgnoreCase) || key.Contains("token", StringComparison.OrdinalIgnoreCase)
            || key is "ssl.key.pem" or "sasl.oauthbearer.config" or "ssl_key";
    }

    private static ExternalDefinition? Read(YamlMap root, string file)
    {
        var name = root.Require("name", "staging")?.AsString("staging");
        var bootstrapValue = root.Require("bootstrap-servers", "kafka-0.example:9092,kafka-1.example:9092");
        var bootstrap = Setting(bootstrapValue, "kafka-0.example:9092", secret: false);
        var settings = new List<ClientSetting>();
        var (protocol, mechanism) = ReadSecurity(root.Get("security")?.AsMap(Security, "{protocol: SASL_SSL}"), settings);
        ReadClient(root.Get("client")?.AsMap(YamlShape.FreeForm("client settings"), "{socket.keepalive.enable: true}"), settings);
        var topics = root.Get("topics")?.AsMap(Topics, "{policy: create}");
        var policy = topics?.Get("policy")?.AsEnum<TopicPolicy>() ?? TopicPolicy.Existing;
        var prefix = topics?.Get("prefix") is { } prefixValue ? ReadPrefix(prefixValue, policy) : "loadlab-";
        var allowData = topics?.Get("allow-existing-data")?.AsBool("true") ?? false;
        var faults = root.Get("faults")?.AsMap(Faults, "{hooks: {broker-kill: kubectl delete pod kafka-{broker.id}}}");
        var defaultTimeout = faults?.Get("timeout")?.AsDuration("60s", max: MaxTimeout) ?? TimeSpan.FromSeconds(60);
        var verifyTimeout = faults?.Get("verify-timeout")?.AsDuration("30s", max: MaxTimeout) ?? TimeSpan.FromSeconds(30);
        var hooks = ReadHooks(faults?.Get("hooks")?.AsMap(Hooks, "{broker-kill: kubectl delete pod kafka-{broker.id}}"), defaultTimeout);
        if (name is null || bootstrap is null || root.Problems.Any)
        {
            return null;
        }

        return new ExternalDefinition
        {
            Name = name,
            SourcePath = file,
            BootstrapServers = bootstrap,
            BootstrapServersAt = bootstrapValue!.Position,
            Protocol = protocol,
            Mechanism = mechanism,
            ClientSettings = settings,
            Topics = policy,
            TopicPrefix = prefix ?? "loadlab-",
            AllowExistingData = allowData,
            Hooks = hooks,
            VerifyTimeout = verifyTimeout,
        };
    }

    private static (SecurityProtocol, SaslMechanism?) ReadSecurity(YamlMap? security, List<ClientSetting> settings)
    {
        if (security is null)
        {
            return (SecurityProtocol.Plaintext, null);
        }

        var protocolValue = security.Get("protocol");
        var protocol = protocolValue?.AsChoice(ProtocolNames) ?? SecurityProtocol.Plaintext;
        if (protocolValue is not null)
        {
            settings.Add(new ClientSetting("security.protocol", protocolValue.Text!, protocolValue.Position));
        }

        var usesSasl = protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;
        var usesSsl = protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;
        SaslMechanism? mechanism = null;
        var saslValue = security.Get("sasl");
        if (saslValue is not null && !usesSasl && protocolValue is not null)
        {
            saslValue.Problem($"security.sasl is set but protocol {protocolValue.Text} does not use SASL", "use protocol: SASL_SSL (or SASL_PLAINTEXT), or remove sasl");
        }

        if (saslValue?.AsMap(Sasl, "{mechanism: SCRAM-SHA-512, username: ${KAFKA_USERNAME}, password: ${KAFKA_PASSWORD}}") is { } sasl)
        {
            var mechanismValue = sasl.Require("mechanism", "SCRAM-SHA-512");
            mechanism = mechanismValue?.AsChoice(MechanismNames);
            if (mechanism is not null)
            {
                settings.Add(new ClientSetting("sasl.mechanism", mechanismValue!.Text!, mechanismValue.Position));
            }

            var needsPassword = mechanism is SaslMechanism.Plain or SaslMechanism.ScramSha256 or SaslMechanism.ScramSha512;
            AddSetting(settings, needsPassword ? sasl.Require("username", "${KAFKA_USERNAME}") : sasl.Get("username"), "sasl.username", secret: false);
            AddSetting(settings, needsPassword ? sasl.Require("password", "${KAFKA_PASSWORD}") : sasl.Get("password"), "sasl.password", secret: true);
        }
        else if (usesSasl && saslValue is null)
        {
            security.Problem($"protocol {protocolValue?.Text} needs security.sasl", "add sasl: {mechanism: SCRAM-SHA-512, username: ${KAFKA_USERNAME}, password: ${KAFKA_PASSWORD}}");
        }

        var sslValue = security.Get("ssl");
        if (sslValue is not null && !usesSsl && protocolValue is not null)
        {
            sslValue.Problem($"security.ssl is set but protocol {protocolValue.Text} does not use TLS", "use protocol: SSL or SASL_SSL, or remove ssl");
        }

        if (sslValue?.AsMap(Ssl, "{ca: /etc/kafka/ca.pem}") is { } ssl)
        {
            AddPath(settings, ssl.Get("ca"), "ssl.ca.location");
            AddPath(settings, ssl.Get("certificate"), "ssl.certificate.location");
            AddPath(settings, ssl.Get("key"), "ssl.key.location");
            AddSetting(settings, ssl.Get("key-password"), "ssl.key.password", secret: true);
        }

        return (protocol, mechanism);
    }

    private static void ReadClient(YamlMap? client, List<ClientSetting> settings)
    {
        if (client is null)
        {
            return;
        }

        foreach (var (key, value) in client.Entries)
        {
            if (ReservedSettings.Contains(key, StringComparer.Ordinal))
            {
                value.Problem($"client.{key} is set from bootstrap-servers or security:", "move it there (e.g. security.sasl.password: ${KAFKA_PASSWORD}) and remove it from client");
                continue;
            }

            if (value.Node is not YamlDotNet.RepresentationModel.YamlScalarNode)
            {
                value.Problem($"expected a librdkafka setting value (text, number or true/false), got {value.Describe()}", value.Example("\"true\""));
                continue;
            }

            AddSetting(settings, value, key, IsSecretSetting(key));
        }
    }

    private static void AddPath(List<ClientSetting> settings, YamlValue? value, string key)
    {
        var path = Setting(value, "/etc/kafka/ca.pem", secret: false);
        if (path is null)
        {
            return;
        }

        if (!path.Contains("${", StringComparison.Ordinal) && !File.Exists(path))
        {
            value!.Problem($"file {path} does not exist", "give the absolute path of the PEM file, or a ${VAR} holding it");
            return;
        }

        settings.Add(new ClientSetting(key, path, value!.Position));
    }

    private static void AddSetting(List<ClientSetting> settings, YamlValue? value, string key, bool secret)
    {
        if (Setting(value, secret ? "${KAFKA_PASSWORD}" : "text", secret) is { } text)
        {
            settings.Add(new ClientSetting(key, text, value!.Position));
        }
    }

    /// <summary>A scalar setting; references must be well formed, and a secret must be exactly one reference.</summary>
    private static string? Setting(YamlValue? value, string example, bool secret)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Text;
        if (text is null || text.Length == 0)
        {
            value.Problem($"expected text, got {value.Describe()}", value.Example(example));
            return null;
        }

        var stripped = Reference().Replace(text, "");
        if (stripped.Contains("${", StringComparison.Ordinal))
        {
            value.Problem($"malformed environment variable reference in \"{Mask(text, secret)}\"", "write ${NAME} with a name of letters, digits and _, e.g. ${KAFKA_PASSWORD}");
            return null;
        }

        if (secret && !WholeReference().IsMatch(text))
        {
            // The literal is not echoed: it is a credential that should not be in a file, and not in a terminal either.
            value.Problem("a secret must be a reference to an environment variable, not a literal value", $"write {value.Key ?? "value"}: ${{KAFKA_PASSWORD}} and export KAFKA_PASSWORD before the run");
            return null;
        }

        return text;
    }

    private static string? ReadPrefix(YamlValue value, TopicPolicy policy)
    {
        var prefix = value.AsString("loadlab-");
        if (prefix is null)
        {
            return null;
        }

        if (policy != TopicPolicy.Prefix)
        {
            value.Problem("topics.prefix is only used with policy: prefix", "set policy: prefix, or remove prefix");
            return null;
        }

        if (!TopicChars().IsMatch(prefix) || prefix.Length > 100)
        {
            value.Problem($"topic prefix \"{prefix}\" may only contain letters, digits, '.', '_' and '-' (at most 100)", "e.g. prefix: loadlab-");
            return null;
        }

        return prefix;
    }

    private static Dictionary<FaultOperation, FaultHook> ReadHooks(YamlMap? hooks, TimeSpan defaultTimeout)
    {
        var result = new Dictionary<FaultOperation, FaultHook>();
        if (hooks is null)
        {
            return result;
        }

        foreach (var (key, value) in hooks.Entries)
        {
            var operation = HookNames.First(n => n.Key == key).Value;
            string? command;
            var timeout = defaultTimeout;
            if (value.Node is YamlDotNet.RepresentationModel.YamlMappingNode)
            {
                var map = value.AsMap(Hook, "{command: kubectl delete pod kafka-{broker.id}, timeout: 60s}");
                command = map?.Require("command", "kubectl delete pod kafka-{broker.id}")?.AsString("kubectl delete pod kafka-{broker.id}");
                timeout = map?.Get("timeout")?.AsDuration("60s", max: MaxTimeout) ?? defaultTimeout;
                if (command is not null)
                {
                    CheckPlaceholders(map!.Get("command")!, command);
                }
            }
            else
            {
                command = value.AsString("kubectl delete pod kafka-{broker.id}");
                if (command is not null)
                {
                    CheckPlaceholders(value, command);
                }
            }

            if (command is not null)
            {
                result[operation] = new FaultHook(command, timeout);
            }
        }

        return result;
    }

    private static void CheckPlaceholders(YamlValue value, string command)
    {
        foreach (Match match in HookTemplate.PlaceholderPattern().Matches(command))
        {
            var name = match.Groups["name"].Value;
            if (!Placeholders.Contains(name, StringComparer.Ordinal))
            {
                var closest = Spelling.DidYouMean(name, Placeholders);
                value.Problem(
                    $"unknown placeholder {{{name}}} (allowed: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))})",
                    closest is null ? "use one of the allowed placeholders; write ${VAR} for a shell variable" : $"write {{{closest}}}");
            }
        }
    }

    private static string Mask(string text, bool secret) => secret ? "…" : text;

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")]
    private static partial Regex WholeReference();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex TopicChars();
}
