using System.Text;

namespace LoadLab.Environments.Docker.Definitions;

/// <summary>One mistake in an environment definition, located precisely enough to fix it.</summary>
/// <param name="File">The definition file.</param>
/// <param name="Path">YAML path such as <c>brokers.listeners.internal</c>.</param>
/// <param name="Line">1-based line (0 when unknown).</param>
/// <param name="Column">1-based column (0 when unknown).</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Suggestion">How to fix it, when there is a likely fix.</param>
public sealed record DefinitionProblem(string File, string Path, int Line, int Column, string Message, string? Suggestion)
{
    public override string ToString()
    {
        var text = $"{File}:{Line}:{Column}: {Path}: {Message}";
        return Suggestion is null ? text : $"{text} ({Suggestion})";
    }
}

/// <summary>An environment definition was rejected; bad user input (exit code 2). Lists every problem found.</summary>
public sealed class EnvironmentDefinitionException : Exception
{
    public EnvironmentDefinitionException(IReadOnlyList<DefinitionProblem> problems) : base(Describe(problems)) => Problems = problems;

    public EnvironmentDefinitionException() : this([]) { }

    public EnvironmentDefinitionException(string message) : base(message) => Problems = [];

    public EnvironmentDefinitionException(string message, Exception inner) : base(message, inner) => Problems = [];

    public IReadOnlyList<DefinitionProblem> Problems { get; }

    private static string Describe(IReadOnlyList<DefinitionProblem> problems)
    {
        var text = new StringBuilder();
        text.Append(problems.Count == 1 ? "The environment definition has a problem:" : $"The environment definition has {problems.Count} problems:");
        foreach (var problem in problems)
        {
            text.Append('\n').Append("  ").Append(problem);
        }

        return text.ToString();
    }
}
