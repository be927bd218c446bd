namespace LoadLab.Cli.Tests;

/// <summary>
/// The closing lines of <c>./run.sh test</c> (tests/summarize-test-log.awk): a CI log that keeps only its tail must
/// still say which test failed and why, and the totals must add up over every assembly.
/// </summary>
public sealed class TestLogSummaryTests
{
    private const string TwoAssembliesOneFailure = """
          Passed LoadLab.Core.Tests.A.First [1 ms]
          Failed LoadLab.Cli.Tests.Foo.Bar_Scenario_Expectation(size: 3) [12 ms]
          Error Message:
           Assert.Equal() Failure: Values differ
        Expected: 2
        Actual:   3
          Stack Trace:
             at LoadLab.Cli.Tests.Foo.Bar_Scenario_Expectation(Int32 size) in /w/tests/Foo.cs:line 42
             at LoadLab.Cli.Tests.Foo.Helper() in /w/tests/Foo.cs:line 50
             at System.RuntimeMethodHandle.InvokeMethod(Object target)
          Passed LoadLab.Cli.Tests.Foo.Next [1 ms]

        Test Run Failed.
        Total tests: 3
             Passed: 2
             Failed: 1
          Skipped LoadLab.Docker.Tests.B.NeedsAnEngine [1 ms]

        Test Run Successful.
        Total tests: 5
             Passed: 4
             Skipped: 1

        """;

    [Fact]
    public async Task Summarize_LogWithAFailedTest_ListsItWithItsMessageAndTwoFramesThenTheTotals()
    {
        var result = await SummarizeAsync(TwoAssembliesOneFailure);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """

            failed tests:
              Failed LoadLab.Cli.Tests.Foo.Bar_Scenario_Expectation(size: 3) [12 ms]
              Error Message:
               Assert.Equal() Failure: Values differ
            Expected: 2
            Actual:   3
              Stack Trace:
                 at LoadLab.Cli.Tests.Foo.Bar_Scenario_Expectation(Int32 size) in /w/tests/Foo.cs:line 42
                 at LoadLab.Cli.Tests.Foo.Helper() in /w/tests/Foo.cs:line 50

            6 passed, 1 failed, 1 skipped

            """,
            result.Output);
    }

    [Fact]
    public async Task Summarize_LogWithoutFailures_IsTheTotalsLineAlone()
    {
        var passing = TwoAssembliesOneFailure
            .Replace("  Failed LoadLab.Cli", "  Passed LoadLab.Cli", StringComparison.Ordinal)
            .Replace("     Passed: 2\n     Failed: 1", "     Passed: 3", StringComparison.Ordinal);

        var result = await SummarizeAsync(passing);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("7 passed, 0 failed, 1 skipped\n", result.Output);
    }

    [Fact]
    public async Task Summarize_LogWithoutAnyTestRun_ExitsOneSayingTheFilterMayMatchNothing()
    {
        var result = await SummarizeAsync("No test matches the given testcase filter `FullyQualifiedName~Nothing`\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("no test assembly reported results (does the filter match any test?)\n", result.Output);
    }

    private static async Task<CliProcess.Result> SummarizeAsync(string log)
    {
        var path = Path.Combine(Path.GetTempPath(), $"loadlab-test-log-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, log);
        try
        {
            return await CliProcess.RunShellAsync(Repository.Root, TimeSpan.FromSeconds(30), $"awk -f tests/summarize-test-log.awk '{path}'");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
