using LoadLab.Core.Environments;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Docker.Tests.Support;

/// <summary>
/// Entry point used when the test assembly runs as a process of its own. <c>child &lt;definition&gt; &lt;run-id&gt;</c>:
/// a run that starts a Docker cluster and then holds it, so a test can kill it with SIGKILL (no teardown possible) or
/// SIGTERM (teardown expected) and check what is left. <c>echo …</c>: a stand-in platform tool that exits 0 and does
/// nothing. <c>post &lt;url&gt;</c>: the platform tool of the local mock, run inside its container — an HTTP POST to
/// <c>loadlab cluster serve</c>'s control endpoint (the minimal image has no curl); exits 0 only on a 2xx answer.
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

        if (args is ["post", var url])
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
            using var response = await http.PostAsync(new Uri(url), new StringContent(""));
            Console.Out.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }

        if (args.Length != 3 || args[0] != "child")
        {
            await Console.Error.WriteLineAsync("usage: LoadLab.Docker.Tests child <definition.yaml> <run-id> | echo … | post <url>");
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
