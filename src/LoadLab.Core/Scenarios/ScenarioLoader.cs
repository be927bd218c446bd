using LoadLab.Core.Yaml;

namespace LoadLab.Core.Scenarios;

/// <summary>
/// Reads scenario files (format version 1, described in <c>scenarios/README.md</c> and
/// <c>schemas/scenario.schema.json</c>) and validates them completely: every problem is reported with file,
/// YAML path, line and column, allowed values and a fix; bad input never throws.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>The only scenario format version.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// Reads and validates the scenario file at <paramref name="path"/>; <paramref name="overrides"/> (from the command
    /// line) replace file values. A shorter duration is not an override: <see cref="ScenarioClipping"/> shortens a valid
    /// scenario and lists what it left out.
    /// </summary>
    public static ScenarioLoadResult Load(string path, ScenarioOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = YamlDocumentReader.Load(path, ScenarioFormat.Root, root => new ScenarioReader(root, overrides ?? new()).Read());
        return new ScenarioLoadResult(result.Value is null ? null : result.Value with { SourcePath = path }, result.Problems);
    }

    /// <summary>Validates scenario text; <paramref name="fileName"/> names it in problems.</summary>
    public static ScenarioLoadResult Parse(string yaml, string fileName, ScenarioOverrides? overrides = null)
    {
        var result = YamlDocumentReader.Parse(yaml, fileName, ScenarioFormat.Root, root => new ScenarioReader(root, overrides ?? new()).Read());
        return new ScenarioLoadResult(result.Value, result.Problems);
    }
}

/// <summary>Values given on the command line that replace the file's (<c>loadlab run --seed 7</c>).</summary>
public sealed record ScenarioOverrides
{
    /// <summary>Replaces <c>seed</c>.</summary>
    public int? Seed { get; init; }
}

/// <summary>A valid scenario, or every problem found in the file (never both).</summary>
/// <param name="Scenario">The scenario; null whenever there are problems.</param>
/// <param name="Problems">All problems in file order.</param>
public sealed record ScenarioLoadResult(Scenario? Scenario, IReadOnlyList<ValidationProblem> Problems)
{
    public bool Succeeded => Scenario is not null && Problems.Count == 0;
}
