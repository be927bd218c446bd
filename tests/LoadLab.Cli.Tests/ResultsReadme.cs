using System.Text.RegularExpressions;

namespace LoadLab.Cli.Tests;

/// <summary>What results/README.md documents, read from its tables.</summary>
internal static partial class ResultsReadme
{
    /// <summary>The event types of the "`events.jsonl` types" table (first column, each type in backticks).</summary>
    public static HashSet<string> EventTypes()
    {
        var lines = File.ReadAllLines(Repository.PathOf("results", "README.md"));
        var section = lines.SkipWhile(line => line != "## `events.jsonl` types").Skip(1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal));
        var types = section.Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => BacktickedType().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        return types.Count > 0 ? types : throw new InvalidOperationException("results/README.md has no event types table");
    }

    [GeneratedRegex("`([a-z]+(?:\\.[a-zA-Z]+)*)`")]
    private static partial Regex BacktickedType();
}
