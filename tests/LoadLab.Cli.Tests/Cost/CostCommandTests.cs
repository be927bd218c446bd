using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LoadLab.Cli.Commands;

namespace LoadLab.Cli.Tests.Cost;

public sealed class CostCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-cost-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Invoke_Scenario_PrintsEveryLineItemPerPlatformWithTotals()
    {
        var scenarioFile = WriteBurstScenario();

        var (exitCode, output, error) = Invoke(scenarioFile, "--json", Path.Combine(_directory, "out.json"));

        Assert.True(exitCode == 0, error);
        Assert.Equal("", error);
        foreach (var expected in new[] { "Apache Kafka", "Redpanda", "AutoMQ", "Broker compute", "Burst provisioning", "Block storage", "Block storage throughput / IOPS", "Object storage requests", "Cross-AZ: producer", "Cross-AZ: replication", "Cross-AZ: consumer fetches", "Observability", "Operator time", "Total", "Summary" })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "out.json")));
        var rows = json.RootElement.GetProperty("rows");
        Assert.Equal(3 * 11, rows.GetArrayLength()); // 11 line items for each of the 3 platforms
        Assert.Equal(2, json.RootElement.GetProperty("workload").GetProperty("burst").GetProperty("peakToAverage").GetDouble(), precision: 6);
    }

    [Fact]
    public void Invoke_RunFolder_WritesCostJsonAndUsesMeasuredReassignment()
    {
        var run = Path.Combine(_directory, "20261126-120000-burst");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "summary.json"), """
            {
              "schemaVersion": 1, "runId": "20261126-120000-burst", "scenario": "burst",
              "startedAt": "2026-11-26T12:00:00Z", "outcome": "completed", "durationSeconds": 4, "warmupSeconds": 1,
              "environment": { "kind": "embedded", "details": {} },
              "produce": { "target": 0, "sent": 0, "acked": 0, "failed": 0 },
              "consume": { "groups": [ { "group": "audit", "topic": "t", "consumed": 0 }, { "group": "risk", "topic": "t", "consumed": 0 } ] },
              "latencyMs": null, "rate": { "target": 1000, "achieved": 1000 },
              "faults": [ { "action": "partition.reassign", "target": "t/0", "atSeconds": 2, "durationSeconds": 3.0, "recoverySeconds": 7.5, "succeeded": true } ]
            }
            """);
        File.WriteAllText(Path.Combine(run, "series.csv"), """
            second,targetRate,sent,acked,failed,consumed,queueFull,avgPayloadBytes
            0,1000,1000,1000,0,0,0,1048576
            1,1000,1000,1000,0,0,0,1048576
            2,3000,3000,3000,0,0,0,1048576
            3,1000,1000,1000,0,0,0,1048576
            4,1000,1000,1000,0,0,0,1048576
            """);

        var (exitCode, output, error) = Invoke(run, "--platforms", "kafka", "--replication-factor", "3");

        Assert.True(exitCode == 0, error);
        Assert.Equal("", error);
        Assert.Contains("measured mean 7.5 s", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "cost.json")));
        var workload = json.RootElement.GetProperty("workload");
        Assert.Equal(1500, workload.GetProperty("averageIngressMiBps").GetDouble(), precision: 6); // seconds 1..4: (1000+3000+1000+1000)/4 × 1 MiB
        Assert.Equal(3000, workload.GetProperty("peakIngressMiBps").GetDouble(), precision: 6);
        Assert.Equal(2, workload.GetProperty("fanOut").GetDouble());
    }

    [Fact]
    public void Invoke_BadOptions_ListsEveryProblemWithExitCode2()
    {
        var (exitCode, _, error) = Invoke(WriteBurstScenario(), "--retention", "forever", "--headroom", "-1");

        Assert.Equal(2, exitCode);
        Assert.Contains("--retention", error, StringComparison.Ordinal);
        Assert.Contains("--headroom", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_UnknownPlatform_NamesTheKnownProfiles()
    {
        var (exitCode, _, error) = Invoke(WriteBurstScenario(), "--platforms", "kafka,kafak");

        Assert.Equal(2, exitCode);
        Assert.Contains("'kafak'", error, StringComparison.Ordinal);
        Assert.Contains("automq, kafka, redpanda", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_ScenarioWithProblems_ReportsTheLoadersProblems()
    {
        var scenarioFile = Path.Combine(_directory, "broken.yaml");
        File.WriteAllText(scenarioFile, BurstYaml.Replace("rate: 2000", "rate: -5", StringComparison.Ordinal));

        var (exitCode, output, error) = Invoke(scenarioFile);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.True(error.Contains("broken.yaml", StringComparison.Ordinal) && error.Contains("rate", StringComparison.Ordinal), error);
        Assert.Contains("nothing was estimated", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("90m", 90 * 60)]
    [InlineData("3600s", 3600)]
    [InlineData("1.00:00:00", 86400)]
    public void ParseDuration_UnitSuffixes_AreUnderstood(string text, double seconds) =>
        Assert.Equal(seconds, CostCommand.ParseDuration(text)!.Value.TotalSeconds);

    [Theory]
    [InlineData("forever")]
    [InlineData("0h")]
    [InlineData("-2d")]
    public void ParseDuration_NotAPositiveDuration_IsNull(string text) => Assert.Null(CostCommand.ParseDuration(text));

    private static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = CommandLine.InvokeAsync(new RootCommand { CostCommand.Create() }, ["cost", .. args], output, error).GetAwaiter().GetResult();
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>10 minutes at 2,000 msg/s of 4 KiB with a 150-second ×3 spike: average 3,000 msg/s, peak 6,000, peak/average 2.</summary>
    private const string BurstYaml = """
        version: 1
        name: burst
        duration: 10m
        topics:
          - name: inference
            partitions: 12
            replication-factor: 3
        traffic:
          - name: events
            topic: inference
            rate: 2000
            phases:
              - spike: {at: 5m, duration: 150s, multiplier: 3}
            payload:
              kind: fixed
              size: 4KiB
        consumers:
          - group: audit
            topic: inference
        """;

    private string WriteBurstScenario()
    {
        var path = Path.Combine(_directory, "burst.yaml");
        File.WriteAllText(path, BurstYaml);
        return path;
    }
}
