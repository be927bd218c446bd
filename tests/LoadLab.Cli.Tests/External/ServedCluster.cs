using System.Net;
using System.Net.Sockets;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.Embedded;
using LoadLab.Environments.Embedded.Hosting;

namespace LoadLab.Cli.Tests.External;

/// <summary>
/// <c>cluster serve</c> hosted in the test process (the same host the command runs) with its control endpoint,
/// plus helpers to run <c>loadlab</c> against it as an external cluster.
/// </summary>
internal sealed class ServedCluster : IAsyncDisposable
{
    private ServedCluster(EmbeddedClusterHost host, string directory)
    {
        Host = host;
        Directory = directory;
    }

    public EmbeddedClusterHost Host { get; }

    /// <summary>A fresh folder for definitions, scenarios and results.</summary>
    public string Directory { get; }

    public static async Task<ServedCluster> StartAsync(params TopicSpec[] topics)
    {
        var options = new EmbeddedOptions
        {
            DetectionDelay = TimeSpan.FromSeconds(1),
            PreferredLeaderRestoreDelay = TimeSpan.FromSeconds(1),
            GroupInitialRebalanceDelay = TimeSpan.Zero,
            // The machines these tests share can be slow; a kill's fail-over must not time out on a busy core.
            ObservationTimeout = TimeSpan.FromSeconds(60),
        };
        var host = await EmbeddedClusterHost.StartAsync(options, topics, new IPEndPoint(IPAddress.Loopback, FreePort()), CancellationToken.None);
        var directory = Path.Combine(Path.GetTempPath(), "loadlab-external-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        return new ServedCluster(host, directory);
    }

    /// <summary>The <c>client:</c> lines the mock needs (short fetch waits), indented for a definition.</summary>
    public string ClientLines(string indent) =>
        string.Concat(Host.Cluster.ClientDefaults.Select(s => $"{indent}{s.Key}: \"{s.Value}\"\n"));

    public string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs the real CLI with extra environment variables; stdout and stderr are captured.</summary>
    public Task<CliProcess.Result> RunCliAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments) =>
        CliProcess.RunAsync(Directory, timeout, environment, arguments);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A results file still open by a dying child; the temp folder is cleaned by the OS.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
