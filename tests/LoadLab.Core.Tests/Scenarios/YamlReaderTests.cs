using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Scenarios;

public sealed class YamlReaderTests
{
    private static readonly YamlShape Inner = YamlShape.Map("inner block", ["size", "every"]);
    private static readonly YamlShape Root = YamlShape.Map("test document", ["name", "count", "ratio", "on"], ("inner", Inner), ("items", Inner));

    private sealed record Doc(string Name, int Count);

    private static LoadResult<Doc> Read(string yaml) => YamlDocumentReader.Parse(yaml, "t.yaml", Root, map =>
    {
        var name = map.Require("name", "demo")?.AsString("demo");
        var count = map.Get("count")?.AsInt("a whole number, at least 1", "3", min: 1) ?? 1;
        _ = map.Get("ratio")?.AsDouble("a ratio in (0, 1]", "0.5", min: 0, max: 1, exclusiveMin: true);
        _ = map.Get("on")?.AsBool("true");
        var inner = map.Get("inner")?.AsMap(Inner, "{size: 1KiB}");
        _ = inner?.Get("size")?.AsSize("1KiB");
        _ = inner?.Get("every")?.AsDuration("30s");
        foreach (var item in map.Get("items")?.AsList("[{size: 1KiB}]") ?? [])
        {
            _ = item.AsMap(Inner, "{size: 1KiB}")?.Require("size", "1KiB")?.AsSize("1KiB");
        }

        return name is null ? null : new Doc(name, count);
    });

    private static string[] Problems(string yaml) => [.. Read(yaml).Problems.Select(p => p.ToString())];

    [Fact]
    public void Parse_ValidDocument_ReturnsValueWithoutProblems()
    {
        var result = Read("name: demo\ncount: 2_000\ninner: {size: 8 KiB, every: 1h30m}\nitems:\n  - size: 512\n");

        Assert.True(result.Succeeded);
        Assert.Equal(new Doc("demo", 2000), result.Value);
    }

    [Fact]
    public void Parse_UnknownKey_SuggestsClosestAndListsAllowed()
    {
        Assert.Equal(
            ["t.yaml:2:1: cuont: unknown key \"cuont\" in test document (allowed: name, count, ratio, on, inner, items). Fix: rename \"cuont\" to \"count\""],
            Problems("name: demo\ncuont: 3\n"));
    }

    [Fact]
    public void Parse_UnknownKeyFarFromAny_HasNoSuggestion()
    {
        Assert.Equal(
            ["t.yaml:2:1: zebra: unknown key \"zebra\" in test document (allowed: name, count, ratio, on, inner, items)"],
            Problems("name: demo\nzebra: 3\n"));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInFileOrder()
    {
        Assert.Equal(
            [
                "t.yaml:1:1: name: missing required key \"name\" in test document. Fix: add name: demo",
                "t.yaml:1:8: count: expected a whole number, at least 1, got 0. Fix: e.g. count: 3",
                "t.yaml:2:8: ratio: expected a ratio in (0, 1], got \"high\". Fix: e.g. ratio: 0.5",
                "t.yaml:3:5: on: expected true or false, got \"yes\". Fix: e.g. on: true",
                "t.yaml:4:15: inner.size: expected a size in bytes such as 512, 64KiB, 512MiB or 4KB (KiB, MiB, GiB = 1024-based; KB, MB, GB = 1000-based), got \"1 KBB\". Fix: e.g. size: 1KiB",
                "t.yaml:4:29: inner.every: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got 10. Fix: every: 10s",
                "t.yaml:5:9: items[0].size: missing required key \"size\" in inner block. Fix: add size: 1KiB",
            ],
            Problems("count: 0\nratio: \"high\"\non: yes\ninner: {size: 1 KBB, every: 10}\nitems: [{every: 1s}]\n"));
    }

    [Fact]
    public void Parse_SyntaxError_ReportsLineAndColumn()
    {
        var problem = Assert.Single(Read("name: demo\ninner:\n  size: 1KiB\n every: 2s\n").Problems);

        Assert.Equal(("t.yaml", 4, 2), (problem.File, problem.Line, problem.Column));
        Assert.StartsWith("YAML syntax error: ", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Line:", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InputThatMakesYamlDotNetThrowInvalidOperation_IsASyntaxProblem()
    {
        // Found by fuzzing: YamlDotNet's scanner throws InvalidOperationException here, not YamlException.
        const string yaml = "topics:\n    phases:\n      - spike: {at: \nion: 10s, multiplier: 3}\n";
        Assert.Throws<InvalidOperationException>(() => new YamlDotNet.RepresentationModel.YamlStream().Load(new StringReader(yaml)));

        Assert.Equal(
            ["t.yaml:3:19: YAML syntax error: the file cannot be parsed after this point. Fix: check indentation, colons, quotes and brackets on this line and the one before"],
            Problems(yaml));
    }

    [Fact]
    public void Parse_DuplicateKey_IsAProblemNotAnException()
    {
        var problem = Assert.Single(Read("name: demo\nname: other\n").Problems);

        Assert.Equal(2, problem.Line);
    }

    [Fact]
    public void Parse_EmptyDocument_IsAProblem()
    {
        Assert.Equal(["t.yaml: the file is empty. Fix: start from an example; the format is described in its JSON Schema"], Problems("# nothing\n"));
    }

    [Fact]
    public void Parse_RootIsAList_SaysAMappingIsExpected()
    {
        Assert.Equal(
            ["t.yaml:1:1: expected a mapping (test document), got a list. Fix: e.g. a mapping of keys such as name: my-scenario"],
            Problems("- a\n- b\n"));
    }

    [Fact]
    public void Load_MissingFile_IsAProblemWithoutPosition()
    {
        var result = YamlDocumentReader.Load<Doc>(Path.Combine(Path.GetTempPath(), "loadlab-no-such-file.yaml"), Root, _ => null);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(0, problem.Line);
        Assert.StartsWith("cannot read the file: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_KeyNotInShape_ThrowsBecauseTheReaderIsWrong()
    {
        Assert.Throws<InvalidOperationException>(() => YamlDocumentReader.Parse("name: x\n", "t.yaml", Root, map => map.Get("undeclared")));
    }

    [Theory]
    [InlineData("posson", "arrivals: poisson")]
    [InlineData("Uniform", "arrivals: uniform")]
    [InlineData("xyz", "e.g. arrivals: uniform")]
    public void AsChoice_UnknownName_ListsAllowedAndSuggests(string typed, string fix)
    {
        var shape = YamlShape.Map("stream", ["arrivals"]);
        var result = YamlDocumentReader.Parse($"arrivals: {typed}\n", "t.yaml", shape, map => map.Get("arrivals")?.AsEnum<LoadLab.Core.Scenarios.ArrivalProcess>() is { } a ? (object)a : null);

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"expected one of uniform, poisson, got \"{typed}\"", problem.Message);
        Assert.Equal(fix, problem.Suggestion);
    }
}
