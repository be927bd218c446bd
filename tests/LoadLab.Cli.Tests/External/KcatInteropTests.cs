using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LoadLab.Core.Scenarios;
using Xunit.Abstractions;

namespace LoadLab.Cli.Tests.External;

/// <summary>
/// Debian's kcat (an independent librdkafka client) against <c>cluster serve</c>, alongside a LoadLab run in
/// external mode: kcat reads back what LoadLab wrote, headers included, and produces its own messages meanwhile.
/// </summary>
public sealed class KcatInteropTests(ITestOutputHelper output)
{
    private const int KcatMessages = 500;

    /// <summary>Bytes of LoadLab's run stamp (README): version, run nonce, producer id, sequence, intended time.</summary>
    private const int StampLength = 29;

    [SkippableFact]
    public async Task Kcat_ReadsLoadLabMessagesWithHeaders_AndCountsAgreeWithTheSummary()
    {
        var kcat = RequireKcat();

        await using var served = await ServedCluster.StartAsync(new TopicSpec("interop", 3, 1), new TopicSpec("kcat-side", 1, 1));
        var bootstrap = served.Host.Cluster.BootstrapServers;
        var scenario = served.Write("interop.yaml", """
            version: 1
            name: interop
            duration: 6s
            topics:
              - {name: interop, partitions: 3, replication-factor: 1}
            traffic:
              - name: interop
                topic: interop
                rate: 250
                payload: {kind: prediction, size: 300}
            consumers:
              - {group: interop-readers, topic: interop, instances: 1}
            """);

        var lines = string.Concat(Enumerable.Range(0, KcatMessages).Select(i => $"kcat-{i}\n"));
        var kcatProducing = RunKcatAsync(kcat, lines, "-P", "-b", bootstrap, "-t", "kcat-side", "-H", "origin=kcat");
        using var summary = await RunAsync(served, scenario);
        var produced = await kcatProducing;
        Assert.True(produced.ExitCode == 0, produced.Text);

        var acked = summary.RootElement.GetProperty("produce").GetProperty("acked").GetInt64();
        var audited = summary.RootElement.GetProperty("audit").GetProperty("acked").GetInt64();
        var delivered = summary.RootElement.GetProperty("audit").GetProperty("delivered").GetInt64();

        var loadLab = ParseJsonLines((await RunKcatAsync(kcat, null, "-C", "-b", bootstrap, "-t", "interop", "-e", "-q", "-J")).Text);
        var side = ParseJsonLines((await RunKcatAsync(kcat, null, "-C", "-b", bootstrap, "-t", "kcat-side", "-e", "-q", "-J")).Text);

        var headers = loadLab.Select(m => Headers(m)["ll"]).ToList();
        Assert.All(headers, h => Assert.Equal(StampLength, h.Length));
        var decoded = headers.Select(ReadStamp).ToList();
        Assert.All(decoded, d => Assert.Equal(1, d.Version));
        var runs = decoded.Select(d => d.Run).Distinct().ToList();
        var identities = decoded.Select(d => (d.Producer, d.Sequence)).Distinct().Count();
        output.WriteLine($"LoadLab summary: produce.acked {acked}, audit.acked {audited}, audit.delivered {delivered}; kcat read {loadLab.Count} LoadLab messages ({identities} distinct producer/sequence pairs, {runs.Count} run id) and {side.Count} of its own {KcatMessages}");
        Assert.Equal(audited, loadLab.Count);
        Assert.Equal(audited, identities);
        Assert.Equal(delivered, loadLab.Count);
        Assert.Single(runs);
        Assert.All(decoded, d => Assert.InRange(d.IntendedMicros, 0, 120_000_000));
        Assert.All(loadLab, m => Assert.StartsWith("{", m.GetProperty("payload").GetString(), StringComparison.Ordinal));
        Assert.Equal(KcatMessages, side.Count);
        Assert.All(side, m => Assert.Equal(["origin", "kcat"], m.GetProperty("headers").EnumerateArray().Select(e => e.GetString())));
    }

    [SkippableFact]
    public async Task Kcat_ReadsLoadLabOpaqueMessages_StampInTheValueAndAHeaderOnlyWhereTheValueIsShorter()
    {
        var kcat = RequireKcat();

        await using var served = await ServedCluster.StartAsync(new TopicSpec("opaque", 3, 1), new TopicSpec("tiny", 1, 1));
        var bootstrap = served.Host.Cluster.BootstrapServers;
        var scenario = served.Write("opaque.yaml", """
            version: 1
            name: opaque
            duration: 5s
            topics:
              - {name: opaque, partitions: 3, replication-factor: 1}
              - {name: tiny, partitions: 1, replication-factor: 1}
            traffic:
              - {name: opaque, topic: opaque, rate: 200, producers: 2, payload: {kind: fixed, size: 100B}}
              - {name: tiny, topic: tiny, rate: 50, payload: {kind: fixed, size: 16B}}
            consumers:
              - {group: opaque-readers, topic: opaque, instances: 1}
              - {group: tiny-readers, topic: tiny, instances: 1}
            """);

        using var summary = await RunAsync(served, scenario);
        var audited = summary.RootElement.GetProperty("audit").GetProperty("acked").GetInt64();
        var delivered = summary.RootElement.GetProperty("audit").GetProperty("delivered").GetInt64();

        // kcat's JSON escapes control bytes and writes the others raw: read as Latin-1, each char is one byte.
        var opaque = ParseJsonLines((await RunKcatAsync(kcat, null, "-C", "-b", bootstrap, "-t", "opaque", "-e", "-q", "-J")).Text);
        var tiny = ParseJsonLines((await RunKcatAsync(kcat, null, "-C", "-b", bootstrap, "-t", "tiny", "-e", "-q", "-J")).Text);
        output.WriteLine($"LoadLab summary: audit.acked {audited}, audit.delivered {delivered}; kcat read {opaque.Count} opaque and {tiny.Count} tiny messages");

        // 100-byte values carry the stamp as their first 29 bytes and no header at all; 16-byte ones carry it as the ll header.
        Assert.All(opaque, m => Assert.Equal((100, false), (Payload(m).Length, m.TryGetProperty("headers", out _))));
        Assert.All(tiny, m => Assert.Equal((16, "ll", StampLength), (Payload(m).Length, string.Join(",", Headers(m).Keys), Headers(m)["ll"].Length)));
        var stamps = opaque.Select(m => Payload(m)[..StampLength]).Concat(tiny.Select(m => Headers(m)["ll"])).Select(ReadStamp).ToList();
        Assert.All(stamps, s => Assert.Equal(1, s.Version));
        Assert.Single(stamps.Select(s => s.Run).Distinct());
        Assert.Equal(3, stamps.Select(s => s.Producer).Distinct().Count());
        Assert.Equal(stamps.Count, stamps.Select(s => (s.Producer, s.Sequence)).Distinct().Count());
        Assert.All(stamps, s => Assert.InRange(s.IntendedMicros, 0, 120_000_000));
        Assert.Equal(audited, stamps.Count);
        Assert.Equal(delivered, stamps.Count);
        Assert.InRange(opaque.Count, 900, 1_100);
        Assert.InRange(tiny.Count, 200, 300);
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> with the CLI against the served cluster (external environment, the topics it already
    /// has), requires exit code 0 and returns the run's summary.json.
    /// </summary>
    private static async Task<JsonDocument> RunAsync(ServedCluster served, string scenario)
    {
        var definition = served.Write("served.yaml",
            $"name: served\nbootstrap-servers: {served.Host.Cluster.BootstrapServers}\nclient:\n{served.ClientLines("  ")}topics: {{policy: existing}}\n");
        var results = Path.Combine(served.Directory, "results");
        var run = await served.RunCliAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(120), "run", scenario, "--env", "external:" + definition, "--out", results);
        Assert.True(run.ExitCode == 0, run.Error);
        var runDirectory = Directory.GetDirectories(results).Single();
        return JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(runDirectory, "summary.json")));
    }

    /// <summary>The run stamp's fields (README), big-endian after the version byte.</summary>
    private readonly record struct Stamp(byte Version, long Run, int Producer, long Sequence, long IntendedMicros);

    private static Stamp ReadStamp(byte[] bytes) => new(
        bytes[0],
        BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)),
        BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(9)),
        BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(13)),
        BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(21)));

    private static byte[] Payload(JsonElement message) => Encoding.Latin1.GetBytes(message.GetProperty("payload").GetString()!);

    /// <summary>kcat's path; skips the test where kcat is missing, unless LOADLAB_REQUIRE_ALL makes that a failure.</summary>
    private static string RequireKcat()
    {
        var kcat = FindKcat();
        Skip.If(kcat is null && Environment.GetEnvironmentVariable("LOADLAB_REQUIRE_ALL") is null,
            "kcat is not installed (apt-get install -y kcat); set LOADLAB_REQUIRE_ALL=1 to make this a failure");
        Assert.True(kcat is not null, "LOADLAB_REQUIRE_ALL is set but kcat is not on PATH (apt-get install -y kcat)");
        return kcat;
    }

    /// <summary>kcat writes header values as raw bytes inside its JSON; read as Latin-1, each char is one byte.</summary>
    private static Dictionary<string, byte[]> Headers(JsonElement message)
    {
        var items = message.GetProperty("headers").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var headers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            headers[items[i]] = Encoding.Latin1.GetBytes(items[i + 1]);
        }

        return headers;
    }

    private static List<JsonElement> ParseJsonLines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static async Task<(int ExitCode, string Text)> RunKcatAsync(string kcat, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo(kcat)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.Latin1,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kcat {string.Join(' ', arguments)} did not finish within 60 s: {await stderr}");
        }

        return (process.ExitCode, process.ExitCode == 0 ? await stdout : await stderr);
    }

    private static string? FindKcat() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "kcat"))
            .FirstOrDefault(File.Exists);
}
