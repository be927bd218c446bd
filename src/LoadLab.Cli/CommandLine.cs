using System.CommandLine;
using LoadLab.Core.Environments;

namespace LoadLab.Cli;

/// <summary>Exit codes of every command (README, "Exit codes").</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>An SLO, threshold or regression check failed.</summary>
    public const int CheckFailed = 1;
    /// <summary>The input (arguments, scenario, environment file) is wrong.</summary>
    public const int BadInput = 2;
    /// <summary>The environment could not be started or broke.</summary>
    public const int EnvironmentFailure = 3;
    /// <summary>A bug in LoadLab (sysexits' EX_SOFTWARE); the exception is printed for the report.</summary>
    public const int InternalError = 70;
}

/// <summary>Parsing and invocation shared by all commands: bad arguments exit 2, never with a stack trace.</summary>
internal static class CommandLine
{
    // Kept alive for the life of the process: a collected registration stops handling the signal.
    private static IDisposable? _terminate;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"loadlab: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'loadlab --help' (or 'loadlab <command> --help') for usage.");
            return ExitCodes.BadInput;
        }

        // Commands handle Ctrl+C and SIGTERM themselves: a run must drain, write its summary and tear its
        // cluster down, which takes longer than System.CommandLine's default grace period.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration);
        }
        catch (EnvironmentException e)
        {
            await Console.Error.WriteLineAsync($"loadlab: environment failure: {e.Message}");
            return ExitCodes.EnvironmentFailure;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not the user's input (that exits 2) nor the environment (3): a bug, so the details are worth reporting.
            await Console.Error.WriteLineAsync($"loadlab: internal error ({e.GetType().Name}: {e.Message}); please report it with these details:");
            await Console.Error.WriteLineAsync(e.ToString());
            return ExitCodes.InternalError;
        }
    }

    /// <summary>A token cancelled by Ctrl+C or SIGTERM (the first one; a second Ctrl+C ends the process).</summary>
    public static CancellationTokenSource CancelOnInterrupt()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!source.IsCancellationRequested)
            {
                e.Cancel = true;
                Console.Error.WriteLine("loadlab: stopping (Ctrl+C again to abort without cleaning up)...");
                source.Cancel();
            }
        };
        _terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            source.Cancel();
        });
        return source;
    }
}
