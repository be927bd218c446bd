using System.Diagnostics;
using LoadLab.Docker.Tests.Support;
using Xunit.Abstractions;

namespace LoadLab.Docker.Tests.Ci;

/// <summary>
/// <c>.ci/docker-engine.sh stop</c> on an engine of its own (its own folder, never the engine the other tests use):
/// containers are stopped before the daemon, and no process of them survives the engine.
/// </summary>
public sealed class EngineScriptTests(ITestOutputHelper output)
{
    private static readonly string Script = Path.Combine(TestPaths.RepositoryRoot, ".ci", "docker-engine.sh");

    [SkippableFact]
    public async Task Stop_ContainerThatIgnoresSigterm_LeavesNoProcessOfItBehind()
    {
        RequireDockerd();
        // Short: the socket path of the engine must stay under the 108 bytes a unix socket address holds.
        var root = Path.Combine(Path.GetTempPath(), $"loadlab-docker-stop-{Guid.NewGuid():N}"[..40]);
        var environment = new Dictionary<string, string> { ["LOADLAB_DOCKER_ROOT"] = root };
        try
        {
            var started = await RunAsync("bash", [Script, "start"], environment, TimeSpan.FromSeconds(90));
            Assert.True(started.ExitCode == 0, started.Error);
            environment["DOCKER_HOST"] = started.Output.Trim().Replace("export DOCKER_HOST=", "", StringComparison.Ordinal);

            // A container whose main process is `sleep`: as PID 1 it has no SIGTERM handler, so SIGTERM does nothing
            // and only SIGKILL ends it, after the stop timeout (the case that outlived an engine killed too early).
            var image = await RunAsync("bash", ["-c", """
                set -euo pipefail
                rootfs="$(mktemp -d)"
                trap 'rm -rf "$rootfs"' EXIT
                for file in /bin/sleep $(ldd /bin/sleep | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do cp -L --parents "$file" "$rootfs"; done
                tar -C "$rootfs" -c . | docker import - loadlab-sleep:test >/dev/null
                """], environment, TimeSpan.FromSeconds(60));
            Assert.True(image.ExitCode == 0, image.Error);
            var container = await RunAsync("docker", ["run", "-d", "--network", "none", "loadlab-sleep:test", "/bin/sleep", "3600"], environment, TimeSpan.FromSeconds(60));
            Assert.True(container.ExitCode == 0, container.Error);
            var inspect = await RunAsync("docker", ["inspect", "-f", "{{.State.Pid}}", container.Output.Trim()], environment, TimeSpan.FromSeconds(30));
            var pid = int.Parse(inspect.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var identity = StartTime(pid);
            Assert.NotNull(identity);

            var stopped = await RunAsync("bash", [Script, "stop"], environment, TimeSpan.FromSeconds(120));
            output.WriteLine(stopped.Error);

            Assert.True(stopped.ExitCode == 0, stopped.Error);
            Assert.True(StartTime(pid) != identity, $"the container's process {pid} outlived the engine");
            Assert.Empty(ProcessesNaming(root));
            Assert.False(Directory.Exists(root));
        }
        finally
        {
            await RunAsync("bash", [Script, "stop"], environment, TimeSpan.FromSeconds(120));
        }
    }

    private static void RequireDockerd()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(folder => File.Exists(Path.Combine(folder, "dockerd")));
        if (!found && Environment.GetEnvironmentVariable(DockerRequirement.RequireVariable) == "1")
        {
            throw new InvalidOperationException($"{DockerRequirement.RequireVariable}=1 but dockerd is not on PATH");
        }

        Skip.IfNot(found, $"dockerd is not on PATH; set {DockerRequirement.RequireVariable}=1 to make this a failure");
    }

    /// <summary>The start time of a live (not zombie) process, which tells it from a later process with its pid.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(") ", StringComparison.Ordinal) + 2)..].Split(' ');
            return fields[0] == "Z" ? null : fields[19];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<string> ProcessesNaming(string text) =>
        [.. Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Select(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                return "";
            }
        }).Where(cmdline => cmdline.Contains(text, StringComparison.Ordinal))];

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string[] arguments, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await standardOutput, await standardError);
    }
}
