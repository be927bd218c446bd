using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bogus;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// A pre-rendered envelope: JSON from <c>{</c> up to and including the opening quote of the <c>pad</c> value,
/// plus where the per-message fields sit so they can be patched in place.
/// </summary>
/// <param name="Body">The rendered envelope without padding and without the closing <c>"}</c>.</param>
/// <param name="EventIdOffset">First character of the <c>event_id</c> value.</param>
/// <param name="RequestIdOffset">First character of the <c>request_id</c> value.</param>
/// <param name="CorrelationIdOffset">First character of the <c>correlation_id</c> value.</param>
/// <param name="CausationIdOffset">First character of the <c>causation_id</c> value.</param>
/// <param name="TimestampOffset">First digit of the 13-digit <c>timestamp_ms</c> value.</param>
/// <param name="IdentityOffset">First character of the <c>tenant_id</c> value (see <see cref="KeySpace.IdentityLength"/>).</param>
internal sealed record EnvelopeTemplate(
    byte[] Body,
    int EventIdOffset,
    int RequestIdOffset,
    int CorrelationIdOffset,
    int CausationIdOffset,
    int TimestampOffset,
    int IdentityOffset)
{
    /// <summary>Shortest message this template can fill: the body plus the closing <c>"}</c> of an empty pad.</summary>
    public int MinimumLength => Body.Length + 2;
}

/// <summary>
/// Renders envelope templates with Bogus. Only used while a <see cref="MessageSource"/> is constructed:
/// Bogus is far too slow for the per-message path. Every value comes from the seeded Faker, never from the
/// clock, so the same seed renders the same bytes.
/// </summary>
internal sealed class EnvelopeTemplateFactory
{
    public const string Schema = "loadlab.inference.v1";
    public const int TimestampDigits = 13;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly ModelProfile[] PredictionModels =
    [
        new("fraud-scorer", "txn_risk_features", ["legit", "review", "fraud"], IsRanker: false,
            ["amount_zscore", "merchant_risk", "velocity_1h", "velocity_24h", "device_age_days", "geo_distance_km", "card_present", "chargeback_rate_90d", "ip_reputation", "account_age_days", "failed_logins_24h", "mcc_risk"]),
        new("product-recommender", "shopper_affinity_features", ["ranked"], IsRanker: true,
            ["recency_days", "category_affinity", "price_sensitivity", "basket_size_avg", "session_depth", "brand_loyalty", "discount_affinity", "views_7d"]),
        new("content-moderator", "content_signal_features", ["allow", "flag", "remove"], IsRanker: false,
            ["toxicity", "spam_likelihood", "author_reputation", "report_count_24h", "link_density", "caps_ratio", "language_confidence"]),
        new("support-router", "ticket_context_features", ["billing", "technical", "sales", "escalation"], IsRanker: false,
            ["sentiment", "plan_tier", "open_tickets", "csat_90d", "product_area", "wait_minutes", "churn_risk"]),
    ];

    private static readonly ModelProfile AgentModel = new("support-agent-llm", "conversation_features", ["answer"], IsRanker: false,
        ["turn_count", "intent_confidence", "plan_tier", "open_orders", "sentiment", "escalations_30d"]);

    private static readonly string[] Guardrails = ["pii-filter", "spend-limit", "toxicity-gate", "jailbreak-detector", "fair-lending-rules"];
    private static readonly string[] PolicyReasons = ["pii_redacted", "score_above_threshold", "manual_review_quota", "tenant_override", "model_low_confidence", "velocity_rule"];
    private static readonly string[] UserActions = ["ask_order_status", "request_refund", "change_plan", "report_fraud", "update_address", "dispute_charge"];
    private static readonly string[] Tools = ["lookup_order", "issue_refund", "get_invoice", "search_catalog", "create_ticket", "check_eligibility"];
    private static readonly string[] RetrievalIndexes = ["kb-support-articles", "kb-policies", "orders-index", "product-docs"];
    private static readonly string[] ExplanationMethods = ["shap", "integrated_gradients", "lime"];

    private readonly Faker _faker;
    private readonly FeatureMode _features;
    private readonly KeySpace _keys;
    private readonly uint _sourceHash;
    private readonly int _producerIndex;

    public EnvelopeTemplateFactory(int seed, FeatureMode features, KeySpace keys, uint sourceHash, int producerIndex)
    {
        _faker = new Faker("en") { Random = new Randomizer(seed) };
        _features = features;
        _keys = keys;
        _sourceHash = sourceHash;
        _producerIndex = producerIndex;
    }

    /// <summary>A standalone prediction event of a randomly chosen serving model.</summary>
    public EnvelopeTemplate Prediction(IReadOnlyCollection<PayloadBlock> blocks) =>
        Render(InferenceEventType.Prediction, NewStory(_faker.PickRandom(PredictionModels), action: null), blocks);

    /// <summary>The four events of one agent chain, in causal order, telling one story (same action and agent).</summary>
    public EnvelopeTemplate[] AgentChain(IReadOnlyCollection<PayloadBlock> blocks)
    {
        var story = NewStory(AgentModel, _faker.PickRandom(UserActions));
        return InferenceEventTypes.ChainSteps.Select(step => Render(step, story, blocks)).ToArray();
    }

    /// <summary>What the events of one story share: the model deployment, the ids finer than the key, the user action.</summary>
    private Story NewStory(ModelProfile model, string? action)
    {
        var finerIds = new long[KeySpace.Levels.Length];
        for (var level = _keys.KeyLevel + 1; level < finerIds.Length; level++)
        {
            finerIds[level] = _faker.Random.Long(0, _keys.Counts[level] - 1L);
        }

        return new Story(model, _faker.System.Semver(), _faker.Random.Int(0, _keys.Size - 1), finerIds, action);
    }

    private EnvelopeTemplate Render(InferenceEventType type, Story story, IReadOnlyCollection<PayloadBlock> blocks)
    {
        var model = story.Model;
        var f = _faker;
        var buffer = new ArrayBufferWriter<byte>(2048);
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        int ValueStart(int valueLength)
        {
            json.Flush();
            return buffer.WrittenCount - 1 - valueLength;
        }

        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteString("event_type", InferenceEventTypes.WireName(type));
        json.WriteString("event_id", EventIds.Format(_sourceHash, _producerIndex, EventIds.EventKind, 0));
        var eventId = ValueStart(EventIds.Length);
        json.WriteString("request_id", EventIds.Format(_sourceHash, _producerIndex, EventIds.RequestKind, 0));
        var requestId = ValueStart(EventIds.Length);
        json.WriteString("correlation_id", EventIds.Format(_sourceHash, _producerIndex, EventIds.ActionKind, 0));
        var correlationId = ValueStart(EventIds.Length);
        // A standalone prediction and the first chain step are caused by the user action; later steps by the step before.
        var causedByAction = type is InferenceEventType.Prediction or InferenceEventType.Retrieval;
        json.WriteString("causation_id", EventIds.Format(_sourceHash, _producerIndex, causedByAction ? EventIds.ActionKind : EventIds.EventKind, 0));
        var causationId = ValueStart(EventIds.Length);
        json.WriteNumber("timestamp_ms", 1_000_000_000_000L);
        json.Flush();
        var timestamp = buffer.WrittenCount - TimestampDigits;

        var identity = WriteIdentity(json, story, ValueStart);

        json.WriteStartObject("model");
        json.WriteString("name", model.Name);
        json.WriteString("version", story.Version);
        json.WriteEndObject();

        WriteFeatures(json, model);
        WritePrediction(json, type, model);
        var confidence = Math.Round(f.Random.Double(0.5, 0.999), 4);
        json.WriteNumber("confidence", confidence);
        WritePolicy(json, type);
        WriteTiming(json, type);

        if (story.Action is not null)
        {
            json.WriteStartObject("chain");
            json.WriteString("action", story.Action);
            json.WriteNumber("step", ChainStepNumber(type));
            json.WriteNumber("length", InferenceEventTypes.ChainSteps.Count);
            json.WriteEndObject();
        }

        if (blocks.Contains(PayloadBlock.Explanation))
        {
            WriteExplanation(json, model);
        }

        if (blocks.Contains(PayloadBlock.Prompt) || type == InferenceEventType.ModelOutput)
        {
            WritePrompt(json);
        }

        if (blocks.Contains(PayloadBlock.Retrieval) || type == InferenceEventType.Retrieval)
        {
            WriteRetrieval(json);
        }

        if (blocks.Contains(PayloadBlock.ToolCall) || type == InferenceEventType.ToolCall)
        {
            WriteToolCall(json);
        }

        json.WriteString("pad", "");
        json.WriteEndObject();
        json.Flush();

        // Drop the empty pad's closing quote and the closing brace: the message writes them after the padding.
        var body = buffer.WrittenSpan[..^2].ToArray();
        return new EnvelopeTemplate(body, eventId, requestId, correlationId, causationId, timestamp, identity);
    }

    private int WriteIdentity(Utf8JsonWriter json, Story story, Func<int, int> valueStart)
    {
        var identityOffset = 0;
        for (var level = 0; level < KeySpace.Levels.Length; level++)
        {
            // Ids up to the key's level are placeholders the message overwrites with its key's identity.
            var index = level <= _keys.KeyLevel ? _keys.AncestorIndex(story.PlaceholderKey, level) : story.FinerIds[level];
            var id = _keys.FormatId(level, index);
            json.WriteString(KeySpace.Levels[level].Field, id);
            if (level == 0)
            {
                identityOffset = valueStart(id.Length);
            }
        }

        return identityOffset;
    }

    private void WriteFeatures(Utf8JsonWriter json, ModelProfile model)
    {
        var f = _faker;
        json.WriteStartObject("features");
        if (_features == FeatureMode.Values)
        {
            json.WriteString("mode", "values");
            json.WriteStartObject("values");
            foreach (var name in f.PickRandom(model.FeatureNames, f.Random.Int(Math.Min(4, model.FeatureNames.Length), model.FeatureNames.Length)))
            {
                json.WriteNumber(name, Math.Round(f.Random.Double(-3, 50), 3));
            }

            json.WriteEndObject();
        }
        else
        {
            json.WriteString("mode", "references");
            json.WriteString("feature_view", model.FeatureView);
            json.WriteString("view_version", $"v{f.Random.Int(3, 42)}");
            json.WriteString("snapshot_id", $"fs-{f.Random.Hexadecimal(12, prefix: "")}");
            json.WriteStartArray("names");
            foreach (var name in f.PickRandom(model.FeatureNames, f.Random.Int(2, 5)))
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private void WritePrediction(Utf8JsonWriter json, InferenceEventType type, ModelProfile model)
    {
        var f = _faker;
        json.WriteStartObject("prediction");
        var label = type switch
        {
            InferenceEventType.Retrieval => "retrieved",
            InferenceEventType.ToolCall => "tool_selected",
            InferenceEventType.Policy => "guardrail_checked",
            _ => f.PickRandom(model.Labels),
        };
        json.WriteString("label", label);
        json.WriteNumber("score", Math.Round(f.Random.Double(0, 1), 4));
        json.WriteStartArray("ranking");
        if (model.IsRanker)
        {
            var score = 1.0;
            for (var rank = f.Random.Int(3, 6); rank > 0; rank--)
            {
                score = Math.Round(score * f.Random.Double(0.6, 0.98), 4);
                json.WriteStartObject();
                json.WriteString("item_id", $"sku-{f.Random.Int(0, 999_999):D6}");
                json.WriteNumber("score", score);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WritePolicy(Utf8JsonWriter json, InferenceEventType type)
    {
        var f = _faker;
        json.WriteStartObject("policy");
        json.WriteString("guardrail", f.PickRandom(Guardrails));
        json.WriteString("outcome", f.Random.WeightedRandom(["allow", "review", "block"], [0.9f, 0.07f, 0.03f]));
        json.WriteNumber("rules_evaluated", f.Random.Int(3, type == InferenceEventType.Policy ? 40 : 12));
        json.WriteStartArray("reasons");
        foreach (var reason in f.PickRandom(PolicyReasons, f.Random.Int(0, type == InferenceEventType.Policy ? 3 : 1)))
        {
            json.WriteStringValue(reason);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteTiming(Utf8JsonWriter json, InferenceEventType type)
    {
        var f = _faker;
        var queue = Math.Round(f.Random.Double(0.05, 4), 2);
        var inference = type switch
        {
            InferenceEventType.ModelOutput => Math.Round(f.Random.Double(180, 1400), 2),
            InferenceEventType.ToolCall => Math.Round(f.Random.Double(15, 250), 2),
            _ => Math.Round(f.Random.Double(1.5, 40), 2),
        };
        json.WriteStartObject("timing");
        json.WriteNumber("queue_ms", queue);
        json.WriteNumber("inference_ms", inference);
        json.WriteNumber("total_ms", Math.Round(queue + inference + f.Random.Double(0.1, 3), 2));
        json.WriteEndObject();
    }

    private void WriteExplanation(Utf8JsonWriter json, ModelProfile model)
    {
        var f = _faker;
        json.WriteStartObject("explanation");
        json.WriteString("method", f.PickRandom(ExplanationMethods));
        json.WriteNumber("baseline", Math.Round(f.Random.Double(0, 0.3), 4));
        json.WriteStartArray("top_features");
        foreach (var name in f.PickRandom(model.FeatureNames, Math.Min(5, model.FeatureNames.Length)))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteNumber("contribution", Math.Round(f.Random.Double(-0.4, 0.4), 4));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("summary", f.Hacker.Phrase());
        json.WriteEndObject();
    }

    private void WritePrompt(Utf8JsonWriter json)
    {
        var f = _faker;
        json.WriteStartObject("prompt");
        json.WriteString("template_id", $"tmpl-{f.Random.AlphaNumeric(6)}");
        json.WriteString("fragment", f.Rant.Review(f.Commerce.ProductName()));
        json.WriteNumber("input_tokens", f.Random.Int(80, 3000));
        json.WriteNumber("output_tokens", f.Random.Int(20, 700));
        json.WriteEndObject();
    }

    private void WriteRetrieval(Utf8JsonWriter json)
    {
        var f = _faker;
        var documents = f.Random.Int(3, 8);
        json.WriteStartObject("retrieval");
        json.WriteString("index", f.PickRandom(RetrievalIndexes));
        json.WriteString("query_hash", f.Random.Hexadecimal(16, prefix: ""));
        json.WriteStartArray("doc_ids");
        for (var document = 0; document < documents; document++)
        {
            json.WriteStringValue($"doc-{f.Random.Hexadecimal(10, prefix: "")}");
        }

        json.WriteEndArray();
        json.WriteStartArray("scores");
        var score = 1.0;
        for (var document = 0; document < documents; document++)
        {
            score = Math.Round(score * f.Random.Double(0.7, 0.99), 4);
            json.WriteNumberValue(score);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteToolCall(Utf8JsonWriter json)
    {
        var f = _faker;
        json.WriteStartObject("tool_call");
        json.WriteString("tool", f.PickRandom(Tools));
        json.WriteStartObject("arguments");
        json.WriteString("order_id", $"ord-{f.Random.Int(0, 99_999_999):D8}");
        json.WriteString("reason", f.Commerce.ProductAdjective().ToLowerInvariant());
        json.WriteNumber("limit", f.Random.Int(1, 20));
        json.WriteEndObject();
        json.WriteString("status", f.Random.WeightedRandom(["ok", "error", "timeout"], [0.94f, 0.04f, 0.02f]));
        json.WriteNumber("latency_ms", Math.Round(f.Random.Double(3, 400), 2));
        json.WriteEndObject();
    }

    private static int ChainStepNumber(InferenceEventType type)
    {
        for (var step = 0; step < InferenceEventTypes.ChainSteps.Count; step++)
        {
            if (InferenceEventTypes.ChainSteps[step] == type)
            {
                return step + 1;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(type), type, "Not an agent chain step.");
    }

    private sealed record Story(ModelProfile Model, string Version, int PlaceholderKey, long[] FinerIds, string? Action);

    private sealed record ModelProfile(string Name, string FeatureView, string[] Labels, bool IsRanker, string[] FeatureNames);
}
