using LoadLab.Core.Yaml;

namespace LoadLab.Engine.Sessions;

/// <summary>
/// A scenario asks for faults the environment cannot perform. Thrown before the environment starts (or, for a run the
/// session was not told about, before that run starts): bad input, exit code 2.
/// </summary>
public sealed class UnsupportedFaultsException : Exception
{
    public UnsupportedFaultsException(string environmentKind, IReadOnlyList<ValidationProblem> problems)
        : base($"The {environmentKind} environment cannot run these faults: {string.Join(" ", problems)}")
    {
        EnvironmentKind = environmentKind;
        Problems = problems;
    }

    public UnsupportedFaultsException() : this("", []) { }

    public UnsupportedFaultsException(string message) : base(message)
    {
        EnvironmentKind = "";
        Problems = [];
    }

    public UnsupportedFaultsException(string message, Exception inner) : base(message, inner)
    {
        EnvironmentKind = "";
        Problems = [];
    }

    /// <summary>The environment that refused, e.g. <c>embedded</c>.</summary>
    public string EnvironmentKind { get; }

    /// <summary>Every fault that cannot run, located in its scenario file, with the fix.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }
}
