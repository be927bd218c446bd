using System.CommandLine;
using LoadLab.Core.Scenarios;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab validate &lt;file…&gt;</c>: checks scenario files without running anything.</summary>
internal static class ValidateCommand
{
    public const int Valid = 0;
    public const int BadInput = 2;

    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Scenario files to check (YAML).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("validate", "Check scenario files and list every problem with its file, line, YAML path and fix; exit code 0 when all are valid, 2 otherwise.");
        command.Arguments.Add(files);
        command.SetAction(parseResult => Run(parseResult.GetValue(files) ?? [], parseResult.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Prints <c>OK file</c> for each valid file and every problem of the others.</summary>
    public static int Run(IReadOnlyList<string> paths, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        if (paths.Count == 0)
        {
            output.WriteLine("validate: no file given. Fix: e.g. loadlab validate scenarios/quickstart.yaml");
            return BadInput;
        }

        var invalidFiles = 0;
        var problemCount = 0;
        foreach (var path in paths)
        {
            var result = ScenarioLoader.Load(path);
            if (result.Succeeded)
            {
                output.WriteLine($"OK {path}");
                continue;
            }

            invalidFiles++;
            problemCount += result.Problems.Count;
            foreach (var problem in result.Problems)
            {
                output.WriteLine(problem);
            }
        }

        if (invalidFiles > 0)
        {
            output.WriteLine($"{problemCount} {(problemCount == 1 ? "problem" : "problems")} in {invalidFiles} of {paths.Count} {(paths.Count == 1 ? "file" : "files")}");
        }

        return invalidFiles == 0 ? Valid : BadInput;
    }
}
