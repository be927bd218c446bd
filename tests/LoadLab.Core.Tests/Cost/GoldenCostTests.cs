using LoadLab.Core.Cost;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Tests.Scenarios;

namespace LoadLab.Core.Tests.Cost;

/// <summary>
/// The three shipped profiles on the shipped price sheet for <c>scenarios/inference-burst.yaml</c>: every line,
/// formula, source and sensitivity row. A change to the model, the sheet or a profile shows up here as a diff to
/// review; accept it with LOADLAB_UPDATE_SNAPSHOTS=1.
/// </summary>
public sealed class GoldenCostTests
{
    [Theory]
    [InlineData("inference-burst", "24h")]
    [InlineData("inference-burst", "168h")]
    public void Estimate_ShippedProfilesOnAScenario_MatchesTheReviewedOutput(string scenarioName, string retention)
    {
        var (prices, profiles) = CostTestData.Shipped();
        var scenario = ScenarioLoader.Load(RepositoryFiles.PathOf(Path.Combine("scenarios", $"{scenarioName}.yaml"))).Scenario!;
        Assert.True(Core.Yaml.Durations.TryParse(retention, out var kept));
        var workload = PlannedWorkload.FromScenario(scenario, new CostWorkloadOptions { Retention = kept });

        var json = CostModel.Estimate(workload, profiles, prices with { File = "environments/pricing/aws-us-east-1.yaml" }, new CostOptions()).ToJson();

        var golden = RepositoryFiles.PathOf(Path.Combine("tests", "LoadLab.Core.Tests", "Cost", "Golden", $"{scenarioName}-{retention}.cost.json"));
        if (Environment.GetEnvironmentVariable("LOADLAB_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(golden, json);
        }

        Assert.True(File.Exists(golden), $"{golden} is missing; run the tests with LOADLAB_UPDATE_SNAPSHOTS=1 to write it");
        Assert.Equal(File.ReadAllText(golden).ReplaceLineEndings("\n"), json.ReplaceLineEndings("\n"));
    }
}
