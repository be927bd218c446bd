using System.Text.Json;
using System.Text.Json.Nodes;
using HdrHistogram;
using LoadLab.Core.Results;
using Xunit.Abstractions;

namespace LoadLab.Cli.Tests.Segments;

/// <summary>
/// A scenario split over three worker processes against <c>cluster serve</c> in another process, merged with
/// <c>loadlab merge</c>; then the merged delivery audit shown able to fail on copies of the same folders.
/// </summary>
public sealed class SplitRunTests(SplitRunFixture run, ITestOutputHelper output) : IClassFixture<SplitRunFixture>
{
    [Fact]
    public async Task Merge_ThreeWorkerProcesses_CountsAreTheSumsAuditCleanRateOnTarget()
    {
        AssertWorkersSucceeded();
        var merged = Path.Combine(run.Directory, "merged");

        var result = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(120), ["merge", .. run.SegmentFolders, "--out", merged]);

        output.WriteLine(result.Output + result.Error);
        Assert.True(result.ExitCode == 0, result.Error);
        var segments = run.SegmentFolders.Select(Summary).ToList();
        var summary = Summary(merged);
        var audit = summary.Audit!;
        output.WriteLine($"merged: acked {summary.Produce.Acked} sent {summary.Produce.Sent} target {summary.Produce.Target} achieved {summary.Rate.Achieved}/s; audit {JsonSerializer.Serialize(audit)}");
        Assert.Equal(segments.Sum(s => s.Produce.Acked), summary.Produce.Acked);
        Assert.Equal(segments.Sum(s => s.Produce.Sent), summary.Produce.Sent);
        Assert.Equal(segments.Sum(s => s.Consume.Groups.Single().Consumed), summary.Consume.Groups.Single().Consumed);
        Assert.Equal(3, summary.Consume.Groups.Single().Instances);

        // No warm-up: every acknowledged message is in the measured window, each counted once by the audit, and each
        // acknowledgement is one value in the produce histograms (per-second and measured) of its worker and of the merge.
        Assert.Equal(summary.Produce.Acked, audit.Acked);
        Assert.Equal(audit.Acked, audit.Delivered);
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        Assert.Equal(0, audit.Reordered);
        Assert.Equal(0, audit.Indeterminate);
        Assert.Equal(summary.Produce.Acked, summary.LatencyMs.Produce.Count);
        Assert.Equal(segments.Sum(s => s.LatencyMs.Produce.Count), summary.LatencyMs.Produce.Count);
        Assert.Equal(segments.Sum(s => s.LatencyMs.EndToEnd.Count), summary.LatencyMs.EndToEnd.Count);
        Assert.Equal(run.SegmentFolders.Sum(f => LogCount(f, "produce")), LogCount(merged, "produce"));
        Assert.Equal(summary.Produce.Acked, LogCount(merged, "produce"));
        Assert.Equal(run.SegmentFolders.Sum(f => LogCount(f, "endToEnd")), LogCount(merged, "endToEnd"));

        var target = SplitRunFixture.Rate;
        Assert.True(Math.Abs(summary.Rate.Achieved - target) / target < 0.01, $"achieved {summary.Rate.Achieved}/s against {target}/s");
        Assert.Equal(target, summary.Rate.Target);
        Assert.Equal(SplitRunFixture.Workers, summary.Workers!.Count);
        Assert.True(summary.Workers.Merged);
        Assert.Equal(0, summary.Workers.EndToEndSkewBoundMs);
        Assert.True(summary.Workers.EndToEndSameWorker!.Count > 0);
        Assert.True(File.Exists(Path.Combine(merged, "report.html")));
    }

    [Fact]
    public async Task Merge_AConsumedRecordRemovedFromOneWorker_ThatMessageIsLost()
    {
        AssertWorkersSucceeded();
        var copies = run.CopySegments("lost");
        var log = ReadLogs(copies[1]).First(l => l.Records.Count > 0);
        var removed = log.Records[log.Records.Count / 2];
        RewriteLog(log, [.. log.Records.Where(r => r != removed)]);

        var audit = await MergeAuditAsync(copies, "lost-merged");

        Assert.Equal(1, audit.Lost);
        Assert.Equal(audit.Acked - 1, audit.Delivered);
        Assert.Equal(0, audit.Duplicated);
        var example = Assert.Single(audit.Examples, e => e.Kind == "lost");
        Assert.Equal((removed.ProducerId, removed.Sequence, removed.Partition, removed.Offset), (example.ProducerId, example.Sequence, example.Partition, example.Offset));
    }

    [Fact]
    public async Task Merge_AMessageConsumedOnTwoWorkers_IsDuplicated()
    {
        AssertWorkersSucceeded();
        var copies = run.CopySegments("duplicated");
        var source = ReadLogs(copies[0]).First(l => l.Records.Count > 0);
        var copied = source.Records[source.Records.Count / 2];
        var other = ReadLogs(copies[2]).First(l => l.Records.Count > 0);
        // Read again on worker 2, a little later, at the same place: a redelivery across workers.
        RewriteLog(other, Insert(other.Records, copied with { TimeMicros = copied.TimeMicros + 500_000 }));

        var audit = await MergeAuditAsync(copies, "duplicated-merged");

        Assert.Equal(1, audit.Duplicated);
        Assert.Equal(0, audit.Lost);
        Assert.Equal(audit.Acked, audit.Delivered);
        var example = Assert.Single(audit.Examples, e => e.Kind == "duplicated");
        Assert.Equal((copied.ProducerId, copied.Sequence), (example.ProducerId, example.Sequence));
    }

    [Fact]
    public async Task Merge_AReadMovedToAnotherWorkerAfterALaterSequence_IsReordered()
    {
        AssertWorkersSucceeded();
        var copies = run.CopySegments("reordered");
        var source = ReadLogs(copies[0]).First(l => l.Records.Count > 10);
        // Two reads of one producer on one partition, the lower sequence first; the first is moved to worker 1 and
        // read there just after the second: across workers, the producer's sequence goes backwards.
        var (first, second) = source.Records
            .Select((r, i) => (r, i))
            .SelectMany(a => source.Records.Skip(a.i + 1).Where(b => b.ProducerId == a.r.ProducerId && b.Partition == a.r.Partition).Take(1).Select(b => (a.r, b)))
            .First(p => p.r.Sequence < p.b.Sequence);
        RewriteLog(source, [.. source.Records.Where(r => r != first)]);
        var target = ReadLogs(copies[1]).First(l => l.Records.Count > 0);
        RewriteLog(target, Insert(target.Records, first with { TimeMicros = second.TimeMicros + 1 }));

        var audit = await MergeAuditAsync(copies, "reordered-merged");

        Assert.Equal(1, audit.Reordered);
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        var example = Assert.Single(audit.Examples, e => e.Kind == "reordered");
        Assert.Equal((first.ProducerId, first.Sequence), (example.ProducerId, example.Sequence));
    }

    [Fact]
    public async Task MergedRun_CompareBaselineAndCost_ReadItLikeAnyRun()
    {
        AssertWorkersSucceeded();
        var merged = Path.Combine(run.Directory, "merged-for-readers");
        var merge = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(120), ["merge", .. run.SegmentFolders, "--out", merged]);
        Assert.True(merge.ExitCode == 0, merge.Error);
        var comparison = Path.Combine(run.Directory, "comparison");

        var compare = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(120), "compare", merged, run.SegmentFolders[0], "--out", comparison);
        var save = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(60), "baseline", "save", merged);
        var check = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(60), "baseline", "check", merged, "--baseline", "split");
        var cost = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(120), "cost", merged);

        output.WriteLine(compare.Output + compare.Error + save.Output + save.Error + check.Output + check.Error + cost.Output + cost.Error);
        Assert.True(compare.ExitCode == 0, compare.Error);
        Assert.True(File.Exists(Path.Combine(comparison, "comparison.md")));
        Assert.True(save.ExitCode == 0, save.Error);
        Assert.True(check.ExitCode == 0, check.Error);
        Assert.Contains("Verdict: unchanged", check.Output, StringComparison.Ordinal);
        Assert.True(cost.ExitCode == 0, cost.Error);
        // The cost model is sized by the merged run's measured traffic: every worker's share, not one segment's.
        var workload = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(merged, "cost.json")))!["workload"]!;
        var ingress = SplitRunFixture.Rate * SplitRunFixture.MessageBytes / (1024.0 * 1024.0);
        Assert.InRange(workload["averageIngressMiBps"]!.GetValue<double>(), ingress * 0.99, ingress * 1.01);
    }

    [Fact]
    public async Task Merge_ASegmentMissingOrOfAnotherRun_ExitsTwoAndWritesNothing()
    {
        AssertWorkersSucceeded();
        var copies = run.CopySegments("mismatched");
        var missingOut = Path.Combine(run.Directory, "missing-merged");

        var missing = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(60), "merge", copies[0], copies[2], "--out", missingOut);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("segment(s) 1 of 3 missing", missing.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missingOut));
        Assert.Empty(Directory.GetDirectories(run.Directory, ".missing-merged*"));

        var manifest = Path.Combine(copies[2], SegmentFiles.Manifest);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(manifest))!;
        node["runId"] = "another-run";
        await File.WriteAllTextAsync(manifest, node.ToJsonString());
        var otherOut = Path.Combine(run.Directory, "other-merged");

        var other = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(60), ["merge", .. copies, "--out", otherOut]);

        Assert.Equal(2, other.ExitCode);
        Assert.Contains("run id another-run", other.Error, StringComparison.Ordinal);
        Assert.Contains("loadlab: nothing was written.", other.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(otherOut));
    }

    private void AssertWorkersSucceeded()
    {
        foreach (var (worker, index) in run.WorkerResults.Select((w, i) => (w, i)))
        {
            Assert.True(worker.ExitCode == 0, $"worker {index} exited {worker.ExitCode}: {worker.Output}{worker.Error}");
        }
    }

    private async Task<AuditSummary> MergeAuditAsync(IReadOnlyList<string> segments, string name)
    {
        var merged = Path.Combine(run.Directory, name);
        var result = await CliProcess.RunAsync(run.Directory, TimeSpan.FromSeconds(120), ["merge", .. segments, "--out", merged]);
        output.WriteLine(result.Output + result.Error);
        Assert.True(result.ExitCode == 0, result.Error);
        return Summary(merged).Audit!;
    }

    private static RunSummary Summary(string directory) => ResultsJson.ReadSummary(Path.Combine(directory, RunFiles.Summary));

    /// <summary>Values in every interval of a merged or segment log: HdrHistogram's own reader, not LoadLab's.</summary>
    private static long LogCount(string directory, string metric)
    {
        using var stream = File.OpenRead(Path.Combine(directory, "histograms", metric + ".hlog"));
        using var reader = new HistogramLogReader(stream);
        return reader.ReadHistograms().Sum(h => h.TotalCount);
    }

    private sealed record Log(string Path, int Owner, int Member, int Partitions, int Producers, List<DeliveryRecord> Records);

    private static List<Log> ReadLogs(string segment)
    {
        var manifest = SegmentManifest.Read(System.IO.Path.Combine(segment, SegmentFiles.Manifest));
        return [.. manifest.Members.Select(m =>
        {
            var path = System.IO.Path.Combine(segment, m.Log);
            using var reader = DeliveryLogReader.Open(path);
            var records = new List<DeliveryRecord>();
            while (reader.TryRead(out var record))
            {
                records.Add(record);
            }

            return new Log(path, reader.Owner, reader.Member, reader.Partitions, reader.Producers, records);
        })];
    }

    /// <summary>Writes a read log anew with the same writer the workers use.</summary>
    private static void RewriteLog(Log log, IReadOnlyList<DeliveryRecord> records)
    {
        using var pump = new DeliveryLogPump();
        var writer = pump.CreateReadLog(log.Path, log.Owner, log.Member, log.Partitions, log.Producers);
        foreach (var r in records)
        {
            writer.Read(r.TimeMicros, r.Partition, r.Offset, r.ProducerId, r.Sequence);
        }

        writer.Complete();
    }

    /// <summary>The records with one more, in time order (a log is written as things happen).</summary>
    private static List<DeliveryRecord> Insert(List<DeliveryRecord> records, DeliveryRecord added)
    {
        var result = new List<DeliveryRecord>(records);
        var at = result.FindIndex(r => r.TimeMicros > added.TimeMicros);
        result.Insert(at < 0 ? result.Count : at, added);
        return result;
    }
}
