using System.CommandLine;
using LoadLab.Cli.Commands;

namespace LoadLab.Cli.Tests.Reports;

public sealed class ReportCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-report-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public void Report_FixtureRunFolder_ExitsZeroAndListsTheFilesWritten()
    {
        var run = CopyFixture("broker-kill-embedded");

        var exitCode = Invoke(ReportCommand.Create(), run);

        Assert.True(exitCode == 0, _error.ToString());
        Assert.Contains("report.html", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("charts/lag.png", _output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "report.md")));
    }

    [Fact]
    public void Report_MissingFolder_ExitsTwoWithAMessageAndNoStackTrace()
    {
        var exitCode = Invoke(ReportCommand.Create(), Path.Combine(_directory, "nope"));

        Assert.Equal(2, exitCode);
        Assert.StartsWith("loadlab: Results folder", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_FolderThatIsNotARun_ExitsTwoNamingSummaryJson()
    {
        var exitCode = Invoke(ReportCommand.Create(), _directory);

        Assert.Equal(2, exitCode);
        Assert.Contains("has no summary.json", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_TwoRuns_WritesComparisonIntoOut()
    {
        var a = CopyFixture("broker-kill-embedded");
        var b = CopyFixture("broker-kill-redpanda");
        var output = Path.Combine(_directory, "cmp");

        var exitCode = Invoke(CompareCommand.Create(), a, b, "--out", output);

        Assert.True(exitCode == 0, _error.ToString());
        Assert.True(File.Exists(Path.Combine(output, "comparison.html")));
        Assert.True(File.Exists(Path.Combine(output, "comparison.md")));
    }

    [Fact]
    public void Compare_OneRun_ExitsTwoAndSaysTwoAreNeeded()
    {
        var exitCode = Invoke(CompareCommand.Create(), CopyFixture("broker-kill-embedded"));

        Assert.Equal(2, exitCode);
        Assert.Contains("at least two run folders", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_CorruptRun_ExitsTwoNamingTheFile()
    {
        var a = CopyFixture("broker-kill-embedded");
        var b = CopyFixture("broker-kill-redpanda");
        File.WriteAllText(Path.Combine(b, "summary.json"), "{");

        var exitCode = Invoke(CompareCommand.Create(), a, b, "--out", Path.Combine(_directory, "cmp"));

        Assert.Equal(2, exitCode);
        Assert.StartsWith("loadlab: summary.json", _error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private int Invoke(Command command, params string[] arguments) =>
        command.Parse(arguments).Invoke(new InvocationConfiguration { Output = _output, Error = _error });

    private string CopyFixture(string name) => ReportFixtures.Copy(name, _directory);
}
