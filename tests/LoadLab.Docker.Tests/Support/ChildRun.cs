using LoadLab.Core.Environments;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Docker.Tests.Support;

/// <summary>
/// Entry point used when the test assembly runs as a process of its own. <c>child &lt;definition&gt; &lt;run-id&gt;</c>:
/// a run that starts a Docker cluster and then holds it, so a test can kill it with SIGKILL (no teardown possible) or
/// SIGTERM (teardown expected) and check what is left. <c>echo …</c>: a stand-in platform tool.
/// </summary>
public static class ChildRun
{
    public const string ReadyMarker = "CHILD-READY";

    public static async Task<int> Main(string[] args)
    {
        // Stands in for a platform tool in exec-fault tests: shows the arguments it received.
        if (args.Length > 0 && args[0] == "echo")
        {
            Console.Out.WriteLine(string.Join(" ", args[1..]));
            return 0;
        }

        if (args.Length != 3 || args[0] != "child")
        {
            await Console.Error.WriteLineAsync("usage: LoadLab.Docker.Tests child <definition.yaml> <run-id> | echo …");
            return 2;
        }

        var definition = EnvironmentDefinitionLoader.LoadFile(args[1]);
        var provider = new DockerClusterProvider(new DockerProviderOptions
        {
            Definition = definition,
            HostValues = DockerProviderOptions.DefaultHostValues(AppContext.BaseDirectory),
        });
        try
        {
            await using var cluster = await provider.StartAsync(new ClusterRequest(args[2], [new("child-topic", 1, 1)]), CancellationToken.None);
            Console.Out.WriteLine($"{ReadyMarker} {cluster.BootstrapServers}");
            Console.Out.Flush();
            await Task.Delay(Timeout.Infinite);
            return 0;
        }
        catch (EnvironmentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 3;
        }
    }
}
