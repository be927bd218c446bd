using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace LoadLab.Core.Results;

/// <summary>
/// The JSON Schema of <c>summary.json</c>, derived from <see cref="RunSummary"/> with the results' JSON
/// conventions, so the committed <c>schemas/summary.schema.json</c> can be checked against the code.
/// </summary>
public static class SummarySchema
{
    /// <summary>The schema document as text (indented, trailing newline).</summary>
    public static string Generate()
    {
        var schema = ResultsJson.Indented.GetJsonSchemaAsNode(typeof(RunSummary), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
        });
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://loadlab.dev/schemas/summary.schema.json",
            ["title"] = "LoadLab run summary (results/<run-id>/summary.json)",
            ["description"] = "Generated from LoadLab.Core.Results.RunSummary; the names are a contract: extended, never renamed. See results/README.md.",
        };
        foreach (var (key, value) in schema.AsObject())
        {
            document[key] = value?.DeepClone();
        }

        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
