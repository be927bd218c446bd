using System.Text.RegularExpressions;

namespace LoadLab.Cli.Tests;

/// <summary>One error style and one exit-code table, defined in one place and documented in the README.</summary>
public sealed partial class ErrorStyleTests
{
    [Fact]
    public void Readme_ExitCodeTable_IsTheOneTheCommandsUse()
    {
        var readme = File.ReadAllLines(Repository.PathOf("README.md"));
        var table = readme.SkipWhile(line => !line.StartsWith("| exit code |", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => ExitCodeRow().Match(line))
            .Select(match => (Code: int.Parse(match.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture), Meaning: match.Groups["meaning"].Value))
            .ToList();

        Assert.Equal(ExitCodes.Table.Select(e => e.Code), table.Select(row => row.Code));
        Assert.Equal(ExitCodes.Table.Select(e => e.Meaning), table.Select(row => row.Meaning));
    }

    [Fact]
    public async Task Help_ListsEveryExitCode()
    {
        var output = new StringWriter();

        var exitCode = await CommandLine.InvokeAsync(CommandLine.CreateRoot(), ["--help"], output, new StringWriter());

        Assert.Equal(0, exitCode);
        Assert.All(ExitCodes.Table, e => Assert.Contains($"{e.Code,3}  {e.Meaning}", output.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Commands_WriteErrorsOnlyThroughTheOneErrorStyle()
    {
        var handWritten = Directory.EnumerateFiles(Repository.PathOf("src", "LoadLab.Cli"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && Path.GetFileName(path) != "Errors.cs")
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (Place: $"{Path.GetFileName(path)}:{index + 1}", Line: line)))
            .Where(x => HandWrittenPrefix().IsMatch(x.Line))
            .Select(x => $"{x.Place}: {x.Line.Trim()}")
            .ToList();

        Assert.Empty(handWritten);
    }

    [GeneratedRegex(@"^\| (?<code>\d+) \| (?<meaning>.+) \|$")]
    private static partial Regex ExitCodeRow();

    // A message that starts its own "error:", "warning:", "loadlab:" or "<command>:" instead of using Errors: a prefix
    // written by hand, or any line written to standard error that starts with a lowercase word and a colon.
    [GeneratedRegex("\\$?\"(error|warning|note|loadlab[a-z ]*): |[Ee]rror\\.WriteLine(Async)?\\(\\$?\"[a-z][a-z0-9 -]*: ")]
    private static partial Regex HandWrittenPrefix();
}
