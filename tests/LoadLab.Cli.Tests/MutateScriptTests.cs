namespace LoadLab.Cli.Tests;

/// <summary><c>./run.sh mutate</c>'s own arguments: refused with exit code 2 and a message saying what is wrong.</summary>
public sealed class MutateScriptTests
{
    [Theory]
    [InlineData("--concurrency", "--concurrency needs a whole number of test processes, e.g. --concurrency 2")]
    [InlineData("--concurrency 0 regression", "--concurrency needs a whole number of test processes, e.g. --concurrency 2")]
    [InlineData("--concurrency two", "--concurrency needs a whole number of test processes, e.g. --concurrency 2")]
    [InlineData("--bogus", "unknown argument '--bogus'; usage: ./run.sh mutate [--full] [--concurrency N] [TARGET…]")]
    [InlineData("costs", "unknown argument 'costs'; usage:")]
    public async Task Mutate_BadArgument_ExitsTwoSayingWhatIsWrong(string arguments, string message)
    {
        var result = await CliProcess.RunShellAsync(Repository.Root, TimeSpan.FromSeconds(30), "./run.sh mutate " + arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Output, StringComparison.Ordinal);
    }
}
