using LoadLab.Cli.Commands;

namespace LoadLab.Cli.Tests.Scenarios;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-validate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static (int ExitCode, string[] Lines) Invoke(params string[] args)
    {
        // OK lines go to standard output, problems to standard error; both are read here in the order written.
        using var both = new StringWriter();
        var exitCode = ValidateCommand.Create().Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = both, Error = both });
        return (exitCode, both.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private const string ValidScenario = """
        version: 1
        name: tiny
        duration: 10s
        topics: [{name: t, partitions: 1, replication-factor: 1}]
        traffic: [{name: s, topic: t, rate: 100}]
        """;

    [Fact]
    public void Validate_ValidFile_PrintsOkAndExitsZero()
    {
        var path = Write("ok.yaml", ValidScenario);

        var (exitCode, lines) = Invoke(path);

        Assert.Equal(0, exitCode);
        Assert.Equal([$"OK {path}"], lines);
    }

    [Fact]
    public void Validate_InvalidAndValidFiles_PrintsEveryProblemAndExitsTwo()
    {
        var ok = Write("ok.yaml", ValidScenario);
        var bad = Write("bad.yaml", ValidScenario.Replace("rate: 100", "rate: fast", StringComparison.Ordinal).Replace("duration: 10s", "duraton: 10s", StringComparison.Ordinal));

        var (exitCode, lines) = Invoke(ok, bad);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            [
                $"OK {ok}",
                $"{bad}:3:1: duraton: unknown key \"duraton\" in scenario (allowed: version, name, description, duration, warmup, seed, drain-timeout, topics, traffic, consumers, faults, slos, regression). Fix: rename \"duraton\" to \"duration\"",
                $"{bad}:5:37: traffic[0].rate: expected a positive number of messages per second, got \"fast\". Fix: e.g. rate: 2000",
                "loadlab: 2 problems in 1 of 2 files.",
            ],
            lines);
    }

    [Fact]
    public void Validate_MissingFile_ExitsTwoWithoutStackTrace()
    {
        var (exitCode, lines) = Invoke(Path.Combine(_directory, "absent.yaml"));

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"{Path.Combine(_directory, "absent.yaml")}: cannot read the file: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoFile_ExitsTwoWithUsage()
    {
        var (exitCode, lines) = Invoke();

        Assert.Equal(2, exitCode);
        Assert.Equal(["loadlab: validate needs at least one file. Example: loadlab validate scenarios/quickstart.yaml"], lines);
    }
}
