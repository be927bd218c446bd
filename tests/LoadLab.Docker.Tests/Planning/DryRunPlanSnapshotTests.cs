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
