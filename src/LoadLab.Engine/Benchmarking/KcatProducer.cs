using System.Diagnostics;
using LoadLab.Core.Environments;

namespace LoadLab.Engine.Benchmarking;

/// <summary>
/// kcat (librdkafka's C command-line client) producing a prepared file of newline-delimited messages. Its
/// rate is messages over the process's wall time, start-up and final flush included, so it is slightly
/// pessimistic; the message count is chosen to make the run last about the measured window.
/// </summary>
internal static class KcatProducer
{
    public static async Task<double> RunAsync(string kcatPath, ICluster cluster, string topic, int size, long messages, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"loadlab-kcat-{Environment.ProcessId}-{size}.txt");
        try
        {
            await WriteMessagesAsync(file, size, messages, cancellationToken).ConfigureAwait(false);
            var start = new ProcessStartInfo(kcatPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in Arguments(cluster, topic, file))
            {
                start.ArgumentList.Add(argument);
            }

            var begin = Stopwatch.GetTimestamp();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{kcatPath} did not start");
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            var end = Stopwatch.GetTimestamp();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kcat exited with {process.ExitCode}: {(await errors.ConfigureAwait(false)).Trim()}");
            }

            return ProduceBenchmark.RatePerSecond(messages, begin, end);
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static IReadOnlyList<string> Arguments(ICluster cluster, string topic, string file)
    {
        var arguments = new List<string> { "-P", "-b", cluster.BootstrapServers, "-t", topic, "-l", "-q" };
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

    /// <summary>Printable bytes (no newline, which delimits messages) so every message is exactly <paramref name="size"/> bytes.</summary>
    private static async Task WriteMessagesAsync(string file, int size, long messages, CancellationToken cancellationToken)
    {
        const int distinct = 64;
        var random = new Random(size);
        var lines = Enumerable.Range(0, distinct).Select(_ =>
        {
            var line = new byte[size + 1];
            for (var b = 0; b < size; b++)
            {
                line[b] = (byte)random.Next('a', 'z' + 1);
            }

            line[size] = (byte)'\n';
            return line;
        }).ToArray();
        await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long i = 0; i < messages; i++)
        {
            await stream.WriteAsync(lines[i % distinct], cancellationToken).ConfigureAwait(false);
        }
    }
}
