using System.CommandLine;
using LoadLab.Cli;
using LoadLab.Cli.Commands;

var root = new RootCommand("LoadLab: open-loop load and chaos benchmarks of Kafka-compatible clusters with online model inference traffic.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    ListCommand.Create(),
    ReportCommand.Create(),
    CompareCommand.Create(),
    CostCommand.Create(),
    ClusterCommand.Create(),
    EnvCommand.Create(),
    BaselineCommand.Create(),
    BenchCommand.Create(),
    MaxRateCommand.Create(),
    ImportCommand.Create(),
    ExportCommand.Create(),
    MergeCommand.Create(),
    KubernetesCommand.Create(),
};

return await CommandLine.InvokeAsync(root, args);
