using Docker.DotNet;
using LoadLab.Core.Environments;

namespace LoadLab.Environments.Docker.Engine;

/// <summary>Finds the Docker engine the way the docker CLI does (DOCKER_HOST, then the default socket).</summary>
public static class DockerEngine
{
    /// <summary>The engine socket used when DOCKER_HOST is not set.</summary>
    public const string DefaultSocket = "unix:///var/run/docker.sock";

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connects and pings the engine. Throws <see cref="EnvironmentException"/> naming where it looked and how to fix
    /// it when no engine answers.
    /// </summary>
    public static Task<DockerClient> ConnectAsync(CancellationToken cancellationToken) =>
        ConnectAsync(Environment.GetEnvironmentVariable("DOCKER_HOST"), cancellationToken);

    /// <summary>Connects to <paramref name="dockerHost"/> (a DOCKER_HOST value; null or empty: the default socket).</summary>
    public static async Task<DockerClient> ConnectAsync(string? dockerHost, CancellationToken cancellationToken)
    {
        var fromEnvironment = dockerHost;
        var endpoint = string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultSocket : fromEnvironment.Trim();
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            throw new EnvironmentException($"DOCKER_HOST='{endpoint}' is not an address the Docker engine can be reached at. " +
                "Set it like unix:///var/run/docker.sock or tcp://127.0.0.1:2375, or unset it to use the default socket.");
        }

        var client = new DockerClientConfiguration(uri, defaultTimeout: TimeSpan.FromMinutes(5)).CreateClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        try
        {
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new EnvironmentException(NoEngineMessage(fromEnvironment, endpoint, e), e);
        }
    }

    private static string NoEngineMessage(string? fromEnvironment, string endpoint, Exception error)
    {
        var where = string.IsNullOrWhiteSpace(fromEnvironment) ? $"the default socket {DefaultSocket} (DOCKER_HOST is not set)" : $"DOCKER_HOST={fromEnvironment}";
        // A socket file that does not exist is the whole story: the client's own error for it ("Cannot assign
        // requested address" and the like) would only mislead.
        var why = MissingSocket(endpoint)
            ? string.IsNullOrWhiteSpace(fromEnvironment)
                ? $"DOCKER_HOST is not set and the default socket {DefaultSocket} does not exist"
                : $"DOCKER_HOST={fromEnvironment} names a socket file that does not exist"
            : $"nothing answered at {where} ({(error is OperationCanceledException ? $"no answer within {PingTimeout.TotalSeconds:0} s" : Innermost(error).Message)})";
        return $"No Docker engine is reachable: {why}. " +
            "Fix: start Docker (systemctl start docker, or Docker Desktop), or start a private engine with " +
            "`eval \"$(.ci/docker-engine.sh start)\"`, or point DOCKER_HOST at a running engine's socket; " +
            "or run on the embedded cluster (--env embedded), which needs no engine.";
    }

    private static bool MissingSocket(string endpoint) =>
        endpoint.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(endpoint["unix://".Length..]);

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }
}
