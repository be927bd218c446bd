namespace LoadLab.Core.Traffic;

/// <summary>What a generated message is; the <c>event_type</c> field of the envelope (see ENVELOPE.md).</summary>
public enum InferenceEventType
{
    /// <summary>Opaque bytes (<see cref="Scenarios.PayloadKind.Fixed"/>), no envelope.</summary>
    Opaque,
    /// <summary>A model decision in the serving path (<c>prediction</c>).</summary>
    Prediction,
    /// <summary>Agent chain step 1: documents retrieved for the user's action (<c>retrieval</c>).</summary>
    Retrieval,
    /// <summary>Agent chain step 2: a tool the agent called (<c>tool_call</c>).</summary>
    ToolCall,
    /// <summary>Agent chain step 3: the guardrail decision on the planned answer (<c>policy</c>).</summary>
    Policy,
    /// <summary>Agent chain step 4: the model output returned to the user (<c>model_output</c>).</summary>
    ModelOutput,
}

/// <summary>Wire names of <see cref="InferenceEventType"/> and the shape of agent chains.</summary>
public static class InferenceEventTypes
{
    /// <summary>The steps of an agent chain, in causal order.</summary>
    public static IReadOnlyList<InferenceEventType> ChainSteps { get; } =
        [InferenceEventType.Retrieval, InferenceEventType.ToolCall, InferenceEventType.Policy, InferenceEventType.ModelOutput];

    /// <summary>The <c>event_type</c> value of an event type.</summary>
    public static string WireName(InferenceEventType type) => type switch
    {
        InferenceEventType.Opaque => "opaque",
        InferenceEventType.Prediction => "prediction",
        InferenceEventType.Retrieval => "retrieval",
        InferenceEventType.ToolCall => "tool_call",
        InferenceEventType.Policy => "policy",
        InferenceEventType.ModelOutput => "model_output",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown event type."),
    };

    /// <summary>The event type of an <c>event_type</c> value, or null when it is not one.</summary>
    public static InferenceEventType? FromWireName(string name) => name switch
    {
        "opaque" => InferenceEventType.Opaque,
        "prediction" => InferenceEventType.Prediction,
        "retrieval" => InferenceEventType.Retrieval,
        "tool_call" => InferenceEventType.ToolCall,
        "policy" => InferenceEventType.Policy,
        "model_output" => InferenceEventType.ModelOutput,
        _ => null,
    };
}
