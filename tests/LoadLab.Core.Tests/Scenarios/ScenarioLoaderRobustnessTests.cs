using CsCheck;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Scenarios;

/// <summary>Whatever the text, the loader answers with a scenario or with located problems — never an exception.</summary>
public sealed class ScenarioLoaderRobustnessTests
{
    // The quickstart (which has one fault) with one fault of each other kind and a regression rule.
    private static readonly string Full = File.ReadAllText(RepositoryFiles.PathOf(Path.Combine("scenarios", "quickstart.yaml"))).Replace(
        "\nfaults:\n",
        """

        faults:
          - {at: 30s, action: broker.kill, target: {leader-of: inference-events/0}, duration: 20s}
          - {at: 40s, action: errors.inject, errors: {api: Produce, code: 6, count: 50}}
          - {at: 50s, action: partition.reassign, target: {partition: inference-events/1}, replicas: [3, 1, 2]}
          - {at: 45s, action: broker.slow, target: {coordinator-of: scorers}, latency: 50ms, duration: 10s}

        """,
        StringComparison.Ordinal) + """

        regression: {rules: [{metric: produce.p99, max-change: +10%}]}
        """;

    private static readonly string[] Fragments =
    [
        ":", "-", " ", "\n", "  ", "{", "}", "[", "]", "\"", "'", "#", "&a", "*a", "!!str", "0", "-1", "1e9", "null", "~",
        "true", "2m", "1KiB", "topic/9", "{broker: x}", "[1, 1]", "step:", "\t", "---\n", "version: 1\n",
    ];

    [Fact]
    public void Parse_MutatedScenario_NeverThrows()
    {
        Assert.True(ScenarioLoader.Parse(Full, "full.yaml").Succeeded);

        var mutation = Gen.Select(Gen.Int[0, Full.Length], Gen.Int[0, 12], Gen.Int[0, Fragments.Length - 1]);
        Gen.Select(mutation, Gen.Int[1, 4].SelectMany(n => mutation.Array[n])).Sample(edits =>
        {
            var text = Full;
            foreach (var (position, deleted, fragment) in edits.Item2.Prepend(edits.Item1))
            {
                var at = Math.Min(position, text.Length);
                text = text.Remove(at, Math.Min(deleted, text.Length - at)).Insert(at, Fragments[fragment]);
            }

            var result = ScenarioLoader.Parse(text, "fuzz.yaml");
            return result.Succeeded ? result.Problems.Count == 0 : result.Scenario is null && result.Problems.Count > 0 && result.Problems.All(p => p.Line >= 0 && p.Message.Length > 0);
        }, iter: 400);
    }
}
