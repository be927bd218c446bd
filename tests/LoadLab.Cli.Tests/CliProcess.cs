using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LoadLab.Cli.Tests;

/// <summary>Runs the real <c>loadlab</c> executable (copied next to the tests) as a child process.</summary>
internal static partial class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(workingDirectory, timeout, new Dictionary<string, string>(), arguments);

    /// <summary>Runs the CLI with extra environment variables.</summary>
    public static async Task<Result> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loadlab.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return await WaitAsync(start, timeout, arguments);
    }

    /// <summary>
    /// Runs the CLI on a terminal <paramref name="columns"/> wide (a pseudo-terminal from util-linux's <c>script</c>),
    /// as a user at a shell sees it. Standard error is merged into the output there; escape sequences and carriage
    /// returns are removed from what is returned.
    /// </summary>
    public static async Task<Result> RunInTerminalAsync(string workingDirectory, TimeSpan timeout, int columns, params string[] arguments)
    {
        var command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "loadlab.dll") }.Concat(arguments).Select(Quote));
        var start = new ProcessStartInfo("script")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // -e: script exits with the child's exit code; the terminal's size is set inside it, before the CLI starts.
        foreach (var argument in new[] { "-qec", $"stty cols {columns} rows 50; exec {command}", "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        var result = await WaitAsync(start, timeout, arguments);
        return result with { Output = EscapeSequence().Replace(result.Output, "").Replace("\r", "", StringComparison.Ordinal) };
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // CSI sequences (colours, cursor moves of the live display) and OSC sequences.
    [GeneratedRegex(@"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z])")]
    private static partial Regex EscapeSequence();

    private static async Task<Result> WaitAsync(ProcessStartInfo start, TimeSpan timeout, string[] arguments)
    {
        using var process = Process.Start(start)!;
        if (start.RedirectStandardInput)
        {
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"loadlab {string.Join(' ', arguments)} did not finish within {timeout}: {await output} {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
