namespace LoadLab.Core.Yaml;

/// <summary>
/// Where a value was written, kept with values that are checked only later (a <c>${VAR}</c> resolved when the
/// environment starts, a price used by a formula), so a problem found then still names file, line and YAML path.
/// </summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Path">YAML path such as <c>security.sasl.password</c>.</param>
/// <param name="Line">1-based line; 0 when unknown.</param>
/// <param name="Column">1-based column; 0 when unknown.</param>
public sealed record YamlPosition(string File, string Path, int Line, int Column)
{
    /// <summary>A problem located here.</summary>
    public ValidationProblem Problem(string message, string? suggestion = null) => new(File, Path, Line, Column, message, suggestion);

    /// <summary><c>file:line path</c>, short enough to quote inside a sentence.</summary>
    public override string ToString() => Line > 0 ? $"{File}:{Line} {Path}" : $"{File} {Path}";
}
