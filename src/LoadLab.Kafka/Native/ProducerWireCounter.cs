using System.Text.Json;

namespace LoadLab.Kafka.Native;

/// <summary>
/// What one producer put on the wire, summed from librdkafka's statistics reports (<c>statistics.interval.ms</c>;
/// fields as in librdkafka's STATISTICS.md).
/// </summary>
/// <param name="Reports">Statistics reports received.</param>
/// <param name="Messages">Top-level <c>txmsgs</c>: messages transmitted.</param>
/// <param name="MessageBytes">Top-level <c>txmsg_bytes</c>: message bytes transmitted, as librdkafka counts them.</param>
/// <param name="Batches">Record batches sent: the sum of every report's <c>topics.*.batchsize.cnt</c> window.</param>
/// <param name="BatchBytes">Bytes of those batches as sent (after compression): the sum of the <c>batchsize.sum</c> windows.</param>
/// <param name="RequestBytes">Every byte written to broker connections (produce, metadata, …): the sum of <c>brokers.*.txbytes</c>.</param>
/// <param name="ProduceRequests">Produce requests sent: the sum of <c>brokers.*.req.Produce</c>.</param>
public readonly record struct WireTotals(long Reports, long Messages, long MessageBytes, long Batches, long BatchBytes, long RequestBytes, long ProduceRequests)
{
    public WireTotals Add(WireTotals other) => new(
        Reports + other.Reports,
        Messages + other.Messages,
        MessageBytes + other.MessageBytes,
        Batches + other.Batches,
        BatchBytes + other.BatchBytes,
        RequestBytes + other.RequestBytes,
        ProduceRequests + other.ProduceRequests);
}

/// <summary>
/// Accumulates a producer's statistics reports on the thread pool (never on the produce path).
/// Counters are cumulative per broker handle, so each broker's last value is kept (a broker that leaves the
/// metadata keeps what it was sent); the batch-size windows are reset by every report, so they are summed.
/// </summary>
internal sealed class ProducerWireCounter
{
    private static readonly byte[] BrokersKey = "brokers"u8.ToArray();
    private static readonly byte[] TopicsKey = "topics"u8.ToArray();

    // A monitor rather than a Lock: a caller waits on it for the next report.
    private readonly object _gate = new();
    private readonly Dictionary<string, BrokerCounter> _bytes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BrokerCounter> _produceRequests = new(StringComparer.Ordinal);
    private long _reports;
    private long _messages;
    private long _messageBytes;
    private long _batches;
    private long _batchBytes;
    private string? _idempotenceState;
    private readonly HashSet<string> _readyTopics = new(StringComparer.Ordinal);

    /// <summary>The totals of every report so far.</summary>
    public WireTotals Totals
    {
        get
        {
            lock (_gate)
            {
                return new WireTotals(
                    _reports, _messages, _messageBytes, _batches, _batchBytes,
                    _bytes.Values.Sum(b => b.Total), _produceRequests.Values.Sum(b => b.Total));
            }
        }
    }

    /// <summary>
    /// Whether some report showed the client able to send to <paramref name="topic"/> at once: not idempotent or with
    /// its producer id (<c>eos.idemp_state</c> <c>Assigned</c>), and a leader known for every partition of the topic.
    /// Reports are parsed on the thread pool, in no guaranteed order, so this remembers any report that showed it.
    /// </summary>
    public bool WasReadyToSend(string topic)
    {
        lock (_gate)
        {
            return _readyTopics.Contains(topic);
        }
    }

    /// <summary>The <c>eos.idemp_state</c> of the report parsed last; null before the first report or when the client is not idempotent.</summary>
    public string? IdempotenceState
    {
        get
        {
            lock (_gate)
            {
                return _idempotenceState;
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> until more than <paramref name="seen"/> reports were counted; false when none more came.</summary>
    public bool WaitForNextReport(long seen, TimeSpan timeout)
    {
        lock (_gate)
        {
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            while (_reports <= seen)
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0 || !Monitor.Wait(_gate, (int)Math.Min(remaining, int.MaxValue)))
                {
                    return _reports > seen;
                }
            }

            return true;
        }
    }

    /// <summary>Adds one report handed over by the statistics callback; a report that is not the documented JSON is not counted.</summary>
    public void AddReport(byte[] json)
    {
        try
        {
            Add(json);
        }
        catch (JsonException)
        {
            // The totals then say how many reports there were.
        }
    }

    /// <summary>Adds one report (the JSON text librdkafka hands to the statistics callback).</summary>
    /// <exception cref="JsonException">The text is not the JSON object librdkafka documents.</exception>
    public void Add(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        long batches = 0, batchBytes = 0;
        List<string> led = [];
        if (root.TryGetProperty(TopicsKey, out var topics))
        {
            foreach (var topic in topics.EnumerateObject())
            {
                if (topic.Value.TryGetProperty("batchsize"u8, out var window))
                {
                    batches += Number(window, "cnt"u8);
                    batchBytes += Number(window, "sum"u8);
                }

                if (EveryPartitionLed(topic.Value))
                {
                    led.Add(topic.Name);
                }
            }
        }

        // Present only for an idempotent (or transactional) producer.
        var idempotence = root.TryGetProperty("eos"u8, out var eos) && eos.TryGetProperty("idemp_state"u8, out var state) ? state.GetString() : null;

        lock (_gate)
        {
            _reports++;
            _messages = Math.Max(_messages, Number(root, "txmsgs"u8));
            _messageBytes = Math.Max(_messageBytes, Number(root, "txmsg_bytes"u8));
            _batches += batches;
            _batchBytes += batchBytes;
            _idempotenceState = idempotence;
            if (idempotence is null or "Assigned")
            {
                _readyTopics.UnionWith(led);
            }
            if (root.TryGetProperty(BrokersKey, out var brokers))
            {
                foreach (var broker in brokers.EnumerateObject())
                {
                    var produce = broker.Value.TryGetProperty("req"u8, out var requests) ? Number(requests, "Produce"u8) : 0;
                    _bytes[broker.Name] = _bytes.GetValueOrDefault(broker.Name).Observe(Number(broker.Value, "txbytes"u8));
                    _produceRequests[broker.Name] = _produceRequests.GetValueOrDefault(broker.Name).Observe(produce);
                }
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Whether the report lists the topic's partitions, each with a leader (<c>partitions.*.leader</c>; the internal
    /// unassigned partition -1 excepted).
    /// </summary>
    private static bool EveryPartitionLed(JsonElement topic)
    {
        if (!topic.TryGetProperty("partitions"u8, out var partitions) || partitions.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var listed = 0;
        foreach (var partition in partitions.EnumerateObject())
        {
            if (partition.Name == "-1")
            {
                continue;
            }

            listed++;
            if (!partition.Value.TryGetProperty("leader"u8, out var leader) || !leader.TryGetInt32(out var id) || id < 0)
            {
                return false;
            }
        }

        return listed > 0;
    }

    /// <summary>A counter of the report; 0 when librdkafka did not include it.</summary>
    private static long Number(JsonElement element, ReadOnlySpan<byte> name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;
}

/// <summary>One broker's cumulative counter across handle restarts: what earlier handles counted plus the current one.</summary>
internal readonly record struct BrokerCounter(long Retired, long Current)
{
    public long Total => Retired + Current;

    /// <summary>The counter after a report showing <paramref name="value"/>; a drop means a new handle started from zero.</summary>
    public BrokerCounter Observe(long value) => value < Current ? new BrokerCounter(Retired + Current, value) : this with { Current = value };
}
