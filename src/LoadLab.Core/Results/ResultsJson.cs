using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadLab.Core.Results;

/// <summary>The JSON conventions of every results file: camelCase, enums as strings, stable order.</summary>
public static class ResultsJson
{
    /// <summary>Options for indented files such as <c>summary.json</c>.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Options for one-line records such as <c>events.jsonl</c>.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    /// <summary>Reads a <c>summary.json</c>.</summary>
    public static RunSummary ReadSummary(string path) =>
        JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), Indented)
        ?? throw new InvalidDataException($"{path}: empty summary");

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
