using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>
/// Every problem found in the cost inputs (price sheet, platform profiles, run folder, options), in the one
/// problem type of every LoadLab input: file (or option), YAML path, line, column, what was expected and the fix.
/// </summary>
public sealed class CostInputException : Exception
{
    public CostInputException(IReadOnlyList<ValidationProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.ToString())))
    {
        Problems = problems;
    }

    public CostInputException()
        : this([])
    {
    }

    public CostInputException(string message)
        : this([new ValidationProblem("loadlab cost", "", 0, 0, message, null)])
    {
    }

    public CostInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ValidationProblem("loadlab cost", "", 0, 0, message, null)];
    }

    public IReadOnlyList<ValidationProblem> Problems { get; } = [];

    /// <summary>A problem with a command-line option (the option names itself, as in every command).</summary>
    public static ValidationProblem Option(string option, string message, string fix) => new(option, "", 0, 0, message, fix);

    /// <summary>A problem with a whole file or folder (no position in it).</summary>
    public static ValidationProblem File(string path, string message, string fix) => new(path, "", 0, 0, message, fix);
}
