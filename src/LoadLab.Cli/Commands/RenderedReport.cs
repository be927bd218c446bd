using System.CommandLine;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Commands;

/// <summary>What <c>report</c> and <c>compare</c> share: the latency-axis option, and rendering into a folder with the
/// files written listed and the errors of reading runs or writing files told as bad input.</summary>
internal static class RenderedReport
{
    public static Option<bool> LinearLatencyOption() => new("--linear-latency")
    {
        Description = "Draw latency over time on a linear axis instead of the default log axis.",
    };

    /// <summary>Runs <paramref name="render"/>, then prints <paramref name="heading"/> and every file it wrote relative to
    /// <paramref name="folder"/>; <paramref name="what"/> names the output in the error when the folder cannot be written.</summary>
    public static int Write(Func<IReadOnlyList<string>> render, string folder, string heading, string what, TextWriter output, TextWriter error)
    {
        try
        {
            var written = render();
            var root = Path.GetFullPath(folder);
            output.WriteLine($"{heading} {root}:");
            foreach (var path in written)
            {
                output.WriteLine($"  {Path.GetRelativePath(root, path)}");
            }

            return ExitCodes.Success;
        }
        catch (RunResultsException e)
        {
            return Errors.BadInput(error, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Errors.BadInput(error, $"cannot write the {what} into '{folder}': {e.Message}");
        }
    }
}
