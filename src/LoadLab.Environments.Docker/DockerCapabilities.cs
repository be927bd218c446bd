using LoadLab.Core.Environments;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Planning;

namespace LoadLab.Environments.Docker;

/// <summary>What a Docker environment can break: one operation per fault the definition maps.</summary>
internal static class DockerCapabilities
{
    public static FaultCapabilities For(EnvironmentDefinition definition) => new()
    {
        Faults = [.. definition.Faults.OrderBy(f => DockerCluster.ToOperation(f.Key)).Select(fault =>
            new FaultCapability(DockerCluster.ToOperation(fault.Key), PlanPrinter.Describe(fault.Value), Verification(fault.Value)))],
    };

    private static string Verification(FaultMapping mapping) => mapping switch
    {
        ContainerFaultMapping { Action: ContainerAction.Start or ContainerAction.Connect or ContainerAction.AddNode } => "metadata lists the broker",
        ContainerFaultMapping => "the engine reports the container's new state",
        _ => "the tool exits 0",
    };
}
