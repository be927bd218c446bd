using System.Diagnostics;
using LoadLab.Docker.Tests.Support;
using LoadLab.Environments.Docker.Engine;
using Xunit.Abstractions;

namespace LoadLab.Docker.Tests.Engine;

/// <summary>
/// A run in another process (this assembly's <see cref="ChildRun"/>) that holds a Docker cluster, then dies: SIGKILL
/// leaves its containers behind for `env clean` to find by label; SIGTERM and SIGINT (Ctrl+C) tear them down.
/// </summary>
public sealed class CrashedRunTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task RemoveAsync_AfterTheRunWasKilledWithSigkill_RemovesWhatItLeft()
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        await TestBrokerImage.EnsureBuiltAsync();
        var runId = LocalMock.RunId("sigkill");
        using var child = await StartChildAsync(runId);

        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        var leftBehind = (await ResourceReaper.ListAsync(client, CancellationToken.None)).Single(environment => environment.RunId == runId);
        // `env clean --run-id`: the unscoped clean would also remove the clusters of tests running in parallel.
        var removed = await ResourceReaper.RemoveAsync(client, runId, CancellationToken.None);

        output.WriteLine($"left behind: {string.Join(", ", leftBehind.Containers)}; clean removed {removed}");
        Assert.Equal([$"loadlab-{runId}-mock-1"], leftBehind.Containers);
        Assert.Equal(new ReapResult(1, 1, 0), removed);
        Assert.DoesNotContain(await ResourceReaper.ListAsync(client, CancellationToken.None), environment => environment.RunId == runId);
    }

    [SkippableTheory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_DuringARun_TearsTheClusterDown(string signal)
    {
        using var client = await DockerRequirement.ConnectOrSkipAsync();
        await TestBrokerImage.EnsureBuiltAsync();
        var runId = LocalMock.RunId($"sig{signal.ToLowerInvariant()}");
        using var child = await StartChildAsync(runId);

        using (var kill = Process.Start("kill", [$"-{signal}", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await child.WaitForExitAsync(timeout.Token);
        Assert.False((await ResourceReaper.RemoveAsync(client, runId, CancellationToken.None)).RemovedAnything, $"SIG{signal} left resources for env clean");
    }

    private async Task<Process> StartChildAsync(string runId)
    {
        var assembly = typeof(ChildRun).Assembly.Location;
        // Through `env --default-signal=INT`: a test host started under nohup or as a background job of a
        // non-interactive shell has SIGINT ignored, every child inherits that, and .NET keeps an inherited ignore, so
        // the child would never see the Ctrl+C this test sends. The shim gives it the default disposition, as a shell
        // at a terminal does, and then execs dotnet (same pid).
        var child = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "dotnet", assembly, "child", TestPaths.TestEnvironment("local-mock.yaml"), runId])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start the child run");
        var errors = child.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(ChildRun.ReadyMarker, StringComparison.Ordinal))
            {
                output.WriteLine(line);
                return child;
            }
        }

        throw new InvalidOperationException($"the child run ended before its cluster was ready: {await errors}");
    }
}
