using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Scenarios;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab validate &lt;file…&gt;</c>: checks scenario files without running anything.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Scenario files to check (YAML).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("validate", "Check scenario files and list every problem with its file, line, YAML path and fix; exit code 0 when all are valid, 2 otherwise.");
        command.Arguments.Add(files);
        command.SetAction(parseResult => Run(parseResult.GetValue(files) ?? [], parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Prints <c>OK file</c> for each valid file (standard output) and every problem of the others (standard error).</summary>
    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (paths.Count == 0)
        {
            return Errors.BadInput(error, "validate needs at least one file. Example: loadlab validate scenarios/quickstart.yaml");
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
                error.WriteLine(problem);
            }
        }

        return invalidFiles == 0
            ? ExitCodes.Success
            : Errors.BadInput(error, $"{Errors.Count(problemCount, "problem")} in {invalidFiles} of {Errors.Count(paths.Count, "file")}.");
    }
}
