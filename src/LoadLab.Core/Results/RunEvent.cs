using System.Text.Json;

namespace LoadLab.Core.Results;

/// <summary>
/// One line of <c>events.jsonl</c>. Fault markers (<c>fault.*</c>) carry action, target, outcome, detail and
/// tookSeconds; other event types may leave them null.
/// </summary>
/// <param name="T">Seconds since the run started.</param>
/// <param name="Type">Event type, e.g. <c>fault.injected</c>.</param>
/// <param name="Action">Fault action as the timeline names it, e.g. <c>broker.kill</c>.</param>
/// <param name="Target">What the fault acted on, e.g. <c>broker 1</c>.</param>
/// <param name="Outcome">How the action went, e.g. <c>ok</c>.</param>
/// <param name="Detail">Free text from the injector or the engine.</param>
/// <param name="TookSeconds">How long the action itself took.</param>
public sealed record RunEvent(double T, string Type, string? Action, string? Target, string? Outcome, string? Detail, double? TookSeconds)
{
    internal static IReadOnlyList<RunEvent> Read(string path)
    {
        const string DisplayName = RunFiles.Events;
        var events = new List<RunEvent>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new RunResultsException($"{DisplayName} line {lineNumber}: expected a JSON object, found {root.ValueKind}.");
                }

                if (!root.TryGetProperty("t", out var t) || t.ValueKind != JsonValueKind.Number)
                {
                    throw new RunResultsException($"{DisplayName} line {lineNumber}: the number 't' (seconds since start) is missing.");
                }

                if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    throw new RunResultsException($"{DisplayName} line {lineNumber}: the string 'type' is missing.");
                }

                events.Add(new RunEvent(
                    t.GetDouble(),
                    type.GetString()!,
                    Text(root, "action"),
                    Text(root, "target"),
                    Text(root, "outcome"),
                    Text(root, "detail"),
                    root.TryGetProperty("tookSeconds", out var took) && took.ValueKind == JsonValueKind.Number ? took.GetDouble() : null));
            }
            catch (JsonException e)
            {
                throw new RunResultsException($"{DisplayName} line {lineNumber}: not valid JSON ({e.Message}). The file is truncated or corrupt.", e);
            }
        }

        // In time order even when the run did not finish (a finished run's file is already sorted): LINQ's sort is stable.
        return [.. events.OrderBy(e => e.T)];
    }

    /// <summary>
    /// Every event of <c>events.jsonl</c> whole (all its fields), with its time, for a merge that keeps them; lines that
    /// are not JSON objects with a number <c>t</c> and a string <c>type</c> are errors, as in <see cref="Read"/>.
    /// </summary>
    internal static IReadOnlyList<(double T, System.Text.Json.Nodes.JsonObject Fields)> ReadWhole(string path)
    {
        var events = new List<(double, System.Text.Json.Nodes.JsonObject)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            System.Text.Json.Nodes.JsonNode? node;
            try
            {
                node = System.Text.Json.Nodes.JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new RunResultsException($"{path} line {lineNumber}: not valid JSON ({e.Message}). The file is truncated or corrupt.", e);
            }

            if (node is not System.Text.Json.Nodes.JsonObject fields || fields["t"] is not System.Text.Json.Nodes.JsonValue t || !t.TryGetValue<double>(out var seconds) || fields["type"]?.GetValueKind() != JsonValueKind.String)
            {
                throw new RunResultsException($"{path} line {lineNumber}: expected a JSON object with the number 't' and the string 'type'.");
            }

            events.Add((seconds, fields));
        }

        return events;
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        } : null;
}
