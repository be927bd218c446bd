using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadLab.Reporting.Results;

/// <summary>The JSON conventions of the results folder: camelCase names, enums as strings.</summary>
internal static class ResultsJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };
}
