using LoadLab.Cli.Tests;
using LoadLab.Docker.Tests.Support;
using Xunit.Abstractions;

namespace LoadLab.Docker.Tests.Runs;

/// <summary>A fault the Docker environment cannot perform is refused before LoadLab touches the engine.</summary>
public sealed class UnsupportedFaultTests(ITestOutputHelper output)
{
    private static readonly string Scenario = Path.Combine(AppContext.BaseDirectory, "scenarios", "docker-unsupported-fault.yaml");
    private static readonly string Environment = "docker:" + TestPaths.TestEnvironment("local-mock.yaml");

    /// <summary>
    /// No engine at all (DOCKER_HOST names a socket that does not exist): connecting would end in exit code 3 and
    /// "no Docker engine"; the refusal comes first, with every fault named.
    /// </summary>
    [Fact]
    public async Task Run_FaultsTheEnvironmentCannotPerform_ExitTwoWithoutAnEngine()
    {
        var directory = Directory.CreateTempSubdirectory("loadlab-unsupported-").FullName;
        try
        {
            var (exitCode, printed, errors) = await CliProcess.RunAsync(directory, TimeSpan.FromMinutes(2),
                new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{directory}/no-engine.sock" }, "run", Scenario, "--env", Environment);
            output.WriteLine(errors);

            Assert.Equal(2, exitCode);
            Assert.Contains("partition.reassign needs the PartitionReassign operation", errors, StringComparison.Ordinal);
            Assert.Contains("errors.inject needs the InjectErrors operation", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("engine", errors, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(directory, "results")) && Directory.EnumerateFileSystemEntries(Path.Combine(directory, "results")).Any(), "a results folder was written");
            Assert.Equal("", printed.Trim());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// With an engine: the refusal creates no container, network or volume (other Docker tests run alongside, so only
    /// resources of this scenario's runs, named after it, are looked for).
    /// </summary>
    [SkippableFact]
    public async Task Run_FaultsTheEnvironmentCannotPerform_NoContainerNetworkOrVolumeOfTheRun()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        var directory = Directory.CreateTempSubdirectory("loadlab-unsupported-").FullName;
        try
        {
            var (exitCode, _, errors) = await CliProcess.RunAsync(directory, TimeSpan.FromMinutes(2), "run", Scenario, "--env", Environment);

            Assert.Equal(2, exitCode);
            Assert.Contains("nothing was started", errors, StringComparison.OrdinalIgnoreCase);
            var containers = await client.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters { All = true });
            var networks = await client.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters());
            var volumes = (await client.Volumes.ListAsync(new global::Docker.DotNet.Models.VolumesListParameters())).Volumes ?? [];
            Assert.DoesNotContain(containers.SelectMany(c => c.Names), name => name.Contains("docker-unsupported-fault", StringComparison.Ordinal));
            Assert.DoesNotContain(networks, network => network.Name.Contains("docker-unsupported-fault", StringComparison.Ordinal));
            Assert.DoesNotContain(volumes, volume => volume.Name.Contains("docker-unsupported-fault", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
