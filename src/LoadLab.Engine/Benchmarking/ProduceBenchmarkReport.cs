using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadLab.Engine.Benchmarking;

/// <summary>
/// What <c>loadlab bench</c> found, as the table it prints and the files it writes beside it (<c>bench.md</c>,
/// <c>bench.json</c>): per size and contender the median rate and CPU per message over the rounds, the rate as a
/// share of the bare loop's and the CPU per message as a multiple of kcat's (values only, the baseline).
/// </summary>
/// <param name="Environment">The environment the cluster came from (e.g. <c>embedded</c>, <c>external</c>).</param>
/// <param name="StartedAt">When the benchmark started.</param>
/// <param name="LoadAverageBefore">The machine's 1/5/15-minute load average before the first turn ("unknown" where not readable).</param>
/// <param name="LoadAverageAfter">The same after the last turn.</param>
/// <param name="Rows">Every contender at every size.</param>
public sealed record ProduceBenchmarkReport(
    string Environment,
    DateTimeOffset StartedAt,
    string LoadAverageBefore,
    string LoadAverageAfter,
    IReadOnlyList<ProduceBenchmarkRow> Rows)
{
    public const string MarkdownFile = "bench.md";
    public const string JsonFile = "bench.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>LoadLab's (the bare loop's message shape) lowest rate as a share of the bare loop's over the sizes; 0 when there is none.</summary>
    public double WorstLoadLabRatio
    {
        get
        {
            var ratios = Rows.Where(r => r.Contender == ProduceBenchmark.LoadLab).Select(r => RateRatio(r, ProduceBenchmark.Bare)).OfType<double>().ToList();
            return ratios.Count == 0 ? 0 : ratios.Min();
        }
    }

    /// <summary>The row's median rate divided by <paramref name="baseline"/>'s at the same size, or null without that baseline.</summary>
    public double? RateRatio(ProduceBenchmarkRow row, string baseline)
    {
        ArgumentNullException.ThrowIfNull(row);
        var reference = Rows.FirstOrDefault(r => r.Size == row.Size && r.Contender == baseline);
        return reference is { Rate: > 0 } ? row.Rate / reference.Rate : null;
    }

    /// <summary>The row's median CPU per message divided by <paramref name="baseline"/>'s at the same size, or null when either is unknown.</summary>
    public double? CpuRatio(ProduceBenchmarkRow row, string baseline)
    {
        ArgumentNullException.ThrowIfNull(row);
        var reference = Rows.FirstOrDefault(r => r.Size == row.Size && r.Contender == baseline);
        return row.CpuMicrosPerMessage is { } cpu && reference?.CpuMicrosPerMessage is > 0 ? cpu / reference.CpuMicrosPerMessage : null;
    }

    /// <summary>The table (Markdown, readable as plain text too) with the environment and load averages.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"LoadLab bench on {Environment}, {StartedAt:yyyy-MM-dd HH:mm:ss} UTC; load average before {LoadAverageBefore}, after {LoadAverageAfter}");
        text.AppendLine();
        text.AppendLine("| size | contender | msg/s (median) | rounds (msg/s) | x bare | CPU µs/msg (median) | CPU x kcat |");
        text.AppendLine("|---:|---|---:|---|---:|---:|---:|");
        foreach (var row in Rows)
        {
            var rounds = string.Join(" ", row.Turns.Select(t => t.Rate.ToString("N0", CultureInfo.InvariantCulture)));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Size} B | {row.Contender} | {row.Rate:N0} | {rounds} | {Format(RateRatio(row, ProduceBenchmark.Bare))} | {Format(row.CpuMicrosPerMessage)} | {Format(CpuRatio(row, ProduceBenchmark.Kcat))} |");
        }

        return text.ToString();
    }

    /// <summary>Writes <see cref="MarkdownFile"/> and <see cref="JsonFile"/> into <paramref name="directory"/>.</summary>
    public async Task WriteAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, MarkdownFile), ToMarkdown(), cancellationToken).ConfigureAwait(false);
        var json = new
        {
            Environment,
            StartedAt,
            LoadAverageBefore,
            LoadAverageAfter,
            Rows = Rows.Select(r => new
            {
                r.Contender,
                SizeBytes = r.Size,
                RatePerSecond = Math.Round(r.Rate),
                r.CpuMicrosPerMessage,
                RateVersusBare = RateRatio(r, ProduceBenchmark.Bare),
                CpuVersusKcat = CpuRatio(r, ProduceBenchmark.Kcat),
                Rounds = r.Turns.Select(t => new { RatePerSecond = Math.Round(t.Rate), t.CpuMicrosPerMessage }),
            }),
        };
        await File.WriteAllTextAsync(Path.Combine(directory, JsonFile), JsonSerializer.Serialize(json, JsonOptions), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The machine's load average (<c>/proc/loadavg</c>'s first three fields), or "unknown".</summary>
    public static string ReadLoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "–";
}
