using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Results;
using LoadLab.Engine.Segments;

namespace LoadLab.Engine.Running;

/// <summary>What every producer and consumer of a run shares: the clock, the recorders and the ledgers.</summary>
internal sealed class RunContext
{
    public required RunClock Clock { get; init; }
    public required LatencyRecorders Latency { get; init; }
    public required PartitionMap Partitions { get; init; }
    public required PartitionLedger Ledger { get; init; }
    public required ResultsWriter Results { get; init; }
    /// <summary>The run's delivery audit; null in a segment of a split run, whose audit <c>loadlab merge</c> takes over every segment.</summary>
    public DeliveryAudit? Audit { get; init; }
    /// <summary>What a segment of a split run records for the merge; null for a run in one process.</summary>
    public SegmentRecorder? Segment { get; init; }
    /// <summary>Set when the load starts (it counts gaps from the run start), before any message is sent.</summary>
    public AckGapTracker? AckGaps { get; set; }
    /// <summary>Random per run, carried in every message so messages of other runs in the same topic are ignored.</summary>
    public required long RunNonce { get; init; }
    /// <summary>Start of the measured window (end of warm-up), microseconds since the run start.</summary>
    public required long MeasuredFromMicros { get; init; }
    /// <summary>End of the load, microseconds since the run start.</summary>
    public required long EndMicros { get; init; }
    public required string BootstrapServers { get; init; }
    public required IReadOnlyDictionary<string, string> ClientDefaults { get; init; }

    public double SecondsNow => Clock.NowMicros() / 1_000_000.0;

    /// <summary>Set when the load starts: from then on, events carry seconds since the run start.</summary>
    public bool Started { get; set; }

    /// <summary>
    /// Appends a run event. Events of the preparation (consumer groups joining, before the run clock starts) have
    /// <c>t</c> = 0 — they happened before the run's time axis begins — and carry <c>preparationSeconds</c>, the
    /// time since the preparation began, so events.jsonl stays in time order.
    /// </summary>
    public void Event(string type, IEnumerable<KeyValuePair<string, object?>> fields)
    {
        if (Started)
        {
            Results.Event(SecondsNow, type, fields);
        }
        else
        {
            Results.Event(0, type, [.. fields, new("preparationSeconds", Math.Round(SecondsNow, 3))]);
        }
    }
}
