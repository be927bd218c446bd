using System.Text.Json;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sessions;
using LoadLab.Environments.Embedded;
using Xunit.Abstractions;

namespace LoadLab.Integration.Tests.Chaos;

/// <summary>
/// Transactional runs on the embedded cluster: transactions, read_committed and read_uncommitted groups, the
/// transaction coordinator killed mid-run, consume-transform-produce pipelines and replay drills, each checked against
/// what the audit must then say.
/// </summary>
public sealed class ExactlyOnceRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-eos-" + Guid.NewGuid().ToString("N"));

    private const string Header = """
        version: 1
        name: eos
        warmup: 1s
        duration: 16s
        seed: 7
        drain-timeout: 10s
        topics:
          - {name: events, partitions: 3, replication-factor: 3}
          - {name: enriched, partitions: 3, replication-factor: 3}
        """;

    [Fact]
    public async Task RunAsync_TransactionCoordinatorKilledMidRun_CommittedMessagesReadExactlyOnceAndEveryTransactionAccounted()
    {
        var scenario = Load(Header + """

            traffic:
              - name: orders
                topic: events
                rate: 500
                producer: {linger.ms: 5}
                transactions: {messages: 50, abort-share: 0.1}
            consumers:
              - {group: committed, topic: events, consumer: {isolation.level: read_committed, fetch.wait.max.ms: 10}}
              - {group: uncommitted, topic: events, consumer: {isolation.level: read_uncommitted, fetch.wait.max.ms: 10}}
            faults:
              - {at: 5s, action: broker.kill, target: {transaction-coordinator-of: orders}, duration: 4s}
            slos:
              - {metric: txn.p99, max: 60000}
              - {metric: torn, group: committed, max: 0}
            """);

        var summary = await RunAsync(scenario);

        Keep();
        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        var fault = Assert.Single(summary.Faults);
        Assert.True(fault.Succeeded, fault.Detail);
        Assert.Contains("transaction coordinator of orders", fault.Target, StringComparison.Ordinal);
        var transactions = Assert.Single(summary.Transactions);
        Assert.Equal("orders", transactions.Owner);
        Assert.True(transactions.Committed > 100, $"committed {transactions.Committed}");
        Assert.True(transactions.AbortedOnPurpose > 0, $"aborted on purpose {transactions.AbortedOnPurpose}");
        Assert.NotNull(transactions.LatencyMs);
        var audit = summary.Audit!;
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        var committed = audit.Groups.Single(g => g.Group == "committed");
        var uncommitted = audit.Groups.Single(g => g.Group == "uncommitted");
        Assert.Equal("read_committed", committed.Isolation);
        Assert.Equal("read_uncommitted", uncommitted.Isolation);
        Assert.Equal(0, committed.Torn);
        Assert.Equal(0, uncommitted.AbortedVisible);
    }

    [Fact]
    public async Task RunAsync_PipelineTransactionCoordinatorKilled_EachInputHasExactlyOneOutput()
    {
        var scenario = Load(Header + """

            traffic:
              - {name: orders, topic: events, rate: 300, producer: {linger.ms: 5}}
            consumers:
              - group: enricher
                topic: events
                consumer: {fetch.wait.max.ms: 10}
                transform: {to: enriched, transactions: {messages: 20}}
              - {group: verifier, topic: enriched, consumer: {isolation.level: read_committed, fetch.wait.max.ms: 10}}
            faults:
              - {at: 5s, action: broker.kill, target: {transaction-coordinator-of: enricher}, duration: 4s}
            slos:
              - {metric: outputs.lost, group: enricher, max: 0}
              - {metric: outputs.duplicated, group: enricher, max: 0}
              - {metric: txn.p99, group: enricher, max: 60000}
            """);

        var summary = await RunAsync(scenario);

        Keep();
        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        var fault = Assert.Single(summary.Faults);
        Assert.True(fault.Succeeded, fault.Detail);
        Assert.Contains("transaction coordinator of enricher", fault.Target, StringComparison.Ordinal);
        var transactions = Assert.Single(summary.Transactions);
        Assert.Equal(("enricher", "group"), (transactions.Owner, transactions.Kind));
        Assert.True(transactions.Committed > 50, $"committed {transactions.Committed}");
        var pipeline = Assert.Single(summary.Audit!.Pipelines);
        Assert.Equal(("enricher", "events", "enriched", "verifier"), (pipeline.Group, pipeline.InputTopic, pipeline.OutputTopic, pipeline.VerifiedBy));
        Assert.Equal(summary.Audit.Groups.Single(g => g.Group == "enricher").Delivered, pipeline.Inputs);
        Assert.True(pipeline.Inputs >= 4_000, $"inputs {pipeline.Inputs}");
        Assert.Equal((pipeline.Inputs, 0L, 0L), (pipeline.ExactlyOnce, pipeline.LostOutputs, pipeline.DuplicatedOutputs));
        Assert.All(summary.Slo, slo => Assert.True(slo.Passed, $"{slo.Name}: {slo.Observed}"));
        Assert.All(summary.Slo, slo => Assert.Equal("enricher", slo.Group));
    }

    [Fact]
    public async Task RunAsync_AbortedTransactionsReadByAReadCommittedGroup_AreReportedAbortedVisibleNotDelivered()
    {
        // The embedded cluster's Fetch answers every consumer as read_uncommitted (librdkafka src/rdkafka_mock_handlers.c:
        // LastStableOffset = end offset, no aborted transactions listed), so its read_committed group reads the messages of
        // aborted transactions: exactly the anomaly the audit must catch. Every such message is aborted-visible for the
        // read_committed group and by design for the read_uncommitted one; none counts as delivered, lost or duplicated.
        var scenario = Load(Header + """

            traffic:
              - {name: orders, topic: events, rate: 400, producer: {linger.ms: 5}, transactions: {messages: 40, abort-share: 0.25}}
            consumers:
              - {group: committed, topic: events, consumer: {isolation.level: read_committed, fetch.wait.max.ms: 10}}
              - {group: uncommitted, topic: events, consumer: {isolation.level: read_uncommitted, fetch.wait.max.ms: 10}}
            slos:
              - {metric: aborted-visible, group: committed, max: 0}
              - {metric: aborted-visible, group: uncommitted, max: 0}
            """);

        var summary = await RunAsync(scenario);

        Keep();
        var transactions = Assert.Single(summary.Transactions);
        Assert.True(transactions.AbortedOnPurpose >= 10, $"aborted {transactions.AbortedOnPurpose}");
        var audit = summary.Audit!;
        var committed = audit.Groups.Single(g => g.Group == "committed");
        var uncommitted = audit.Groups.Single(g => g.Group == "uncommitted");
        // Every message of an aborted transaction: its 40 messages, written before the abort.
        Assert.Equal(transactions.AbortedOnPurpose * 40, committed.Aborted);
        Assert.Equal(committed.Aborted, committed.AbortedVisible);
        Assert.Equal((committed.Aborted, 0L), (uncommitted.Aborted, uncommitted.AbortedVisible));
        Assert.Equal(committed.AbortedVisible, audit.AbortedVisible);
        Assert.Contains(audit.Examples, e => e.Kind == "aborted-visible");
        Assert.Equal((0L, 0L, 0L), (audit.Lost, audit.Duplicated, committed.Torn));
        Assert.Equal(audit.Acked - committed.Aborted, committed.Delivered);
        Assert.Equal([false, true], summary.Slo.Select(s => s.Passed));
        Assert.Equal(["committed", "uncommitted"], summary.Slo.Select(s => s.Group));
    }

    [Fact]
    public async Task RunAsync_GroupReplayedTenThousandMessagesBack_CountsReplayedNotDuplicatedAndReportsCatchUp()
    {
        // One partition, so that 10,000 messages back is 10,000 re-reads (the rewind is per partition).
        // The replay at 6 s leaves 24 s for the lag to stay within its baseline for the recovery's 10 s hold window:
        // catch-up takes well under a second, but on a busy machine both groups' lag can jump past the baseline for a
        // moment later on (in CI beside four builds: 236 messages, a 0.17 s stall at 2,000 msg/s, 6 s after the
        // replay), and the hold then starts again from there.
        var scenario = Load(Header.Replace("{name: events, partitions: 3", "{name: events, partitions: 1", StringComparison.Ordinal).Replace("duration: 16s", "duration: 30s", StringComparison.Ordinal) + """

            traffic:
              - {name: orders, topic: events, rate: 2000, producer: {linger.ms: 5}, payload: {size: 100}}
            consumers:
              - {group: audit, topic: events, consumer: {fetch.wait.max.ms: 10}}
              - {group: scorer, topic: events, consumer: {fetch.wait.max.ms: 10}}
            faults:
              - {at: 6s, action: group.replay, target: {group: audit}, rewind: {messages: 10000}}
            slos:
              - {metric: duplicated, group: audit, max: 0}
              - {metric: replay.catch-up, group: audit, max: 30}
              - {metric: e2e.p99, group: scorer, max: 60000}
              - {metric: e2e.p99, group: audit, max: 1}
            """);

        var summary = await RunAsync(scenario);

        Keep();
        Assert.Equal(RunOutcome.Completed, summary.Outcome);
        var fault = Assert.Single(summary.Faults);
        Assert.True(fault.Succeeded, fault.Detail);
        var replay = Assert.Single(summary.Replays);
        Assert.True(replay.Succeeded);
        Assert.Equal(10_000, replay.OffsetsRewound);
        Assert.Equal(10_000, replay.Replayed);
        Assert.NotNull(replay.CatchUpSeconds);
        var audit = summary.Audit!;
        var replayed = audit.Groups.Single(g => g.Group == "audit");
        Assert.Equal((10_000L, 0L, 0L), (replayed.Replayed, replayed.Duplicated, replayed.Lost));
        Assert.Equal(0, audit.Groups.Single(g => g.Group == "scorer").Replayed);
        Assert.Equal(2, replay.Impact.Count);
        // Per-group SLOs are evaluated on each group's own numbers: the scorer's loose e2e bound passes while the
        // audit group's 1 ms bound fails on its own end-to-end latency.
        Assert.Equal([true, true, true, false], summary.Slo.Select(s => s.Passed));
        Assert.Equal(MeasuredP99("endToEnd.audit"), summary.Slo[3].Observed);
        Assert.Equal(MeasuredP99("endToEnd.scorer"), summary.Slo[2].Observed);
        Assert.NotEqual(summary.Slo[2].Observed, summary.Slo[3].Observed);
    }

    /// <summary>The p99 (ms) of a histogram log's intervals after the 1 s warm-up.</summary>
    private double MeasuredP99(string log)
    {
        var merged = HistogramInterval.Merge(HistogramLog.Read(Path.Combine(_directory, "histograms", log + ".hlog")).Where(i => i.MidpointSeconds >= 1));
        return merged!.GetValueAtPercentile(99) / 1000.0;
    }

    private static Scenario Load(string yaml)
    {
        var result = ScenarioLoader.Parse(yaml, "eos.yaml");
        Assert.Empty(result.Problems.Select(p => p.ToString()));
        return result.Scenario!;
    }

    private async Task<RunSummary> RunAsync(Scenario scenario)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var options = new EmbeddedOptions { DetectionDelay = TimeSpan.FromSeconds(1), PreferredLeaderRestoreDelay = TimeSpan.FromSeconds(1) };
        await using var session = await RunSession.StartAsync(new EmbeddedClusterProvider(options), SessionOptions.For(scenario, "test"), timeout.Token);
        return await session.RunAsync(new RunRequest { Scenario = scenario, RunId = "test", ResultsDirectory = _directory }, timeout.Token);
    }

    /// <summary>Copies the results folder to LOADLAB_KEEP_RESULTS/&lt;test&gt; when set (for the numbers of a closing note).</summary>
    private void Keep([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (Environment.GetEnvironmentVariable("LOADLAB_KEEP_RESULTS") is { Length: > 0 } keep)
        {
            var target = Path.Combine(keep, test);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(target, Path.GetRelativePath(_directory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy, overwrite: true);
            }
        }

        output.WriteLine(File.ReadAllText(Path.Combine(_directory, "summary.json")));
    }

    private List<JsonElement> Events() =>
        [.. File.ReadAllLines(Path.Combine(_directory, "events.jsonl")).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
