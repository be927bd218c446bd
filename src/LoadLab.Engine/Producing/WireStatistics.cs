using System.Globalization;
using LoadLab.Core.Results;
using LoadLab.Kafka.Native;

namespace LoadLab.Engine.Producing;

/// <summary>The run's bytes on the wire: every producer's librdkafka statistics, summed after the final flush.</summary>
internal static class WireStatistics
{
    /// <summary>LoadLab's <c>statistics.interval.ms</c> when a stream does not set its own.</summary>
    public const int DefaultIntervalMs = 1000;

    /// <summary>
    /// Waits (in parallel, at most one interval plus a second) for every producer's report after its flush, then
    /// sums them; null when no producer has statistics on.
    /// </summary>
    public static WireSummary? Collect(IReadOnlyList<OpenLoopProducer> producers)
    {
        var reporting = producers.Where(p => p.StatisticsIntervalMs > 0).ToArray();
        if (reporting.Length == 0)
        {
            return null;
        }

        var complete = reporting
            .AsParallel()
            .Select(p => p.AwaitNextStatistics(TimeSpan.FromMilliseconds(p.StatisticsIntervalMs) + TimeSpan.FromSeconds(1)))
            .ToArray()
            .All(received => received);
        var totals = reporting.Aggregate(default(WireTotals), (sum, p) => sum.Add(p.Wire ?? default));
        var intervals = string.Join(", ", reporting.Select(p => p.StatisticsIntervalMs).Distinct().Order().Select(ms => ms.ToString(CultureInfo.InvariantCulture)));
        return new WireSummary
        {
            Source = $"librdkafka statistics every {intervals} ms",
            Complete = complete && reporting.Length == producers.Count,
            Reports = totals.Reports,
            Compression = string.Join(",", producers.Select(p => p.Compression).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            ValueBytes = producers.Sum(p => p.Stats.SentBytes),
            Messages = totals.Messages,
            MessageBytes = totals.MessageBytes,
            Batches = totals.Batches,
            BatchBytes = totals.BatchBytes,
            RequestBytes = totals.RequestBytes,
            ProduceRequests = totals.ProduceRequests,
        };
    }
}
