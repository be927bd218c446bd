using LoadLab.Core.Scenarios;
using LoadLab.Docker.Tests.Support;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Planning;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Docker.Tests.Planning;

/// <summary>
/// The real platforms' images cannot run where tests run (no registry), so their plans are pinned as snapshots:
/// any change to what LoadLab would start shows up as a reviewable diff. LOADLAB_UPDATE_SNAPSHOTS=1 rewrites them.
/// </summary>
public sealed class DryRunPlanSnapshotTests
{
    private static readonly TopicSpec[] Topics = [new("inference-events", 6, 3)];

    private static readonly Dictionary<string, string> HostValues = new(StringComparer.Ordinal)
    {
        ["dotnetRoot"] = "/usr/share/dotnet",
        ["cliDir"] = "/opt/loadlab-cli",
    };

    [Theory]
    [InlineData("kafka-kraft-3")]
    [InlineData("redpanda-3")]
    [InlineData("automq-3")]
    public void Render_ShippedDefinition_MatchesSnapshot(string name)
    {
        var plan = PlanOf(name);

        MatchSnapshot($"{name}.plan.txt", PlanPrinter.Render(plan));
    }

    [Theory]
    [InlineData("kafka-kraft-3")]
    [InlineData("redpanda-3")]
    [InlineData("automq-3")]
    public void Export_ShippedDefinition_MatchesSnapshotAndDescribesTheSameContainers(string name)
    {
        var plan = PlanOf(name);
        var compose = ComposeExporter.Export(plan);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(compose));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
        Assert.Equal(plan.Containers.Select(container => container.Hostname), services.Children.Keys.Select(key => ((YamlScalarNode)key).Value));
        MatchSnapshot($"{name}.compose.yaml", compose);
    }

    [Fact]
    public void Plan_KafkaKraft_ResolvesQuorumListenersAndHostPortsPerBroker()
    {
        var plan = PlanOf("kafka-kraft-3");

        Assert.Equal("127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094", plan.BootstrapServers);
        var second = plan.Brokers[1];
        Assert.Equal("loadlab-snapshot-kafka-2", second.Name);
        Assert.Equal("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093", second.Environment["KAFKA_CONTROLLER_QUORUM_VOTERS"]);
        Assert.Equal("PLAINTEXT://kafka-2:19092,PLAINTEXT_HOST://127.0.0.1:29093", second.Environment["KAFKA_ADVERTISED_LISTENERS"]);
        Assert.Equal("broker,controller", second.Environment["KAFKA_PROCESS_ROLES"]);
        Assert.Equal(22, second.Environment["CLUSTER_ID"].Length);
        Assert.All(plan.Brokers, broker => Assert.Equal(second.Environment["CLUSTER_ID"], broker.Environment["CLUSTER_ID"]));
        Assert.Equal(["loadlab-snapshot-kafka-1-data", "loadlab-snapshot-kafka-2-data", "loadlab-snapshot-kafka-3-data"], plan.Volumes);
        Assert.Equal("true", plan.Labels[ClusterPlanner.ManagedLabel]);
        Assert.Equal("snapshot", plan.Labels[ClusterPlanner.RunIdLabel]);
    }

    [Fact]
    public void PlanBroker_AddedKafkaNode_IsBrokerOnlyWithoutControllerListener()
    {
        var definition = EnvironmentDefinitionLoader.LoadByNameOrPath("kafka-kraft-3", [TestPaths.EnvironmentsFolder]);
        var planner = new ClusterPlanner(definition, "snapshot", Topics, HostValues, allocateHostPort: null);

        var added = planner.PlanBroker(3);

        Assert.Equal(4, added.BrokerId);
        Assert.Equal("broker", added.Environment["KAFKA_PROCESS_ROLES"]);
        Assert.Equal("PLAINTEXT://:19092,PLAINTEXT_HOST://:9092", added.Environment["KAFKA_LISTENERS"]);
        Assert.Equal(29095, added.ExternalHostPort);
    }

    [Fact]
    public void Plan_LocalMockWithAutoPorts_LeavesHostPortsOpenAndPassesTopicsToTheBroker()
    {
        var definition = EnvironmentDefinitionLoader.LoadFile(TestPaths.TestEnvironment("local-mock.yaml"));
        var plan = new DockerClusterProvider(new DockerProviderOptions { Definition = definition, HostValues = HostValues }).Plan("snapshot", Topics);

        var broker = Assert.Single(plan.Brokers);
        Assert.Null(broker.ExternalHostPort);
        Assert.Equal("127.0.0.1:auto", plan.BootstrapServers);
        Assert.Equal(["--topic", "inference-events:6:3"], broker.Command.TakeLast(2));
        Assert.Contains(broker.Mounts, mount => mount is { Source: "/opt/loadlab-cli", Target: "/opt/loadlab", ReadOnly: true, IsVolume: false });
    }

    [Fact]
    public void ResolveExecCommand_Kafka_ToolsGetTheirOwnSmallHeapAndNoVerifyLoop()
    {
        var (plan, planner, definition) = PlannerOf("kafka-kraft-3");

        var reassign = Resolve(definition, planner, plan, FaultMappingKey.PartitionReassign, replicas: [2, 3, 1]);
        var leaderMove = Resolve(definition, planner, plan, FaultMappingKey.LeaderMove, replicas: [2, 1, 3]);

        Assert.Equal("apache/kafka:4.4.0", plan.Brokers[0].Image);
        Assert.Equal("-Xms1g -Xmx1g", plan.Brokers[0].Environment["KAFKA_HEAP_OPTS"]);
        foreach (var script in new[] { reassign, leaderMove })
        {
            Assert.StartsWith("set -e; export KAFKA_HEAP_OPTS=-Xmx256m;", script, StringComparison.Ordinal);
            Assert.DoesNotContain("--verify", script, StringComparison.Ordinal);
        }

        Assert.Contains("""{"version":1,"partitions":[{"topic":"inference-events","partition":0,"replicas":[2,3,1]}]}""", reassign, StringComparison.Ordinal);
        Assert.EndsWith("--reassignment-json-file /tmp/loadlab-reassign.json --execute", reassign, StringComparison.Ordinal);
        Assert.Contains("""[{"topic":"inference-events","partition":0,"replicas":[2,1,3]}]""", leaderMove, StringComparison.Ordinal);
        Assert.EndsWith("--election-type PREFERRED --topic inference-events --partition 0", leaderMove, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Redpanda_SeastarMemoryBelowTheLimitAndRpkReachesEveryAdminApi()
    {
        var (plan, planner, definition) = PlannerOf("redpanda-3");

        var reassign = Resolve(definition, planner, plan, FaultMappingKey.PartitionReassign, replicas: [1, 2]);
        var leaderMove = Resolve(definition, planner, plan, FaultMappingKey.LeaderMove, replicas: [2, 0, 1]);

        var command = plan.Brokers[0].Command;
        Assert.Equal("1638M", command[command.ToList().IndexOf("--memory") + 1]);
        Assert.True(1638L << 20 < plan.Brokers[0].Resources.MemoryBytes, "--memory must stay below the container limit");
        Assert.Contains("dev-container", command);
        const string allAdmins = "-X admin.hosts=redpanda-0:9644,redpanda-1:9644,redpanda-2:9644";
        Assert.Contains("rpk cluster partitions move inference-events --partition 0:1,2 ", reassign, StringComparison.Ordinal);
        Assert.Contains(allAdmins, reassign, StringComparison.Ordinal);
        Assert.Contains("case \"$out\" in *'\"error\"'*) exit 1;; esac", reassign, StringComparison.Ordinal);
        Assert.DoesNotContain("move-status", reassign, StringComparison.Ordinal);
        Assert.Contains("transfer-leadership --partition inference-events/0:2 ", leaderMove, StringComparison.Ordinal);
        Assert.Contains(allAdmins, leaderMove, StringComparison.Ordinal);
        Assert.Contains("case \"$out\" in *failed*) exit 1;; esac", leaderMove, StringComparison.Ordinal);
        Assert.Contains(definition.Caveats, caveat => caveat.Contains("--unsafe-bypass-fsync", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_AutoMq_LeaderMoveReassignsToTheNewLeaderAloneAndTheCaveatsSaySo()
    {
        var (plan, planner, definition) = PlannerOf("automq-3");

        var leaderMove = Resolve(definition, planner, plan, FaultMappingKey.LeaderMove, replicas: [2, 0, 1]);
        var reassign = Resolve(definition, planner, plan, FaultMappingKey.PartitionReassign, replicas: [1]);

        Assert.Equal("automqinc/automq:1.7.3", plan.Brokers[0].Image);
        Assert.Contains("""{"version":1,"partitions":[{"topic":"inference-events","partition":0,"replicas":[2]}]}""", leaderMove, StringComparison.Ordinal);
        Assert.DoesNotContain("kafka-leader-election", leaderMove, StringComparison.Ordinal);
        Assert.DoesNotContain("--verify", reassign, StringComparison.Ordinal);
        Assert.All(new[] { leaderMove, reassign }, script => Assert.Contains("export KAFKA_HEAP_OPTS=-Xmx256m;", script, StringComparison.Ordinal));
        Assert.Equal("-Xms2g -Xmx2g -XX:MetaspaceSize=96m -XX:MaxDirectMemorySize=1G", plan.Brokers[0].Environment["KAFKA_HEAP_OPTS"]);
        Assert.Equal(4L << 30, plan.Brokers[0].Resources.MemoryBytes);
        Assert.Contains(definition.Caveats, caveat => caveat.StartsWith("every topic has replication factor 1", StringComparison.Ordinal));
        Assert.Contains("single target replica", Assert.Single(((ExecFaultMapping)definition.Faults[FaultMappingKey.PartitionReassign]).Caveats), StringComparison.Ordinal);
        var printed = PlanPrinter.Render(plan);
        Assert.Contains("caveat: AutoMQ accepts a single target replica only", printed, StringComparison.Ordinal);
        Assert.Contains("  - every topic has replication factor 1", printed, StringComparison.Ordinal);
    }

    private static (ClusterPlan Plan, ClusterPlanner Planner, EnvironmentDefinition Definition) PlannerOf(string name)
    {
        var definition = EnvironmentDefinitionLoader.LoadByNameOrPath(name, [TestPaths.EnvironmentsFolder]);
        var planner = new ClusterPlanner(definition, "snapshot", Topics, HostValues, allocateHostPort: null);
        return (planner.Plan(), planner, definition);
    }

    /// <summary>The shell script of an exec mapping (bash -c SCRIPT) resolved for inference-events/0, run in the first broker.</summary>
    private static string Resolve(EnvironmentDefinition definition, ClusterPlanner planner, ClusterPlan plan, FaultMappingKey key, int[] replicas) =>
        planner.ResolveExecCommand(((ExecFaultMapping)definition.Faults[key]).Command, "inference-events", 0, replicas, plan.Brokers[0], key.ToString())[^1];

    private static ClusterPlan PlanOf(string name)
    {
        var definition = EnvironmentDefinitionLoader.LoadByNameOrPath(name, [TestPaths.EnvironmentsFolder]);
        // Snapshots must not depend on where the repository is checked out.
        definition = definition with { SourcePath = $"environments/{name}.yaml" };
        return new DockerClusterProvider(new DockerProviderOptions { Definition = definition, HostValues = HostValues }).Plan("snapshot", Topics);
    }

    private static void MatchSnapshot(string fileName, string actual)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "tests", "LoadLab.Docker.Tests", "Planning", "Snapshots", fileName);
        if (Environment.GetEnvironmentVariable("LOADLAB_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"snapshot {path} is missing; run the tests once with LOADLAB_UPDATE_SNAPSHOTS=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
