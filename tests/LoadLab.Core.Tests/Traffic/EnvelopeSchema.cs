using System.Text.Json;
using System.Text.RegularExpressions;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

/// <summary>The envelope contract of ENVELOPE.md, checked field by field with System.Text.Json.</summary>
internal static partial class EnvelopeSchema
{
    /// <summary>Parses <paramref name="value"/> and fails the test with the offending field if it breaks the contract.</summary>
    public static void AssertValid(byte[] value, FeatureMode features, IReadOnlyCollection<PayloadBlock> blocks)
    {
        using var document = JsonDocument.Parse(value);
        var root = document.RootElement;
        Assert.Equal("loadlab.inference.v1", String(root, "schema"));
        var type = InferenceEventTypes.FromWireName(String(root, "event_type"));
        Assert.NotNull(type);
        foreach (var id in new[] { "event_id", "request_id", "correlation_id", "causation_id" })
        {
            Assert.Matches(IdPattern(), String(root, id));
        }

        Assert.InRange(Property(root, "timestamp_ms", JsonValueKind.Number).GetInt64(), 1_000_000_000_000L, 9_999_999_999_999L);
        Assert.StartsWith("tenant-", String(root, "tenant_id"), StringComparison.Ordinal);
        Assert.StartsWith("acct-", String(root, "account_id"), StringComparison.Ordinal);
        Assert.StartsWith("user-", String(root, "user_id"), StringComparison.Ordinal);
        Assert.StartsWith("dev-", String(root, "device_id"), StringComparison.Ordinal);

        var model = Property(root, "model", JsonValueKind.Object);
        Assert.NotEmpty(String(model, "name"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", String(model, "version"));

        var featureBlock = Property(root, "features", JsonValueKind.Object);
        if (features == FeatureMode.Values)
        {
            Assert.Equal("values", String(featureBlock, "mode"));
            var values = Property(featureBlock, "values", JsonValueKind.Object).EnumerateObject().ToArray();
            Assert.NotEmpty(values);
            Assert.All(values, value => Assert.Equal(JsonValueKind.Number, value.Value.ValueKind));
        }
        else
        {
            Assert.Equal("references", String(featureBlock, "mode"));
            Assert.NotEmpty(String(featureBlock, "feature_view"));
            Assert.NotEmpty(String(featureBlock, "view_version"));
            Assert.NotEmpty(String(featureBlock, "snapshot_id"));
            Assert.All(Array(featureBlock, "names"), name => Assert.Equal(JsonValueKind.String, name.ValueKind));
        }

        var prediction = Property(root, "prediction", JsonValueKind.Object);
        Assert.NotEmpty(String(prediction, "label"));
        Assert.InRange(Number(prediction, "score"), 0, 1);
        Assert.All(Array(prediction, "ranking"), item =>
        {
            Assert.StartsWith("sku-", String(item, "item_id"), StringComparison.Ordinal);
            Assert.InRange(Number(item, "score"), 0, 1);
        });
        Assert.InRange(Number(root, "confidence"), 0, 1);

        var policy = Property(root, "policy", JsonValueKind.Object);
        Assert.NotEmpty(String(policy, "guardrail"));
        Assert.Contains(String(policy, "outcome"), new[] { "allow", "review", "block" });
        Assert.True(Property(policy, "rules_evaluated", JsonValueKind.Number).TryGetInt32(out _));
        Assert.All(Array(policy, "reasons"), reason => Assert.Equal(JsonValueKind.String, reason.ValueKind));

        var timing = Property(root, "timing", JsonValueKind.Object);
        Assert.True(Number(timing, "total_ms") >= Number(timing, "queue_ms") + Number(timing, "inference_ms"));

        var isChainStep = type != InferenceEventType.Prediction;
        Assert.Equal(isChainStep, root.TryGetProperty("chain", out var chain));
        if (isChainStep)
        {
            Assert.NotEmpty(String(chain, "action"));
            Assert.Equal(InferenceEventTypes.ChainSteps.ToList().IndexOf(type!.Value) + 1, Property(chain, "step", JsonValueKind.Number).GetInt32());
            Assert.Equal(4, Property(chain, "length", JsonValueKind.Number).GetInt32());
        }

        AssertBlock(root, "explanation", blocks.Contains(PayloadBlock.Explanation), explanation =>
        {
            Assert.NotEmpty(String(explanation, "method"));
            Number(explanation, "baseline");
            Assert.All(Array(explanation, "top_features"), feature =>
            {
                Assert.NotEmpty(String(feature, "name"));
                Number(feature, "contribution");
            });
            Assert.NotEmpty(String(explanation, "summary"));
        });
        AssertBlock(root, "prompt", blocks.Contains(PayloadBlock.Prompt) || type == InferenceEventType.ModelOutput, prompt =>
        {
            Assert.StartsWith("tmpl-", String(prompt, "template_id"), StringComparison.Ordinal);
            Assert.NotEmpty(String(prompt, "fragment"));
            Assert.True(Property(prompt, "input_tokens", JsonValueKind.Number).GetInt32() > 0);
            Assert.True(Property(prompt, "output_tokens", JsonValueKind.Number).GetInt32() > 0);
        });
        AssertBlock(root, "retrieval", blocks.Contains(PayloadBlock.Retrieval) || type == InferenceEventType.Retrieval, retrieval =>
        {
            Assert.NotEmpty(String(retrieval, "index"));
            Assert.Matches("^[0-9a-f]{16}$", String(retrieval, "query_hash"));
            var documents = Array(retrieval, "doc_ids");
            Assert.All(documents, document => Assert.StartsWith("doc-", document.GetString(), StringComparison.Ordinal));
            Assert.Equal(documents.Length, Array(retrieval, "scores").Length);
        });
        AssertBlock(root, "tool_call", blocks.Contains(PayloadBlock.ToolCall) || type == InferenceEventType.ToolCall, toolCall =>
        {
            Assert.NotEmpty(String(toolCall, "tool"));
            Property(toolCall, "arguments", JsonValueKind.Object);
            Assert.Contains(String(toolCall, "status"), new[] { "ok", "error", "timeout" });
            Assert.True(Number(toolCall, "latency_ms") > 0);
        });

        Assert.Matches("^[a-z0-9]*$", String(root, "pad"));
        Assert.Equal("pad", root.EnumerateObject().Last().Name);
    }

    private static void AssertBlock(JsonElement root, string name, bool expected, Action<JsonElement> check)
    {
        Assert.True(expected == root.TryGetProperty(name, out var block), $"block '{name}' expected {(expected ? "present" : "absent")}");
        if (expected)
        {
            Assert.Equal(JsonValueKind.Object, block.ValueKind);
            check(block);
        }
    }

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind)
    {
        Assert.True(parent.TryGetProperty(name, out var property), $"field '{name}' is missing");
        Assert.True(property.ValueKind == kind, $"field '{name}' is {property.ValueKind}, expected {kind}");
        return property;
    }

    private static string String(JsonElement parent, string name) => Property(parent, name, JsonValueKind.String).GetString()!;

    private static double Number(JsonElement parent, string name) => Property(parent, name, JsonValueKind.Number).GetDouble();

    private static JsonElement[] Array(JsonElement parent, string name) => [.. Property(parent, name, JsonValueKind.Array).EnumerateArray()];

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex IdPattern();
}
