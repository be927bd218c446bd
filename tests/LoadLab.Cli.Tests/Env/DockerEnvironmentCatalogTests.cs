using LoadLab.Environments.Docker;

namespace LoadLab.Cli.Tests.Env;

public sealed class DockerEnvironmentCatalogTests
{
    [Fact]
    public void Resolve_DockerDefinitionName_GivesTheDockerProvider()
    {
        var (provider, error) = EnvironmentCatalog.Resolve("docker:redpanda-3");

        Assert.Null(error);
        var docker = Assert.IsType<DockerClusterProvider>(provider);
        Assert.Equal("docker", docker.Kind);
        Assert.Equal("127.0.0.1:39092,127.0.0.1:39093,127.0.0.1:39094", docker.Plan("catalog", []).BootstrapServers);
    }

    [Fact]
    public void Resolve_MisspelledDockerDefinition_SaysWhatItMeant()
    {
        var (provider, error) = EnvironmentCatalog.Resolve("docker:automq3");

        Assert.Null(provider);
        Assert.Contains("did you mean 'automq-3'?", error, StringComparison.Ordinal);
    }
}
