using LoadLab.Core.Yaml;

namespace LoadLab.Cli.Terminal;

/// <summary>
/// The one error style of every command, on standard error: <c>loadlab: what went wrong. Fix: …</c>, one line per
/// message, with the exit code from <see cref="ExitCodes"/>. Problems in a file keep the compiler form
/// <c>file:line:column: path: message. Fix: …</c> (editors and CI logs link to it), followed by one <c>loadlab:</c>
/// line that counts them.
/// </summary>
internal static class Errors
{
    /// <summary>Starts every error, warning and note line.</summary>
    public const string Prefix = "loadlab: ";

    /// <summary>Wrong input: prints the message and returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int BadInput(TextWriter error, string message) => Write(error, message, ExitCodes.BadInput);

    /// <summary>The environment could not be started or broke: returns <see cref="ExitCodes.EnvironmentFailure"/>.</summary>
    public static int EnvironmentFailure(TextWriter error, string message) => Write(error, "environment failure: " + message, ExitCodes.EnvironmentFailure);

    /// <summary>Stopped by Ctrl+C or SIGTERM: returns <see cref="ExitCodes.Interrupted"/>.</summary>
    public static int Interrupted(TextWriter error, string message) => Write(error, "interrupted: " + message, ExitCodes.Interrupted);

    /// <summary>Something the user should know that does not change the exit code.</summary>
    public static void Warning(TextWriter error, string message)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine($"{Prefix}warning: {message}");
    }

    /// <summary>Prints every problem of the input files, then one line counting them; returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int Problems(TextWriter error, IReadOnlyList<ValidationProblem> problems, string consequence = "nothing was run")
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var problem in problems)
        {
            error.WriteLine(problem.ToString());
        }

        return Write(error, $"{Count(problems.Count, "problem")}; {consequence}.", ExitCodes.BadInput);
    }

    /// <summary>Wrong input a loader reported: its problems when it listed them, else its message; returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int InvalidInput(TextWriter error, InvalidInputException exception, string consequence = "nothing was run")
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Problems.Count > 0 ? Problems(error, exception.Problems, consequence) : BadInput(error, exception.Message);
    }

    /// <summary>"1 problem", "3 problems".</summary>
    public static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static int Write(TextWriter error, string message, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.WriteLine(Prefix + message);
        return exitCode;
    }
}
