using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LoadLab.Cli.Commands;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Tests.Cost;

public sealed class CostCommandTests : IDisposable
{
    private static readonly string[] LineLabels =
    [
        "Broker compute", "Scale-out brokers", "Block storage", "Block storage throughput / IOPS", "Object storage", "Object storage requests",
        "WAL second copy", "Cross-AZ: producer", "Cross-AZ: replication", "Cross-AZ: consumer fetches", "Observability", "Licence", "Operator labour",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-cost-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Invoke_Scenario_PrintsEveryLineBindingLimitSensitivityAndSources()
    {
        var (exitCode, output, error) = Invoke(WriteBurstScenario(), "--json", Path.Combine(_directory, "out.json"), "--charts", Path.Combine(_directory, "charts"));

        Assert.True(exitCode == 0, error);
        Assert.Equal("", error);
        foreach (var expected in LineLabels.Concat(["Apache Kafka", "Redpanda", "AutoMQ", "Total", "Hours at risk", "Summary", "Binding limit", "What moves the total", "Sources"]))
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        var document = CostDocument.Read(Path.Combine(_directory, "out.json"));
        Assert.Equal(3, document.Platforms.Count);
        Assert.All(document.Platforms, p => Assert.Equal(LineLabels.Length, p.Lines.Count));
        Assert.Equal(2, document.Workload.PeakToAverage, precision: 6);
        Assert.NotEmpty(document.Sensitivity);
        Assert.True(File.Exists(Path.Combine(_directory, "charts", "cost.png")));
        Assert.True(File.Exists(Path.Combine(_directory, "charts", "cost-sensitivity.png")));
    }

    [Fact]
    public void Invoke_RunFolder_WritesCostJsonFromTheRunsScheduleAndItsMeasuredReassignment()
    {
        var run = WriteRun();

        var (exitCode, output, error) = Invoke(run, "--platforms", "kafka");

        Assert.True(exitCode == 0, error);
        Assert.Equal("", error);
        Assert.Contains("measured mean 7.5 s", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "cost.json")));
        var workload = json.RootElement.GetProperty("workload");
        // The schedule's 1,000 msg/s of 1 MiB in the measured window (seconds 1..4), not the acknowledged counts.
        Assert.Equal(1000, workload.GetProperty("averageIngressMiBps").GetDouble(), precision: 6);
        Assert.Equal(2, workload.GetProperty("fanOut").GetDouble(), precision: 6);
        Assert.Equal(3, workload.GetProperty("replicationFactor").GetDouble());
        // A folder without latency columns cannot be re-rendered; the estimate is still written, and the output says why.
        Assert.Contains("The report was not re-rendered: series.csv has no column", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_CompleteRunFolder_RewritesItsReportWithTheCostCharts()
    {
        var run = Path.Combine(_directory, "fixture");
        var fixture = Path.Combine(Path.GetDirectoryName(Environments())!, "tests", "LoadLab.Reporting.Tests", "Fixtures", "broker-kill-embedded");
        foreach (var file in Directory.GetFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(run, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // The fixture's scenario.yaml predates kebab-case keys, so the replication factor is given.
        var (exitCode, output, error) = Invoke(run, "--replication-factor", "3");

        Assert.True(exitCode == 0, error);
        Assert.Contains("Report updated", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "charts", "cost.png")));
        Assert.True(File.Exists(Path.Combine(run, "charts", "cost-sensitivity.png")));
        Assert.Contains("What moves the total", File.ReadAllText(Path.Combine(run, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_BadOptions_ListsEveryProblemWithExitCode2AndNoStackTrace()
    {
        var (exitCode, _, error) = Invoke(WriteBurstScenario(), "--retention", "forever", "--headroom", "-1", "--wal", "s4");

        Assert.Equal(2, exitCode);
        Assert.Contains("--retention", error, StringComparison.Ordinal);
        Assert.Contains("--headroom", error, StringComparison.Ordinal);
        Assert.Contains("--wal s3", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_UnknownPlatform_NamesTheKnownProfiles()
    {
        var (exitCode, _, error) = Invoke(WriteBurstScenario(), "--platforms", "kafka,kafak");

        Assert.Equal(2, exitCode);
        Assert.Contains("\"kafak\"", error, StringComparison.Ordinal);
        Assert.Contains("automq, kafka, redpanda", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoke_PriceSheetWithAnOldCamelCaseKey_Exits2NamingFileLineAndTheKebabCaseName()
    {
        var sheet = Path.Combine(_directory, "old.yaml");
        var shipped = File.ReadAllText(Path.Combine(Environments(), "pricing", "aws-us-east-1.yaml"));
        File.WriteAllText(sheet, shipped.Replace("billing-minimum:", "billingMinimum:", StringComparison.Ordinal));

        var (exitCode, output, error) = Invoke(WriteBurstScenario(), "--prices", sheet);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        var line = shipped.Split('\n').ToList().FindIndex(l => l.StartsWith("billing-minimum:", StringComparison.Ordinal)) + 1;
        Assert.Contains($"{sheet}:{line}:1: billingMinimum: unknown key \"billingMinimum\"", error, StringComparison.Ordinal);
        Assert.Contains("Fix: rename \"billingMinimum\" to \"billing-minimum\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
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

    private static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = CommandLine.InvokeAsync(new RootCommand { CostCommand.Create() }, ["cost", .. args, "--environments", Environments()], output, error).GetAwaiter().GetResult();
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string Environments()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LoadLab.sln")))
            {
                return Path.Combine(directory.FullName, "environments");
            }
        }

        throw new InvalidOperationException("No LoadLab.sln above the test binaries.");
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

    private string WriteRun()
    {
        var run = Path.Combine(_directory, "20261126-120000-burst");
        Directory.CreateDirectory(run);
        var latency = new Percentiles(5_000, 1, 2, 3, 4, 5, 6, 1.5);
        var summary = new RunSummary
        {
            RunId = "20261126-120000-burst",
            Scenario = "burst",
            StartedAt = DateTimeOffset.Parse("2026-11-26T12:00:00Z", CultureInfo.InvariantCulture),
            Outcome = RunOutcome.Completed,
            DurationSeconds = 4,
            WarmupSeconds = 1,
            Environment = new EnvironmentSummary("embedded", new Dictionary<string, string>()),
            Produce = new ProduceSummary { Target = 5_000, Sent = 5_000, Acked = 5_000, Failed = 0 },
            Consume = new ConsumeSummary(
            [
                new GroupSummary { Group = "audit", Topic = "inference", Consumed = 10_000, Bytes = 10_485_760_000 },
                new GroupSummary { Group = "risk", Topic = "inference", Consumed = 10_000, Bytes = 10_485_760_000 },
            ]),
            LatencyMs = new LatencySummary(latency, latency, latency, latency),
            Rate = new RateSummary { Target = 1000, Achieved = 1000 },
            Partitions = [new PartitionSummary("inference", 0, 10_000, 10_485_760_000, 0)],
            Faults = [new FaultSummary { Action = "partition.reassign", Target = "inference/0", AtSeconds = 4.5, DurationSeconds = 0.2, RecoverySeconds = 7.5, Succeeded = true }],
        };
        File.WriteAllText(Path.Combine(run, "summary.json"), JsonSerializer.Serialize(summary, ResultsJson.Indented));
        File.WriteAllText(Path.Combine(run, "series.csv"), """
            second,targetRate,sent,acked,failed,consumed,queueFull,avgPayloadBytes
            0,1000,1000,1000,0,0,0,1048576
            1,1000,1000,1000,0,0,0,1048576
            2,1000,1000,3000,0,0,0,1048576
            3,1000,1000,1000,0,0,0,1048576
            4,1000,1000,1000,0,0,0,1048576
            """);
        File.WriteAllText(Path.Combine(run, "scenario.yaml"), BurstYaml);
        return run;
    }
}
