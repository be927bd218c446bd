using System.Diagnostics;

namespace LoadLab.Integration.Tests.Kafka;

/// <summary>
/// Acknowledgement latency per partition, to see a slowed broker in its partitions only. Shared (linked) by the embedded
/// proxy tests and the Docker fault tests.
/// </summary>
internal static class PartitionLatencies
{
    /// <summary>The median of 15 acknowledgement latencies per partition, partitions in turn.</summary>
    public static async Task<Dictionary<int, TimeSpan>> MedianAsync(int partitions, Func<int, Task> produceOne)
    {
        var samples = Enumerable.Range(0, partitions).ToDictionary(p => p, _ => new List<TimeSpan>());
        for (var round = 0; round < 15; round++)
        {
            foreach (var partition in samples.Keys)
            {
                var watch = Stopwatch.StartNew();
                await produceOne(partition);
                samples[partition].Add(watch.Elapsed);
            }
        }

        return samples.ToDictionary(s => s.Key, s => s.Value.Order().ElementAt(s.Value.Count / 2));
    }

    /// <summary>
    /// The slowed broker's partitions got slower by the added latency (up to twice it, for a loaded machine), every other
    /// partition stayed under half of it, and after the restore all are under half of it again.
    /// </summary>
    public static void AssertOnlySlowedBrokerWasSlower(IReadOnlyDictionary<int, int> leaders, int slowed, TimeSpan latency,
        IReadOnlyDictionary<int, TimeSpan> before, IReadOnlyDictionary<int, TimeSpan> during, IReadOnlyDictionary<int, TimeSpan> after)
    {
        Assert.Contains(leaders.Values, leader => leader == slowed);
        Assert.Contains(leaders.Values, leader => leader != slowed);
        foreach (var (partition, leader) in leaders)
        {
            if (leader == slowed)
            {
                Assert.InRange(during[partition] - before[partition], latency * 0.9, latency * 2);
            }
            else
            {
                Assert.True(during[partition] < latency / 2, $"partition {partition} of broker {leader} took {during[partition].TotalMilliseconds:0} ms while broker {slowed} was slowed");
            }

            Assert.True(after[partition] < latency / 2, $"partition {partition} still took {after[partition].TotalMilliseconds:0} ms after the latency was removed");
        }
    }

    public static string Describe(IReadOnlyDictionary<int, int> leaders, IReadOnlyDictionary<int, TimeSpan> before, IReadOnlyDictionary<int, TimeSpan> during, IReadOnlyDictionary<int, TimeSpan> after) =>
        string.Join("\n", leaders.Select(l => $"partition {l.Key} (leader {l.Value}): {before[l.Key].TotalMilliseconds:0.0} → {during[l.Key].TotalMilliseconds:0.0} → {after[l.Key].TotalMilliseconds:0.0} ms"));
}
