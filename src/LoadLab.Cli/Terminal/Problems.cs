using LoadLab.Core.Yaml;

namespace LoadLab.Cli.Terminal;

/// <summary>Prints input problems the way compilers do, so editors and CI logs can link to them.</summary>
internal static class Problems
{
    /// <summary>Prints every problem to standard error and returns the bad-input exit code.</summary>
    public static int Report(IReadOnlyList<ValidationProblem> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine(problem.ToString());
        }

        Console.Error.WriteLine(problems.Count == 1 ? "1 problem; nothing was run." : $"{problems.Count} problems; nothing was run.");
        return ExitCodes.BadInput;
    }
}
