using System.Diagnostics;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Benchmarking;

/// <summary>What <c>loadlab bench</c> measures: message sizes, how long each contender runs, and how often.</summary>
public sealed record ProduceBenchmarkOptions
{
    /// <summary>Message value sizes in bytes; default 100 and 1024.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [100, 1024];
    /// <summary>Measured window of every contender's turn; default 10 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Unmeasured start of every turn (connections, batches filling up); default 3 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>Rounds per size; contenders take turns within a round so machine load hits them alike. Default 2.</summary>
    public int Rounds { get; init; } = 2;
    /// <summary>Path of the kcat executable, or null to leave kcat out.</summary>
    public string? KcatPath { get; init; }
    /// <summary>Folder that receives LoadLab's run folders of the benchmark.</summary>
    public required string ResultsDirectory { get; init; }
    /// <summary>Called with a line of progress after every turn.</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>One contender's rates at one message size (one per round), in acknowledged messages per second.</summary>
public sealed record ProduceBenchmarkRow(string Contender, int Size, IReadOnlyList<double> Rates)
{
    /// <summary>The median over the rounds (the mean of the middle two for an even count).</summary>
    public double Median
    {
        get
        {
            var sorted = Rates.Order().ToArray();
            return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}

/// <summary>
/// Measures, on one cluster and in interleaved turns, how fast LoadLab's own produce path can go compared
/// with a bare Confluent.Kafka loop over pre-made arrays (the .NET client's ceiling) and kcat. Every
/// contender produces to its own topic with the cluster's client defaults plus the same producer settings,
/// and is rated by acknowledged messages per second over the same measured window.
/// LoadLab runs twice: with the bare loop's message shape (opaque values of the size, 64 keys in turn), so the
/// ratio is the harness's own overhead, and with realistic traffic (prediction envelopes, Zipf-distributed
/// account keys), which also costs the cluster more (skewed partitions, longer keys).
/// </summary>
/// <remarks>
/// LoadLab is an open-loop generator, so its "maximum sustained rate" is measured by saturating it: the
/// real engine (pacer, payload generation, header stamping, delivery callbacks, histograms, ledger and audit)
/// runs a stream whose target is twice the bare loop's rate of the same round, so the pacer never waits and
/// the rate is limited only by the generator and the client; the run is stopped after the window.
/// </remarks>
public static class ProduceBenchmark
{
    /// <summary>Producer settings every contender uses (kcat gets them as -X options).</summary>
    public static IReadOnlyDictionary<string, string> ProducerSettings { get; } = new Dictionary<string, string>
    {
        ["acks"] = "1",
        ["linger.ms"] = "5",
    };

    public const string Bare = "bare .NET loop";
    /// <summary>LoadLab with the bare loop's message shape: the contender the overhead goal is judged on.</summary>
    public const string LoadLab = "LoadLab";
    public const string LoadLabRealistic = "LoadLab realistic";
    public const string Kcat = "kcat -P";

    /// <summary>Distinct keys of the bare loop, which LoadLab's like-for-like turn uses too.</summary>
    public const int BareKeys = 64;

    /// <summary>Topics the benchmark needs; create them when starting the cluster.</summary>
    public static IReadOnlyList<TopicSpec> Topics { get; } = [new("bench-bare", 6, 1), new("bench-loadlab", 6, 1), new("bench-kcat", 6, 1)];

    public static async Task<IReadOnlyList<ProduceBenchmarkRow>> RunAsync(ICluster cluster, ProduceBenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        var rows = new List<ProduceBenchmarkRow>();
        foreach (var size in options.Sizes)
        {
            var bare = new List<double>();
            var loadLab = new List<double>();
            var realistic = new List<double>();
            var kcat = new List<double>();
            for (var round = 1; round <= options.Rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                var bareRate = await Task.Run(() => BareProduceLoop.Run(cluster, "bench-bare", size, options.Warmup, options.Duration, cancellationToken), CancellationToken.None).ConfigureAwait(false);
                bare.Add(bareRate);
                options.Progress?.Invoke($"{size} B round {round}: {Bare} {bareRate:N0} msg/s");
                var target = Math.Max(1_000, bareRate * 2);
                var loadLabRate = await SaturatedRunAsync(cluster, "alike", BareShape(size), target, options, round, cancellationToken).ConfigureAwait(false);
                loadLab.Add(loadLabRate);
                options.Progress?.Invoke($"{size} B round {round}: {LoadLab} {loadLabRate:N0} msg/s");
                var realisticRate = await SaturatedRunAsync(cluster, "realistic", RealisticShape(size), target, options, round, cancellationToken).ConfigureAwait(false);
                realistic.Add(realisticRate);
                options.Progress?.Invoke($"{size} B round {round}: {LoadLabRealistic} {realisticRate:N0} msg/s");
                if (options.KcatPath is { } path)
                {
                    var kcatRate = await KcatProducer.RunAsync(path, cluster, "bench-kcat", size, (long)Math.Max(10_000, bareRate * options.Duration.TotalSeconds), cancellationToken).ConfigureAwait(false);
                    kcat.Add(kcatRate);
                    options.Progress?.Invoke($"{size} B round {round}: {Kcat} {kcatRate:N0} msg/s");
                }
            }

            rows.Add(new ProduceBenchmarkRow(Bare, size, bare));
            rows.Add(new ProduceBenchmarkRow(LoadLab, size, loadLab));
            rows.Add(new ProduceBenchmarkRow(LoadLabRealistic, size, realistic));
            if (options.KcatPath is not null)
            {
                rows.Add(new ProduceBenchmarkRow(Kcat, size, kcat));
            }
        }

        return rows;
    }

    /// <summary>LoadLab's engine at a target it cannot reach; its acknowledged rate over the window.</summary>
    private static async Task<double> SaturatedRunAsync(ICluster cluster, string shapeName, (PayloadSpec Payload, KeySpec Keys) shape, double target, ProduceBenchmarkOptions options, int round, CancellationToken cancellationToken)
    {
        var total = options.Warmup + options.Duration;
        var scenario = new Scenario
        {
            Name = $"bench-{shape.Payload.Size}b-{shapeName}-{round}",
            Warmup = options.Warmup,
            Duration = options.Duration,
            DrainTimeout = TimeSpan.FromSeconds(5),
            Topics = [Topics[1]],
            Traffic =
            [
                new TrafficStream
                {
                    Name = "saturated",
                    Topic = Topics[1].Name,
                    Rate = target,
                    Payload = shape.Payload,
                    Keys = shape.Keys,
                    ProducerConfig = ProducerSettings,
                },
            ],
        };
        var acked = new long[(int)Math.Ceiling(total.TotalSeconds) + 1];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = new RunRequest
        {
            Scenario = scenario,
            RunId = scenario.Name,
            ResultsDirectory = Path.Combine(options.ResultsDirectory, scenario.Name),
            Observers =
            [
                RunObserver.OnInterval(p =>
                {
                    if (p.ElapsedSeconds < acked.Length)
                    {
                        acked[p.ElapsedSeconds] = p.AckedRate;
                    }

                    if (p.ElapsedSeconds + 1 >= total.TotalSeconds)
                    {
                        stop.Cancel();
                    }
                }),
            ],
        };
        await RunEngine.RunAsync(cluster, request, stop.Token).ConfigureAwait(false);
        var first = (int)options.Warmup.TotalSeconds;
        var last = (int)total.TotalSeconds;
        return acked[first..last].Average();
    }

    /// <summary>Opaque values of the size and the bare loop's 64 keys in turn.</summary>
    public static (PayloadSpec Payload, KeySpec Keys) BareShape(int size) =>
        (new PayloadSpec { Kind = PayloadKind.Fixed, Size = size }, new KeySpec { Distribution = KeyDistribution.Sequential, Space = BareKeys, Kind = KeyKind.Tenant });

    /// <summary>Prediction envelopes where they fit (opaque stamped bytes below the smallest), Zipf-distributed account keys.</summary>
    public static (PayloadSpec Payload, KeySpec Keys) RealisticShape(int size) =>
        (size >= SmallestPredictionBytes ? new PayloadSpec { Kind = PayloadKind.Prediction, Size = size } : new PayloadSpec { Kind = PayloadKind.Fixed, Size = size },
         new KeySpec { Distribution = KeyDistribution.Zipf, ZipfExponent = 1.1, Kind = KeyKind.Account });

    /// <summary>Prediction envelopes are padded to the asked size but never cut below this.</summary>
    public const int SmallestPredictionBytes = 512;

    internal static double RatePerSecond(long messages, long startTimestamp, long endTimestamp) =>
        messages / Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalSeconds;
}
