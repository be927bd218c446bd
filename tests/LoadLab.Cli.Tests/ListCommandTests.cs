namespace LoadLab.Cli.Tests;

public sealed class ListCommandTests
{
    [Fact]
    public async Task List_RepositoryFolders_NamesEveryEnvironmentAsEnvTakesItWithWhatItIs()
    {
        var output = new StringWriter();

        var exitCode = await CommandLine.InvokeAsync(
            CommandLine.CreateRoot(),
            ["list", "--scenarios", Repository.PathOf("scenarios"), "--environments", Repository.PathOf("environments")],
            output,
            new StringWriter());

        Assert.Equal(0, exitCode);
        var environments = output.ToString().Split(Environment.NewLine).SkipWhile(line => !line.StartsWith("Environments", StringComparison.Ordinal)).Skip(1)
            .Where(line => line.Length > 0).Select(line => line.Trim().Split("  ", 2)).ToDictionary(parts => parts[0], parts => parts[1].Trim());
        Assert.Equal(["docker:automq-3", "docker:kafka-kraft-3", "docker:redpanda-3", "embedded", "external:example"], environments.Keys.Order(StringComparer.Ordinal));
        // What Kafka's line says comes from its definition (the version moves with the file).
        var kafka = File.ReadAllLines(Repository.PathOf("environments", "kafka-kraft-3.yaml"));
        var description = kafka.Single(line => line.StartsWith("description: ", StringComparison.Ordinal))["description: ".Length..];
        var image = kafka.Single(line => line.TrimStart().StartsWith("image: ", StringComparison.Ordinal)).Trim()["image: ".Length..];
        Assert.StartsWith(description, environments["docker:kafka-kraft-3"], StringComparison.Ordinal);
        Assert.Contains($"(Docker: 3 containers of {image})", environments["docker:kafka-kraft-3"], StringComparison.Ordinal);
        Assert.StartsWith("an existing cluster, 'staging' at kafka-0.staging.example:9093", environments["external:example"], StringComparison.Ordinal);
        // Every listed name is one --env finds (the example external cluster then asks for its secrets' variables).
        Assert.All(environments.Keys, name => Assert.DoesNotMatch("unknown environment|no (external |environment )?definition", EnvironmentCatalog.Resolve(name).Error ?? ""));
    }
}
