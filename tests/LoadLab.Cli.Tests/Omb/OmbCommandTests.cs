using System.CommandLine;
using System.Text.Json;
using LoadLab.Cli.Commands;
using LoadLab.Cli.Tests.Reports;

namespace LoadLab.Cli.Tests.Omb;

public sealed class OmbCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-omb-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public void ImportOmb_MaxRateWorkloadToFile_WritesAValidScenarioAndNamesWhatIsNotHonoured()
    {
        var scenario = Path.Combine(_directory, "max-rate.yaml");

        var exitCode = Invoke(ImportCommand.Create(), "omb", Workload("max-rate-1-topic-16-partitions-1kb"), "-o", scenario);

        Assert.True(exitCode == 0, _error.ToString());
        var output = _output.ToString();
        Assert.Contains("NOT HONOURED  producerRate", output, StringComparison.Ordinal);
        Assert.Contains("NOT HONOURED  payloadFile", output, StringComparison.Ordinal);
        Assert.Contains("Not honoured: payloadFile, producerRate.", output, StringComparison.Ordinal);
        Assert.Contains("--workload \"Max rate 1 producer on 1 topic / 1 partition\"", output, StringComparison.Ordinal);
        using var validation = new StringWriter();
        Assert.True(ValidateCommand.Run([scenario], validation, validation) == 0, validation.ToString());
        Assert.Contains("rate: 10000", File.ReadAllText(scenario), StringComparison.Ordinal);
    }

    [Fact]
    public void ImportOmb_WithoutOutputFile_PrintsTheScenarioAloneOnStandardOutput()
    {
        var exitCode = Invoke(ImportCommand.Create(), "omb", Workload("1-topic-1-partition-1kb"));

        Assert.Equal(0, exitCode);
        Assert.StartsWith("# Imported by 'loadlab import omb'", _output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("NOT HONOURED", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("NOT HONOURED  payloadFile", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ImportOmb_MisspeltField_ExitsTwoNamingFileLineAndFix()
    {
        var workload = Path.Combine(_directory, "typo.yaml");
        File.WriteAllText(workload, "topics: 1\npartitionsPerTopic: 1\nmessageSize: 100\nproducersPerTopic: 1\ntestDuration: 5\n");

        var exitCode = Invoke(ImportCommand.Create(), "omb", workload);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{workload}:5:", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("rename \"testDuration\" to \"testDurationMinutes\"", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _output.ToString());
    }

    [Fact]
    public void ExportOmb_FixtureRun_WritesOmbResultJsonIntoTheRunFolder()
    {
        var run = CopyFixture("broker-kill-embedded");

        var exitCode = Invoke(ExportCommand.Create(), "omb", run, "--workload", "1 topic / 6 partitions");

        Assert.True(exitCode == 0, _error.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "omb-result.json")));
        var root = json.RootElement;
        Assert.Equal("1 topic / 6 partitions", root.GetProperty("workload").GetString());
        Assert.Equal("LoadLab embedded", root.GetProperty("driver").GetString());
        Assert.Equal(62, root.EnumerateObject().Count());
        Assert.True(root.GetProperty("publishRate").GetArrayLength() > 0);
        Assert.Equal(root.GetProperty("publishRate").GetArrayLength(), root.GetProperty("endToEndLatency99pct").GetArrayLength());
        Assert.Contains("service latency", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExportOmb_NotARunFolder_ExitsTwoWithoutAStackTrace()
    {
        var exitCode = Invoke(ExportCommand.Create(), "omb", _directory);

        Assert.Equal(2, exitCode);
        Assert.Contains("has no summary.json", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Workload(string name) => Path.Combine(AppContext.BaseDirectory, "OmbWorkloads", name + ".yaml");

    private int Invoke(Command command, params string[] arguments) =>
        command.Parse(arguments).Invoke(new InvocationConfiguration { Output = _output, Error = _error });

    private string CopyFixture(string name) => ReportFixtures.Copy(name, _directory);
}
