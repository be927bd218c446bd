namespace LoadLab.Core.Results;

/// <summary>
/// Segment folders that cannot be merged into one run (another run id or scenario, a segment missing or twice, a
/// segment that did not finish, an output folder in the way): bad input, nothing was written. Lists every problem.
/// </summary>
public sealed class RunMergeException : Exception
{
    public RunMergeException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems)) => Problems = problems;

    public RunMergeException() : this([]) { }

    public RunMergeException(string message) : base(message) => Problems = [message];

    public RunMergeException(string message, Exception innerException) : base(message, innerException) => Problems = [message];

    /// <summary>Each problem, naming the folder and the fix.</summary>
    public IReadOnlyList<string> Problems { get; }
}
