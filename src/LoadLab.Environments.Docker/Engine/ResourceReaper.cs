using Docker.DotNet;
using Docker.DotNet.Models;
using LoadLab.Environments.Docker.Planning;

namespace LoadLab.Environments.Docker.Engine;

/// <summary>What a clean-up removed.</summary>
public sealed record ReapResult(int Containers, int Networks, int Volumes)
{
    public bool RemovedAnything => Containers + Networks + Volumes > 0;

    public override string ToString() => $"{Containers} container(s), {Networks} network(s), {Volumes} volume(s)";
}

/// <summary>A LoadLab environment found on the engine, grouped by run id.</summary>
public sealed record ManagedEnvironment(string RunId, string Environment, IReadOnlyList<string> Containers, IReadOnlyList<string> States, string? BootstrapServers);

/// <summary>
/// Finds and removes everything LoadLab labelled (<c>loadlab.managed=true</c>), for one run or for all runs. Used by
/// teardown, by <c>env down</c> and by <c>env clean</c> after a crashed or killed run.
/// </summary>
public static class ResourceReaper
{
    public static async Task<ReapResult> RemoveAsync(DockerClient client, string? runId, CancellationToken cancellationToken)
    {
        var filters = LabelFilter(runId);
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken);
        // Force removal kills running (and paused) containers; removing them in parallel keeps teardown short.
        await Task.WhenAll(containers.Select(container => IgnoreMissingAsync(() =>
            client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken))));
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, cancellationToken);
        foreach (var network in networks)
        {
            await IgnoreMissingAsync(() => client.Networks.DeleteNetworkAsync(network.ID, cancellationToken));
        }

        var volumes = await client.Volumes.ListAsync(new VolumesListParameters { Filters = filters }, cancellationToken);
        var volumeList = volumes.Volumes ?? [];
        foreach (var volume in volumeList)
        {
            await IgnoreMissingAsync(() => client.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken));
        }

        return new ReapResult(containers.Count, networks.Count, volumeList.Count);
    }

    /// <summary>Environments with at least one labelled container, newest first.</summary>
    public static async Task<IReadOnlyList<ManagedEnvironment>> ListAsync(DockerClient client, CancellationToken cancellationToken)
    {
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = LabelFilter(null) }, cancellationToken);
        return containers
            .GroupBy(container => container.Labels.TryGetValue(ClusterPlanner.RunIdLabel, out var id) ? id : "?")
            .OrderByDescending(group => group.Max(container => container.Created))
            .Select(group =>
            {
                var brokers = group.Where(container => container.Labels.ContainsKey(ClusterPlanner.BrokerIdLabel)).ToList();
                var bootstrap = string.Join(",", brokers.SelectMany(container => container.Ports ?? [])
                    .Where(port => port.PublicPort != 0).Select(port => $"{port.IP}:{port.PublicPort}").Distinct(StringComparer.Ordinal));
                return new ManagedEnvironment(
                    group.Key,
                    group.First().Labels.TryGetValue(ClusterPlanner.EnvironmentLabel, out var environment) ? environment : "?",
                    group.Select(container => container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID).Order(StringComparer.Ordinal).ToList(),
                    group.Select(container => container.State).ToList(),
                    bootstrap.Length == 0 ? null : bootstrap);
            })
            .ToList();
    }

    public static Dictionary<string, IDictionary<string, bool>> LabelFilter(string? runId)
    {
        var labels = new Dictionary<string, bool> { [$"{ClusterPlanner.ManagedLabel}=true"] = true };
        if (runId is not null)
        {
            labels[$"{ClusterPlanner.RunIdLabel}={runId}"] = true;
        }

        return new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels };
    }

    private static async Task IgnoreMissingAsync(Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // Already gone, or being removed by a concurrent clean-up: either way it will not be left behind.
        }
    }
}
