namespace LoadLab.Core.Cost;

/// <summary>One mistake in a cost input (price sheet, platform profile, run folder or option).</summary>
/// <param name="File">The file the problem is in; null for command-line options.</param>
/// <param name="Path">Dotted key path inside the file (e.g. <c>prices.network.crossAz.unit</c>) or the option name.</param>
/// <param name="Line">1-based line in the file, 0 when unknown.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record CostInputProblem(string? File, string Path, int Line, string Message, string Fix)
{
    public override string ToString()
    {
        var where = File is null ? Path : Line > 0 ? $"{File}:{Line} ({Path})" : $"{File} ({Path})";
        return $"{where}: {Message} Fix: {Fix}";
    }
}

/// <summary>Every problem found in the cost inputs; thrown once, after all problems of a file were collected.</summary>
public sealed class CostInputException : Exception
{
    public CostInputException(IReadOnlyList<CostInputProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Select(p => p.ToString())))
    {
        Problems = problems;
    }

    public CostInputException()
        : this([])
    {
    }

    public CostInputException(string message)
        : base(message)
    {
        Problems = [new CostInputProblem(null, "", 0, message, "")];
    }

    public CostInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new CostInputProblem(null, "", 0, message, "")];
    }

    public IReadOnlyList<CostInputProblem> Problems { get; } = [];
}
