using System.CommandLine;
using LoadLab.Core.Scenarios;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab list</c>: the scenarios and environments a user can run.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var scenarios = new Option<DirectoryInfo>("--scenarios")
        {
            Description = "Folder of scenario files (default: scenarios)",
            DefaultValueFactory = _ => new DirectoryInfo("scenarios"),
        };
        var environments = new Option<DirectoryInfo>("--environments")
        {
            Description = "Folder of environment definitions (default: environments)",
            DefaultValueFactory = _ => new DirectoryInfo("environments"),
        };
        var command = new Command("list", "List the scenarios and environments") { scenarios, environments };
        command.SetAction(parse => Execute(parse.GetValue(scenarios)!, parse.GetValue(environments)!));
        return command;
    }

    private static int Execute(DirectoryInfo scenarios, DirectoryInfo environments)
    {
        Console.WriteLine("Scenarios:");
        var files = scenarios.Exists ? scenarios.GetFiles("*.yaml").OrderBy(f => f.Name, StringComparer.Ordinal).ToList() : [];
        if (files.Count == 0)
        {
            Console.WriteLine($"  (none in {scenarios.FullName})");
        }

        foreach (var file in files)
        {
            var loaded = ScenarioLoader.Load(Path.GetRelativePath(Environment.CurrentDirectory, file.FullName));
            Console.WriteLine(loaded.Scenario is { } s
                ? $"  {Path.GetRelativePath(Environment.CurrentDirectory, file.FullName),-40} {FirstLine(s.Description)}"
                : $"  {Path.GetRelativePath(Environment.CurrentDirectory, file.FullName),-40} (invalid: {loaded.Problems.Count} problems; see 'loadlab validate')");
        }

        Console.WriteLine("Environments:");
        Console.WriteLine($"  {EnvironmentCatalog.Embedded,-40} librdkafka mock cluster in this process (default; 'embedded:<brokers>' sets the broker count)");
        if (environments.Exists)
        {
            foreach (var file in environments.GetFiles("*.yaml").OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {Path.GetRelativePath(Environment.CurrentDirectory, file.FullName)}");
            }
        }

        return ExitCodes.Success;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
