using LoadLab.Core.Yaml;
using LoadLab.Environments.Docker.Planning;

namespace LoadLab.Environments.Docker.Definitions;

/// <summary>
/// Reads and validates Docker environment definitions through the one YAML layer (<see cref="YamlDocumentReader"/>):
/// kebab-case keys, the one duration and size grammar, every problem reported with file, line, YAML path and fix;
/// nothing is started from a definition that has one. The format is documented by <c>schemas/environment.schema.json</c>.
/// </summary>
public static class EnvironmentDefinitionLoader
{
    /// <summary>Platforms a definition may name.</summary>
    public static readonly IReadOnlyList<string> Platforms = ["kafka", "redpanda", "automq", "loadlab-mock"];

    /// <summary>YAML names of the fault mappings (kebab-case of <see cref="FaultMappingKey"/>, as external hooks name them).</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, FaultMappingKey>> FaultKeys = KebabCase.Names<FaultMappingKey>();

    /// <summary>YAML names of the container actions a fault may map to.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, ContainerAction>> ContainerActions = KebabCase.Names<ContainerAction>();

    private const string BrokersExample = "{count: 3, image: apache/kafka:4.1.0, hostname: kafka-{id}, listeners: {internal: 19092, external: 9092}}";
    private const string FaultsExample = "{broker-kill: kill, broker-restart: start}";

    private static readonly YamlShape Volume = YamlShape.Map("volume", ["name", "target"]);
    private static readonly YamlShape Bind = YamlShape.Map("bind", ["source", "target", "read-only"]);
    private static readonly YamlShape Resources = YamlShape.Map("resources", ["cpus", "memory"]);
    private static readonly YamlShape Listeners = YamlShape.Map("listeners", ["internal", "external", "host-port-base"]);
    private static readonly YamlShape NamedPorts = YamlShape.FreeForm("named ports");
    private static readonly YamlShape EnvironmentVariables = YamlShape.FreeForm("environment variables");
    private static readonly YamlShape ClientSettings = YamlShape.FreeForm("librdkafka settings");

    private static readonly YamlShape Brokers = YamlShape.Map(
        "brokers", ["count", "per-container", "image", "first-id", "hostname", "entrypoint", "command"],
        ("listeners", Listeners), ("ports", NamedPorts), ("environment", EnvironmentVariables), ("volumes", Volume),
        ("binds", Bind), ("resources", Resources));

    private static readonly YamlShape ServicePort = YamlShape.Map("service port", ["container", "host"]);

    private static readonly YamlShape Service = YamlShape.Map(
        "service", ["name", "image", "entrypoint", "command", "run-to-completion", "wait-for-port"],
        ("environment", EnvironmentVariables), ("ports", ServicePort), ("volumes", Volume), ("resources", Resources));

    private static readonly YamlShape Readiness = YamlShape.Map("readiness", ["condition", "timeout"]);
    private static readonly YamlShape Exec = YamlShape.Map("exec fault mapping", ["exec", "timeout", "caveats"]);
    private static readonly YamlShape Faults = YamlShape.Map("faults", [], [.. FaultKeys.Select(key => (key.Key, Exec))]);

    /// <summary>The root of a definition; its key paths are compared with the JSON Schema by a test.</summary>
    public static readonly YamlShape Root = YamlShape.Map(
        "Docker environment definition", ["version", "name", "platform", "description", "docs", "caveats"],
        ("brokers", Brokers), ("services", Service), ("readiness", Readiness), ("client-defaults", ClientSettings), ("faults", Faults));

    /// <summary>Loads a definition by file path, or by name from <paramref name="searchFolders"/> (e.g. <c>kafka-kraft-3</c>).</summary>
    /// <exception cref="InvalidInputException">The file is missing or has problems; every problem is listed.</exception>
    public static EnvironmentDefinition LoadByNameOrPath(string nameOrPath, IEnumerable<string> searchFolders)
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
            var candidate = Path.Combine(folder, nameOrPath.EndsWith(".yaml", StringComparison.Ordinal) ? nameOrPath : nameOrPath + ".yaml");
            if (File.Exists(candidate))
            {
                return LoadFile(candidate);
            }
        }

        var known = folders.Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.yaml"))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => !name.StartsWith("external.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var closest = Spelling.DidYouMean(nameOrPath, known);
        throw new InvalidInputException(new ValidationProblem(nameOrPath, "", 0, 0,
            $"no environment definition named '{nameOrPath}' in {string.Join(", ", folders)}",
            closest is not null ? $"did you mean '{closest}'?" : known.Count > 0 ? $"known: {string.Join(", ", known)}" : "pass the path of a YAML file"));
    }

    /// <summary>Loads and validates one file.</summary>
    /// <exception cref="InvalidInputException">The file is missing or has problems; every problem is listed.</exception>
    public static EnvironmentDefinition LoadFile(string path) =>
        YamlDocumentReader.Load(path, Root, root => Read(root, path)).GetValueOrThrow();

    /// <summary>Validates YAML text named <paramref name="fileName"/> in problems.</summary>
    public static LoadResult<EnvironmentDefinition> Parse(string yaml, string fileName) =>
        YamlDocumentReader.Parse(yaml, fileName, Root, root => Read(root, fileName));

    private static EnvironmentDefinition? Read(YamlMap root, string file)
    {
        _ = root.Get("version")?.AsInt("format version 1 (the only one)", "1", min: 1, max: 1);
        var name = root.Require("name", "kafka-kraft-3")?.AsString("kafka-kraft-3");
        if (name is not null && !IsDockerName(name))
        {
            root.Get("name")!.Problem($"\"{name}\" cannot name containers", "use lower-case letters, digits and '-', starting with a letter (at most 48)");
        }

        var platform = root.Require("platform", "kafka")?.AsOneOf(Platforms);
        var description = root.Get("description")?.AsString("Apache Kafka 4.1.0, three nodes") ?? "";
        var docs = root.Get("docs")?.AsString("https://kafka.apache.org/documentation/") ?? "";
        var brokers = ReadBrokers(root.Require("brokers", BrokersExample)?.AsMap(Brokers, BrokersExample));
        var services = (root.Get("services")?.AsList("[{name: minio, image: minio/minio:RELEASE.2025-05-24T17-08-30Z}]") ?? [])
            .Select(item => ReadService(item.AsMap(Service, "{name: minio, image: minio/minio:RELEASE.2025-05-24T17-08-30Z}")))
            .ToList();
        var readiness = ReadReadiness(root.Require("readiness", $"{{condition: {ReadinessSpec.Condition}, timeout: 2m}}")?.AsMap(Readiness, $"{{condition: {ReadinessSpec.Condition}, timeout: 2m}}"));
        var clientDefaults = root.Get("client-defaults")?.AsTextMap(ClientSettings.Description, "{fetch.wait.max.ms: \"10\"}") ?? new Dictionary<string, string>();
        var faults = ReadFaults(root.Require("faults", FaultsExample)?.AsMap(Faults, FaultsExample));
        var caveats = root.Get("caveats")?.AsStrings("[\"--mode dev-container skips fsync\"]") ?? [];
        CheckNamesAreUnique(root, brokers, services);
        if (root.Problems.Any || name is null || platform is null || brokers is null || readiness is null || services.Any(service => service is null))
        {
            return null;
        }

        var definition = new EnvironmentDefinition
        {
            Name = name,
            Platform = platform,
            Description = description,
            Docs = docs,
            Brokers = brokers,
            Services = services!,
            Readiness = readiness,
            ClientDefaults = clientDefaults,
            Faults = faults,
            Caveats = caveats,
            SourcePath = file,
        };
        return CheckPlaceholders(definition, root.Problems) ? definition : null;
    }

    /// <summary>Plans once with stand-in values so an unknown placeholder is reported now, at its line, not when a run starts.</summary>
    private static bool CheckPlaceholders(EnvironmentDefinition definition, YamlProblems problems)
    {
        var hostValues = ClusterPlanner.HostValueNames.ToDictionary(name => name, name => $"/{name}", StringComparer.Ordinal);
        var planner = new ClusterPlanner(definition, "validation", [], hostValues, allocateHostPort: null);
        try
        {
            planner.Plan();
            foreach (var (key, mapping) in definition.Faults)
            {
                if (mapping is ExecFaultMapping exec)
                {
                    var path = $"faults.{FaultKeys.First(pair => pair.Value == key).Key}.exec";
                    planner.ResolveFaultCommand(exec.Command, ClusterPlanner.FaultValueNames.ToDictionary(name => name, name => name, StringComparer.Ordinal), path);
                }
            }

            return true;
        }
        catch (InvalidInputException e)
        {
            foreach (var problem in e.Problems)
            {
                problems.AddAt(problem.Path, problem.Message, problem.Suggestion);
            }

            return false;
        }
    }

    private static BrokerSpec? ReadBrokers(YamlMap? brokers)
    {
        if (brokers is null)
        {
            return null;
        }

        var count = brokers.Require("count", "3")?.AsInt("a whole number of broker containers from 1 to 16", "3", min: 1, max: 16);
        var perContainer = brokers.Get("per-container")?.AsInt("brokers per container, from 1 to 8 (1 for every real platform)", "1", min: 1, max: 8) ?? 1;
        var image = ReadImage(brokers.Require("image", "apache/kafka:4.1.0"), "apache/kafka:4.1.0");
        var firstId = brokers.Get("first-id")?.AsInt("a broker id of at least 0", "1", min: 0, max: 1_000_000) ?? 1;
        var hostnameValue = brokers.Require("hostname", "kafka-{id}");
        var hostname = hostnameValue?.AsString("kafka-{id}");
        if (hostname is not null && !hostname.Contains("{id}", StringComparison.Ordinal) && !hostname.Contains("{index}", StringComparison.Ordinal))
        {
            hostnameValue!.Problem("every broker needs its own host name", "include {id} or {index}, e.g. hostname: kafka-{id}");
            hostname = null;
        }

        var listeners = ReadListeners(brokers.Require("listeners", "{internal: 19092, external: 9092}")?.AsMap(Listeners, "{internal: 19092, external: 9092}"));
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (portName, value) in brokers.Get("ports")?.AsMap(NamedPorts, "{controller: 9093}")?.Entries ?? [])
        {
            if (Port(value, "9093") is { } port)
            {
                ports[portName] = port;
            }
        }

        var environment = brokers.Get("environment")?.AsTextMap(EnvironmentVariables.Description, "{KAFKA_NODE_ID: \"{id}\"}");
        var entrypoint = brokers.Get("entrypoint")?.AsStrings("[/bin/sh, -c]");
        var command = brokers.Get("command")?.AsStrings("[bash, -c, \"…\"]");
        var volumes = ReadVolumes(brokers);
        var binds = (brokers.Get("binds")?.AsList("[{source: /data, target: /data}]") ?? []).Select(ReadBind).ToList();
        var resources = ReadResources(brokers);
        if (count is null || image is null || hostname is null || listeners is null)
        {
            return null;
        }

        return new BrokerSpec
        {
            Count = count.Value,
            PerContainer = perContainer,
            Image = image,
            FirstId = firstId,
            Hostname = hostname,
            Listeners = listeners,
            Environment = environment ?? new Dictionary<string, string>(),
            Entrypoint = entrypoint ?? [],
            Command = command ?? [],
            Volumes = volumes,
            Binds = binds.OfType<BindSpec>().ToList(),
            Resources = resources,
            Ports = ports,
        };
    }

    private static ListenerSpec? ReadListeners(YamlMap? listeners)
    {
        if (listeners is null)
        {
            return null;
        }

        var internalPort = Port(listeners.Require("internal", "19092"), "19092");
        var externalPort = Port(listeners.Require("external", "9092"), "9092");
        int? hostPortBase = null;
        if (listeners.Get("host-port-base") is { } baseValue && baseValue.Text != "auto")
        {
            hostPortBase = baseValue.AsInt("a host port from 1024 to 65503 (each broker adds 1), or auto", "29092", min: 1024, max: 65535 - 32);
        }

        return internalPort is null || externalPort is null ? null : new ListenerSpec(internalPort.Value, externalPort.Value, hostPortBase);
    }

    private static ServiceSpec? ReadService(YamlMap? service)
    {
        if (service is null)
        {
            return null;
        }

        var nameValue = service.Require("name", "minio");
        var name = nameValue?.AsString("minio");
        if (name is not null && !IsDockerName(name))
        {
            nameValue!.Problem($"\"{name}\" cannot name a container", "use lower-case letters, digits and '-', starting with a letter (at most 48)");
        }

        var image = ReadImage(service.Require("image", "minio/minio:RELEASE.2025-05-24T17-08-30Z"), "minio/minio:RELEASE.2025-05-24T17-08-30Z");
        var ports = new List<PortSpec>();
        foreach (var item in service.Get("ports")?.AsList("[{container: 9000, host: 49000}]") ?? [])
        {
            var port = item.AsMap(ServicePort, "{container: 9000, host: 49000}");
            var container = Port(port?.Require("container", "9000"), "9000");
            var host = port?.Require("host", "49000")?.AsInt("a host port from 1024 to 65535", "49000", min: 1024, max: 65535);
            if (container is not null && host is not null)
            {
                ports.Add(new PortSpec(container.Value, host.Value));
            }
        }

        var runToCompletion = service.Get("run-to-completion")?.AsBool("true") ?? false;
        var waitValue = service.Get("wait-for-port");
        var waitForPort = Port(waitValue, "9000");
        if (waitForPort is not null && !ports.Any(port => port.Container == waitForPort))
        {
            waitValue!.Problem($"port {waitForPort} is not published", $"add {{container: {waitForPort}, host: <free host port>}} under ports so LoadLab can reach it from the host");
        }

        var environment = service.Get("environment")?.AsTextMap(EnvironmentVariables.Description, "{MINIO_ROOT_USER: minioadmin}");
        var entrypoint = service.Get("entrypoint")?.AsStrings("[/bin/sh, -c]");
        var command = service.Get("command")?.AsStrings("[server, /data]");
        var volumes = ReadVolumes(service);
        var resources = ReadResources(service);
        if (name is null || image is null)
        {
            return null;
        }

        return new ServiceSpec
        {
            Name = name,
            Image = image,
            Environment = environment ?? new Dictionary<string, string>(),
            Entrypoint = entrypoint ?? [],
            Command = command ?? [],
            Ports = ports,
            Volumes = volumes,
            Resources = resources,
            RunToCompletion = runToCompletion,
            WaitForPort = waitForPort,
        };
    }

    private static ReadinessSpec? ReadReadiness(YamlMap? readiness)
    {
        _ = readiness?.Require("condition", ReadinessSpec.Condition)?.AsOneOf([ReadinessSpec.Condition]);
        var timeout = readiness?.Require("timeout", "2m")?.AsDuration("2m", max: TimeSpan.FromDays(1));
        return timeout is null ? null : new ReadinessSpec(timeout.Value);
    }

    private static Dictionary<FaultMappingKey, FaultMapping> ReadFaults(YamlMap? faults)
    {
        var mappings = new Dictionary<FaultMappingKey, FaultMapping>();
        foreach (var (keyName, value) in faults?.Entries ?? [])
        {
            var key = FaultKeys.First(pair => pair.Key == keyName).Value;
            if (value.Node is YamlDotNet.RepresentationModel.YamlScalarNode)
            {
                if (value.AsChoice(ContainerActions) is { } action)
                {
                    mappings[key] = new ContainerFaultMapping(action);
                }

                continue;
            }

            var exec = value.AsMap(Exec, "{exec: [bash, -c, \"…\"], timeout: 5m}");
            var command = exec?.Require("exec", "[bash, -c, \"…\"]")?.AsStrings("[bash, -c, \"…\"]");
            if (command is { Count: 0 })
            {
                exec!.Get("exec")!.Problem("expected the command to run inside a broker container, got an empty list", "e.g. exec: [bash, -c, \"…\"]");
            }

            var timeout = exec?.Get("timeout")?.AsDuration("5m", max: TimeSpan.FromDays(1)) ?? TimeSpan.FromMinutes(10);
            var caveats = exec?.Get("caveats")?.AsStrings("[\"accepts a single replica only\"]") ?? [];
            if (command is { Count: > 0 })
            {
                mappings[key] = new ExecFaultMapping(command, timeout) { Caveats = caveats };
            }
        }

        return mappings;
    }

    private static List<VolumeSpec> ReadVolumes(YamlMap parent)
    {
        var volumes = new List<VolumeSpec>();
        foreach (var item in parent.Get("volumes")?.AsList("[{name: data, target: /data}]") ?? [])
        {
            var volume = item.AsMap(Volume, "{name: data, target: /data}");
            var name = volume?.Require("name", "kafka-{id}-data")?.AsString("kafka-{id}-data");
            var target = AbsolutePath(volume?.Require("target", "/var/lib/kafka/data"), "/var/lib/kafka/data");
            if (name is not null && target is not null)
            {
                volumes.Add(new VolumeSpec(name, target));
            }
        }

        return volumes;
    }

    private static BindSpec? ReadBind(YamlValue item)
    {
        var bind = item.AsMap(Bind, "{source: \"{cliDir}\", target: /opt/loadlab}");
        var source = bind?.Require("source", "\"{cliDir}\"")?.AsString("\"{cliDir}\"");
        var target = AbsolutePath(bind?.Require("target", "/opt/loadlab"), "/opt/loadlab");
        var readOnly = bind?.Get("read-only")?.AsBool("true") ?? true;
        return source is null || target is null ? null : new BindSpec(source, target, readOnly);
    }

    private static ResourceSpec ReadResources(YamlMap parent)
    {
        var resources = parent.Get("resources")?.AsMap(Resources, "{cpus: 2, memory: 2GiB}");
        // Docker refuses limits below 6 MiB; the upper bound only catches a unit slip (TB for GB).
        return new ResourceSpec(
            resources?.Get("cpus")?.AsDouble("a number of CPUs above 0 and at most 256", "2", min: 0, max: 256, exclusiveMin: true),
            resources?.Get("memory")?.AsBytes("2GiB", min: 6L << 20, max: 1L << 40));
    }

    private static string? ReadImage(YamlValue? value, string example)
    {
        var image = value?.AsString(example);
        if (image is null)
        {
            return null;
        }

        var tagStart = image.LastIndexOf(':');
        var hasTag = tagStart > image.LastIndexOf('/') && tagStart < image.Length - 1;
        if (!hasTag || image.EndsWith(":latest", StringComparison.Ordinal))
        {
            value!.Problem($"image \"{image}\" has no pinned tag", $"name an exact version so runs are comparable, e.g. {value.Key}: {example}");
            return null;
        }

        return image;
    }

    private static string? AbsolutePath(YamlValue? value, string example)
    {
        var path = value?.AsString(example);
        if (path is not null && !path.StartsWith('/'))
        {
            value!.Problem($"\"{path}\" is not an absolute container path", $"start it with /, e.g. {value.Key}: {example}");
            return null;
        }

        return path;
    }

    private static int? Port(YamlValue? value, string example) => value?.AsInt("a port from 1 to 65535", example, min: 1, max: 65535);

    private static void CheckNamesAreUnique(YamlMap root, BrokerSpec? brokers, List<ServiceSpec?> services)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var brokerNames = brokers?.Hostname.Replace("{id}", "", StringComparison.Ordinal);
        foreach (var service in services.OfType<ServiceSpec>())
        {
            if (!seen.Add(service.Name) || service.Name == brokerNames)
            {
                root.Get("services")!.Problem($"two containers are named \"{service.Name}\"", "give each service its own name");
            }
        }
    }

    private static bool IsDockerName(string name) =>
        name.Length is > 0 and <= 48 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && char.IsLetter(name[0]);
}
