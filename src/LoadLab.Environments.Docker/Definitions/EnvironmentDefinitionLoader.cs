using LoadLab.Environments.Docker.Planning;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Environments.Docker.Definitions;

/// <summary>
/// Reads and validates environment definitions. Every problem is reported with file, YAML path, line and a fix;
/// nothing is started from a definition that has one. The format is documented by
/// <c>schemas/environment.schema.json</c>.
/// </summary>
public static class EnvironmentDefinitionLoader
{
    /// <summary>Platforms a definition may name.</summary>
    public static readonly IReadOnlyList<string> Platforms = ["kafka", "redpanda", "automq", "loadlab-mock"];

    /// <summary>YAML names of the fault mappings.</summary>
    public static readonly IReadOnlyDictionary<string, FaultMappingKey> FaultKeys = new Dictionary<string, FaultMappingKey>
    {
        ["broker.kill"] = FaultMappingKey.BrokerKill,
        ["broker.restart"] = FaultMappingKey.BrokerRestart,
        ["broker.pause"] = FaultMappingKey.BrokerPause,
        ["broker.resume"] = FaultMappingKey.BrokerResume,
        ["network.disconnect"] = FaultMappingKey.NetworkDisconnect,
        ["network.reconnect"] = FaultMappingKey.NetworkReconnect,
        ["partition.reassign"] = FaultMappingKey.PartitionReassign,
        ["leader.move"] = FaultMappingKey.LeaderMove,
        ["broker.add"] = FaultMappingKey.BrokerAdd,
    };

    private static readonly Dictionary<string, ContainerAction> ContainerActions = new()
    {
        ["kill"] = ContainerAction.Kill,
        ["stop"] = ContainerAction.Stop,
        ["start"] = ContainerAction.Start,
        ["pause"] = ContainerAction.Pause,
        ["unpause"] = ContainerAction.Unpause,
        ["disconnect"] = ContainerAction.Disconnect,
        ["connect"] = ContainerAction.Connect,
        ["add-node"] = ContainerAction.AddNode,
    };

    private static readonly string[] RootKeys = ["version", "name", "platform", "description", "docs", "brokers", "services", "readiness", "clientDefaults", "faults"];
    private static readonly string[] BrokerKeys = ["count", "image", "firstId", "hostname", "listeners", "environment", "entrypoint", "command", "volumes", "binds", "resources", "ports"];
    private static readonly string[] ListenerKeys = ["internal", "external", "hostPortBase"];
    private static readonly string[] ServiceKeys = ["name", "image", "environment", "entrypoint", "command", "ports", "volumes", "resources", "runToCompletion", "waitForPort"];
    private static readonly string[] VolumeKeys = ["name", "target"];
    private static readonly string[] BindKeys = ["source", "target", "readOnly"];
    private static readonly string[] PortKeys = ["container", "host"];
    private static readonly string[] ResourceKeys = ["cpus", "memory"];
    private static readonly string[] ReadinessKeys = ["condition", "timeout"];
    private static readonly string[] ExecKeys = ["exec", "timeout"];

    /// <summary>Loads a definition by file path, or by name from <paramref name="searchFolders"/> (e.g. <c>kafka-kraft-3</c>).</summary>
    public static EnvironmentDefinition LoadByNameOrPath(string nameOrPath, IEnumerable<string> searchFolders)
    {
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
            .Order(StringComparer.Ordinal)
            .ToList();
        var closest = YamlNodeReader.Closest(nameOrPath, known);
        throw new EnvironmentDefinitionException([new DefinitionProblem(nameOrPath, "", 0, 0,
            $"no environment definition named '{nameOrPath}' in {string.Join(", ", folders)}",
            closest is not null ? $"did you mean '{closest}'?" : known.Count > 0 ? $"known: {string.Join(", ", known)}" : "pass the path of a YAML file")]);
    }

    public static EnvironmentDefinition LoadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Load(reader, path);
    }

    /// <summary>Parses and validates; throws <see cref="EnvironmentDefinitionException"/> listing every problem.</summary>
    public static EnvironmentDefinition Load(TextReader text, string file)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(text);
        }
        catch (YamlException e)
        {
            throw new EnvironmentDefinitionException([new DefinitionProblem(file, "", (int)e.Start.Line, (int)e.Start.Column,
                $"not valid YAML: {e.InnerException?.Message ?? e.Message}", "check indentation and quoting near this line")]);
        }

        var reader = new YamlNodeReader(file);
        var root = yaml.Documents.Count == 0 ? null : reader.Mapping("", yaml.Documents[0].RootNode, RootKeys);
        if (root is null)
        {
            reader.Report("", yaml.Documents.Count == 0 ? null : yaml.Documents[0].RootNode, "the file must be a YAML mapping with name, platform, brokers, readiness and faults");
            throw new EnvironmentDefinitionException(reader.Problems);
        }

        reader.Int(root, "", "version", required: false, 1, 1);

        var name = reader.String(root, "", "name", required: true);
        if (name is not null && !IsDockerName(name))
        {
            reader.Report("name", YamlNodeReader.Child(root, "name"), $"'{name}' cannot name containers", "use lower-case letters, digits and '-'");
        }

        var platform = reader.String(root, "", "platform", required: true);
        if (platform is not null && !Platforms.Contains(platform))
        {
            var closest = YamlNodeReader.Closest(platform, Platforms);
            reader.Report("platform", YamlNodeReader.Child(root, "platform"), $"unknown platform '{platform}'",
                closest is null ? $"allowed: {string.Join(", ", Platforms)}" : $"did you mean '{closest}'?");
        }

        var brokers = ReadBrokers(reader, root);
        var services = ReadServices(reader, root);
        var readiness = ReadReadiness(reader, root);
        var faults = ReadFaults(reader, root);
        var clientDefaults = reader.StringMap(root, "", "clientDefaults");
        CheckNamesAreUnique(reader, root, brokers, services);

        if (reader.Problems.Count > 0 || name is null || platform is null || brokers is null || readiness is null)
        {
            throw new EnvironmentDefinitionException(reader.Problems);
        }

        var definition = new EnvironmentDefinition
        {
            Name = name,
            Platform = platform,
            Description = reader.String(root, "", "description", required: false) ?? "",
            Docs = reader.String(root, "", "docs", required: false) ?? "",
            Brokers = brokers,
            Services = services,
            Readiness = readiness,
            ClientDefaults = clientDefaults,
            Faults = faults,
            SourcePath = file,
        };
        CheckPlaceholders(definition, file);
        return definition;
    }

    /// <summary>Plans once with stand-in values so an unknown placeholder is reported now, not when a run starts.</summary>
    private static void CheckPlaceholders(EnvironmentDefinition definition, string file)
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
        }
        catch (EnvironmentDefinitionException e)
        {
            throw new EnvironmentDefinitionException(e.Problems.Select(problem => problem with { File = file }).ToList());
        }
    }

    private static BrokerSpec? ReadBrokers(YamlNodeReader reader, YamlMappingNode root)
    {
        const string path = "brokers";
        var node = YamlNodeReader.Child(root, path);
        if (node is null)
        {
            reader.Report(path, root, "'brokers' is required", "add count, image, hostname and listeners");
            return null;
        }

        var brokers = reader.Mapping(path, node, BrokerKeys);
        var count = reader.Int(brokers, path, "count", required: true, 1, 16);
        var image = reader.String(brokers, path, "image", required: true);
        CheckImage(reader, brokers, path, "image", image);
        var firstId = reader.Int(brokers, path, "firstId", required: false, 0, 1_000_000) ?? 1;
        var hostname = reader.String(brokers, path, "hostname", required: true);
        if (hostname is not null && !hostname.Contains("{id}", StringComparison.Ordinal) && !hostname.Contains("{index}", StringComparison.Ordinal))
        {
            reader.Report($"{path}.hostname", YamlNodeReader.Child(brokers, "hostname"), "every broker needs its own host name", "include {id} or {index}, e.g. kafka-{id}");
        }

        var listenersPath = $"{path}.listeners";
        var listenersNode = YamlNodeReader.Child(brokers, "listeners");
        if (listenersNode is null && brokers is not null)
        {
            reader.Report(listenersPath, brokers, "'listeners' is required", "give internal and external container ports");
        }

        var listeners = reader.Mapping(listenersPath, listenersNode, ListenerKeys);
        var internalPort = reader.Int(listeners, listenersPath, "internal", required: true, 1, 65535);
        var externalPort = reader.Int(listeners, listenersPath, "external", required: true, 1, 65535);
        int? hostPortBase = null;
        if (reader.String(listeners, listenersPath, "hostPortBase", required: false) is { } baseText && baseText != "auto")
        {
            hostPortBase = reader.Int(listeners, listenersPath, "hostPortBase", required: false, 1024, 65535 - 32);
        }

        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (portName, _) in reader.StringMap(brokers, path, "ports"))
        {
            var portsMapping = YamlNodeReader.Child(brokers, "ports") as YamlMappingNode;
            if (reader.Int(portsMapping, $"{path}.ports", portName, required: true, 1, 65535) is { } port)
            {
                ports[portName] = port;
            }
        }

        if (count is null || image is null || hostname is null || internalPort is null || externalPort is null)
        {
            return null;
        }

        return new BrokerSpec
        {
            Count = count.Value,
            Image = image,
            FirstId = firstId,
            Hostname = hostname,
            Listeners = new ListenerSpec(internalPort.Value, externalPort.Value, hostPortBase),
            Environment = reader.StringMap(brokers, path, "environment"),
            Entrypoint = reader.Strings(brokers, path, "entrypoint"),
            Command = reader.Strings(brokers, path, "command"),
            Volumes = ReadVolumes(reader, brokers, path),
            Binds = ReadBinds(reader, brokers, path),
            Resources = ReadResources(reader, brokers, path),
            Ports = ports,
        };
    }

    private static List<ServiceSpec> ReadServices(YamlNodeReader reader, YamlMappingNode root)
    {
        var services = new List<ServiceSpec>();
        foreach (var (path, item) in reader.MappingList(root, "", "services", ServiceKeys))
        {
            var name = reader.String(item, path, "name", required: true);
            if (name is not null && !IsDockerName(name))
            {
                reader.Report($"{path}.name", YamlNodeReader.Child(item, "name"), $"'{name}' cannot name a container", "use lower-case letters, digits and '-'");
            }

            var image = reader.String(item, path, "image", required: true);
            CheckImage(reader, item, path, "image", image);
            var ports = new List<PortSpec>();
            foreach (var (portPath, port) in reader.MappingList(item, path, "ports", PortKeys))
            {
                var container = reader.Int(port, portPath, "container", required: true, 1, 65535);
                var host = reader.Int(port, portPath, "host", required: true, 1024, 65535);
                if (container is not null && host is not null)
                {
                    ports.Add(new PortSpec(container.Value, host.Value));
                }
            }

            var runToCompletion = reader.Bool(item, path, "runToCompletion");
            var waitForPort = reader.Int(item, path, "waitForPort", required: false, 1, 65535);
            if (waitForPort is not null && !ports.Any(port => port.Container == waitForPort))
            {
                reader.Report($"{path}.waitForPort", YamlNodeReader.Child(item, "waitForPort"), $"port {waitForPort} is not published",
                    "add it under ports so LoadLab can reach it from the host");
            }

            if (name is not null && image is not null)
            {
                services.Add(new ServiceSpec
                {
                    Name = name,
                    Image = image,
                    Environment = reader.StringMap(item, path, "environment"),
                    Entrypoint = reader.Strings(item, path, "entrypoint"),
                    Command = reader.Strings(item, path, "command"),
                    Ports = ports,
                    Volumes = ReadVolumes(reader, item, path),
                    Resources = ReadResources(reader, item, path),
                    RunToCompletion = runToCompletion,
                    WaitForPort = waitForPort,
                });
            }
        }

        return services;
    }

    private static ReadinessSpec? ReadReadiness(YamlNodeReader reader, YamlMappingNode root)
    {
        const string path = "readiness";
        var node = YamlNodeReader.Child(root, path);
        if (node is null)
        {
            reader.Report(path, root, "'readiness' is required", $"add condition: \"{ReadinessSpec.Condition}\" and a timeout such as 120s");
            return null;
        }

        var readiness = reader.Mapping(path, node, ReadinessKeys);
        var condition = reader.String(readiness, path, "condition", required: true);
        if (condition is not null && condition != ReadinessSpec.Condition)
        {
            reader.Report($"{path}.condition", YamlNodeReader.Child(readiness, "condition"), $"unknown condition '{condition}'", $"the only condition is \"{ReadinessSpec.Condition}\"");
        }

        var timeout = reader.Duration(readiness, path, "timeout", required: true);
        return timeout is null ? null : new ReadinessSpec(timeout.Value);
    }

    private static Dictionary<FaultMappingKey, FaultMapping> ReadFaults(YamlNodeReader reader, YamlMappingNode root)
    {
        const string path = "faults";
        var faults = new Dictionary<FaultMappingKey, FaultMapping>();
        var node = YamlNodeReader.Child(root, path);
        if (node is null)
        {
            reader.Report(path, root, "'faults' is required", "map at least broker.kill: kill and broker.restart: start");
            return faults;
        }

        var mapping = reader.Mapping(path, node, FaultKeys.Keys.ToList());
        if (mapping is null)
        {
            return faults;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var keyName = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!FaultKeys.TryGetValue(keyName, out var key))
            {
                continue;
            }

            var faultPath = $"{path}.{keyName}";
            if (value is YamlScalarNode { Value: { } actionName })
            {
                if (ContainerActions.TryGetValue(actionName, out var action))
                {
                    faults[key] = new ContainerFaultMapping(action);
                }
                else
                {
                    var closest = YamlNodeReader.Closest(actionName, ContainerActions.Keys);
                    reader.Report(faultPath, value, $"unknown container action '{actionName}'",
                        closest is null ? $"allowed: {string.Join(", ", ContainerActions.Keys)}, or a mapping with exec" : $"did you mean '{closest}'?");
                }

                continue;
            }

            var exec = reader.Mapping(faultPath, value, ExecKeys);
            var command = reader.Strings(exec, faultPath, "exec");
            if (exec is not null && command.Count == 0)
            {
                reader.Report($"{faultPath}.exec", exec, "'exec' must list the command to run inside a broker container");
            }

            var timeout = reader.Duration(exec, faultPath, "timeout", required: false) ?? TimeSpan.FromMinutes(10);
            if (command.Count > 0)
            {
                faults[key] = new ExecFaultMapping(command, timeout);
            }
        }

        return faults;
    }

    private static List<VolumeSpec> ReadVolumes(YamlNodeReader reader, YamlMappingNode? parent, string parentPath)
    {
        var volumes = new List<VolumeSpec>();
        foreach (var (path, item) in reader.MappingList(parent, parentPath, "volumes", VolumeKeys))
        {
            var name = reader.String(item, path, "name", required: true);
            var target = reader.String(item, path, "target", required: true);
            if (target is not null && !target.StartsWith('/'))
            {
                reader.Report($"{path}.target", YamlNodeReader.Child(item, "target"), $"'{target}' is not an absolute container path", "start it with /");
            }

            if (name is not null && target is not null)
            {
                volumes.Add(new VolumeSpec(name, target));
            }
        }

        return volumes;
    }

    private static List<BindSpec> ReadBinds(YamlNodeReader reader, YamlMappingNode? parent, string parentPath)
    {
        var binds = new List<BindSpec>();
        foreach (var (path, item) in reader.MappingList(parent, parentPath, "binds", BindKeys))
        {
            var source = reader.String(item, path, "source", required: true);
            var target = reader.String(item, path, "target", required: true);
            var readOnly = YamlNodeReader.Child(item, "readOnly") is null || reader.Bool(item, path, "readOnly");
            if (source is not null && target is not null)
            {
                binds.Add(new BindSpec(source, target, readOnly));
            }
        }

        return binds;
    }

    private static ResourceSpec ReadResources(YamlNodeReader reader, YamlMappingNode? parent, string parentPath)
    {
        var path = $"{parentPath}.resources";
        var resources = reader.Mapping(path, YamlNodeReader.Child(parent, "resources"), ResourceKeys);
        return new ResourceSpec(reader.Double(resources, path, "cpus", 0, 256), reader.Bytes(resources, path, "memory"));
    }

    private static void CheckImage(YamlNodeReader reader, YamlMappingNode? parent, string path, string key, string? image)
    {
        if (image is null)
        {
            return;
        }

        var tagStart = image.LastIndexOf(':');
        var hasTag = tagStart > image.LastIndexOf('/') && tagStart < image.Length - 1;
        if (!hasTag || image.EndsWith(":latest", StringComparison.Ordinal))
        {
            reader.Report($"{path}.{key}", YamlNodeReader.Child(parent, key), $"image '{image}' has no pinned tag",
                "name an exact version (e.g. apache/kafka:4.1.0) so runs are comparable");
        }
    }

    private static void CheckNamesAreUnique(YamlNodeReader reader, YamlMappingNode root, BrokerSpec? brokers, List<ServiceSpec> services)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!seen.Add(service.Name) || (brokers is not null && brokers.Hostname.Replace("{id}", "", StringComparison.Ordinal) == service.Name))
            {
                reader.Report("services", YamlNodeReader.Child(root, "services"), $"two containers are named '{service.Name}'", "give each service its own name");
            }
        }
    }

    private static bool IsDockerName(string name) =>
        name.Length is > 0 and <= 48 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && char.IsLetter(name[0]);
}
