using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Results;
using LoadLab.Core.Yaml;
using LoadLab.Engine.Benchmarking;
using LoadLab.Engine.Sessions;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab bench</c>: LoadLab's own produce path against the bare .NET client and kcat, on one cluster,
/// in interleaved turns: maximum rate and CPU per message of each, and LoadLab's CPU per message when paced; exits 1
/// when LoadLab with the bare loop's message shape reaches less than <c>--min-ratio</c> of the bare loop (LoadLab
/// with realistic traffic is shown beside it, not judged: realism also costs the cluster). The table is also
/// written as <c>bench.md</c> and <c>bench.json</c> in the benchmark's folder.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Message sizes, comma-separated (100, 1KiB, ...)", DefaultValueFactory = _ => "100,1KiB" };
        var seconds = TypedOptions.WholeNumber("--seconds", "Measured seconds of every turn (after 3 s of warm-up)", 1, 600, 10, "10");
        var rounds = TypedOptions.WholeNumber("--rounds", "Rounds per size; contenders take turns within a round", 1, 10, 2, "2");
        var minRatio = TypedOptions.Number("--min-ratio", "Exit 1 when LoadLab (the bare loop's message shape) / bare is below this at any size", 0, 10, 0.9, "0.9");
        var pacedRate = TypedOptions.Number("--paced-rate", "Rate of LoadLab's paced turn, msg/s (at most half of its maximum of the round)", 1, 10_000_000, 60_000, "60000");
        var environment = new Option<string>("--env")
        {
            Description = "Environment: 'embedded' (default; the cluster shares the process, and its CPU), 'embedded:<brokers>', 'docker:<definition>' or 'external:<definition>'",
            DefaultValueFactory = _ => EnvironmentCatalog.Embedded,
        };
        var output = TypedOptions.OutputFolder("--out", "Folder that receives the benchmark's run folders (default: results)", "results");
        var command = new Command("bench", "Measure LoadLab's maximum produce rate against a bare Confluent.Kafka loop and kcat (the harness must not be the bottleneck)")
        {
            sizes, seconds, rounds, minRatio, pacedRate, environment, output,
        };
        command.SetAction((parse, _) => ExecuteAsync(
            parse.GetValue(sizes)!,
            parse.GetValue(seconds),
            parse.GetValue(rounds),
            parse.GetValue(minRatio),
            parse.GetValue(pacedRate),
            parse.GetValue(environment)!,
            parse.GetValue(output)!));
        return command;
    }

    /// <summary>Parses <c>--sizes</c>: positive sizes up to 1 MiB, e.g. "100,1KiB".</summary>
    internal static (IReadOnlyList<int>? Sizes, string? Error) ParseSizes(string text)
    {
        var sizes = new List<int>();
        var problems = new List<ValidationProblem>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (OptionValues.Size("--sizes", part, "100,1KiB", problems, min: 1, max: 1 << 20) is not { } bytes)
            {
                return (null, problems[0].ToString());
            }

            sizes.Add((int)bytes);
        }

        return sizes.Count == 0 ? (null, TypedOptions.Refusal("--sizes", text, "one or more sizes from 1 byte to 1MiB, comma-separated", "100,1KiB")) : (sizes, null);
    }

    /// <summary>The kcat executable on PATH, or null.</summary>
    internal static string? FindKcat() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "kcat"))
            .FirstOrDefault(File.Exists);

    private static async Task<int> ExecuteAsync(string sizesText, int seconds, int rounds, double minRatio, double pacedRate, string environmentName, DirectoryInfo output)
    {
        var (sizes, sizesError) = ParseSizes(sizesText);
        if (sizesError is not null)
        {
            return Errors.BadInput(Console.Error, sizesError);
        }

        var (provider, environmentError) = EnvironmentCatalog.Resolve(environmentName);
        if (provider is null)
        {
            return Errors.BadInput(Console.Error, environmentError!);
        }

        var benchId = RunIds.Create(DateTimeOffset.UtcNow, "bench");
        var kcat = FindKcat();
        using var interrupt = CommandLine.CancelOnInterrupt();
        Console.WriteLine($"LoadLab bench on {provider.Kind}: sizes {string.Join(", ", sizes!)} B, {rounds} round(s) of 3 s warm-up + {seconds} s per contender{(kcat is null ? "; kcat not found on PATH, left out" : "")}");
        var startedAt = DateTimeOffset.UtcNow;
        var loadBefore = ProduceBenchmarkReport.ReadLoadAverage();
        var folder = Path.Combine(output.FullName, benchId);
        // The same preparation as run and maxrate on every environment: topics resolved (a per-run prefix), created and seen.
        await using var session = await RunSession.StartAsync(
            provider,
            new SessionOptions { Id = benchId, Topics = ProduceBenchmark.Topics, Progress = new Progress<string>(line => Console.Error.WriteLine(line)) },
            interrupt.Token);
        var rows = await ProduceBenchmark.RunAsync(session, new ProduceBenchmarkOptions
        {
            Sizes = sizes!,
            Duration = TimeSpan.FromSeconds(seconds),
            Rounds = rounds,
            PacedRate = pacedRate,
            KcatPath = kcat,
            ResultsDirectory = folder,
            Progress = line => Console.WriteLine($"  {line}"),
        }, interrupt.Token);
        if (interrupt.IsCancellationRequested)
        {
            return Errors.Interrupted(Console.Error, "the benchmark was stopped early; the table is incomplete.");
        }

        var report = new ProduceBenchmarkReport(provider.Kind, startedAt, loadBefore, ProduceBenchmarkReport.ReadLoadAverage(), rows);
        await report.WriteAsync(folder, CancellationToken.None);
        Console.WriteLine();
        Console.Write(report.ToMarkdown());
        Console.WriteLine($"Written: {Path.Combine(folder, ProduceBenchmarkReport.MarkdownFile)}, {Path.Combine(folder, ProduceBenchmarkReport.JsonFile)}");
        if (report.WorstLoadLabRatio < minRatio)
        {
            Console.WriteLine($"LoadLab reached {report.WorstLoadLabRatio:0.00}x of the bare loop, below --min-ratio {minRatio:0.00}.");
            return ExitCodes.CheckFailed;
        }

        return ExitCodes.Success;
    }
}
