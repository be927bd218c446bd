using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Engine;

namespace LoadLab.Docker.Tests.Engine;

public sealed class DockerEngineTests
{
    [Fact]
    public async Task ConnectAsync_DeadSocket_SaysWhereItLookedAndHowToFix()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"loadlab-no-engine-{Guid.NewGuid():N}.sock");

        var error = await Assert.ThrowsAsync<EnvironmentException>(() => DockerEngine.ConnectAsync($"unix://{socket}", CancellationToken.None));

        Assert.Contains("No Docker engine is reachable", error.Message, StringComparison.Ordinal);
        Assert.Contains($"DOCKER_HOST=unix://{socket} (no such socket file)", error.Message, StringComparison.Ordinal);
        Assert.Contains(".ci/docker-engine.sh start", error.Message, StringComparison.Ordinal);
        Assert.Contains("--env embedded", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConnectAsync_NoDockerHost_NamesTheDefaultSocket()
    {
        Skip.If(File.Exists("/var/run/docker.sock"), "a system Docker socket exists here, so the default socket is not dead");

        var error = await Assert.ThrowsAsync<EnvironmentException>(() => DockerEngine.ConnectAsync(dockerHost: null, CancellationToken.None));

        Assert.Contains($"DOCKER_HOST is not set, so LoadLab tried the default socket {DockerEngine.DefaultSocket} (no such socket file)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_MalformedDockerHost_ExplainsTheExpectedForm()
    {
        var error = await Assert.ThrowsAsync<EnvironmentException>(() => DockerEngine.ConnectAsync("not a uri", CancellationToken.None));

        Assert.Contains("unix:///var/run/docker.sock", error.Message, StringComparison.Ordinal);
    }
}
