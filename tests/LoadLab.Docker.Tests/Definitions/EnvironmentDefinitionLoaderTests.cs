using LoadLab.Docker.Tests.Support;
using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Docker.Tests.Definitions;

public sealed class EnvironmentDefinitionLoaderTests
{
    [Theory]
    [InlineData("kafka-kraft-3", "kafka", 3, "apache/kafka:4.1.0")]
    [InlineData("redpanda-3", "redpanda", 3, "redpandadata/redpanda:v26.1.9")]
    [InlineData("automq-3", "automq", 3, "automqinc/automq:1.5.3")]
    public void LoadByNameOrPath_ShippedDefinition_IsValidWithEveryFaultMapped(string name, string platform, int brokers, string image)
    {
        var definition = EnvironmentDefinitionLoader.LoadByNameOrPath(name, [TestPaths.EnvironmentsFolder]);

        Assert.Equal(platform, definition.Platform);
        Assert.Equal(brokers, definition.Brokers.Count);
        Assert.Equal(image, definition.Brokers.Image);
        Assert.StartsWith("https://", definition.Docs, StringComparison.Ordinal);
        Assert.Equal(Enum.GetValues<FaultMappingKey>().Order(), definition.Faults.Keys.Order());
        Assert.IsType<ExecFaultMapping>(definition.Faults[FaultMappingKey.PartitionReassign]);
        Assert.Equal(new ContainerFaultMapping(ContainerAction.Kill), definition.Faults[FaultMappingKey.BrokerKill]);
    }

    [Fact]
    public void LoadByNameOrPath_TestOnlyLocalMock_IsValid()
    {
        var definition = EnvironmentDefinitionLoader.LoadFile(TestPaths.TestEnvironment("local-mock.yaml"));

        Assert.Equal("loadlab-mock", definition.Platform);
        Assert.Null(definition.Brokers.Listeners.HostPortBase);
    }

    [Fact]
    public void LoadByNameOrPath_MisspelledName_SuggestsTheClosestDefinition()
    {
        var error = Assert.Throws<EnvironmentDefinitionException>(() =>
            EnvironmentDefinitionLoader.LoadByNameOrPath("kafka-kraft3", [TestPaths.EnvironmentsFolder]));

        Assert.Contains("did you mean 'kafka-kraft-3'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralMistakes_ListsEachWithPathLineAndFix()
    {
        const string yaml = """
            name: broken
            platform: kafak
            brokers:
              count: 0
              image: apache/kafka:latest
              hostname: kafka
              listeners:
                internal: 19092
                externl: 9092
              enviroment: {}
            readiness:
              condition: metadata lists all brokers
              timeout: soon
            faults:
              broker.kill: murder
              broker.pauze: pause
            """;

        var error = Assert.Throws<EnvironmentDefinitionException>(() => EnvironmentDefinitionLoader.Load(new StringReader(yaml), "broken.yaml"));

        var problems = error.Problems.ToDictionary(problem => problem.Path, StringComparer.Ordinal);
        Assert.Equal(2, problems["platform"].Line);
        Assert.Equal("did you mean 'kafka'?", problems["platform"].Suggestion);
        Assert.Equal(4, problems["brokers.count"].Line);
        Assert.Contains("no pinned tag", problems["brokers.image"].Message, StringComparison.Ordinal);
        Assert.Contains("{id}", problems["brokers.hostname"].Suggestion, StringComparison.Ordinal);
        Assert.Equal("did you mean 'external'?", problems["brokers.listeners.externl"].Suggestion);
        Assert.Equal(9, problems["brokers.listeners.externl"].Line);
        Assert.Equal("did you mean 'environment'?", problems["brokers.enviroment"].Suggestion);
        Assert.Contains("30s", problems["readiness.timeout"].Suggestion, StringComparison.Ordinal);
        Assert.Equal("did you mean 'broker.pause'?", problems["faults.broker.pauze"].Suggestion);
        Assert.Contains("allowed: kill", problems["faults.broker.kill"].Suggestion, StringComparison.Ordinal);
        Assert.All(error.Problems, problem => Assert.Equal("broken.yaml", problem.File));
        Assert.StartsWith("The environment definition has 10 problems:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownPlaceholder_IsReportedWithItsPathAndTheKnownOnes()
    {
        const string yaml = """
            name: placeholders
            platform: kafka
            brokers:
              count: 1
              image: apache/kafka:4.1.0
              hostname: kafka-{id}
              listeners: { internal: 19092, external: 9092 }
              environment:
                KAFKA_CONTROLLER_QUORUM_VOTERS: "{voter}"
            readiness: { condition: metadata lists all brokers, timeout: 30s }
            faults: { broker.kill: kill }
            """;

        var error = Assert.Throws<EnvironmentDefinitionException>(() => EnvironmentDefinitionLoader.Load(new StringReader(yaml), "placeholders.yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("brokers.environment.KAFKA_CONTROLLER_QUORUM_VOTERS", problem.Path);
        Assert.Contains("{voter}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("{hostPort}", problem.Suggestion, StringComparison.Ordinal);
        Assert.Equal("placeholders.yaml", problem.File);
    }

    [Fact]
    public void Load_InvalidYaml_ReportsTheLine()
    {
        var error = Assert.Throws<EnvironmentDefinitionException>(() =>
            EnvironmentDefinitionLoader.Load(new StringReader("name: x\nbrokers:\n  count: [1\n"), "bad.yaml"));

        var problem = Assert.Single(error.Problems);
        Assert.Contains("not valid YAML", problem.Message, StringComparison.Ordinal);
        Assert.True(problem.Line >= 3, $"line {problem.Line}");
    }
}
