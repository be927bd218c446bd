using YamlDotNet.Core;

namespace LoadLab.Core.Yaml;

/// <summary>Collects the problems of one file while it is read, so that all of them are reported together.</summary>
public sealed class YamlProblems
{
    private readonly List<ValidationProblem> _problems = [];
    private readonly Dictionary<string, Mark> _positions = new(StringComparer.Ordinal);

    public YamlProblems(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
    }

    /// <summary>The file as the user named it; every problem carries it.</summary>
    public string File { get; }

    /// <summary>Problems in the order they were found.</summary>
    public IReadOnlyList<ValidationProblem> All => _problems;

    public bool Any => _problems.Count > 0;

    /// <summary>Records a problem at a position of the file.</summary>
    public void Add(string path, Mark at, string message, string? suggestion = null) =>
        _problems.Add(new ValidationProblem(File, path, checked((int)at.Line), checked((int)at.Column), message, suggestion));

    /// <summary>
    /// Records a problem at the value read under YAML path <paramref name="path"/> (e.g. one found by a later check
    /// such as placeholder resolution, which knows only the path); without a position when nothing was read there.
    /// </summary>
    public void AddAt(string path, string message, string? suggestion = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var at = _positions.GetValueOrDefault(path);
        _problems.Add(new ValidationProblem(File, path, checked((int)at.Line), checked((int)at.Column), message, suggestion));
    }

    /// <summary>Records a problem that has no position in the file (e.g. the file cannot be read).</summary>
    public void AddUnplaced(string message, string? suggestion = null) =>
        _problems.Add(new ValidationProblem(File, "", 0, 0, message, suggestion));

    /// <summary>Keeps where the value at <paramref name="path"/> starts, for <see cref="AddAt"/>.</summary>
    internal void Remember(string path, Mark start) => _positions.TryAdd(path, start);

    /// <summary>The problems ordered by line and column (stable), as a user reads the file.</summary>
    public IReadOnlyList<ValidationProblem> InFileOrder() =>
        [.. _problems.OrderBy(p => p.Line).ThenBy(p => p.Column)];
}
