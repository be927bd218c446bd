namespace LoadLab.Core.Results;

/// <summary>
/// A results folder that cannot be reported on: a required file is missing or a file does not follow
/// <c>results/README.md</c>. The message names the file (and line where there is one) and what to do.
/// </summary>
public sealed class RunResultsException : Exception
{
    public RunResultsException(string message) : base(message)
    {
    }

    public RunResultsException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public RunResultsException()
    {
    }
}
