namespace LoadLab.Cli.Tests.Env;

/// <summary>
/// The Docker definition format through the real CLI (no engine: --dry-run): the one duration and size grammar loads,
/// an old camelCase key or Docker's 512m is refused with exit 2, file, line, YAML path and fix.
/// </summary>
public sealed class DefinitionFormatTests : IDisposable
{
    private const string Definition = """
        name: format
        platform: kafka
        brokers:
          count: 1
          image: apache/kafka:4.1.0
          first-id: 1
          hostname: kafka-{id}
          listeners: { internal: 19092, external: 9092, host-port-base: 29092 }
          resources: { cpus: 1, memory: 512MiB }
        readiness: { condition: metadata lists all brokers, timeout: 1h30m }
        faults:
          broker-kill: kill
          partition-reassign: { exec: ["true"], timeout: 1h30m }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-format-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task EnvUpDryRun_KebabCaseWith1h30mAnd512MiB_PrintsThePlan()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "format.yaml"), Definition);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "env", "up", "format.yaml", "--dry-run", "--run-id", "format");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("limits: cpus 1, memory 512 MiB", result.Output, StringComparison.Ordinal);
        Assert.Contains("within 5400 s", result.Output, StringComparison.Ordinal);
        Assert.Contains("partition-reassign   exec in a running broker, the partition's leader when it runs (timeout 5400 s", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvUpDryRun_OldCamelCaseKeysAndDockerMemory_ExitTwoWithEachFix()
    {
        var old = Definition.Replace("first-id", "firstId", StringComparison.Ordinal)
            .Replace("host-port-base", "hostPortBase", StringComparison.Ordinal)
            .Replace("512MiB", "512m", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_directory, "old.yaml"), old);

        var result = await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(1), "env", "up", "old.yaml", "--dry-run");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("old.yaml:6:3: brokers.firstId: unknown key \"firstId\" in brokers", result.Error, StringComparison.Ordinal);
        Assert.Contains("Fix: rename \"firstId\" to \"first-id\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("old.yaml:8:49: brokers.listeners.hostPortBase:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Fix: rename \"hostPortBase\" to \"host-port-base\"", result.Error, StringComparison.Ordinal);
        Assert.Contains("old.yaml:9:33: brokers.resources.memory:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Fix: memory: 512MiB", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
