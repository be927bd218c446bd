using System.CommandLine;
using LoadLab.Core.Environments;

namespace LoadLab.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task InvokeAsync_EnvironmentFails_ExitsThreeWithOneLine()
    {
        var (code, error) = await InvokeThrowingAsync(new EnvironmentException("the cluster went away"));

        Assert.Equal(3, code);
        Assert.Equal("loadlab: environment failure: the cluster went away" + Environment.NewLine, error);
    }

    [Fact]
    public async Task InvokeAsync_CommandHasABug_ExitsSeventyWithTheDetailsToReport()
    {
        var (code, error) = await InvokeThrowingAsync(new InvalidOperationException("boom"));

        Assert.Equal(70, code);
        Assert.StartsWith("loadlab: internal error (InvalidOperationException: boom); please report it with these details:", error, StringComparison.Ordinal);
        Assert.Contains(nameof(InvokeThrowingAsync), error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Error)> InvokeThrowingAsync(Exception exception)
    {
        var command = new Command("fail");
        command.SetAction(_ => ThrowFrom(exception));
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var code = await CommandLine.InvokeAsync(new RootCommand { command }, ["fail"]);
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static int ThrowFrom(Exception exception) => throw exception;
}
