using System.Diagnostics;
using LoadLab.Core.Environments;
using LoadLab.Core.Regression;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;

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
    /// <summary>
    /// Rate of LoadLab's paced turn (CPU per message below saturation); default 60,000 msg/s, lowered to half of
    /// LoadLab's maximum of the same round where that is less, so the turn is really paced.
    /// </summary>
    public double PacedRate { get; init; } = 60_000;
    /// <summary>Path of the kcat executable, or null to leave kcat out.</summary>
    public string? KcatPath { get; init; }
    /// <summary>Folder that receives LoadLab's run folders of the benchmark.</summary>
    public required string ResultsDirectory { get; init; }
    /// <summary>Called with a line of progress after every turn.</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>
/// One contender's turn: acknowledged messages per second over the measured window, and the CPU time the operating
/// system charged the contender per acknowledged message over it (null where it cannot be measured).
/// </summary>
public sealed record ContenderTurn(double Rate, double? CpuMicrosPerMessage);

/// <summary>One contender's turns at one message size (one per round).</summary>
public sealed record ProduceBenchmarkRow(string Contender, int Size, IReadOnlyList<ContenderTurn> Turns)
{
    /// <summary>The median rate over the rounds (0 without rounds).</summary>
    public double Rate => Turns.Count == 0 ? 0 : Statistics.Median([.. Turns.Select(t => t.Rate)]);

    /// <summary>The median CPU per message over the rounds that measured it, or null when none did.</summary>
    public double? CpuMicrosPerMessage =>
        Turns.Where(t => t.CpuMicrosPerMessage is not null).Select(t => t.CpuMicrosPerMessage!.Value).ToList() is { Count: > 0 } measured
            ? Statistics.Median(measured)
            : null;
}

/// <summary>
/// Measures, on one cluster and in interleaved turns, how fast and at what CPU cost per message LoadLab's own
/// produce path goes compared with a bare Confluent.Kafka loop over pre-made arrays (the .NET client's ceiling) and
/// kcat (the C client). Every contender produces to its own topic with the cluster's client defaults plus the same
/// producer settings, and is rated by acknowledged messages per second over the same measured window.
/// <list type="bullet">
/// <item><see cref="LoadLab"/>: the real engine with the bare loop's message shape (opaque values, 64 keys in turn)
/// with LoadLab's run stamp in each value's first 29 bytes; the contender the overhead goal is judged on.</item>
/// <item><see cref="LoadLabRealistic"/>: realistic traffic (prediction envelopes, Zipf-distributed account keys),
/// which also costs the cluster more (skewed partitions, longer keys): shown, not judged.</item>
/// <item><see cref="LoadLabPaced"/>: the first shape at a fixed rate below saturation: CPU per message when the pacer
/// waits, which must stay close to the saturated figure (a pacer that spins would not).</item>
/// <item><see cref="Kcat"/> (values only, the C client's best case) and <see cref="KcatShaped"/> (LoadLab's shape: the same keys and value sizes).</item>
/// </list>
/// CPU per message is process CPU time from the operating system over the window divided by the messages
/// acknowledged in it: the whole process for the .NET contenders (every thread: sampler, results, GC; less the
/// embedded cluster's thread when it shares the process), the child process for kcat.
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
    public const string LoadLabPaced = "LoadLab paced";
    public const string Kcat = "kcat -P";
    public const string KcatShaped = "kcat -P keys";

    /// <summary>Distinct keys of the bare loop, which LoadLab's like-for-like turn and kcat's shaped turn use too.</summary>
    public const int BareKeys = 64;

    /// <summary>Topics the benchmark needs: the session prepares them.</summary>
    public static IReadOnlyList<TopicSpec> Topics { get; } = [new("bench-bare", 6, 1), new("bench-loadlab", 6, 1), new("bench-kcat", 6, 1)];

    /// <summary>Runs every contender on <paramref name="session"/>, which must have prepared <see cref="Topics"/>.</summary>
    public static async Task<IReadOnlyList<ProduceBenchmarkRow>> RunAsync(RunSession session, ProduceBenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        var rows = new List<ProduceBenchmarkRow>();
        var cluster = session.Cluster;
        // A cluster may name the topics differently (an external cluster's per-run prefix): clients beside the session use its names.
        string Real(TopicSpec topic) => session.TopicName(topic.Name);
        foreach (var size in options.Sizes)
        {
            var turns = new Dictionary<string, List<ContenderTurn>>();
            void Add(string contender, ContenderTurn turn, int round, string? note = null)
            {
                (turns.TryGetValue(contender, out var list) ? list : turns[contender] = []).Add(turn);
                var cpu = turn.CpuMicrosPerMessage is { } micros ? $", {micros:0.00} µs CPU/msg" : "";
                options.Progress?.Invoke($"{size} B round {round}: {contender} {turn.Rate:N0} msg/s{cpu}{note}");
            }

            for (var round = 1; round <= options.Rounds && !cancellationToken.IsCancellationRequested; round++)
            {
                var bare = await Task.Run(() => BareProduceLoop.Run(cluster, Real(Topics[0]), size, options.Warmup, options.Duration, cancellationToken), CancellationToken.None).ConfigureAwait(false);
                Add(Bare, bare, round);
                var target = Math.Max(1_000, bare.Rate * 2);
                var loadLab = await TimedRunAsync(session, "alike", BareShape(size), target, options, round, cancellationToken).ConfigureAwait(false);
                Add(LoadLab, loadLab, round);
                Add(LoadLabRealistic, await TimedRunAsync(session, "realistic", RealisticShape(size), target, options, round, cancellationToken).ConfigureAwait(false), round);
                var paced = Math.Min(options.PacedRate, Math.Max(1, loadLab.Rate / 2));
                Add(LoadLabPaced, await TimedRunAsync(session, "paced", BareShape(size), paced, options, round, cancellationToken).ConfigureAwait(false), round, $" (target {paced:N0} msg/s)");
                if (options.KcatPath is { } path)
                {
                    var messages = (long)Math.Max(10_000, bare.Rate * options.Duration.TotalSeconds);
                    Add(Kcat, await KcatProducer.RunAsync(path, cluster, Real(Topics[2]), size, messages, withKeys: false, cancellationToken).ConfigureAwait(false), round);
                    Add(KcatShaped, await KcatProducer.RunAsync(path, cluster, Real(Topics[2]), size, messages, withKeys: true, cancellationToken).ConfigureAwait(false), round);
                }
            }

            rows.AddRange(turns.Select(t => new ProduceBenchmarkRow(t.Key, size, t.Value)));
        }

        return rows;
    }

    /// <summary>
    /// LoadLab's engine at <paramref name="target"/> (one it cannot reach, or a paced rate): acknowledged messages per
    /// second and the process's CPU per acknowledged message, both over the measured window.
    /// </summary>
    private static async Task<ContenderTurn> TimedRunAsync(RunSession session, string shapeName, (PayloadSpec Payload, KeySpec Keys) shape, double target, ProduceBenchmarkOptions options, int round, CancellationToken cancellationToken)
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
                    Name = shapeName,
                    Topic = Topics[1].Name,
                    Rate = target,
                    Payload = shape.Payload,
                    Keys = shape.Keys,
                    ProducerConfig = ProducerSettings,
                },
            ],
        };
        var warmupSeconds = (int)Math.Ceiling(options.Warmup.TotalSeconds);
        var totalSeconds = (int)Math.Ceiling(total.TotalSeconds);
        long acked = 0;
        long windowStart = 0;
        long windowEnd = 0;
        var cpuAtStart = TimeSpan.Zero;
        var cpuAtEnd = TimeSpan.Zero;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var request = new RunRequest
        {
            Scenario = scenario,
            RunId = scenario.Name,
            ResultsDirectory = Path.Combine(options.ResultsDirectory, scenario.Name),
            // Called once a second, after the second closed: ElapsedSeconds of load are behind, AckedRate of the last one.
            Observers =
            [
                RunObserver.OnInterval(p =>
                {
                    if (p.ElapsedSeconds == warmupSeconds)
                    {
                        cpuAtStart = ProcessCpu.Self();
                        windowStart = Stopwatch.GetTimestamp();
                    }
                    else if (p.ElapsedSeconds > warmupSeconds && p.ElapsedSeconds <= totalSeconds)
                    {
                        acked += p.AckedRate;
                        if (p.ElapsedSeconds == totalSeconds)
                        {
                            cpuAtEnd = ProcessCpu.Self();
                            windowEnd = Stopwatch.GetTimestamp();
                            stop.Cancel();
                        }
                    }
                }),
            ],
        };
        await session.RunAsync(request, stop.Token).ConfigureAwait(false);
        return windowEnd == 0 || acked == 0
            ? new ContenderTurn(0, null)
            : new ContenderTurn(RatePerSecond(acked, windowStart, windowEnd), (cpuAtEnd - cpuAtStart).TotalMicroseconds / acked);
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
