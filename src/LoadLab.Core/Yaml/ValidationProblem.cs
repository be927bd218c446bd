namespace LoadLab.Core.Yaml;

/// <summary>
/// One mistake in an input file, located by file, YAML path and line/column, with the fix when one is known.
/// </summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Path">YAML path such as <c>traffic[0].rate</c>; empty for the whole document.</param>
/// <param name="Line">1-based line; 0 when the problem has no position (e.g. the file is missing).</param>
/// <param name="Column">1-based column; 0 when the problem has no position.</param>
/// <param name="Message">What is wrong, including the allowed values when there is a fixed set.</param>
/// <param name="Suggestion">How to fix it (an example or a likely intended spelling), or null.</param>
public sealed record ValidationProblem(string File, string Path, int Line, int Column, string Message, string? Suggestion)
{
    /// <summary>A problem with a command-line option; the option names itself in place of a file.</summary>
    public static ValidationProblem ForOption(string option, string message, string fix) => new(option, "", 0, 0, message, fix);

    /// <summary>A problem with a whole file or folder (no position in it).</summary>
    public static ValidationProblem ForFile(string path, string message, string fix) => new(path, "", 0, 0, message, fix);

    /// <summary><c>file:line:column: path: message. Fix: suggestion</c>, the format compilers use so editors can jump to it.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var path = Path.Length > 0 ? $" {Path}:" : "";
        var fix = Suggestion is null ? "" : $". Fix: {Suggestion}";
        return $"{location}:{path} {Message}{fix}";
    }
}

/// <summary>The value read from a file, or every problem found in it (never just the first).</summary>
/// <typeparam name="T">What the file describes.</typeparam>
/// <param name="Value">The value; null whenever <see cref="Problems"/> is not empty.</param>
/// <param name="Problems">All problems, ordered by position in the file.</param>
public sealed record LoadResult<T>(T? Value, IReadOnlyList<ValidationProblem> Problems) where T : class
{
    /// <summary>True when the file was read without any problem.</summary>
    public bool Succeeded => Value is not null && Problems.Count == 0;

    /// <summary>The value, or <see cref="InvalidInputException"/> listing every problem.</summary>
    public T GetValueOrThrow() => Succeeded ? Value! : throw new InvalidInputException(Problems);
}
