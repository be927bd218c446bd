namespace LoadLab.Core.Yaml;

/// <summary>
/// An input file or option was rejected: bad user input (exit code 2). Carries every problem found, each with its
/// file, line, column, YAML path and fix; the message lists them one per line in <see cref="ValidationProblem"/>'s format.
/// </summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException(IReadOnlyList<ValidationProblem> problems)
        : base(string.Join(Environment.NewLine, (problems ?? []).Select(p => p.ToString())))
    {
        Problems = problems ?? [];
    }

    public InvalidInputException(ValidationProblem problem) : this([problem]) { }

    public InvalidInputException() : this([]) { }

    public InvalidInputException(string message) : base(message) => Problems = [];

    public InvalidInputException(string message, Exception innerException) : base(message, innerException) => Problems = [];

    /// <summary>The problems in file order; empty only when the exception was built from a bare message.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }
}
