namespace LoadLab.Core.Results;

/// <summary>
/// What the producers put on the wire over the whole run (warm-up and drain included), summed from librdkafka's
/// statistics reports (<c>statistics.interval.ms</c>; fields as in librdkafka's STATISTICS.md) next to LoadLab's
/// own count of the value bytes it handed to the client, so keys, headers, batching, compression and protocol
/// framing can be told apart: <see cref="BatchBytes"/> / <see cref="ValueBytes"/> is what the broker stores per
/// value byte, <see cref="RequestBytes"/> / <see cref="ValueBytes"/> what its network receives.
/// </summary>
public sealed record WireSummary
{
    /// <summary>Where the numbers come from, e.g. <c>librdkafka statistics every 1000 ms</c>.</summary>
    public required string Source { get; init; }

    /// <summary>True when every producer sent a report after its final flush, so the totals cover every message.</summary>
    public required bool Complete { get; init; }

    /// <summary>Statistics reports received (all producers).</summary>
    public required long Reports { get; init; }

    /// <summary>Producers' <c>compression.type</c> as configured (<c>none</c> unless a stream sets it; several joined by <c>,</c>).</summary>
    public required string Compression { get; init; }

    /// <summary>Value bytes LoadLab handed to the clients (its own count).</summary>
    public required long ValueBytes { get; init; }

    /// <summary>librdkafka <c>txmsgs</c>: messages transmitted.</summary>
    public required long Messages { get; init; }

    /// <summary>librdkafka <c>txmsg_bytes</c>: message bytes transmitted, as librdkafka counts them.</summary>
    public required long MessageBytes { get; init; }

    /// <summary>Record batches sent (sum of the <c>topics.*.batchsize</c> windows).</summary>
    public required long Batches { get; init; }

    /// <summary>Bytes of those record batches as sent: keys, values, headers and record framing, after compression.</summary>
    public required long BatchBytes { get; init; }

    /// <summary>Every byte written to broker connections (<c>brokers.*.txbytes</c>): produce requests plus metadata and other requests.</summary>
    public required long RequestBytes { get; init; }

    /// <summary>Produce requests sent (<c>brokers.*.req.Produce</c>).</summary>
    public required long ProduceRequests { get; init; }
}
