using System.Text.Json;

namespace LoadLab.Core.Traffic;

/// <summary>
/// Rebuilds agent chains from consumed event values, for tests and reports: events are grouped by
/// <c>correlation_id</c> and linked by <c>causation_id</c> (the first step is caused by the user action,
/// whose id is the correlation id; every later step by the step before).
/// </summary>
public static class AgentChains
{
    /// <summary>
    /// The chains among <paramref name="values"/> (in the order consumed, e.g. one partition's values in
    /// offset order), in order of their first consumed event. Predictions, opaque values and values that are
    /// not JSON are skipped.
    /// </summary>
    public static IReadOnlyList<AgentChain> Reconstruct(IEnumerable<ReadOnlyMemory<byte>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var chains = new Dictionary<string, List<ChainEvent>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var value in values)
        {
            if (TryReadChainEvent(value, out var correlationId, out var chainEvent))
            {
                if (!chains.TryGetValue(correlationId, out var events))
                {
                    events = [];
                    chains.Add(correlationId, events);
                    order.Add(correlationId);
                }

                events.Add(chainEvent);
            }
        }

        return order.Select(correlationId => new AgentChain(correlationId, chains[correlationId])).ToArray();
    }

    private static bool TryReadChainEvent(ReadOnlyMemory<byte> value, out string correlationId, out ChainEvent chainEvent)
    {
        correlationId = "";
        chainEvent = default!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("chain", out var chain)
                || !root.TryGetProperty("event_type", out var typeName)
                || InferenceEventTypes.FromWireName(typeName.GetString() ?? "") is not { } type)
            {
                return false;
            }

            correlationId = root.GetProperty("correlation_id").GetString()!;
            chainEvent = new ChainEvent(
                root.GetProperty("event_id").GetString()!,
                root.GetProperty("causation_id").GetString()!,
                type,
                chain.GetProperty("step").GetInt32(),
                root.GetProperty("timestamp_ms").GetInt64());
            return true;
        }
    }
}

/// <summary>One agent chain rebuilt from consumed events.</summary>
public sealed class AgentChain
{
    internal AgentChain(string correlationId, IReadOnlyList<ChainEvent> consumed)
    {
        CorrelationId = correlationId;
        Consumed = consumed;
        var causal = new List<ChainEvent>();
        var cause = correlationId;
        while (causal.Count < consumed.Count && consumed.FirstOrDefault(e => e.CausationId == cause) is { } next)
        {
            causal.Add(next);
            cause = next.EventId;
        }

        CausalOrder = causal;
    }

    /// <summary>The id of the user action the chain answers.</summary>
    public string CorrelationId { get; }

    /// <summary>The chain's events in the order they were consumed.</summary>
    public IReadOnlyList<ChainEvent> Consumed { get; }

    /// <summary>The events reachable from the user action by following causation links, in causal order.</summary>
    public IReadOnlyList<ChainEvent> CausalOrder { get; }

    /// <summary>Every step is present once, linked, in the order retrieval → tool call → policy → model output.</summary>
    public bool IsComplete =>
        Consumed.Count == InferenceEventTypes.ChainSteps.Count
        && CausalOrder.Select(e => e.Type).SequenceEqual(InferenceEventTypes.ChainSteps);

    /// <summary>The events were consumed in causal order (what a single partition per chain guarantees).</summary>
    public bool IsConsumedInCausalOrder => CausalOrder.Count == Consumed.Count && CausalOrder.SequenceEqual(Consumed);
}

/// <summary>One event of an agent chain, as read back from its JSON.</summary>
public sealed record ChainEvent(string EventId, string CausationId, InferenceEventType Type, int Step, long TimestampMs);
