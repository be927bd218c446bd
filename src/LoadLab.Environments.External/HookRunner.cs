using System.Diagnostics;
using System.Text;

namespace LoadLab.Environments.External;

/// <summary>Runs one hook command through the shell with a time limit, capturing its output.</summary>
internal static class HookRunner
{
    /// <summary>Output kept per stream; a chatty tool must not flood the events file.</summary>
    private const int KeptCharacters = 1000;

    /// <summary>What a hook did.</summary>
    /// <param name="ExitCode">The exit code, or null when it was killed at its time limit.</param>
    /// <param name="Output">stdout and stderr, trimmed to their last characters; not yet redacted.</param>
    /// <param name="Took">Time from start to exit.</param>
    public sealed record Result(int? ExitCode, string Output, TimeSpan Took);

    public static async Task<Result> RunAsync(string command, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", command } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var started = time.GetTimestamp();
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new Result(null, $"could not start the shell: {e.Message}", time.GetElapsedTime(started));
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        int? exitCode;
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            exitCode = null;
        }

        var took = time.GetElapsedTime(started);
        return new Result(exitCode, Combine(await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false)), took);
    }

    private static string Combine(string stdout, string stderr)
    {
        var text = new StringBuilder();
        if (stdout.Trim() is { Length: > 0 } output)
        {
            text.Append("stdout: ").Append(Tail(output));
        }

        if (stderr.Trim() is { Length: > 0 } error)
        {
            text.Append(text.Length > 0 ? "; " : "").Append("stderr: ").Append(Tail(error));
        }

        return text.ToString();
    }

    private static string Tail(string text)
    {
        var oneLine = text.ReplaceLineEndings(" | ");
        return oneLine.Length <= KeptCharacters ? oneLine : "…" + oneLine[^KeptCharacters..];
    }
}
