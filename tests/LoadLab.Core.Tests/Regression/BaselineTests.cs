using LoadLab.Core.Regression;

namespace LoadLab.Core.Tests.Regression;

public sealed class BaselineTests
{
    private static Baseline Sample() => new()
    {
        Name = "nightly",
        Scenario = "quickstart",
        CreatedAt = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero),
        Environment = "embedded",
        Runs = [new RunSample("r1", new Dictionary<string, double> { ["lost"] = 0 }, new Dictionary<string, IReadOnlyList<double>> { ["produce.p99"] = [1.5, 2] })],
    };

    [Fact]
    public void FromJson_WrittenBaseline_ReadsBackItsRuns()
    {
        var json = Sample().ToJson();
        var read = Baseline.FromJson(json, "nightly.json");

        // A committed file: one line ending, so an editor's or git's final newline does not show as a change.
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
        Assert.Equal(("nightly", "quickstart", "embedded", 1), (read.Name, read.Scenario, read.Environment, read.FormatVersion));
        Assert.Equal([1.5, 2], read.Runs.Single().Intervals["produce.p99"]);
    }

    [Fact]
    public void FromJson_NotJson_NamesTheFileTheLineAndTheFix()
    {
        var error = Assert.Throws<InvalidDataException>(() => Baseline.FromJson("{\n  \"name\": \"x\",\n  oops\n}", "nightly.json"));

        Assert.StartsWith("nightly.json line 3: not a LoadLab baseline (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Write one with 'loadlab baseline save <run-dir>'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"name\": \"x\", \"scenario\": \"s\", \"createdAt\": \"2026-12-06T12:00:00Z\", \"environment\": \"embedded\", \"runs\": []}")]
    public void FromJson_NoRuns_SaysSoAndHowToWriteOne(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => Baseline.FromJson(json, "nightly.json"));

        Assert.Equal("nightly.json: the baseline holds no runs. Write one with 'loadlab baseline save <run-dir>'.", error.Message);
    }

    [Fact]
    public void FromJson_OtherFormatVersion_IsRefusedNamingBoth()
    {
        var json = (Sample() with { FormatVersion = 2 }).ToJson();

        var error = Assert.Throws<InvalidDataException>(() => Baseline.FromJson(json, "nightly.json"));

        Assert.Equal("nightly.json: baseline format version 2 is not supported (only 1). Save the baseline again with this version of LoadLab.", error.Message);
    }
}
