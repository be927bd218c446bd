using System.CommandLine;

namespace LoadLab.Cli.Tests.Arguments;

/// <summary>
/// Every option of every command refuses a wrong value while the command line is read: exit 2, one
/// <c>loadlab:</c> line worded as a problem in a file (the option, what is allowed, what was given, a fix), and no
/// .NET type name or stack trace.
/// </summary>
public sealed class OptionValueTests
{
    private static readonly Type[] FreeText = [typeof(string), typeof(string[]), typeof(bool), typeof(FileInfo), typeof(DirectoryInfo)];

    /// <summary>Every option that is not free text (a number, a duration), as command path and option name.</summary>
    public static TheoryData<string[], string> TypedOptions()
    {
        var data = new TheoryData<string[], string>();
        foreach (var (path, option) in AllOptions(CommandLine.CreateRoot(), []))
        {
            if (!FreeText.Contains(option.ValueType) && !option.Name.StartsWith("--help", StringComparison.Ordinal) && option.Name != "--version")
            {
                data.Add(path, option.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypedOptions))]
    public async Task Invoke_NotANumberOrDuration_ExitsTwoNamingTheOptionWhatIsAllowedAndAnExample(string[] command, string option)
    {
        var (exitCode, error) = await InvokeAsync([.. command, option, "abc"]);

        Assert.Equal(2, exitCode);
        var first = error.Split(Environment.NewLine)[0];
        Assert.StartsWith($"loadlab: {option}: expected ", first, StringComparison.Ordinal);
        Assert.Contains(", got \"abc\". Fix: e.g. " + option + " ", first, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TypedOptions_CoverTheOptionsTheIssueFoundRefusedWithATypeName()
    {
        var options = TypedOptions().Select(row => string.Join(' ', (string[])row[0]) + " " + row[1]).ToList();

        Assert.Contains("run --seed", options);
        Assert.Contains("run --repeat", options);
        Assert.Contains("cluster serve --brokers", options);
        Assert.Contains("maxrate --max-rate", options);
        Assert.Contains("run --duration", options);
        Assert.Contains("run --metrics-port", options);
    }

    [Fact]
    public async Task Run_SeedThatIsNotANumber_SaysSoWithoutTheDotNetTypeName()
    {
        var (exitCode, error) = await InvokeAsync(["run", "scenarios/quickstart.yaml", "--seed", "abc"]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("loadlab: --seed: expected a whole number from -2147483648 to 2147483647, got \"abc\". Fix: e.g. --seed 42", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--out")]
    [InlineData("maxrate", "--out")]
    [InlineData("bench", "--out")]
    public async Task Invoke_OutputFolderUnderAFile_ExitsTwoBeforeAnythingStarts(string command, string option)
    {
        var file = Path.GetTempFileName();
        try
        {
            var target = Path.Combine(file, "results");
            string[] arguments = command == "bench" ? [command, option, target] : [command, "scenarios/quickstart.yaml", option, target];

            var (exitCode, error) = await InvokeAsync(arguments);

            Assert.Equal(2, exitCode);
            Assert.StartsWith($"loadlab: {option}: expected a folder this user can create files in ({file} is a file, not a folder), got \"{target}\". Fix: e.g. {option} results", error, StringComparison.Ordinal);
            Assert.True(File.Exists(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_OutputFolderWhereNothingCanBeCreated_ExitsTwoNamingTheReason()
    {
        // /proc refuses new files even to root, so this holds however the tests are run.
        var (exitCode, error) = await InvokeAsync(["run", "scenarios/quickstart.yaml", "--out", "/proc/loadlab-results"]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("loadlab: --out: expected a folder this user can create files in (files cannot be created in /proc (", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/proc/loadlab-results"));
    }

    [Fact]
    public void WritableFolderProblem_FolderThatDoesNotExistYet_IsAcceptedAndNotCreated()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"loadlab-not-yet-{Guid.NewGuid():N}", "results");

        Assert.Null(Cli.Arguments.TypedOptions.WritableFolderProblem(folder));
        Assert.False(Directory.Exists(Path.GetDirectoryName(folder)));
    }

    private static async Task<(int ExitCode, string Error)> InvokeAsync(string[] arguments)
    {
        var error = new StringWriter();
        var exitCode = await CommandLine.InvokeAsync(CommandLine.CreateRoot(), arguments, new StringWriter(), error);
        return (exitCode, error.ToString());
    }

    private static IEnumerable<(string[] Path, Option Option)> AllOptions(Command command, string[] path)
    {
        foreach (var option in command.Options)
        {
            yield return (path, option);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var found in AllOptions(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }
}
