using LoadLab.Core.Yaml;
using LoadLab.Docker.Tests.Support;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.TestSupport;

namespace LoadLab.Docker.Tests.Definitions;

public sealed class EnvironmentDefinitionLoaderTests
{
    /// <summary>A valid one-broker definition; <c>{0}</c> is replaced by extra lines under <c>brokers:</c>.</summary>
    private const string Minimal = """
        name: minimal
        platform: kafka
        brokers:
          count: 1
          image: apache/kafka:4.1.0
          hostname: kafka-{id}
          listeners: { internal: 19092, external: 9092 }
        {0}
        readiness: { condition: metadata lists all brokers, timeout: 30s }
        faults: { broker-kill: kill }
        """;

    [Theory]
    [InlineData("kafka-kraft-3", "kafka", 3, "apache/kafka:4.4.0", 2L << 30)]
    [InlineData("redpanda-3", "redpanda", 3, "redpandadata/redpanda:v26.1.9", 2L << 30)]
    [InlineData("automq-3", "automq", 3, "automqinc/automq:1.7.3", 4L << 30)]
    public void LoadByNameOrPath_ShippedDefinition_IsValidWithEveryFaultMapped(string name, string platform, int brokers, string image, long memoryBytes)
    {
        var definition = EnvironmentDefinitionLoader.LoadByNameOrPath(name, [TestPaths.EnvironmentsFolder]);

        Assert.Equal(platform, definition.Platform);
        Assert.Equal(brokers, definition.Brokers.Count);
        Assert.Equal(image, definition.Brokers.Image);
        Assert.Equal(memoryBytes, definition.Brokers.Resources.MemoryBytes);
        Assert.StartsWith("https://", definition.Docs, StringComparison.Ordinal);
        Assert.Equal(Enum.GetValues<FaultMappingKey>().Order(), definition.Faults.Keys.Order());
        Assert.IsType<ExecFaultMapping>(definition.Faults[FaultMappingKey.PartitionReassign]);
        Assert.Equal(new ContainerFaultMapping(ContainerAction.Kill), definition.Faults[FaultMappingKey.BrokerKill]);
    }

    [Fact]
    public void LoadFile_TestOnlyLocalMock_IsValid()
    {
        var definition = EnvironmentDefinitionLoader.LoadFile(TestPaths.TestEnvironment("local-mock.yaml"));

        Assert.Equal("loadlab-mock", definition.Platform);
        Assert.Null(definition.Brokers.Listeners.HostPortBase);
        Assert.Equal(512L << 20, definition.Brokers.Resources.MemoryBytes);
        Assert.Equal("10", definition.ClientDefaults["fetch.wait.max.ms"]);
    }

    [Fact]
    public void Parse_HumanDurationsAndIecSizes_Load()
    {
        var yaml = Minimal
            .Replace("{0}", """
                  resources: { cpus: 1.5, memory: 512MiB }
                services:
                  - name: minio
                    image: minio/minio:RELEASE.2025-05-24T17-08-30Z
                    resources: { memory: 1GB }
                """, StringComparison.Ordinal)
            .Replace("timeout: 30s", "timeout: 1h30m", StringComparison.Ordinal)
            .Replace("broker-kill: kill", "broker-kill: kill, partition-reassign: { exec: [\"true\"], timeout: 1d }", StringComparison.Ordinal);

        var result = EnvironmentDefinitionLoader.Parse(yaml, "sizes.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var definition = result.Value!;
        Assert.Equal(TimeSpan.FromMinutes(90), definition.Readiness.Timeout);
        Assert.Equal(512L * 1024 * 1024, definition.Brokers.Resources.MemoryBytes);
        Assert.Equal(1.5, definition.Brokers.Resources.Cpus);
        Assert.Equal(1_000_000_000L, definition.Services[0].Resources.MemoryBytes);
        Assert.Equal(TimeSpan.FromDays(1), Assert.IsType<ExecFaultMapping>(definition.Faults[FaultMappingKey.PartitionReassign]).Timeout);
    }

    [Theory]
    [InlineData("512m", "memory: 512MiB")]
    [InlineData("2g", "memory: 2GiB")]
    [InlineData("512Mi", "memory: 512MiB")]
    [InlineData("1.5G", "memory: 1.5GiB")]
    public void Parse_DockerStyleMemory_IsRefusedWithTheIecSpellingAsTheFix(string memory, string fix)
    {
        var result = EnvironmentDefinitionLoader.Parse(Minimal.Replace("{0}", $"  resources: {{ memory: {memory} }}", StringComparison.Ordinal), "old.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("brokers.resources.memory", problem.Path);
        Assert.Equal(8, problem.Line);
        Assert.Equal(fix, problem.Suggestion);
        Assert.Contains("1024-based", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2 minutes", "timeout: 2m")]
    [InlineData("90", "timeout: 90s")]
    [InlineData("30m1h", "timeout: 1h30m")]
    public void Parse_NearMissDuration_GetsItsCorrectSpellingAsTheFix(string timeout, string fix)
    {
        var yaml = Minimal.Replace("{0}", "", StringComparison.Ordinal).Replace("timeout: 30s", $"timeout: {timeout}", StringComparison.Ordinal);

        var problem = Assert.Single(EnvironmentDefinitionLoader.Parse(yaml, "old.yaml").Problems);

        Assert.Equal("readiness.timeout", problem.Path);
        Assert.Equal(fix, problem.Suggestion);
    }

    /// <summary>Every key that was camelCase (or dotted) before the one YAML layer, where it goes, and its new name.</summary>
    public static TheoryData<string, string, string> RenamedKeys() => new()
    {
        { "  firstId: 1", "brokers.firstId", "first-id" },
        { "  listeners: { internal: 19092, external: 9092, hostPortBase: 29092 }", "brokers.listeners.hostPortBase", "host-port-base" },
        { "  binds: [{ source: /tmp, target: /data, readOnly: true }]", "brokers.binds[0].readOnly", "read-only" },
        { "services: [{ name: mc, image: minio/mc:RELEASE.2025-05-21T01-59-54Z, runToCompletion: true }]", "services[0].runToCompletion", "run-to-completion" },
        { "services: [{ name: mc, image: minio/mc:RELEASE.2025-05-21T01-59-54Z, waitForPort: 9000 }]", "services[0].waitForPort", "wait-for-port" },
        { "clientDefaults: { linger.ms: \"5\" }", "clientDefaults", "client-defaults" },
    };

    [Theory]
    [MemberData(nameof(RenamedKeys))]
    public void Parse_OldCamelCaseKey_IsRefusedWithADidYouMeanToItsKebabCaseName(string line, string path, string newName)
    {
        // Lines starting with a space belong under brokers:, the others at the root (the listeners line replaces the original).
        var yaml = line.StartsWith(' ')
            ? Minimal.Replace("  listeners: { internal: 19092, external: 9092 }\n{0}", line.Contains("listeners", StringComparison.Ordinal) ? line : "  listeners: { internal: 19092, external: 9092 }\n" + line, StringComparison.Ordinal)
            : Minimal.Replace("{0}", line, StringComparison.Ordinal);

        var result = EnvironmentDefinitionLoader.Parse(yaml, "old.yaml");

        var problem = Assert.Single(result.Problems);
        var oldName = path[(path.LastIndexOf('.') + 1)..];
        Assert.Equal(path, problem.Path);
        Assert.Equal($"rename \"{oldName}\" to \"{newName}\"", problem.Suggestion);
        Assert.True(problem.Line > 0, problem.ToString());
        Assert.StartsWith($"old.yaml:{problem.Line}:", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OldDottedFaultKey_IsRefusedWithADidYouMeanToItsKebabCaseName()
    {
        var yaml = Minimal.Replace("{0}", "", StringComparison.Ordinal).Replace("broker-kill: kill", "broker.kill: kill, leader.move: { exec: [true] }", StringComparison.Ordinal);

        var problems = EnvironmentDefinitionLoader.Parse(yaml, "old.yaml").Problems;

        Assert.Equal(["rename \"broker.kill\" to \"broker-kill\"", "rename \"leader.move\" to \"leader-move\""], problems.Select(p => p.Suggestion));
    }

    [Fact]
    public void LoadByNameOrPath_MisspelledName_SuggestsTheClosestDefinition()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            EnvironmentDefinitionLoader.LoadByNameOrPath("kafka-kraft3", [TestPaths.EnvironmentsFolder]));

        Assert.Equal("did you mean 'kafka-kraft-3'?", Assert.Single(error.Problems).Suggestion);
    }

    [Fact]
    public void Parse_SeveralMistakes_ListsEachWithPathLineAndFix()
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
              broker-kill: murder
              broker-pauze: pause
            """;

        var result = EnvironmentDefinitionLoader.Parse(yaml, "broken.yaml");

        var problems = result.Problems.ToDictionary(problem => problem.Path, StringComparer.Ordinal);
        Assert.Equal(2, problems["platform"].Line);
        Assert.Equal("platform: kafka", problems["platform"].Suggestion);
        Assert.Equal(4, problems["brokers.count"].Line);
        Assert.Contains("no pinned tag", problems["brokers.image"].Message, StringComparison.Ordinal);
        Assert.Contains("{id}", problems["brokers.hostname"].Suggestion, StringComparison.Ordinal);
        Assert.Equal("rename \"externl\" to \"external\"", problems["brokers.listeners.externl"].Suggestion);
        Assert.Equal(9, problems["brokers.listeners.externl"].Line);
        Assert.Equal("rename \"enviroment\" to \"environment\"", problems["brokers.enviroment"].Suggestion);
        Assert.Contains("1h30m", problems["readiness.timeout"].Message, StringComparison.Ordinal);
        Assert.Equal("rename \"broker-pauze\" to \"broker-pause\"", problems["faults.broker-pauze"].Suggestion);
        Assert.Contains("expected one of kill, stop, start", problems["faults.broker-kill"].Message, StringComparison.Ordinal);
        Assert.All(result.Problems, problem => Assert.Equal("broken.yaml", problem.File));
        Assert.All(result.Problems, problem => Assert.True(problem.Line > 0, problem.ToString()));
        // The external listener is missing too, but the did-you-mean of its misspelling already says so.
        Assert.Equal(9, result.Problems.Count);
    }

    [Fact]
    public void Parse_UnknownPlaceholder_IsReportedWithItsPathLineAndTheKnownOnes()
    {
        var yaml = Minimal.Replace("{0}", "  environment:\n    KAFKA_CONTROLLER_QUORUM_VOTERS: \"{voter}\"", StringComparison.Ordinal);

        var problem = Assert.Single(EnvironmentDefinitionLoader.Parse(yaml, "placeholders.yaml").Problems);

        Assert.Equal("brokers.environment.KAFKA_CONTROLLER_QUORUM_VOTERS", problem.Path);
        Assert.Equal(9, problem.Line);
        Assert.Equal(37, problem.Column);
        Assert.Contains("{voter}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("{hostPort}", problem.Suggestion, StringComparison.Ordinal);
        Assert.Equal("placeholders.yaml", problem.File);
    }

    [Fact]
    public void Parse_InvalidYaml_ReportsTheLine()
    {
        var problem = Assert.Single(EnvironmentDefinitionLoader.Parse("name: x\nbrokers:\n  count: [1\n", "bad.yaml").Problems);

        Assert.Contains("YAML syntax error", problem.Message, StringComparison.Ordinal);
        Assert.True(problem.Line >= 3, $"line {problem.Line}");
    }

    [Fact]
    public void Schema_DeclaresExactlyTheKeysTheLoaderAccepts()
    {
        var schema = SchemaWalk.Of(Path.Combine(TestPaths.RepositoryRoot, "schemas", "environment.schema.json"));

        Assert.Equal(EnvironmentDefinitionLoader.Root.KeyPaths().Order(StringComparer.Ordinal), schema.KeyPaths.Order(StringComparer.Ordinal));
        Assert.Equal(EnvironmentDefinitionLoader.ContainerActions.Select(a => a.Key).Order(StringComparer.Ordinal), schema.EnumsAt("faults.broker-kill").Order(StringComparer.Ordinal));
        Assert.Equal(EnvironmentDefinitionLoader.Platforms.Order(StringComparer.Ordinal), schema.EnumsAt("platform").Order(StringComparer.Ordinal));
    }
}
