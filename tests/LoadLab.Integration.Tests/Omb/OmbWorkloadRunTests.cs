using System.Text.RegularExpressions;
using LoadLab.Core.Capacity;
using LoadLab.Core.Environments;
using LoadLab.Core.Omb;
using LoadLab.Core.Results;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Environments.Embedded;

namespace LoadLab.Integration.Tests.Omb;

public sealed partial class OmbWorkloadRunTests : IDisposable
{
    /// <summary>OMB's rates are for real clusters; a few seconds at this total rate show the mapping runs, on two shared cores.</summary>
    private const double TestRate = 1_000;

    /// <summary>
    /// The mock forms a group in rounds: 3 s for the first members, then session.timeout.ms − 1 s (9 s) for each member
    /// that missed a round. Four members of the 100-partition workload joined in 3 s on a quiet machine, 12 s at a load
    /// average of 15 (six busy loops beside the test), and more than the run's default 30 s once in CI beside other
    /// work: the run then started without its consumers and the measured seconds held no end-to-end latency at all.
    /// </summary>
    private static readonly TimeSpan GroupJoinTimeout = TimeSpan.FromSeconds(90);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-omb-run-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("1-topic-1-partition-1kb")]
    [InlineData("1-topic-100-partitions-1kb-4p-4c-200k")]
    [InlineData("max-rate-1-topic-16-partitions-1kb")]
    public async Task ImportedOmbWorkload_RunForAFewSecondsOnTheEmbeddedCluster_DeliversEverythingAndExportsToOmbFormat(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "OmbWorkloads", name + ".yaml");
        var loaded = OmbWorkloadReader.Load(path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var imported = OmbImport.ToScenario(loaded.Value!, path);
        var scenario = ScenarioScaling.Scale(imported.Scenario, TestRate, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)) with
        {
            DrainTimeout = TimeSpan.FromSeconds(10),
        };

        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(), SessionOptions.For(scenario, "omb"), CancellationToken.None);
        var summary = await session.RunAsync(
            new RunRequest { Scenario = scenario, RunId = "omb", ResultsDirectory = _directory, ScenarioYaml = imported.Yaml, GroupJoinTimeout = GroupJoinTimeout },
            CancellationToken.None);

        // The load starts once the group has joined: end-to-end latencies of the measured seconds need a consumer.
        // Every member, not only every partition: a member joining after the start would stop the whole group for a
        // rebalance round in the middle of the run.
        var events = File.ReadLines(Path.Combine(_directory, RunFiles.Events)).ToList();
        var groupEvents = string.Join("\n", events.Where(line => line.Contains("\"group", StringComparison.Ordinal) || line.Contains("\"run.", StringComparison.Ordinal)));
        var joined = events.FindIndex(line => line.Contains($"\"{RunEventTypes.GroupsJoined}\"", StringComparison.Ordinal));
        Assert.Contains("\"notJoined\":[]", events[joined], StringComparison.Ordinal);
        var members = events.Take(joined)
            .Where(line => line.Contains($"\"{RunEventTypes.GroupRebalanced}\"", StringComparison.Ordinal))
            .Select(line => MemberName().Match(line).Groups["member"].Value)
            .Distinct();
        Assert.True(members.Count() == loaded.Value!.Workload.ConsumerPerSubscription, groupEvents);
        Assert.DoesNotContain(events.Skip(joined), line => line.Contains($"\"{RunEventTypes.GroupRebalanced}\"", StringComparison.Ordinal));
        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        Assert.Equal(4_000, summary.Produce.Target);
        Assert.Equal(summary.Produce.Sent, summary.Produce.Acked);
        Assert.Equal(0, summary.Produce.Failed);
        var group = Assert.Single(summary.Consume.Groups);
        Assert.True(group.FinalLagMessages == 0, $"{group.FinalLagMessages} messages unread after the drain\n{groupEvents}");
        Assert.Equal(summary.Partitions.Sum(p => p.Messages), group.Consumed);
        Assert.Equal(0, summary.Audit!.Lost);

        var export = OmbExport.FromRun(RunResults.Load(_directory), imported.WorkloadName).Result;
        Assert.Equal(imported.WorkloadName, export.Workload);
        Assert.Equal((1, loaded.Value!.Workload.PartitionsPerTopic, 1024L), (export.Topics, export.Partitions, export.MessageSize));
        Assert.Equal(loaded.Value.Workload.ProducersPerTopic, export.ProducersPerTopic);
        var period = Assert.Single(export.PublishRate);
        Assert.InRange(period, TestRate * 0.9, TestRate * 1.1);
        Assert.True(export.AggregatedEndToEndLatency.P50 > 0);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [GeneratedRegex("\"member\":\"(?<member>[^\"]+)\"")]
    private static partial Regex MemberName();
}
