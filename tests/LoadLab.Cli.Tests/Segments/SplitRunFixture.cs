using System.Globalization;

namespace LoadLab.Cli.Tests.Segments;

/// <summary>
/// One real split run shared by the tests of <see cref="SplitRunTests"/>: <c>cluster serve</c> in its own process, three
/// <c>loadlab run --segment i/3</c> worker processes starting their load at one agreed instant, each writing its folder.
/// </summary>
public sealed class SplitRunFixture : IAsyncLifetime
{
    public const string RunId = "split-test";
    public const int Workers = 3;
    public const double Rate = 3000;
    public const double DurationSeconds = 8;
    public const int MessageBytes = 200;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("loadlab-split-").FullName;

    public string Results => Path.Combine(Directory, "results");

    public IReadOnlyList<string> SegmentFolders => [.. Enumerable.Range(0, Workers).Select(i => Path.Combine(Results, $"{RunId}-segment-{i}"))];

    internal IReadOnlyList<CliProcess.Result> WorkerResults { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var served = await ServeProcess.StartAsync("orders:6:3");
        var definition = Write("served.yaml", $"""
            name: served
            bootstrap-servers: {served.BootstrapServers}
            security:
              protocol: PLAINTEXT
            client:
            {ServeProcess.ClientLines("  ")}topics:
              policy: existing
              # The workers prepare one after another; a late one would otherwise see the others' first messages.
              allow-existing-data: true

            """);
        var duration = DurationSeconds.ToString(CultureInfo.InvariantCulture);
        var rate = Rate.ToString(CultureInfo.InvariantCulture);
        var scenario = Write("split.yaml", $$"""
            version: 1
            name: split
            duration: {{duration}}s
            drain-timeout: 20s
            topics:
              - {name: orders, partitions: 6, replication-factor: 3}
            traffic:
              - name: orders
                topic: orders
                rate: {{rate}}
                producers: 3
                payload: {kind: fixed, size: {{MessageBytes}}}
                keys: {distribution: uniform, space: 1000}
                producer: {acks: all, enable.idempotence: true, linger.ms: 5}
            consumers:
              - {group: readers, topic: orders, instances: 3}

            """);
        // Time for three runtimes to start on a busy machine and for the group to settle before the load.
        var startAt = DateTimeOffset.UtcNow.AddSeconds(25).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var workers = Enumerable.Range(0, Workers).Select(i => CliProcess.RunAsync(Directory, TimeSpan.FromSeconds(180),
            "run", scenario, "--env", "external:" + definition, "--segment", $"{i}/{Workers}", "--start-at", startAt, "--run-id", RunId, "--out", Results));
        WorkerResults = await Task.WhenAll(workers);
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A copy of the segment folders in a fresh folder, to change without touching the run.</summary>
    public IReadOnlyList<string> CopySegments(string name)
    {
        var target = Path.Combine(Directory, name);
        foreach (var folder in SegmentFolders)
        {
            foreach (var file in System.IO.Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                var destination = Path.Combine(target, Path.GetFileName(folder), Path.GetRelativePath(folder, file));
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }
        }

        return [.. SegmentFolders.Select(f => Path.Combine(target, Path.GetFileName(f)))];
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
