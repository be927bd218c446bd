using Docker.DotNet;
using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Engine;

namespace LoadLab.Docker.Tests.Support;

/// <summary>
/// Docker tests skip, with the reason, when no engine is reachable; with LOADLAB_REQUIRE_DOCKER=1 (CI) a missing engine
/// fails them instead, so CI can never pass by skipping.
/// </summary>
internal static class DockerRequirement
{
    public const string RequireVariable = "LOADLAB_REQUIRE_DOCKER";

    private static readonly Lazy<Task<string?>> Unreachable = new(ProbeAsync);

    public static async Task<DockerClient> ConnectOrSkipAsync()
    {
        var reason = await Unreachable.Value;
        if (reason is not null)
        {
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                throw new InvalidOperationException($"{RequireVariable}=1 makes this a failure: {reason}");
            }

            // The reason already says that no engine is reachable, where it looked and how to fix it.
            Skip.If(true, $"{reason} (Set {RequireVariable}=1 to make this a failure.)");
        }

        return await DockerEngine.ConnectAsync(CancellationToken.None);
    }

    private static async Task<string?> ProbeAsync()
    {
        try
        {
            using var client = await DockerEngine.ConnectAsync(CancellationToken.None);
            return null;
        }
        catch (EnvironmentException e)
        {
            return e.Message;
        }
    }
}
