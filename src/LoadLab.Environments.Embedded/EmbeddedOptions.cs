namespace LoadLab.Environments.Embedded;

/// <summary>
/// Options of the embedded environment (librdkafka's mock cluster in this process). Defaults follow Apache
/// Kafka's where the mock has an equivalent, and are chosen so that faults show within a short run where Kafka's
/// own defaults would not. Validated once, when the provider is created.
/// </summary>
public sealed record EmbeddedOptions
{
    /// <summary>Number of brokers, ids 1..N. Default 3 (the smallest cluster that tolerates a broker loss with RF 3).</summary>
    public int Brokers { get; init; } = 3;

    /// <summary>
    /// Racks (availability zones) the brokers are spread over, round-robin: broker <c>i</c> is in
    /// <c>rack-((i-1) mod RackCount + 1)</c>. Default 3, so 3 brokers sit in rack-1..rack-3.
    /// </summary>
    public int RackCount { get; init; } = 3;

    /// <summary>
    /// How long after a broker dies (or hangs) the environment, playing the controller the mock lacks, moves the
    /// broker's partition leaderships, group coordinators and the controller role to live brokers.
    /// Default 9 s: KRaft's <c>broker.session.timeout.ms</c> default (9000 ms), after which the active controller
    /// fences a broker that stopped heartbeating.
    /// </summary>
    public TimeSpan DetectionDelay { get; init; } = TimeSpan.FromSeconds(9);

    /// <summary>
    /// How long after a broker comes back it takes its preferred leaderships (first replica) and its group
    /// coordinators back. Kafka's automatic preferred-leader election checks every 300 s
    /// (<c>leader.imbalance.check.interval.seconds</c>), which would never show inside a benchmark run; the
    /// default here is 10 s. Leaderless partitions get the returning broker as leader at once, as in Kafka.
    /// </summary>
    public TimeSpan PreferredLeaderRestoreDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Kafka's <c>group.initial.rebalance.delay.ms</c>: how long the first member of an empty consumer group
    /// waits for others before the first assignment. Default 3 s, Kafka's (and the mock's) default.
    /// </summary>
    public TimeSpan GroupInitialRebalanceDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an operation waits for its effect to show in cluster metadata before reporting failure. Default 15 s.</summary>
    public TimeSpan ObservationTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>librdkafka settings added to (or replacing) <see cref="EmbeddedClusterProvider.MockClientDefaults"/> for every client.</summary>
    public IReadOnlyDictionary<string, string> ClientSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The clock of detection and restore delays; a fake clock makes them testable.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Every problem of these options, each with its fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Brokers is < 1 or > 64)
        {
            problems.Add($"brokers is {Brokers}: use 1 to 64 brokers.");
        }

        if (RackCount < 1)
        {
            problems.Add($"rackCount is {RackCount}: use at least 1 rack.");
        }

        CheckDelay(problems, "detectionDelay", DetectionDelay);
        CheckDelay(problems, "preferredLeaderRestoreDelay", PreferredLeaderRestoreDelay);
        CheckDelay(problems, "groupInitialRebalanceDelay", GroupInitialRebalanceDelay);
        if (ObservationTimeout <= TimeSpan.Zero)
        {
            problems.Add($"observationTimeout is {ObservationTimeout}: use a positive duration such as 15s.");
        }

        foreach (var (key, value) in ClientSettings)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                problems.Add($"client setting '{key}' has no name or no value: give each librdkafka setting a name and a value.");
            }
        }

        return problems;
    }

    private static void CheckDelay(List<string> problems, string name, TimeSpan delay)
    {
        if (delay < TimeSpan.Zero || delay > TimeSpan.FromHours(1))
        {
            problems.Add($"{name} is {delay}: use a duration from 0 to 1 hour.");
        }
    }
}
