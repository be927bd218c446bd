using System.Text.Json;
using LoadLab.Core.Environments;
using LoadLab.Core.Yaml;
using LoadLab.Environments.External;
using LoadLab.TestSupport;

namespace LoadLab.Integration.Tests.External;

public sealed class ExternalDefinitionTests
{
    [Fact]
    public void Parse_UnknownMechanism_ListsTheAllowedValuesWithLine()
    {
        var result = ExternalDefinitionLoader.Parse("""
            name: x
            bootstrap-servers: k:9092
            security:
              protocol: SASL_SSL
              sasl:
                mechanism: SCRAM-SHA-1024
                username: ${U}
                password: ${P}
            """, "x.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("x.yaml:6:16: security.sasl.mechanism: expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, got \"SCRAM-SHA-1024\"", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LiteralSecret_IsRejectedWithoutEchoingIt()
    {
        var result = ExternalDefinitionLoader.Parse("""
            name: x
            bootstrap-servers: k:9092
            security:
              protocol: SASL_PLAINTEXT
              sasl: {mechanism: PLAIN, username: me, password: hunter2}
            client:
              sasl.oauthbearer.client.secret: s3cr3t
            """, "x.yaml");

        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Contains("a secret must be a reference to an environment variable", p.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Problems, p => p.ToString().Contains("hunter2", StringComparison.Ordinal) || p.ToString().Contains("s3cr3t", StringComparison.Ordinal));
        Assert.Equal(["security.sasl.password", "client.sasl.oauthbearer.client.secret"], result.Problems.Select(p => p.Path));
    }

    [Fact]
    public void Parse_StructuralMistakes_AreAllReported()
    {
        var result = ExternalDefinitionLoader.Parse("""
            name: x
            bootstrap-servers: k:9092
            security:
              protocol: SASL_SSL
            client:
              security.protocol: SSL
            topics: {policy: existing, prefix: run-}
            faults:
              hooks:
                broker-kil: kubectl delete pod kafka-{broker.id}
                broker-restart: kubectl rollout restart sts/kafka-{broker.idd}
            """, "x.yaml");

        Assert.Equal(
            [
                "x.yaml:4:3: security: protocol SASL_SSL needs security.sasl. Fix: add sasl: {mechanism: SCRAM-SHA-512, username: ${KAFKA_USERNAME}, password: ${KAFKA_PASSWORD}}",
                "x.yaml:6:22: client.security.protocol: client.security.protocol is set from bootstrap-servers or security:. Fix: move it there (e.g. security.sasl.password: ${KAFKA_PASSWORD}) and remove it from client",
                "x.yaml:7:36: topics.prefix: topics.prefix is only used with policy: prefix. Fix: set policy: prefix, or remove prefix",
            ],
            result.Problems.Take(3).Select(p => p.ToString()));
        Assert.Contains(result.Problems, p => p.Path == "faults.hooks.broker-kil" && p.Suggestion == "rename \"broker-kil\" to \"broker-kill\"");
        Assert.Contains(result.Problems, p => p.Path == "faults.hooks.broker-restart" && p.Message.StartsWith("unknown placeholder {broker.idd}", StringComparison.Ordinal) && p.Suggestion == "write {broker.id}");
    }

    [Theory]
    [InlineData("bootstrapServers: k:9092", "bootstrapServers", "bootstrap-servers")]
    [InlineData("bootstrap-servers: k:9092\ntopics: {policy: create, allowExistingData: true}", "topics.allowExistingData", "allow-existing-data")]
    [InlineData("bootstrap-servers: k:9092\nfaults: {verifyTimeout: 30s}", "faults.verifyTimeout", "verify-timeout")]
    [InlineData("bootstrap-servers: k:9092\nfaults:\n  hooks:\n    brokerKill: kubectl delete pod kafka-{broker.id}", "faults.hooks.brokerKill", "broker-kill")]
    public void Parse_CamelCaseKey_IsRefusedWithADidYouMeanToItsKebabCaseName(string yaml, string path, string kebab)
    {
        var result = ExternalDefinitionLoader.Parse("name: x\n" + yaml, "x.yaml");

        var problem = Assert.Single(result.Problems, p => p.Path == path);
        Assert.Equal($"rename \"{path[(path.LastIndexOf('.') + 1)..]}\" to \"{kebab}\"", problem.Suggestion);
        Assert.True(problem.Line > 0);
    }

    [Fact]
    public void Parse_HookTimeoutsInTheOneDurationGrammar_Load()
    {
        var result = ExternalDefinitionLoader.Parse("""
            name: x
            bootstrap-servers: k:9092
            faults:
              timeout: 1h30m
              verify-timeout: 2m30s
              hooks:
                broker-restart: {command: kubectl rollout restart sts/kafka, timeout: 1d}
                broker-kill: kubectl delete pod kafka-{broker.id}
            """, "x.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(TimeSpan.FromMinutes(90), result.Value!.Hooks[FaultOperation.BrokerKill].Timeout);
        Assert.Equal(TimeSpan.FromDays(1), result.Value.Hooks[FaultOperation.BrokerRestart].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(150), result.Value.VerifyTimeout);
    }

    [Theory]
    [InlineData("90 seconds", "timeout: 1m30s")]
    [InlineData("60", "timeout: 60s")]
    [InlineData("2d", "e.g. timeout: 60s")]
    public void Parse_BadHookTimeout_SaysTheGrammarWithTheLikelyFix(string timeout, string fix)
    {
        var result = ExternalDefinitionLoader.Parse($"name: x\nbootstrap-servers: k:9092\nfaults: {{timeout: {timeout}}}", "x.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("faults.timeout", fix), (problem.Path, problem.Suggestion));
        Assert.Contains("1h30m", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadByNameOrPath_MisspelledName_SuggestsTheClosestExternalDefinition()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            ExternalDefinitionLoader.LoadByNameOrPath("exampel", [Path.Combine(RepositoryRoot(), "environments")]));

        Assert.Equal("did you mean 'example'?", Assert.Single(error.Problems).Suggestion);
    }

    [Fact]
    public void Resolve_MissingVariable_NamesItAndWhereItIsUsed()
    {
        var definition = ExternalDefinitionLoader.Parse("""
            name: x
            bootstrap-servers: k:9092
            security:
              protocol: SASL_SSL
              sasl: {mechanism: SCRAM-SHA-512, username: "${KAFKA_USERNAME}", password: "${KAFKA_PASSWORD}"}
            """, "x.yaml").Value!;

        var error = Assert.Throws<InvalidInputException>(() => SecretResolver.Resolve(definition, name => name == "KAFKA_USERNAME" ? "loadlab" : null));

        Assert.Equal("x.yaml:5:77: security.sasl.password: environment variable KAFKA_PASSWORD is not set. Fix: export KAFKA_PASSWORD before the run", error.Message);
    }

    [Fact]
    public void Resolve_SetVariables_GoToClientSettingsAndTheRedactorOnly()
    {
        var definition = ExternalDefinitionLoader.Parse("""
            name: x
            bootstrap-servers: k:9092
            security:
              protocol: SASL_SSL
              sasl: {mechanism: SCRAM-SHA-256, username: "${U}", password: "${P}"}
            client: {linger.ms: 5}
            """, "x.yaml").Value!;

        var resolved = SecretResolver.Resolve(definition, name => name == "U" ? "user-1" : "pa55-word");

        Assert.Equal("pa55-word", resolved.ClientSettings["sasl.password"]);
        Assert.Equal("SCRAM-SHA-256", resolved.ClientSettings["sasl.mechanism"]);
        Assert.Equal("5", resolved.ClientSettings["linger.ms"]);
        Assert.Equal("login *** with *** failed", resolved.Redactor.Redact("login user-1 with pa55-word failed"));
        Assert.DoesNotContain("pa55-word", JsonSerializer.Serialize(definition), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_Example_LoadsWithItsHooks()
    {
        var definition = ExternalDefinitionLoader.LoadFile(Path.Combine(RepositoryRoot(), "environments", "external.example.yaml"));

        Assert.Equal("staging", definition.Name);
        Assert.Equal(TopicPolicy.Prefix, definition.Topics);
        Assert.Equal(SaslMechanism.ScramSha512, definition.Mechanism);
        Assert.Equal([FaultOperation.BrokerKill, FaultOperation.BrokerRestart, FaultOperation.LeaderMove], definition.Hooks.Keys.Order());
        Assert.Equal(TimeSpan.FromSeconds(180), definition.Hooks[FaultOperation.BrokerRestart].Timeout);
    }

    [Fact]
    public void Schema_DescribesEveryKeyTheLoaderAccepts()
    {
        var schema = SchemaWalk.Of(Path.Combine(RepositoryRoot(), "schemas", "external.schema.json"));

        Assert.Equal(ExternalDefinitionLoader.Root.KeyPaths().Order(StringComparer.Ordinal), schema.KeyPaths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Render_Placeholders_AreFilledAndShellVariablesLeftAlone()
    {
        var command = new FaultCommand(FaultOperation.LeaderMove, Topic: "orders", Partition: 2, Replicas: [3, 1]);

        var rendered = HookTemplate.Render("move {topic}/{partition} to {leader} ({replicas}) as ${USER} on {bootstrap.servers} for {run.id}", command, null, "r1", "k:9092");

        Assert.Equal("move orders/2 to 3 (3,1) as ${USER} on k:9092 for r1", rendered);
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LoadLab.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LoadLab.sln not found above " + AppContext.BaseDirectory);
    }
}
