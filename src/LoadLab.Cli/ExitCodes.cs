namespace LoadLab.Cli;

/// <summary>
/// The exit codes of every command, defined only here: <c>loadlab --help</c> prints <see cref="Table"/>, and a test
/// checks that the README's table says the same.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked and every check passed.</summary>
    public const int Success = 0;

    /// <summary>An SLO, threshold or regression check failed (the run itself completed).</summary>
    public const int CheckFailed = 1;

    /// <summary>The input is wrong (an argument, an option, a scenario or environment file); nothing was started.</summary>
    public const int BadInput = 2;

    /// <summary>The environment could not be started or broke (no Docker engine, a cluster that went away).</summary>
    public const int EnvironmentFailure = 3;

    /// <summary>A bug in LoadLab (sysexits' EX_SOFTWARE); the details to report are printed.</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl+C or SIGTERM (128 + SIGINT, the shell's convention), so CI never counts a cancelled run as passed.</summary>
    public const int Interrupted = 130;

    /// <summary>Every exit code with what it means, in the words of the README and <c>--help</c>.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Table { get; } =
    [
        (Success, "success"),
        (CheckFailed, "an SLO or regression check failed"),
        (BadInput, "bad input (an argument, option, scenario or environment file); nothing was started"),
        (EnvironmentFailure, "the environment could not be started or broke"),
        (InternalError, "a bug in LoadLab (the details to report are printed)"),
        (Interrupted, "interrupted (Ctrl+C or SIGTERM); the results of the part that ran are kept"),
    ];
}
