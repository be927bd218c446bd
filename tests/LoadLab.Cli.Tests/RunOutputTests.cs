using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LoadLab.Core.Results;

namespace LoadLab.Cli.Tests;

/// <summary>
/// What a run prints, read back the way a CI log or a terminal shows it: at any width, redirected or not, every
/// number and name stays whole on its line and equals summary.json; counts that should agree do; a run with a fault
/// shows the fault; events.jsonl is in time order and every event type in it is documented.
/// </summary>
public sealed partial class RunOutputTests : IDisposable
{
    private const string GroupName = "scorers-with-a-group-name-longer-than-a-narrow-terminal";

    private const string ChaosScenario = $$$"""
        version: 1
        name: chaos-tiny
        description: a leader move under load, for the console output tests
        warmup: 1s
        duration: 6s
        drain-timeout: 10s
        topics:
          - {name: events, partitions: 2, replication-factor: 3}
        traffic:
          - name: predictions
            topic: events
            rate: 1531
            payload: {kind: fixed, size: 200}
            producer: {acks: all}
        consumers:
          - {group: {{{GroupName}}}, topic: events, instances: 1}
        faults:
          - {at: 3s, action: leader.move, target: {partition: events/0}}
        slos:
          - {metric: lost, max: 0}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-output-").FullName;

    public static TheoryData<string, int> Consoles() => new()
    {
        { "redirected", 40 },
        { "redirected", 80 },
        { "redirected", 250 },
        { "terminal", 40 },
    };

    [Theory]
    [MemberData(nameof(Consoles))]
    public async Task Run_WithAFault_PrintsEveryNumberWholeAndEqualToTheSummaryAndEventsInTimeOrder(string console, int columns)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "chaos.yaml"), ChaosScenario);
        string[] arguments = ["run", "chaos.yaml", "--out", "out"];

        var result = console == "terminal"
            ? await CliProcess.RunInTerminalAsync(_directory, TimeSpan.FromMinutes(2), columns, arguments)
            : await CliProcess.RunAsync(_directory, TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["COLUMNS"] = columns.ToString(CultureInfo.InvariantCulture) }, arguments);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(_directory, "out")));
        var s = ResultsJson.ReadSummary(Path.Combine(run, "summary.json"));
        var lines = result.Output.Split('\n').Select(line => line.TrimEnd()).ToList();

        Assert.Equal(D(s.Produce.Target, s.Produce.Sent, s.Produce.Acked, s.Produce.Failed), Numbers(lines, MeasuredMessages()));
        Assert.Equal(D(s.Produce.WholeRun!.Sent, s.Produce.WholeRun.Acked, s.Produce.WholeRun.Failed), Numbers(lines, WholeRunMessages()));
        Assert.Equal(D(s.Rate.Target, s.Rate.Achieved), Numbers(lines, Rate()));
        Assert.Equal(D(s.Consume.Groups[0].Consumed, s.Consume.Groups[0].MaxLagMessages, s.Consume.Groups[0].MaxLagSeconds, s.Consume.Groups[0].FinalLagMessages), Numbers(lines, Group()));
        var audit = s.Audit!;
        Assert.Equal(D(audit.Acked, audit.Delivered, audit.Lost, audit.LostWithoutOffset, audit.Duplicated, audit.DuplicatedInLog, audit.Reordered, audit.Truncated, audit.Indeterminate, audit.Unreached), Numbers(lines, Audit()));
        foreach (var (name, p) in new[] { ("produce", s.LatencyMs.Produce), ("end-to-end", s.LatencyMs.EndToEnd), ("service", s.LatencyMs.Service), ("schedule delay", s.LatencyMs.ScheduleDelay) })
        {
            Assert.Equal(D(p.P50, p.P90, p.P99, p.P999, p.P9999, p.Max, p.Count), Numbers(lines, LatencyRow(name)));
        }

        // Counts that should agree do: the audit checks every acknowledged message of the run, and the produce
        // latencies are those of the measured acknowledged messages.
        Assert.Equal(s.Produce.WholeRun.Acked, audit.Acked);
        Assert.Equal(s.Produce.Acked, s.LatencyMs.Produce.Count);

        // The fault, its observed effect and its recovery are on the console, not only in the report.
        var fault = Assert.Single(s.Faults);
        Assert.Equal(D(Math.Round(fault.AtSeconds, 3), fault.PeakLagMessages, Math.Round(fault.PeakLagSeconds, 3), Math.Round(fault.UnavailableSeconds, 3)), Numbers(lines, FaultRow(fault.Action)));
        Assert.Contains(lines, line => line.Contains($"{fault.Action} {fault.Target}", StringComparison.Ordinal) && line.Contains("observed", StringComparison.Ordinal));

        Assert.Contains($"Results: {run}", lines);
        AssertEventsInTimeOrderAndDocumented(Path.Combine(run, "events.jsonl"));
    }

    [Fact]
    public void ResultsReadme_DocumentsExactlyTheEventTypesTheEngineWrites()
    {
        var written = typeof(RunEventTypes).GetFields().Select(field => (string)field.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var literals = Directory.EnumerateFiles(Repository.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && Path.GetFileName(path) != "RunEventTypes.cs")
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (Place: $"{Path.GetFileName(path)}:{index + 1}", Line: line)))
            .Where(x => EventWithALiteralType().IsMatch(x.Line))
            .Select(x => x.Place);

        Assert.Equal(written.Order(StringComparer.Ordinal), ResultsReadme.EventTypes().Order(StringComparer.Ordinal));
        Assert.Empty(literals);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void AssertEventsInTimeOrderAndDocumented(string path)
    {
        var events = File.ReadAllLines(path).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return (T: json.RootElement.GetProperty("t").GetDouble(), Type: json.RootElement.GetProperty("type").GetString()!);
        }).ToList();
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i - 1].T <= events[i].T, $"line {i + 1} ({events[i].Type} at {events[i].T}) comes after {events[i - 1].Type} at {events[i - 1].T}");
        }

        var documented = ResultsReadme.EventTypes();
        Assert.All(events, e => Assert.Contains(e.Type, documented));
        var types = events.Select(e => e.Type).ToHashSet();
        Assert.Superset(new HashSet<string> { "run.preparing", "group.coordinator", "group.rebalanced", "groups.joined", "run.started", "warmup.ended", "fault.injected", "run.stopping", "run.ended" }, types);
        Assert.Equal(0, events.First(e => e.Type == "run.started").T);
        Assert.Equal(1, events.Single(e => e.Type == "warmup.ended").T);
    }

    /// <summary>An event written with its type spelled out instead of a <see cref="RunEventTypes"/> constant.</summary>
    [GeneratedRegex(@"\bEvent\((?:[^,()]+, )?""[a-z]+(?:\.[a-zA-Z]+)*""")]
    private static partial Regex EventWithALiteralType();

    private static List<double> D(params double[] values) => [.. values];

    /// <summary>The numbers of the one line that matches <paramref name="pattern"/>; fails when no line or several do.</summary>
    private static List<double> Numbers(List<string> lines, Regex pattern)
    {
        var matches = lines.Select(line => pattern.Match(line)).Where(m => m.Success).ToList();
        var match = Assert.Single(matches);
        return [.. match.Groups.Values.Skip(1).Where(g => g.Name.StartsWith('n')).Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture))];
    }

    private const string N = @"-?\d+(?:\.\d+)?";

    [GeneratedRegex($@"^  messages \(measured\)\s+target (?<n1>{N}), sent (?<n2>{N}), acked (?<n3>{N}), failed (?<n4>{N})$")]
    private static partial Regex MeasuredMessages();

    [GeneratedRegex($@"^  messages \(whole run\)\s+sent (?<n1>{N}), acked (?<n2>{N}), failed (?<n3>{N})$")]
    private static partial Regex WholeRunMessages();

    [GeneratedRegex($@"^  rate \(measured\)\s+target (?<n1>{N}) msg/s, achieved (?<n2>{N}) msg/s$")]
    private static partial Regex Rate();

    [GeneratedRegex($@"^  group {GroupName}\s+consumed (?<n1>{N}) \(whole run\), max lag (?<n2>{N}) msg / (?<n3>{N}) s, final lag (?<n4>{N}) msg$")]
    private static partial Regex Group();

    [GeneratedRegex($@"^  delivery audit\s+of (?<n1>{N}) acked \(whole run\): delivered (?<n2>{N}), lost (?<n3>{N}) \((?<n4>{N}) without an offset\), duplicated (?<n5>{N}) \((?<n6>{N}) in the log\), reordered (?<n7>{N}), truncated (?<n8>{N}), indeterminate (?<n9>{N}), unreached (?<n10>{N})$")]
    private static partial Regex Audit();

    private static Regex LatencyRow(string metric) =>
        new($@"^  {Regex.Escape(metric)}\s+(?<n1>{N})\s+(?<n2>{N})\s+(?<n3>{N})\s+(?<n4>{N})\s+(?<n5>{N})\s+(?<n6>{N})\s+(?<n7>{N})$");

    // #, fault, at, for, effect, recovery, peak lag msg, peak lag s, unavailable s, errors
    private static Regex FaultRow(string action) =>
        new($@"^  1  {Regex.Escape(action)} .+?\s{{2,}}(?<n1>{N})\s+(?:-|{N})\s+observed\s+(?:not recovered|{N})\s+(?<n2>{N})\s+(?<n3>{N})\s+(?<n4>{N})\s+\S.*$");
}
