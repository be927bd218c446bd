using System.Diagnostics;
using LoadLab.Core.Environments;

namespace LoadLab.Engine.Benchmarking;

/// <summary>
/// kcat (librdkafka's C command-line client) producing a prepared file of newline-delimited messages. Its
/// rate is messages over the process's wall time, start-up and final flush included, so it is slightly
/// pessimistic; its CPU is what the operating system charged the process. The message count is chosen to make
/// the run last about the measured window.
/// </summary>
internal static class KcatProducer
{
    /// <summary>Separates key and value on a line of the prepared file (never part of either).</summary>
    private const char KeyDelimiter = '\t';

    /// <summary>
    /// Produces <paramref name="messages"/> values of <paramref name="size"/> bytes. With <paramref name="withKeys"/> in
    /// LoadLab's message shape (the bare loop's 64 keys; LoadLab's run stamp is part of its opaque values, so the values
    /// are as long); without, values only, the C client's best case (unkeyed messages go to one partition at a time, in
    /// larger batches).
    /// </summary>
    public static async Task<ContenderTurn> RunAsync(string kcatPath, ICluster cluster, string topic, int size, long messages, bool withKeys, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"loadlab-kcat-{Environment.ProcessId}-{size}.txt");
        try
        {
            await WriteMessagesAsync(file, size, messages, withKeys, cancellationToken).ConfigureAwait(false);
            var start = new ProcessStartInfo(kcatPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in Arguments(cluster, topic, file, withKeys))
            {
                start.ArgumentList.Add(argument);
            }

            var cpuBefore = ProcessCpu.Children();
            var begin = Stopwatch.GetTimestamp();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{kcatPath} did not start");
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var end = Stopwatch.GetTimestamp();
            var cpuAfter = ProcessCpu.Children();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kcat exited with {process.ExitCode}: {(await errors.ConfigureAwait(false)).Trim()}");
            }

            var cpu = cpuAfter - cpuBefore;
            return new ContenderTurn(ProduceBenchmark.RatePerSecond(messages, begin, end), cpu is { } used ? used.TotalMicroseconds / messages : null);
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static IReadOnlyList<string> Arguments(ICluster cluster, string topic, string file, bool withKeys)
    {
        var arguments = new List<string> { "-P", "-b", cluster.BootstrapServers, "-t", topic, "-l", "-q" };
        if (withKeys)
        {
            arguments.AddRange(["-K", KeyDelimiter.ToString()]);
        }

        foreach (var (key, value) in cluster.ClientDefaults.Concat(ProduceBenchmark.ProducerSettings))
        {
            if (!key.StartsWith("dotnet.", StringComparison.Ordinal))
            {
                arguments.Add("-X");
                arguments.Add($"{key}={value}");
            }
        }

        arguments.Add(file);
        return arguments;
    }

    /// <summary>Printable bytes (no newline, which delimits messages, nor the key delimiter) so every value is exactly <paramref name="size"/> bytes.</summary>
    private static async Task WriteMessagesAsync(string file, int size, long messages, bool withKeys, CancellationToken cancellationToken)
    {
        var random = new Random(size);
        var lines = Enumerable.Range(0, ProduceBenchmark.BareKeys).Select(k =>
        {
            var key = withKeys ? System.Text.Encoding.ASCII.GetBytes($"key-{k:00}{KeyDelimiter}") : [];
            var line = new byte[key.Length + size + 1];
            key.CopyTo(line, 0);
            for (var b = key.Length; b < line.Length - 1; b++)
            {
                line[b] = (byte)random.Next('a', 'z' + 1);
            }

            line[^1] = (byte)'\n';
            return line;
        }).ToArray();
        await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long i = 0; i < messages; i++)
        {
            await stream.WriteAsync(lines[i % lines.Length], cancellationToken).ConfigureAwait(false);
        }
    }
}
