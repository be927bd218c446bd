using System.Diagnostics;
using System.Text.RegularExpressions;
using LoadLab.Core.Results;
using Xunit.Abstractions;

namespace LoadLab.Cli.Tests;

/// <summary>
/// The README's promises, kept: every command of its first-ten-minutes walkthrough is run here, in the order a newcomer
/// types them, from the repository's root as the README says; the scenario it shows is <c>scenarios/quickstart.yaml</c>.
/// (The split-run and Kubernetes commands further down need several machines or a Kubernetes API server; the split
/// run itself is run by the Docker tests' SplitRunContainerTests.)
/// </summary>
public sealed partial class ReadmeTests(ITestOutputHelper log)
{
    private const string FirstRun = "<first-run-id>";
    private const string SecondRun = "<second-run-id>";

    /// <summary>The README's commands in the order they appear, each run by <see cref="Walkthrough_FromCloneToAFirstChaosResultAndAFirstComparison"/>.</summary>
    private static readonly string[] Walkthrough =
    [
        "./run.sh",
        "./run.sh run scenarios/quickstart.yaml --env embedded:5",
        $"./run.sh compare results/{FirstRun} results/{SecondRun}",
        $"./run.sh cost results/{FirstRun}",
        "./run.sh list",
        "./run.sh validate scenarios/quickstart.yaml",
        "./run.sh test --filter FullyQualifiedName~ErrorStyleTests",
    ];

    /// <summary>Run by CI itself (<c>.ci/run</c> runs exactly this line); a test cannot run the suite it belongs to.</summary>
    private const string WholeSuite = "./run.sh test";

    [Fact]
    public void Readme_EveryCommandOfTheFirstTenMinutes_IsRunByTheWalkthroughOrByCi()
    {
        var commands = ReadmeCommands();

        Assert.Equal([.. Walkthrough.Take(4), .. Walkthrough.Skip(4).Take(2), WholeSuite, Walkthrough[^1]], commands);
        Assert.Contains(WholeSuite, File.ReadAllLines(Repository.PathOf(".ci", "run")));
    }

    [Fact]
    public void Readme_ScenarioExample_IsTheQuickstartFileThatRunShRuns()
    {
        var readme = File.ReadAllText(Repository.PathOf("README.md"));
        var example = YamlBlock().Match(readme);

        Assert.True(example.Success, "README.md shows no yaml block");
        Assert.Equal(File.ReadAllText(Repository.PathOf("scenarios", "quickstart.yaml")), example.Groups["yaml"].Value);
        Assert.Contains("cli run scenarios/quickstart.yaml", File.ReadAllText(Repository.PathOf("run.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Walkthrough_FromCloneToAFirstChaosResultAndAFirstComparison()
    {
        var comparison = Repository.PathOf("results", "comparison");
        var comparisonExisted = Directory.Exists(comparison);
        var runs = new List<string>();
        try
        {
            // 1. ./run.sh: the quickstart, a leader move that is observed, recovered from and shown on the console.
            var first = await RunAsync(Walkthrough[0]);
            Assert.True(first.ExitCode == 0, first.Output);
            runs.Add(ResultsFolder(first.Output));
            var summary = ResultsJson.ReadSummary(Path.Combine(runs[0], "summary.json"));
            var move = Assert.Single(summary.Faults);
            Assert.Equal(("leader.move", true), (move.Action, move.Succeeded));
            Assert.NotNull(move.RecoverySeconds);
            Assert.Equal(0, summary.Audit!.Lost);
            Assert.Matches(@"(?m)^  1  leader\.move .+  observed ", first.Output);
            Assert.Matches(@"(?m)^  recovery overall <= 30 .+  pass$", first.Output);

            // 3. A first comparison: the same scenario on five brokers, side by side; then the cost of the measured load.
            var second = await RunAsync(Walkthrough[1]);
            Assert.True(second.ExitCode == 0, second.Output);
            runs.Add(ResultsFolder(second.Output));
            var compare = await RunAsync(WithRuns(Walkthrough[2], runs));
            Assert.True(compare.ExitCode == 0, compare.Output);
            Assert.True(File.Exists(Path.Combine(comparison, "comparison.html")), compare.Output);
            var cost = await RunAsync(WithRuns(Walkthrough[3], runs));
            Assert.True(cost.ExitCode == 0, cost.Output);
            Assert.Contains("Summary (USD/month)", cost.Output, StringComparison.Ordinal);

            // 4. Your own scenario.
            var list = await RunAsync(Walkthrough[4]);
            Assert.True(list.ExitCode == 0, list.Output);
            Assert.Contains("docker:kafka-kraft-3", list.Output, StringComparison.Ordinal);
            var validate = await RunAsync(Walkthrough[5]);
            Assert.True(validate.ExitCode == 0, validate.Output);
            Assert.Contains("OK scenarios/quickstart.yaml", validate.Output, StringComparison.Ordinal);

            // 5. The tests: arguments reach dotnet test (three tests, not the whole suite).
            var tests = await RunAsync(Walkthrough[6]);
            Assert.True(tests.ExitCode == 0, tests.Output);
            Assert.EndsWith("3 passed, 0 failed, 0 skipped", tests.Output.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            runs.ForEach(run => Directory.Delete(run, recursive: true));
            if (!comparisonExisted && Directory.Exists(comparison))
            {
                Directory.Delete(comparison, recursive: true);
            }
        }
    }

    /// <summary>Every command line in the <c>bash</c> blocks of the README's walkthrough (comments and blank lines left out), in order.</summary>
    private static List<string> ReadmeCommands()
    {
        var commands = new List<string>();
        var inBash = false;
        var walkthrough = File.ReadAllLines(Repository.PathOf("README.md"))
            .SkipWhile(line => !line.StartsWith("## The first ten minutes", StringComparison.Ordinal))
            .TakeWhile((line, index) => index == 0 || !line.StartsWith("## ", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(walkthrough);
        foreach (var line in walkthrough)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inBash = !inBash && line == "```bash";
                continue;
            }

            if (inBash && line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'))
            {
                commands.Add(line.Trim());
            }
        }

        return commands;
    }

    private static string WithRuns(string command, List<string> runs) => command
        .Replace($"results/{FirstRun}", Path.GetRelativePath(Repository.Root, runs[0]), StringComparison.Ordinal)
        .Replace($"results/{SecondRun}", Path.GetRelativePath(Repository.Root, runs[1]), StringComparison.Ordinal);

    private static string ResultsFolder(string output)
    {
        var folder = ResultsLine().Match(output);
        Assert.True(folder.Success, $"no Results: line in {output}");
        return folder.Groups["path"].Value;
    }

    /// <summary>Runs a README command from the repository root with output redirected, as CI does; standard error is merged.</summary>
    private async Task<CliProcess.Result> RunAsync(string command)
    {
        var watch = Stopwatch.StartNew();
        var result = await CliProcess.RunShellAsync(Repository.Root, TimeSpan.FromMinutes(8), command);
        log.WriteLine($"$ {command}   (exit {result.ExitCode}, {watch.Elapsed.TotalSeconds:0} s)");

        // run.sh builds quietly (MSBuild's log only when the build fails) and only when a source changed: after the
        // first command built the CLI, only `./run.sh test` may build again (the test projects).
        Assert.DoesNotMatch(@"Build succeeded|Warning\(s\)|Time Elapsed", result.Output);
        if (command != Walkthrough[0] && command != Walkthrough[^1])
        {
            Assert.DoesNotContain("run.sh: building", result.Output, StringComparison.Ordinal);
        }

        return result;
    }

    [GeneratedRegex(@"(?m)^Results: (?<path>\S+)$")]
    private static partial Regex ResultsLine();

    [GeneratedRegex(@"```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
