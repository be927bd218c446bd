using System.Diagnostics;
using System.Text.Json.Nodes;
using HdrHistogram;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Measurement.Slo;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Results;

/// <summary>What <see cref="RunMerger.Merge"/> wrote.</summary>
/// <param name="Directory">The merged run folder.</param>
/// <param name="Summary">Its summary (also in <c>summary.json</c>).</param>
/// <param name="Records">Delivery records replayed (acknowledgements, failures and reads of every worker).</param>
/// <param name="Took">Time the merge took.</param>
public sealed record MergeResult(string Directory, RunSummary Summary, long Records, TimeSpan Took);

/// <summary>
/// Joins the folders of every segment of a split run (<c>loadlab run --segment i/N</c>) into ONE run folder in the
/// standard contract, with the numbers one process running the whole scenario would have reported:
/// <list type="bullet">
/// <item>latency histograms added exactly, interval by interval (HdrHistogram), and the measured-window histograms
/// each segment kept for the summary's percentiles;</item>
/// <item>the per-second series from those merged histograms and the summed counts;</item>
/// <item>every worker's delivery records (<see cref="DeliveryLogReader"/>) replayed in time order (the segments share
/// the run clock's start) into one <see cref="DeliveryAudit"/>, one <see cref="PartitionLedger"/>, one
/// <see cref="GroupProgress"/> per group and one <see cref="AckGapTracker"/>: a message acknowledged on one worker and
/// read on another is delivered; lost, duplicated and reordered are counted over the union; lag is sampled every
/// second from the merged state;</item>
/// <item>recovery of segment 0's faults analysed on that merged lag, gaps and errors, and the scenario's SLOs
/// evaluated on the merged run.</item>
/// </list>
/// Segments of another run or scenario, a segment missing, twice or unfinished: <see cref="RunMergeException"/>,
/// and nothing is written (the folder is built beside the output and moved into place at the end).
/// </summary>
public static class RunMerger
{
    /// <summary>Merges <paramref name="segmentDirectories"/> into <paramref name="outputDirectory"/>, which must not exist yet.</summary>
    public static MergeResult Merge(IReadOnlyList<string> segmentDirectories, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(segmentDirectories);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var watch = Stopwatch.StartNew();
        var segments = Load(segmentDirectories, outputDirectory);
        var output = Path.GetFullPath(outputDirectory);
        var building = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.merging-{Guid.NewGuid():N}");
        try
        {
            var (summary, records) = new Merging(segments, building).Write();
            Directory.Move(building, output);
            return new MergeResult(output, summary, records, watch.Elapsed);
        }
        catch
        {
            if (Directory.Exists(building))
            {
                Directory.Delete(building, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Reads and checks every segment; every problem found is reported at once.</summary>
    private static List<SegmentFolder> Load(IReadOnlyList<string> directories, string outputDirectory)
    {
        var problems = new List<string>();
        var segments = new List<SegmentFolder>();
        if (directories.Count == 0)
        {
            throw new RunMergeException(["Name the folders of the segments to merge, e.g. loadlab merge results/<run-id>-segment-* --out results/<run-id>."]);
        }

        foreach (var directory in directories)
        {
            var full = Path.GetFullPath(directory);
            var manifestPath = Path.Combine(full, SegmentFiles.Manifest);
            if (!Directory.Exists(full))
            {
                problems.Add($"{directory}: no such folder.");
                continue;
            }

            if (!File.Exists(manifestPath))
            {
                problems.Add($"{directory}: not a segment of a split run (no {SegmentFiles.Manifest}); merge the folders 'loadlab run --segment i/N' wrote.");
                continue;
            }

            try
            {
                segments.Add(SegmentFolder.Read(directory, full, SegmentManifest.Read(manifestPath)));
            }
            catch (RunResultsException e)
            {
                problems.Add($"{directory}: {e.Message}");
            }
        }

        if (segments.Count > 0)
        {
            problems.AddRange(Mismatches(segments));
        }

        if (Directory.Exists(outputDirectory) || File.Exists(outputDirectory))
        {
            problems.Add($"--out {outputDirectory} already exists; the merged run gets a folder of its own: choose another --out or remove it.");
        }

        if (problems.Count > 0)
        {
            throw new RunMergeException(problems);
        }

        return [.. segments.OrderBy(s => s.Manifest.Index)];
    }

    private static IEnumerable<string> Mismatches(List<SegmentFolder> segments)
    {
        var first = segments[0];
        var reference = $"{first.Name} (run {first.Manifest.RunId}, segment {first.Manifest.Index}/{first.Manifest.Count})";
        foreach (var other in segments.Skip(1))
        {
            var m = other.Manifest;
            if (m.RunId != first.Manifest.RunId)
            {
                yield return $"{other.Name}: run id {m.RunId}, but {reference} is of run {first.Manifest.RunId}: merge the segments of one run (one --run-id).";
            }
            else if (m.ScenarioSha256 != first.Manifest.ScenarioSha256 || m.DurationSeconds != first.Manifest.DurationSeconds || m.Seed != first.Manifest.Seed)
            {
                yield return $"{other.Name}: ran another scenario (file, --duration or --seed) than {reference}: every segment must run the same scenario.";
            }
            else if (m.Count != first.Manifest.Count)
            {
                yield return $"{other.Name}: is segment {m.Index}/{m.Count}, but {reference} splits the run into {first.Manifest.Count}.";
            }
            else if (m.StartAt != first.Manifest.StartAt)
            {
                yield return $"{other.Name}: started at {m.StartAt:O}, {reference} at {first.Manifest.StartAt:O}: the segments of one run share --start-at.";
            }
        }

        foreach (var twice in segments.GroupBy(s => s.Manifest.Index).Where(g => g.Count() > 1))
        {
            yield return $"segment {twice.Key} is given {twice.Count()} times ({string.Join(", ", twice.Select(s => s.Name))}); give each segment once.";
        }

        var count = first.Manifest.Count;
        var missing = Enumerable.Range(0, count).Except(segments.Select(s => s.Manifest.Index)).ToList();
        if (missing.Count > 0)
        {
            yield return $"segment(s) {string.Join(", ", missing)} of {count} missing: a merged run needs every worker's share (folders {string.Join(", ", missing.Select(i => SegmentFiles.FolderName(first.Manifest.RunId, i)))}).";
        }

        foreach (var unfinished in segments.Where(s => !s.Manifest.Complete))
        {
            yield return $"{unfinished.Name}: segment {unfinished.Manifest.Index} did not finish{(unfinished.Manifest.Problem is { } p ? $" ({p})" : " (still running, or killed)")}; run it again or wait for it.";
        }

        foreach (var segment in segments.Where(s => s.Manifest.Complete))
        {
            foreach (var log in segment.Manifest.Producers.Select(p => p.Log).Concat(segment.Manifest.Members.Select(m => m.Log)))
            {
                if (!File.Exists(Path.Combine(segment.Directory, log)))
                {
                    yield return $"{segment.Name}: the delivery log {log} is missing; the folder was copied incompletely.";
                }
            }
        }
    }

    /// <summary>One segment's folder as read.</summary>
    private sealed record SegmentFolder(string Name, string Directory, SegmentManifest Manifest, RunSummary Summary, SeriesTable Series, IReadOnlyList<PartitionSample> Partitions, IReadOnlyList<(double T, JsonObject Fields)> Events, string ScenarioYaml)
    {
        public static SegmentFolder Read(string name, string directory, SegmentManifest manifest)
        {
            string Required(string file) => File.Exists(Path.Combine(directory, file))
                ? Path.Combine(directory, file)
                : throw new RunResultsException($"{file} is missing; the segment did not finish or the folder was copied incompletely.");

            var summary = ResultsJson.ReadSummary(Required(RunFiles.Summary));
            var series = SeriesTable.Read(Required(RunFiles.Series));
            var partitions = File.Exists(Path.Combine(directory, RunFiles.Partitions)) ? PartitionSample.Read(Path.Combine(directory, RunFiles.Partitions)) : [];
            var events = RunEvent.ReadWhole(Required(RunFiles.Events));
            var yaml = File.ReadAllText(Required(RunFiles.Scenario));
            return new SegmentFolder(name, directory, manifest, summary, series, partitions, events, yaml);
        }
    }

    private sealed class Merging
    {
        private readonly List<SegmentFolder> _segments;
        private readonly string _directory;
        private readonly SegmentFolder _first;
        private readonly Scenario _scenario;
        private readonly List<TopicSpec> _topics;
        private readonly PartitionMap _map;
        private readonly List<(string Group, string Topic)> _groups;
        private readonly int _seconds;

        public Merging(List<SegmentFolder> segments, string directory)
        {
            _segments = segments;
            _directory = directory;
            _first = segments[0];
            var parsed = ScenarioLoader.Parse(_first.ScenarioYaml, RunFiles.Scenario, new ScenarioOverrides { Seed = _first.Manifest.Seed });
            _scenario = parsed.Scenario is { } scenario
                ? ScenarioClipping.Clip(scenario, TimeSpan.FromSeconds(_first.Manifest.DurationSeconds)).Scenario
                : throw new RunMergeException([$"{_first.Name}: {RunFiles.Scenario} no longer reads as a scenario: {string.Join(" ", parsed.Problems)}"]);

            // The cluster's names of topics (an environment may prefix them per run) as the segments recorded them.
            _topics = [.. _first.Summary.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).Select(g => new TopicSpec(g.Key, g.Max(p => p.Partition) + 1, 1))];
            _map = new PartitionMap(_topics);
            _groups = [.. _scenario.Consumers.Select(c => (c.Group, _first.Summary.Consume.Groups.FirstOrDefault(g => g.Group == c.Group)?.Topic ?? c.Topic))];
            _seconds = segments.Max(s => s.Series.Count);
        }

        public (RunSummary Summary, long Records) Write()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(Path.Combine(_directory, RunFiles.Scenario), _first.ScenarioYaml);
            using var results = new ResultsWriter(_directory);
            WriteEvents(results);
            var startAt = _first.Manifest.StartAt;
            results.BeginIntervals(startAt);
            var intervals = MergeIntervals(results, startAt);
            foreach (var logName in LatencyMetrics.All.Select(m => m.LogName()).Append(SegmentFiles.SameWorkerEndToEndLog))
            {
                results.WriteMeasured(logName, MeasuredHistogram(logName), _scenario.Warmup, _scenario.TotalDuration);
            }

            var replay = Replay();
            WriteSeries(results, intervals, replay);
            results.Dispose();

            var summary = Summarize(replay);
            results.WriteSummary(summary);
            return (summary, replay.Records);
        }

        private void WriteEvents(ResultsWriter results)
        {
            var merged = _segments
                .SelectMany(s => s.Events.Select(e => (e.T, Segment: s.Manifest.Index, e.Fields)))
                .OrderBy(e => e.T)
                .ThenBy(e => e.Segment);
            foreach (var (t, segment, fields) in merged)
            {
                var rest = fields.Where(f => f.Key is not ("t" or "type" or "segment")).Select(f => new KeyValuePair<string, object?>(f.Key, f.Value?.DeepClone()));
                results.Event(t, fields["type"]!.GetValue<string>(), [new("segment", segment), .. rest]);
            }
        }

        /// <summary>Adds the segments' interval logs second by second; returns each standard metric's merged percentiles per second.</summary>
        private Dictionary<LatencyMetric, Dictionary<int, Percentiles>> MergeIntervals(ResultsWriter results, DateTimeOffset startAt)
        {
            var percentiles = new Dictionary<LatencyMetric, Dictionary<int, Percentiles>>();
            var merged = LatencyRecorders.CreateHistogram();
            foreach (var metric in LatencyMetrics.All)
            {
                var bySecond = percentiles[metric] = [];
                foreach (var (second, histogram) in IntervalsBySecond(metric.LogName(), merged))
                {
                    results.AppendInterval(metric, histogram, second);
                    if (histogram.TotalCount > 0)
                    {
                        bySecond[second] = LatencyRecorders.ToPercentiles(histogram);
                    }
                }
            }

            using var sameWorker = new IntervalLogWriter(
                new FileStream(Path.Combine(_directory, RunFiles.Histogram(SegmentFiles.SameWorkerEndToEndLog)), FileMode.Create, FileAccess.Write, FileShare.Read), startAt);
            foreach (var (second, histogram) in IntervalsBySecond(SegmentFiles.SameWorkerEndToEndLog, merged))
            {
                var start = startAt.ToUnixTimeMilliseconds() + (second * 1000L);
                histogram.StartTimeStamp = start;
                histogram.EndTimeStamp = start + 1000;
                sameWorker.Append(histogram);
            }

            return percentiles;
        }

        /// <summary>
        /// The sum of every segment's interval of each second, in order: the logs are read side by side, one interval
        /// at a time, so memory does not grow with the run's length. <paramref name="merged"/> is reused for each second.
        /// </summary>
        private IEnumerable<(int Second, HistogramBase Histogram)> IntervalsBySecond(string logName, HistogramBase merged)
        {
            var cursors = _segments
                .Select(s => Path.Combine(s.Directory, RunFiles.Histogram(logName)))
                .Where(File.Exists)
                .Select(path => new IntervalCursor(path))
                .ToList();
            try
            {
                cursors.ForEach(c => c.Advance());
                while (cursors.Any(c => c.Current is not null))
                {
                    var second = cursors.Where(c => c.Current is not null).Min(c => c.Second);
                    merged.Reset();
                    foreach (var cursor in cursors.Where(c => c.Current is not null && c.Second == second))
                    {
                        merged.Add(cursor.Current!);
                        cursor.Advance();
                    }

                    yield return (second, merged);
                }
            }
            finally
            {
                cursors.ForEach(c => c.Dispose());
            }
        }

        /// <summary>Every worker's delivery records in time order, into one audit, ledger, group progress and gap tracker.</summary>
        private Replayed Replay()
        {
            var plan = SegmentPlan.Create(_scenario, new Segment(0, _first.Manifest.Count));
            var producers = _segments.SelectMany(s => s.Manifest.Producers).ToDictionary(p => p.Id);
            var unplanned = plan.Producers.Where(p => !producers.ContainsKey(p.Id)).Select(p => p.Id).ToList();
            if (unplanned.Count > 0 || producers.Count != plan.Producers.Count)
            {
                throw new RunMergeException([$"The segments' producers ({producers.Count}) are not the scenario's plan ({plan.Producers.Count}; missing ids {string.Join(", ", unplanned)}): the segments were not all run by this LoadLab version from this scenario."]);
            }

            var totalDuration = _scenario.TotalDuration;
            var audit = new DeliveryAudit(
                [.. plan.Producers.Select(p => new AuditedProducer(
                    producers[p.Id].Topic,
                    producers[p.Id].Partitions,
                    (long)(RateSchedule.Create(_scenario.Traffic.First(s => s.Name == p.Stream), totalDuration).TotalMessages / p.Instances * 1.1) + 1_000))],
                [.. _groups.Select(g => new AuditedGroup(g.Group, g.Topic))]);
            var ledger = new PartitionLedger(_map);
            var progress = _groups.Select(g => new GroupProgress(g.Group, g.Topic, _map.FirstIndexOf(g.Topic), _map.PartitionsOf(g.Topic))).ToList();
            var gaps = new AckGapTracker([.. _topics.Select(t => (t.Name, t.Partitions))], MicrosecondTimestamps.Instance, 0);
            var topicIndex = _topics.Select((t, i) => (t.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            var producerPartition = plan.Producers.Select(p => _map.FirstIndexOf(producers[p.Id].Topic)).ToArray();
            var producerTopic = plan.Producers.Select(p => topicIndex[producers[p.Id].Topic]).ToArray();

            var replayed = new Replayed(_groups.Count, _map.Count, _seconds);
            var readers = new List<DeliveryLogReader>();
            try
            {
                foreach (var segment in _segments)
                {
                    readers.AddRange(segment.Manifest.Producers.Select(p => DeliveryLogReader.Open(Path.Combine(segment.Directory, p.Log))));
                    readers.AddRange(segment.Manifest.Members.Select(m => DeliveryLogReader.Open(Path.Combine(segment.Directory, m.Log))));
                }

                var queue = new PriorityQueue<int, (long Time, int Reader)>();
                var current = new DeliveryRecord[readers.Count];
                for (var r = 0; r < readers.Count; r++)
                {
                    if (readers[r].TryRead(out current[r]))
                    {
                        queue.Enqueue(r, (current[r].TimeMicros, r));
                    }
                }

                var tick = 0;
                while (queue.TryDequeue(out var r, out _))
                {
                    var record = current[r];
                    while (tick < _seconds && record.TimeMicros >= (tick + 1) * 1_000_000L)
                    {
                        replayed.Sample(tick++, ledger, progress, audit);
                    }

                    replayed.Records++;
                    var reader = readers[r];
                    switch (record.Kind)
                    {
                        case DeliveryRecordKind.Acked:
                            ledger.RecordAck(producerPartition[record.ProducerId] + record.Partition, record.Offset, 0, record.IntendedMicros);
                            audit.RecordAcked(record.ProducerId, record.Sequence, record.Partition, record.Offset);
                            gaps.RecordAck(producerTopic[record.ProducerId], record.Partition, record.TimeMicros);
                            break;
                        case DeliveryRecordKind.Failed:
                            audit.RecordFailed(record.ProducerId, record.Sequence);
                            break;
                        case DeliveryRecordKind.Read:
                            if ((uint)record.Partition < (uint)progress[reader.Owner].Partitions)
                            {
                                progress[reader.Owner].RecordConsumed(record.Partition, record.Offset, 0);
                            }

                            audit.RecordConsumed(reader.Owner, record.ProducerId, record.Sequence, record.Partition, record.Offset);
                            break;
                    }

                    if (reader.TryRead(out current[r]))
                    {
                        queue.Enqueue(r, (current[r].TimeMicros, r));
                    }
                }

                while (tick < _seconds)
                {
                    replayed.Sample(tick++, ledger, progress, audit);
                }
            }
            finally
            {
                readers.ForEach(r => r.Dispose());
            }

            var logStarts = _segments
                .SelectMany(s => s.Manifest.LogStartOffsets)
                .GroupBy(o => (o.Topic, o.Partition))
                .ToDictionary(g => g.Key, g => g.Max(o => o.Offset));
            var finalPositions = progress
                .SelectMany(g => Enumerable.Range(0, g.Partitions).Select(p => (Key: (g.Group, g.Topic, p), Position: g.NextOffset(p))))
                .ToDictionary(x => x.Key, x => x.Position);
            replayed.Audit = audit.Classify(new AuditEnd(logStarts, finalPositions)).Summary;
            var loadEnd = _segments.Max(s => s.Manifest.LoadEndSeconds);
            replayed.LoadEndSeconds = loadEnd;
            replayed.Gaps = gaps.Gaps((long)(loadEnd * 1_000_000));
            var end = (long)Math.Ceiling(_seconds * 1_000_000.0);
            replayed.FinalLag = [.. progress.Select(g => g.Lag(ledger, end).Messages)];
            replayed.FinalPartitionLag = [.. Enumerable.Range(0, _map.Count).Select(i =>
            {
                var (topic, partition) = _map[i];
                return progress.Where(g => g.Topic == topic).Select(g => g.PartitionLag(ledger, partition)).DefaultIfEmpty(0).Max();
            })];
            return replayed;
        }

        private void WriteSeries(ResultsWriter results, Dictionary<LatencyMetric, Dictionary<int, Percentiles>> latency, Replayed replayed)
        {
            var groups = _groups.Select(g => g.Group).ToList();
            for (var second = 0; second < _seconds; second++)
            {
                var rows = _segments.Select(s => Row(s.Series, second)).Where(r => r is not null).Select(r => r!).ToList();
                var sent = rows.Sum(r => (long)r.Sent);
                var sized = rows.Where(r => !double.IsNaN(r.AvgPayload) && r.Sent > 0).ToList();
                results.AppendSeries(new SeriesRow
                {
                    Second = second,
                    TargetRate = rows.Sum(r => r.Target),
                    Sent = sent,
                    Acked = rows.Sum(r => (long)r.Acked),
                    Failed = rows.Sum(r => (long)r.Failed),
                    Consumed = rows.Sum(r => (long)r.Consumed),
                    QueueFull = rows.Sum(r => (long)r.QueueFull),
                    AvgPayloadBytes = sized.Sum(r => r.Sent) > 0 ? sized.Sum(r => r.AvgPayload * r.Sent) / sized.Sum(r => r.Sent) : null,
                    Latency = [.. LatencyMetrics.All.Select(m => latency[m].TryGetValue(second, out var p) ? p : null)],
                    RssBytes = rows.Sum(r => (long)r.Rss),
                    GcHeapBytes = rows.Sum(r => (long)r.Heap),
                    Lag = [.. Enumerable.Range(0, groups.Count).Select(g => replayed.Lag[g][second])],
                }, groups);

                var partitionRows = new List<PartitionRow>(_map.Count);
                for (var i = 0; i < _map.Count; i++)
                {
                    var (topic, partition) = _map[i];
                    var samples = _segments.SelectMany(s => s.Partitions).Where(p => p.Second == second && p.Topic == topic && p.Partition == partition).ToList();
                    partitionRows.Add(new PartitionRow(second, topic, partition, samples.Sum(p => p.Produced), samples.Sum(p => p.Bytes), replayed.PartitionLag[i][second]));
                }

                results.AppendPartitions(partitionRows);
            }
        }

        private static SeriesValues? Row(SeriesTable series, int second)
        {
            for (var i = 0; i < series.Count; i++)
            {
                if ((int)series.Seconds[i] == second)
                {
                    double Value(string column) => series.Column(column)[i] is var v && double.IsNaN(v) ? 0 : v;
                    return new SeriesValues(
                        Value("targetRate"), Value("sent"), Value("acked"), Value("failed"), Value("consumed"), Value("queueFull"),
                        series.Column("avgPayloadBytes")[i],
                        series.HasColumn("rssBytes") ? Value("rssBytes") : 0,
                        series.HasColumn("gcHeapBytes") ? Value("gcHeapBytes") : 0);
                }
            }

            return null;
        }

        private RunSummary Summarize(Replayed replayed)
        {
            var summaries = _segments.Select(s => s.Summary).ToList();
            var measured = _first.Summary.DurationSeconds;
            var produce = new ProduceSummary
            {
                Target = summaries.Sum(s => s.Produce.Target),
                Sent = summaries.Sum(s => s.Produce.Sent),
                Acked = summaries.Sum(s => s.Produce.Acked),
                Failed = summaries.Sum(s => s.Produce.Failed),
                QueueFull = summaries.Sum(s => s.Produce.QueueFull),
                Bytes = summaries.Sum(s => s.Produce.Bytes),
                ErrorsByCode = summaries.SelectMany(s => s.Produce.ErrorsByCode).GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal),
                Wire = SumWire(summaries.Select(s => s.Produce.Wire).ToList()),
            };
            var latency = new LatencySummary(
                MeasuredPercentiles(LatencyMetric.Produce.LogName()),
                MeasuredPercentiles(LatencyMetric.Service.LogName()),
                MeasuredPercentiles(LatencyMetric.ScheduleDelay.LogName()),
                MeasuredPercentiles(LatencyMetric.EndToEnd.LogName()));
            var recoveries = new RecoveryAnalyzer().Analyze(new RecoveryInput
            {
                Faults = _segments.SelectMany(s => s.Manifest.Faults).OrderBy(f => f.FaultIndex).ToList(),
                Groups = [.. _groups.Select((g, i) => new GroupLagSeries(g.Group, replayed.Samples[i], RebalanceSeconds(g.Group)))],
                LoadEndSeconds = replayed.LoadEndSeconds,
                AckGaps = replayed.Gaps,
                Errors = [.. _segments.SelectMany(s => s.Manifest.Errors).GroupBy(e => (e.AtSeconds, e.Code)).Select(g => new ErrorCount(g.Key.AtSeconds, g.Key.Code, g.Sum(e => e.Count))).OrderBy(e => e.AtSeconds)],
            });
            var achieved = Math.Round(produce.Acked / measured, 3);
            IReadOnlyList<HistogramInterval> Merged(LatencyMetric metric) => HistogramLog.Read(Path.Combine(_directory, RunFiles.Histogram(metric)));
            var slo = SloEvaluator.Evaluate(_scenario.Slos, new SloInput
            {
                Produce = Merged(LatencyMetric.Produce),
                Service = Merged(LatencyMetric.Service),
                ScheduleDelay = Merged(LatencyMetric.ScheduleDelay),
                EndToEnd = Merged(LatencyMetric.EndToEnd),
                Faults = recoveries,
                Audit = replayed.Audit,
                AchievedRate = achieved,
                MeasuredFromSeconds = _scenario.Warmup.TotalSeconds,
            });
            var sentAll = _segments.Sum(s => s.Series.Column("sent").Where(v => !double.IsNaN(v)).Sum());
            var payloads = summaries.Where(s => s.Payload is not null).ToList();
            var outcomes = summaries.Select(s => s.Outcome).Distinct().ToList();
            return new RunSummary
            {
                RunId = _first.Manifest.RunId,
                Scenario = _first.Summary.Scenario,
                ScenarioFile = _first.Summary.ScenarioFile,
                StartedAt = _first.Manifest.StartAt,
                // One segment stopped early makes the whole run stopped early.
                Outcome = outcomes.Contains(RunOutcome.Interrupted) ? RunOutcome.Interrupted : RunOutcome.Completed,
                OutcomeMessage = OutcomeMessage(),
                DurationSeconds = measured,
                WarmupSeconds = _first.Summary.WarmupSeconds,
                Seed = _first.Summary.Seed,
                Environment = _first.Summary.Environment,
                Produce = produce,
                Consume = new ConsumeSummary([.. _groups.Select((g, i) => new GroupSummary
                {
                    Group = g.Group,
                    Topic = g.Topic,
                    Consumed = summaries.Sum(s => s.Consume.Groups.Where(x => x.Group == g.Group).Sum(x => x.Consumed)),
                    Bytes = summaries.Sum(s => s.Consume.Groups.Where(x => x.Group == g.Group).Sum(x => x.Bytes)),
                    Instances = summaries.Sum(s => s.Consume.Groups.Where(x => x.Group == g.Group).Sum(x => x.Instances)),
                    Rebalances = summaries.Sum(s => s.Consume.Groups.Where(x => x.Group == g.Group).Sum(x => x.Rebalances)),
                    MaxLagMessages = replayed.Samples[i].Select(l => l.Messages).DefaultIfEmpty(0).Max(),
                    MaxLagSeconds = Math.Round(replayed.Samples[i].Select(l => l.LagSeconds).DefaultIfEmpty(0).Max(), 3),
                    FinalLagMessages = replayed.FinalLag[i],
                })]),
                LatencyMs = latency,
                Rate = new RateSummary
                {
                    Target = Math.Round(produce.Target / measured, 3),
                    Achieved = achieved,
                    Sent = Math.Round(produce.Sent / measured, 3),
                    Accuracy = Accuracy(latency.ScheduleDelay.P99),
                },
                Payload = payloads.Count == 0 ? null : new PayloadSummary(
                    Math.Round(sentAll > 0 ? _segments.Where(s => s.Summary.Payload is not null).Sum(s => s.Summary.Payload!.AverageBytes * s.Series.Column("sent").Where(v => !double.IsNaN(v)).Sum()) / sentAll : payloads[0].Payload!.AverageBytes, 1),
                    payloads.Min(s => s.Payload!.MinBytes),
                    payloads.Max(s => s.Payload!.MaxBytes)),
                Partitions = [.. Enumerable.Range(0, _map.Count).Select(i =>
                {
                    var (topic, partition) = _map[i];
                    var parts = summaries.SelectMany(s => s.Partitions).Where(p => p.Topic == topic && p.Partition == partition).ToList();
                    return new PartitionSummary(topic, partition, parts.Sum(p => p.Messages), parts.Sum(p => p.Bytes), replayed.FinalPartitionLag[i]);
                })],
                Faults = [.. recoveries.Select(r => r.ToSummary())],
                Audit = replayed.Audit,
                Slo = slo,
                Resources = summaries.Any(s => s.Resources is not null)
                    ? new ResourceSummary(
                        summaries.Max(s => s.Resources?.PeakRssBytes ?? 0),
                        summaries.Max(s => s.Resources?.PeakGcHeapBytes ?? 0),
                        summaries.Max(s => s.Resources?.FirstMinuteRssBytes ?? 0),
                        summaries.Max(s => s.Resources?.LastMinuteRssBytes ?? 0))
                    : null,
                Workers = Workers(),
            };
        }

        private string? OutcomeMessage()
        {
            var messages = _segments.Where(s => s.Summary.OutcomeMessage is not null).Select(s => $"segment {s.Manifest.Index}: {s.Summary.OutcomeMessage}").ToList();
            return messages.Count == 0 ? null : string.Join("; ", messages);
        }

        /// <summary>The generator's accuracy over the measured whole seconds, from every worker's sends by send time against the summed schedule.</summary>
        private RateAccuracy Accuracy(double scheduleDelayP99)
        {
            var warmup = (int)Math.Ceiling(_scenario.Warmup.TotalSeconds);
            double target = 0, sent = 0, worst = 0;
            for (var second = warmup; second + 1 <= _scenario.TotalDuration.TotalSeconds; second++)
            {
                var secondTarget = _segments.Sum(s => Row(s.Series, second)?.Target ?? 0);
                if (secondTarget < 1)
                {
                    continue;
                }

                var secondSent = _segments.Sum(s => second < s.Manifest.SentBySecond.Count ? s.Manifest.SentBySecond[second] : 0);
                worst = Math.Max(worst, Math.Abs(secondSent - secondTarget) / secondTarget * 100);
                target += secondTarget;
                sent += secondSent;
            }

            return new RateAccuracy(Math.Round(target > 0 ? (sent - target) / target * 100 : 0, 3), Math.Round(worst, 3), scheduleDelayP99);
        }

        private WorkersSummary Workers()
        {
            var workers = _segments.Select(s => s.Summary.Workers?.Segments.FirstOrDefault() ?? new WorkerSummary { Index = s.Manifest.Index, Clock = s.Manifest.Clock }).ToList();
            var clocks = _segments.Select(s => s.Manifest.Clock).ToList();
            double? bound = 0;
            string note;
            var pairs = clocks.SelectMany((a, i) => clocks.Skip(i + 1).Select(b => ClockReading.SkewBoundMs(a, b))).ToList();
            if (pairs.Any(p => p is null))
            {
                bound = null;
                var unsynchronized = clocks.Where(c => !c.Synchronized).Select(c => c.Host).Distinct().ToList();
                note = $"unknown: the workers run on {clocks.Select(c => c.BootId).Distinct().Count()} machines and the clock of {string.Join(", ", unsynchronized)} is not NTP-synchronised (kernel), so the latency of messages that crossed machines carries an unknown skew; the same-worker latency has none";
            }
            else
            {
                bound = pairs.Count == 0 ? 0 : pairs.Max();
                note = bound == 0
                    ? "0: every worker runs on one kernel clock, so no latency carries a skew"
                    : "the sum of two workers' kernel-reported maximum clock errors (adjtimex), the largest over every pair of workers on different machines";
            }

            return new WorkersSummary
            {
                Count = _first.Manifest.Count,
                Merged = true,
                StartAt = _first.Manifest.StartAt,
                Segments = workers,
                EndToEndSkewBoundMs = bound,
                SkewBoundNote = note,
                EndToEndSameWorker = MeasuredPercentiles(SegmentFiles.SameWorkerEndToEndLog),
            };
        }

        /// <summary>The measured-window percentiles of a metric over every segment: their measured histograms added.</summary>
        private Percentiles MeasuredPercentiles(string logName) => LatencyRecorders.ToPercentiles(MeasuredHistogram(logName));

        /// <summary>The measured-window histogram of a metric over every segment: their measured histograms added.</summary>
        private HistogramBase MeasuredHistogram(string logName)
        {
            var total = LatencyRecorders.CreateHistogram();
            foreach (var segment in _segments)
            {
                var path = Path.Combine(segment.Directory, RunFiles.MeasuredHistogram(logName));
                if (!File.Exists(path))
                {
                    continue;
                }

                using var cursor = new IntervalCursor(path);
                for (cursor.Advance(); cursor.Current is not null; cursor.Advance())
                {
                    total.Add(cursor.Current);
                }
            }

            return total;
        }

        /// <summary>When each group rebalanced, as the sampler of one process would have seen it: at the close of the second it happened in.</summary>
        private List<double> RebalanceSeconds(string group) => [.. _segments
            .SelectMany(s => s.Events)
            .Where(e => e.Fields["type"]!.GetValue<string>() == "group.rebalanced" && e.Fields["group"]?.GetValue<string>() == group)
            .Select(e => Math.Floor(e.T) + 1)
            .Order()];

        private static WireSummary? SumWire(List<WireSummary?> wires) => wires.Count == 0 || wires.Any(w => w is null) ? null : new WireSummary
        {
            Source = wires[0]!.Source,
            Complete = wires.All(w => w!.Complete),
            Reports = wires.Sum(w => w!.Reports),
            Compression = string.Join(",", wires.Select(w => w!.Compression).Distinct()),
            ValueBytes = wires.Sum(w => w!.ValueBytes),
            Messages = wires.Sum(w => w!.Messages),
            MessageBytes = wires.Sum(w => w!.MessageBytes),
            Batches = wires.Sum(w => w!.Batches),
            BatchBytes = wires.Sum(w => w!.BatchBytes),
            RequestBytes = wires.Sum(w => w!.RequestBytes),
            ProduceRequests = wires.Sum(w => w!.ProduceRequests),
        };
    }

    private sealed record SeriesValues(double Target, double Sent, double Acked, double Failed, double Consumed, double QueueFull, double AvgPayload, double Rss, double Heap);

    /// <summary>What the replay of the delivery records found.</summary>
    private sealed class Replayed
    {
        public Replayed(int groups, int partitions, int seconds)
        {
            Samples = [.. Enumerable.Range(0, groups).Select(_ => new List<LagSample>())];
            Lag = [.. Enumerable.Range(0, groups).Select(_ => new (long, double)[seconds])];
            PartitionLag = [.. Enumerable.Range(0, partitions).Select(_ => new long[seconds])];
        }

        public long Records { get; set; }
        public List<LagSample>[] Samples { get; }
        public (long Messages, double Seconds)[][] Lag { get; }
        public long[][] PartitionLag { get; }
        public AuditSummary? Audit { get; set; }
        public double LoadEndSeconds { get; set; }
        public IReadOnlyList<PartitionAckGaps> Gaps { get; set; } = [];
        public long[] FinalLag { get; set; } = [];
        public long[] FinalPartitionLag { get; set; } = [];

        /// <summary>Lag at the close of <paramref name="second"/>, as one process's sampler takes it; settles the audit as it does.</summary>
        public void Sample(int second, PartitionLedger ledger, List<GroupProgress> groups, DeliveryAudit audit)
        {
            var now = (second + 1) * 1_000_000L;
            for (var g = 0; g < groups.Count; g++)
            {
                var lag = groups[g].Lag(ledger, now);
                Lag[g][second] = (lag.Messages, Math.Round(lag.Seconds, 3));
                Samples[g].Add(new LagSample(now / 1_000_000.0, lag.Messages, lag.Seconds));
            }

            for (var i = 0; i < PartitionLag.Length; i++)
            {
                var (topic, partition) = ledger.Map[i];
                PartitionLag[i][second] = groups.Where(g => g.Topic == topic).Select(g => g.PartitionLag(ledger, partition)).DefaultIfEmpty(0).Max();
            }

            audit.Settle();
        }
    }

    /// <summary>Timestamps in microseconds, the unit of the delivery records' times.</summary>
    private sealed class MicrosecondTimestamps : TimeProvider
    {
        public static readonly MicrosecondTimestamps Instance = new();

        public override long TimestampFrequency => 1_000_000;
    }

    /// <summary>Reads an interval log one interval at a time, with each interval's second relative to the log's start.</summary>
    private sealed class IntervalCursor : IDisposable
    {
        private readonly FileStream _stream;
        private readonly HistogramLogParser _reader;
        private readonly IEnumerator<HistogramBase> _intervals;
        private readonly string _path;

        public IntervalCursor(string path)
        {
            _path = path;
            _stream = File.OpenRead(path);
            _reader = new HistogramLogParser(_stream);
            _intervals = _reader.ReadHistograms().GetEnumerator();
        }

        public HistogramBase? Current { get; private set; }

        public int Second { get; private set; }

        public void Advance()
        {
            try
            {
                Current = _intervals.MoveNext() ? _intervals.Current : null;
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
            {
                throw new RunResultsException($"{_path}: an interval cannot be decoded ({e.Message}); the file is truncated or corrupt.", e);
            }

            if (Current is not null)
            {
                var startMs = (_reader.GetStartTime() - DateTime.UnixEpoch).TotalMilliseconds;
                Second = (int)Math.Round((Current.StartTimeStamp - startMs) / 1000.0);
            }
        }

        public void Dispose()
        {
            _intervals.Dispose();
            _reader.Dispose();
            _stream.Dispose();
        }
    }
}
