using System.CommandLine;
using System.Runtime.InteropServices;
using LoadLab.Cli.Commands;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Environments;
using LoadLab.Core.Yaml;

namespace LoadLab.Cli;

/// <summary>
/// Parsing and invocation shared by all commands: every failure ends in one <c>loadlab: …</c> line and the exit
/// code of <see cref="ExitCodes"/> — never a stack trace, except for a bug (exit 70), whose details are worth reporting.
/// </summary>
internal static class CommandLine
{
    // Kept alive for the life of the process: a collected registration stops handling the signal.
    private static IDisposable? _terminate;

    /// <summary>The text <c>loadlab --help</c> ends its description with: the exit codes of every command.</summary>
    public static string ExitCodeHelp => "Exit codes of every command:" + Environment.NewLine +
        string.Join(Environment.NewLine, ExitCodes.Table.Select(e => $"  {e.Code,3}  {e.Meaning}"));

    /// <summary>The <c>loadlab</c> command with every subcommand.</summary>
    public static RootCommand CreateRoot() => new(
        "LoadLab: open-loop load and chaos benchmarks of Kafka-compatible clusters with online model inference traffic."
        + Environment.NewLine + Environment.NewLine + ExitCodeHelp)
    {
        RunCommand.Create(),
        ValidateCommand.Create(),
        ListCommand.Create(),
        ReportCommand.Create(),
        CompareCommand.Create(),
        CostCommand.Create(),
        ClusterCommand.Create(),
        EnvCommand.Create(),
        BaselineCommand.Create(),
        BenchCommand.Create(),
        MaxRateCommand.Create(),
        ImportCommand.Create(),
        ExportCommand.Create(),
        MergeCommand.Create(),
        KubernetesCommand.Create(),
    };

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Commands that take their writers from the invocation write to
    /// <paramref name="output"/> and <paramref name="error"/> (default: the console), as does every error printed here.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var errors = error ?? Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await errors.WriteLineAsync(Errors.Prefix + parseError.Message);
            }

            return Errors.BadInput(errors, "run 'loadlab --help' (or 'loadlab <command> --help') for usage.");
        }

        // Commands handle Ctrl+C and SIGTERM themselves: a run must drain, write its summary and tear its
        // cluster down, which takes longer than System.CommandLine's default grace period.
        var configuration = new InvocationConfiguration
        {
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
            Output = output ?? Console.Out,
            Error = errors,
        };
        try
        {
            return await parse.InvokeAsync(configuration);
        }
        catch (BadInputException e)
        {
            return Errors.BadInput(errors, e.Message);
        }
        catch (InvalidInputException e)
        {
            return Errors.InvalidInput(errors, e);
        }
        catch (EnvironmentException e)
        {
            return Errors.EnvironmentFailure(errors, e.Message);
        }
        catch (OperationCanceledException) when (Interrupted)
        {
            return Errors.Interrupted(errors, "stopped before the command finished.");
        }
        catch (Exception e)
        {
            // Not the user's input (that exits 2) nor the environment (3): a bug, so the details are worth reporting.
            await errors.WriteLineAsync($"{Errors.Prefix}internal error ({e.GetType().Name}: {e.Message}); please report it with these details:");
            await errors.WriteLineAsync(e.ToString());
            return ExitCodes.InternalError;
        }
    }

    /// <summary>True once Ctrl+C or SIGTERM asked the process to stop.</summary>
    public static bool Interrupted { get; private set; }

    /// <summary>A token cancelled by Ctrl+C or SIGTERM (the first one; a second Ctrl+C ends the process).</summary>
    public static CancellationTokenSource CancelOnInterrupt()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!source.IsCancellationRequested)
            {
                e.Cancel = true;
                Interrupted = true;
                Console.Error.WriteLine($"{Errors.Prefix}stopping (Ctrl+C again to abort without cleaning up)...");
                source.Cancel();
            }
        };
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Interrupted = true;
            source.Cancel();
        });
        return source;
    }
}
