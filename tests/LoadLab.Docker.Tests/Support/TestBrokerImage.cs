using System.Diagnostics;

namespace LoadLab.Docker.Tests.Support;

/// <summary>
/// Builds the local broker image once per test process (Images/build-test-broker-image.sh: host libraries +
/// docker import, no registry) and remembers how long it took.
/// </summary>
internal static class TestBrokerImage
{
    public const string Tag = "loadlab-test-broker:local";

    private static readonly Lazy<Task<TimeSpan>> Build = new(BuildAsync);

    /// <summary>Time the build took in this process.</summary>
    public static Task<TimeSpan> EnsureBuiltAsync() => Build.Value;

    private static async Task<TimeSpan> BuildAsync()
    {
        var started = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("bash", [TestPaths.BuildImageScript, Tag])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"building {Tag} failed ({process.ExitCode}): {await output}{await error}");
        }

        Console.Error.WriteLine((await error).Trim());
        return started.Elapsed;
    }
}
