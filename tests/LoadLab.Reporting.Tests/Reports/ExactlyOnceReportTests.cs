using System.Text.Json;
using LoadLab.Core.Results;
using LoadLab.Reporting.Reports;

namespace LoadLab.Reporting.Tests.Reports;

/// <summary>A transactional run's report: transactions, each group's promises and audit, pipelines and replays, from summary.json only.</summary>
public sealed class ExactlyOnceReportTests
{
    [Fact]
    public void Markdown_TransactionalRunWithPipelineReplayAndGroupSlos_ShowsEachConsumerBoundarySeparately()
    {
        var run = TestPaths.CopyOfFixture("broker-kill-embedded", "report-eos");
        var path = Path.Combine(run, "summary.json");
        var summary = ResultsJson.ReadSummary(path);
        var percentiles = summary.LatencyMs.Produce;
        summary = summary with
        {
            LatencyMs = summary.LatencyMs with { Transaction = percentiles with { P99 = 1599.487 } },
            Transactions =
            [
                new TransactionSummary { Owner = "orders", Kind = "stream", TransactionalIds = ["loadlab.events.orders.0"], Committed = 147, AbortedOnPurpose = 23, Fenced = 1, LatencyMs = percentiles with { P99 = 1599.487 } },
            ],
            Replays =
            [
                new ReplaySummary
                {
                    Group = "fraud-scorer", AtSeconds = 6.04, Succeeded = true, Rewind = "10000 messages back per partition", OffsetsRewound = 10_000, Replayed = 10_000,
                    ReReadSeconds = 0.059, CatchUpSeconds = 2.5, Impact = [new("fraud-scorer", true, 51.6, 77.5), new("audit-archiver", false, 51.6, 66.2)],
                },
            ],
            Audit = summary.Audit! with
            {
                Groups = [new GroupAudit("fraud-scorer", 7350, 0, 0, 0, 0, 0, 0) { Isolation = "read_committed", Aborted = 1150, AbortedVisible = 1150, Replayed = 10_000 }],
                Pipelines = [new PipelineAudit { Group = "enricher", InputTopic = "events", OutputTopic = "enriched", VerifiedBy = "verifier", Inputs = 4_800, ExactlyOnce = 4_799, DuplicatedOutputs = 1 }],
            },
            Slo =
            [
                new SloResult("fraud-scorer e2e.p99 overall <= 200", "overall", 200, 77.5, true, "<=") { Group = "fraud-scorer" },
                new SloResult("audit-archiver lag.seconds overall <= 300", "overall", 300, 7.5, true, "<=") { Group = "audit-archiver" },
                new SloResult("lost overall <= 0", "overall", 0, 0, true, "<="),
            ],
        };
        File.WriteAllText(path, JsonSerializer.Serialize(summary, ResultsJson.Indented));

        ReportGenerator.Generate(run);
        var markdown = File.ReadAllText(Path.Combine(run, ReportGenerator.MarkdownFile));
        var html = File.ReadAllText(Path.Combine(run, ReportGenerator.HtmlFile));

        Assert.Contains("SLOs per consumer group", markdown, StringComparison.Ordinal);
        // The groups' promises come in the summary's group order, the run's last.
        Assert.True(
            markdown.IndexOf("| fraud-scorer | fraud-scorer e2e.p99", StringComparison.Ordinal) < markdown.IndexOf("| audit-archiver | audit-archiver lag.seconds", StringComparison.Ordinal)
            && markdown.IndexOf("| audit-archiver | audit-archiver lag.seconds", StringComparison.Ordinal) < markdown.IndexOf("| (run) | lost overall", StringComparison.Ordinal),
            markdown);
        Assert.Contains("| stream orders | 147 | 23 | 0 | **1** | 0 | 0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| fraud-scorer | read_committed | 7,350 | 0 | 0 | 1,150 | **1,150** | 0 | 10,000 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| enricher: events → enriched (verified by verifier) | 4,800 | 4,799 | 0 | **1** |", markdown, StringComparison.Ordinal);
        Assert.Contains("| fraud-scorer: 10000 messages back per partition | 6.0 s | 10,000 | 10,000 | 0.1 s | 2.5 s | fraud-scorer (replayed) |", markdown, StringComparison.Ordinal);
        Assert.Contains("<h2>Replay drills</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Exactly-once pipelines (input → output)</h2>", html, StringComparison.Ordinal);
    }
}
