using System.CommandLine;
using System.Globalization;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.External;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab list</c>: the scenarios and environments a user can run, each environment spelled the way
/// <c>--env</c> takes it (<c>embedded</c>, <c>docker:&lt;name&gt;</c>, <c>external:&lt;name&gt;</c>) with what it is.
/// </summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var scenarios = new Option<DirectoryInfo>("--scenarios")
        {
            Description = "Folder of scenario files (default: scenarios)",
            DefaultValueFactory = _ => new DirectoryInfo("scenarios"),
        };
        var environments = new Option<DirectoryInfo?>("--environments")
        {
            Description = "Folder of environment definitions (default: the nearest environments/ folder above the current directory)",
        };
        var command = new Command("list", "List the scenarios and the environments --env accepts") { scenarios, environments };
        command.SetAction(parse => Execute(
            parse.GetValue(scenarios)!,
            parse.GetValue(environments) ?? new DirectoryInfo(EnvCommand.DefinitionFolders()[0]),
            parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Execute(DirectoryInfo scenarios, DirectoryInfo environments, TextWriter output)
    {
        var scenarioRows = new List<(string Name, string Description)>();
        var files = scenarios.Exists ? scenarios.GetFiles("*.yaml").OrderBy(f => f.Name, StringComparer.Ordinal).ToList() : [];
        foreach (var file in files)
        {
            var path = Path.GetRelativePath(Environment.CurrentDirectory, file.FullName);
            var loaded = ScenarioLoader.Load(path);
            scenarioRows.Add((path, loaded.Scenario is { } s
                ? FirstLine(s.Description)
                : $"(invalid: {loaded.Problems.Count} problems; see 'loadlab validate {path}')"));
        }

        var environmentRows = new List<(string Name, string Description)>
        {
            (EnvironmentCatalog.Embedded, "librdkafka's mock cluster in this process, 3 brokers (the default; 'embedded:<brokers>' sets the count)"),
        };
        if (environments.Exists)
        {
            environmentRows.AddRange(environments.GetFiles("*.yaml").OrderBy(f => f.Name, StringComparer.Ordinal).Select(Describe));
        }

        // One width for both lists, from the longest name: a name is never cut or wrapped.
        var width = scenarioRows.Concat(environmentRows).Max(row => row.Name.Length);
        output.WriteLine("Scenarios (loadlab run <file>):");
        if (scenarioRows.Count == 0)
        {
            output.WriteLine($"  (none in {scenarios.FullName})");
        }

        scenarioRows.ForEach(row => output.WriteLine($"  {row.Name.PadRight(width)}  {row.Description}"));
        output.WriteLine("Environments (loadlab run <file> --env <name>):");
        environmentRows.ForEach(row => output.WriteLine($"  {row.Name.PadRight(width)}  {row.Description}"));
        if (!environments.Exists)
        {
            output.WriteLine($"  (no definitions: {environments.FullName} does not exist)");
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// What <c>--env</c> calls the definition in <paramref name="file"/> and what it is. A file is a Docker definition
    /// when it reads as one, else an external cluster when it reads as one, else it is shown with its problem count.
    /// </summary>
    private static (string Name, string Description) Describe(FileInfo file)
    {
        var stem = Path.GetFileNameWithoutExtension(file.Name);
        try
        {
            var docker = EnvironmentDefinitionLoader.LoadFile(file.FullName);
            return (EnvironmentCatalog.DockerPrefix + stem, string.Create(CultureInfo.InvariantCulture,
                $"{FirstLine(docker.Description)} (Docker: {docker.Brokers.Count} containers of {docker.Brokers.Image})"));
        }
        catch (InvalidInputException dockerProblems)
        {
            try
            {
                var external = ExternalDefinitionLoader.LoadFile(file.FullName);
                // external.<name>.yaml is also found by <name> alone.
                var name = stem.StartsWith("external.", StringComparison.Ordinal) ? stem["external.".Length..] : stem;
                return (EnvironmentCatalog.ExternalPrefix + name, $"an existing cluster, '{external.Name}' at {external.BootstrapServers}");
            }
            catch (InvalidInputException)
            {
                var path = Path.GetRelativePath(Environment.CurrentDirectory, file.FullName);
                return (path, $"(invalid: {dockerProblems.Problems.Count} problems as a Docker definition; see 'loadlab env up {path} --dry-run')");
            }
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
