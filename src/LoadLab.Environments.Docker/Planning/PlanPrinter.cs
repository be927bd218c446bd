using System.Globalization;
using System.Text;
using LoadLab.Core.Environments;
using LoadLab.Core.Yaml;
using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Environments.Docker.Planning;

/// <summary>Renders a plan as text for <c>--dry-run</c>: stable ordering, no engine needed.</summary>
public static class PlanPrinter
{
    public static string Render(ClusterPlan plan)
    {
        var definition = plan.Definition;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Environment {definition.Name} (platform {definition.Platform}) — run {plan.RunId}\n");
        if (definition.Description.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {definition.Description}\n");
        }

        if (definition.Docs.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  settings follow: {definition.Docs}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Network: {plan.NetworkName} (bridge)\n");
        text.Append("Labels: ").Append(string.Join(", ", plan.Labels.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))).Append('\n');
        text.Append("Images (pulled only when absent):\n");
        foreach (var image in plan.Containers.Select(container => container.Image).Distinct(StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {image}\n");
        }

        if (plan.Volumes.Count > 0)
        {
            text.Append("Volumes:\n");
            foreach (var volume in plan.Volumes)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {volume}\n");
            }
        }

        text.Append("Containers (in start order):\n");
        foreach (var container in plan.Containers)
        {
            RenderContainer(text, container);
        }

        text.Append(CultureInfo.InvariantCulture, $"Bootstrap servers (this host): {plan.BootstrapServers}\n");
        text.Append(CultureInfo.InvariantCulture, $"Readiness: {ReadinessSpec.Condition} ({plan.Brokers.Sum(broker => broker.BrokerCount)}) within {definition.Readiness.Timeout.TotalSeconds:0.###} s\n");
        if (definition.ClientDefaults.Count > 0)
        {
            text.Append("Client defaults: ").Append(string.Join(", ", definition.ClientDefaults.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))).Append('\n');
        }

        if (definition.Caveats.Count > 0)
        {
            text.Append("Caveats (where this differs from the platform in production):\n");
            foreach (var caveat in definition.Caveats)
            {
                text.Append(CultureInfo.InvariantCulture, $"  - {caveat}\n");
            }
        }

        text.Append("Faults (how each is done here, and what LoadLab observes before it records it):\n");
        var capabilities = DockerCapabilities.For(definition);
        foreach (var (name, operation) in KebabCase.Names<FaultOperation>())
        {
            if (capabilities.Find(operation) is not { } capability)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {name,-20} not supported\n");
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"  {name,-20} {capability.Mechanism}\n");
            text.Append(CultureInfo.InvariantCulture, $"  {"",-20} verified: {capability.Verification}\n");
            foreach (var caveat in capability.Caveats)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {"",-20} caveat: {caveat}\n");
            }
        }

        return text.ToString();
    }

    private static void RenderContainer(StringBuilder text, ContainerPlan container)
    {
        var role = container.BrokerId is { } id ? $"broker {id.ToString(CultureInfo.InvariantCulture)}" : container.RunToCompletion ? "set-up job" : "service";
        text.Append(CultureInfo.InvariantCulture, $"  {container.Name} [{role}] image {container.Image}, host name {container.Hostname}\n");
        if (container.InternalAddress is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"    internal listener: {container.InternalAddress}\n");
        }

        foreach (var port in container.Ports)
        {
            var host = port.HostPort?.ToString(CultureInfo.InvariantCulture) ?? "auto";
            text.Append(CultureInfo.InvariantCulture, $"    port: 127.0.0.1:{host} -> {port.ContainerPort.ToString(CultureInfo.InvariantCulture)}\n");
        }

        if (container.Entrypoint.Count > 0)
        {
            text.Append("    entrypoint: ").Append(Quote(container.Entrypoint)).Append('\n');
        }

        if (container.Command.Count > 0)
        {
            text.Append("    command: ").Append(Quote(container.Command)).Append('\n');
        }

        foreach (var (key, value) in container.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"    env {key}={value}\n");
        }

        foreach (var mount in container.Mounts)
        {
            var kind = mount.IsVolume ? "volume" : "bind";
            text.Append(CultureInfo.InvariantCulture, $"    {kind} {mount.Source} -> {mount.Target}{(mount.ReadOnly ? " (read-only)" : "")}\n");
        }

        if (container.Resources.Cpus is not null || container.Resources.MemoryBytes is not null)
        {
            var cpus = container.Resources.Cpus?.ToString("0.##", CultureInfo.InvariantCulture) ?? "unlimited";
            var memory = container.Resources.MemoryBytes is { } bytes ? $"{(bytes >> 20).ToString(CultureInfo.InvariantCulture)} MiB" : "unlimited";
            text.Append(CultureInfo.InvariantCulture, $"    limits: cpus {cpus}, memory {memory}\n");
        }

        if (container.WaitForHostPort is { } wait)
        {
            text.Append(CultureInfo.InvariantCulture, $"    started when 127.0.0.1:{wait.ToString(CultureInfo.InvariantCulture)} accepts connections\n");
        }

        if (container.RunToCompletion)
        {
            text.Append("    must exit 0 before the next container starts\n");
        }
    }

    /// <summary>One line per mapping: the Docker operation, or the tool run inside a broker container.</summary>
    public static string Describe(FaultMapping mapping) => mapping switch
    {
        ContainerFaultMapping container => container.Action switch
        {
            ContainerAction.Kill => "docker kill (SIGKILL) of the broker's container",
            ContainerAction.Stop => "docker stop of the broker's container",
            ContainerAction.Start => "docker start of the broker's container",
            ContainerAction.Pause => "docker pause (freezes every process) of the broker's container",
            ContainerAction.Unpause => "docker unpause of the broker's container",
            ContainerAction.Disconnect => "docker network disconnect of the broker from the run's network",
            ContainerAction.Connect => "docker network connect of the broker to the run's network",
            ContainerAction.AddNode => "start one more broker container from the broker template (next id)",
            _ => container.Action.ToString(),
        },
        ExecFaultMapping exec => $"exec in a running broker, the partition's leader when it runs (timeout {exec.Timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s): {Quote(exec.Command)}",
        _ => mapping.ToString() ?? "",
    };

    private static string Quote(IEnumerable<string> words) =>
        string.Join(" ", words.Select(word => word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=,@{}".Contains(c, StringComparison.Ordinal)) ? word : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
}
