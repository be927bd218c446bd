using System.Text.Json;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Results;

public sealed class SummarySchemaTests
{
    private static readonly string SchemaPath = Path.Combine(RepositoryRoot(), "schemas", "summary.schema.json");

    [Fact]
    public void Generate_ComparedWithCommittedSchema_IsIdentical()
    {
        var generated = SummarySchema.Generate();
        if (Environment.GetEnvironmentVariable("LOADLAB_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(SchemaPath, generated);
        }

        Assert.True(File.Exists(SchemaPath), $"{SchemaPath} is missing; run the tests with LOADLAB_UPDATE_SNAPSHOTS=1 to write it");
        Assert.Equal(File.ReadAllText(SchemaPath), generated);
    }

    [Theory]
    [InlineData("runId")]
    [InlineData("scenario")]
    [InlineData("durationSeconds")]
    [InlineData("produce")]
    [InlineData("consume")]
    [InlineData("latencyMs")]
    [InlineData("rate")]
    [InlineData("faults")]
    [InlineData("audit")]
    [InlineData("slo")]
    public void Generate_ContractNames_ArePropertiesOfTheSchema(string name)
    {
        using var schema = JsonDocument.Parse(SummarySchema.Generate());

        Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty(name, out _), name);
    }

    [Fact]
    public void Generate_NestedContractNames_AreDescribed()
    {
        var text = SummarySchema.Generate();

        foreach (var name in new[] { "\"kind\"", "\"target\"", "\"sent\"", "\"acked\"", "\"failed\"", "\"errorsByCode\"", "\"groups\"", "\"consumed\"", "\"p50\"", "\"p90\"", "\"p99\"", "\"p999\"", "\"p9999\"", "\"max\"", "\"achieved\"", "\"recoverySeconds\"", "\"peakLagMessages\"", "\"unavailableSeconds\"", "\"lost\"", "\"truncated\"", "\"indeterminate\"" })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LoadLab.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("LoadLab.sln not found above " + AppContext.BaseDirectory);
    }
}
