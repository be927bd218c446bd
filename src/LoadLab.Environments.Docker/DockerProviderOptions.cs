using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Planning;

namespace LoadLab.Environments.Docker;

/// <summary>What the Docker provider starts and how it reports progress.</summary>
public sealed record DockerProviderOptions
{
    public required EnvironmentDefinition Definition { get; init; }

    /// <summary>
    /// Values of host placeholders (<see cref="ClusterPlanner.HostValueNames"/>); defaults to this process's .NET
    /// runtime folder and this process's own folder (the CLI when LoadLab runs as the CLI).
    /// </summary>
    public IReadOnlyDictionary<string, string> HostValues { get; init; } = DefaultHostValues();

    /// <summary>Progress lines (pulls, starts, readiness); null: silent.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Tear the cluster down when this process gets SIGINT or SIGTERM; default true.</summary>
    public bool TeardownOnSignal { get; init; } = true;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public static IReadOnlyDictionary<string, string> DefaultHostValues(string? cliDirectory = null)
    {
        var dotnetRoot = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (string.IsNullOrEmpty(dotnetRoot))
        {
            // The shared runtime lives at <root>/shared/Microsoft.NETCore.App/<version>/.
            var runtimeDirectory = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
            dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dotnetRoot"] = dotnetRoot.TrimEnd('/'),
            ["cliDir"] = (cliDirectory ?? AppContext.BaseDirectory).TrimEnd('/'),
        };
    }
}
