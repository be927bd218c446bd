namespace LoadLab.Core.Tests.Omb;

/// <summary>Real OMB files copied into the tests (sources in Fixtures/README.md).</summary>
internal static class OmbFixtures
{
    public static string Workload(string name) => Path.Combine(AppContext.BaseDirectory, "Omb", "Fixtures", "workloads", name + ".yaml");

    public static string PublishedResult { get; } = Path.Combine(AppContext.BaseDirectory, "Omb", "Fixtures", "results", "redpanda-blog-kafka-sync-200k.json");

    /// <summary>Every OMB workload copied into the tests.</summary>
    public static TheoryData<string> Workloads() =>
    [
        "1-topic-1-partition-1kb",
        "1-topic-100-partitions-1kb-4p-4c-200k",
        "1-topic-100-partitions-1kb-4p-4c-200k-backlog",
        "100-topics-1-partitions-1kb",
        "max-rate-1-topic-16-partitions-1kb",
    ];
}
