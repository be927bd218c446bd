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

        Assert.StartsWith($"No Docker engine is reachable: DOCKER_HOST=unix://{socket} names a socket file that does not exist. Fix: ", error.Message, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, "reachable"));
        Assert.Contains(".ci/docker-engine.sh start", error.Message, StringComparison.Ordinal);
        Assert.Contains("--env embedded", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConnectAsync_NoDockerHost_NamesTheDefaultSocket()
    {
        Skip.If(File.Exists("/var/run/docker.sock"), "a system Docker socket exists here, so the default socket is not dead");

        var error = await Assert.ThrowsAsync<EnvironmentException>(() => DockerEngine.ConnectAsync(dockerHost: null, CancellationToken.None));

        Assert.StartsWith($"No Docker engine is reachable: DOCKER_HOST is not set and the default socket {DockerEngine.DefaultSocket} does not exist. Fix: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_MalformedDockerHost_ExplainsTheExpectedForm()
    {
        var error = await Assert.ThrowsAsync<EnvironmentException>(() => DockerEngine.ConnectAsync("not a uri", CancellationToken.None));

        Assert.Contains("unix:///var/run/docker.sock", error.Message, StringComparison.Ordinal);
    }
}
