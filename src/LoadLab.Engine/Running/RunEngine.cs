using System.Diagnostics;
using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Measurement.Slo;
using LoadLab.Core.Measurement.Transactions;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;
using LoadLab.Core.Traffic;
using LoadLab.Engine.Consuming;
using LoadLab.Engine.Producing;
using LoadLab.Engine.Sampling;
using LoadLab.Engine.Segments;

namespace LoadLab.Engine.Running;

/// <summary>
/// Runs a scenario against a started cluster: consumers join first, then open-loop producers follow the
/// schedule while the fault timeline breaks the cluster and a sampler closes one measurement interval per
/// second; then producers flush, consumers drain, and the delivery audit, recovery analysis and SLO checks
/// run. Results are written as the run goes; the returned summary is also in <c>summary.json</c>.
/// </summary>
internal static class RunEngine
{
    /// <summary>
    /// Runs the scenario on <paramref name="cluster"/>, whose topics must exist under the names the scenario uses.
    /// Cancelling stops the load early; the summary's outcome is then "interrupted".
    /// </summary>
    public static async Task<RunSummary> RunAsync(ICluster cluster, RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(request);
        using var results = new ResultsWriter(request.ResultsDirectory);
        if (request.ScenarioYaml is { } yaml)
        {
            results.WriteScenario(yaml);
        }

        if (!request.Segment.IsWhole && (request.StartAt is null || request.ScenarioYaml is null))
        {
            throw new ArgumentException("A segment of a split run needs StartAt (the agreed start of every worker) and ScenarioYaml (the merge checks every segment ran the same file).", nameof(request));
        }

        if (!request.Segment.IsWhole && (request.Scenario.Traffic.Any(s => s.Transactions is not null) || request.Scenario.Consumers.Any(c => c.Transform is not null)
            || request.Scenario.Faults.Any(f => f.Action == FaultAction.GroupReplay)))
        {
            // The audit of transactions, pipelines and replays needs every producer's ledger in one process.
            throw new ArgumentException("A segment of a split run cannot run transactions, consume-transform-produce groups or group.replay.", nameof(request));
        }

        var run = new Run(cluster, request, results);
        try
        {
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            run.Dispose();
        }
    }

    private sealed class Run : IDisposable, IRunEventSink
    {
        /// <summary>Producers' audit storage is sized for the plan plus this share, so Poisson runs rarely grow it.</summary>
        private const double PlannedMessagesSlack = 1.1;

        /// <summary>How long the run waits for its producer clients to be able to send before it starts anyway.</summary>
        private static readonly TimeSpan ProducerReadyTimeout = TimeSpan.FromSeconds(10);

        private readonly ICluster _cluster;
        private readonly RunRequest _request;
        private readonly Scenario _scenario;
        private readonly RunContext _context;
        private readonly List<(TrafficStream Stream, RateSchedule Schedule)> _schedules;
        private readonly List<OpenLoopProducer> _producers = [];
        private readonly List<(GroupProgress Progress, List<GroupMember> Members)> _groups = [];
        /// <summary>Made once the producers and groups exist, when the load starts.</summary>
        private IntervalSampler? _sampler;
        /// <summary>Per stream producer instance, in creation order: its transactions; null for a stream without.</summary>
        private readonly List<TransactionLedger?> _streamLedgers = [];
        /// <summary>Per transforming group: the audit's producer id of its first member's outputs and each member's transactions.</summary>
        private readonly Dictionary<string, (int FirstProducerId, TransactionLedger[] Ledgers)> _transforms = new(StringComparer.Ordinal);
        private readonly List<Transformer> _transformers = [];
        private readonly List<GroupReplayer> _replayers = [];
        private readonly ReplayLog _replays = new();
        private readonly SegmentPlan _plan;
        private readonly SegmentRecorder? _segment;

        public Run(ICluster cluster, RunRequest request, ResultsWriter results)
        {
            _cluster = cluster;
            _request = request;
            _scenario = request.Scenario;
            _plan = SegmentPlan.Create(_scenario, request.Segment);
            var map = new PartitionMap(_scenario.Topics);
            _schedules = [.. _scenario.Traffic.Select(s => (s, RateSchedule.Create(s, _scenario.TotalDuration)))];
            _segment = request.Segment.IsWhole ? null : new SegmentRecorder(_plan, _scenario, request.RunId, request.ScenarioYaml!, results.Directory, KernelClock.Read(), request.StartAt!.Value);
            _context = new RunContext
            {
                Clock = new RunClock(request.Time),
                Latency = new LatencyRecorders(_scenario.Consumers.Count),
                Partitions = map,
                Ledger = new PartitionLedger(map),
                Results = results,
                Audit = _segment is null ? CreateAudit() : null,
                Segment = _segment,
                RunNonce = SegmentPlan.NonceOf(request.RunId, request.Segment),
                MeasuredFromMicros = (long)_scenario.Warmup.TotalMicroseconds,
                EndMicros = (long)_scenario.TotalDuration.TotalMicroseconds,
                BootstrapServers = cluster.BootstrapServers,
                ClientDefaults = cluster.ClientDefaults,
            };
        }

        public async Task<RunSummary> ExecuteAsync(CancellationToken cancellationToken)
        {
            var results = _context.Results;
            var outcome = RunOutcome.Completed;
            string? message = null;
            _context.Event(RunEventTypes.RunPreparing, [new("scenario", _scenario.Name), new("environment", _cluster.Kind), new("bootstrap", _cluster.BootstrapServers)]);
            // Producer clients start (connections, metadata, producer ids) while the groups join.
            CreateProducers();
            await RegisterGroupsAsync(cancellationToken).ConfigureAwait(false);
            StartConsumers(cancellationToken);
            await WaitForGroupsAsync(cancellationToken).ConfigureAwait(false);
            await AwaitProducersReadyAsync().ConfigureAwait(false);

            if (_request.StartAt is { } startAt)
            {
                await StartAtAsync(startAt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _context.Clock.Restart();
            }

            _context.Started = true;
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            _segment?.Started(_context.Clock.StartedAt);
            var startTimestamp = _context.Clock.StartTimestamp;
            _context.AckGaps = new AckGapTracker([.. _scenario.Topics.Select(t => (t.Name, t.Partitions))], _request.Time, startTimestamp);
            results.BeginIntervals(_context.Clock.StartedAt, [.. LatencyIntervals.GroupLogsOf(_scenario).Select(l => (l.Metric, _scenario.Consumers[l.Group].Group))]);
            results.Event(0, RunEventTypes.RunStarted, [new("runId", _request.RunId), new("startedAt", _context.Clock.StartedAt)]);
            var sampler = _sampler = new IntervalSampler(
                _context,
                [.. _schedules.Select(s => s.Schedule)],
                [.. _schedules.Select(s => _plan.ShareOf(s.Stream))],
                _producers,
                _groups,
                _segment is null ? _request.Observers : [_segment, .. _request.Observers],
                _scenario);
            sampler.Start();
            using var stopFaults = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Segment 0 of a split run executes the faults; the others record the planned timeline only.
            var executedFaults = _request.Segment.ExecutesFaults ? _scenario.Faults : [];
            RecordPlannedFaults();
            var timeline = new FaultTimeline(
                executedFaults, new RunFaultOperations(_cluster.Faults, _replayers), [.. _cluster.Brokers.Select(b => b.Id)], _request.Time, startTimestamp, _scenario.Seed, this,
                transactionalIds: TransactionOwners().ToDictionary(o => o.Owner, o => o.FirstId, StringComparer.Ordinal));
            var faults = timeline.RunAsync(stopFaults.Token);
            foreach (var producer in _producers)
            {
                producer.Start(cancellationToken);
            }

            await Task.WhenAll(_producers.Select(p => p.LoadEnded)).ConfigureAwait(false);
            var loadEndSeconds = _context.SecondsNow;
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = RunOutcome.Interrupted;
                message = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"stopped by Ctrl+C or SIGTERM {loadEndSeconds:0.#} s into the run: target and rates cover the part that ran, SLOs are not judged, and every result up to this point is kept");
            }

            // Only an interrupted load ends before its schedule: a completed one keeps the target of its last second.
            sampler.LoadEndSeconds = outcome == RunOutcome.Interrupted ? loadEndSeconds : null;
            sampler.Phase = RunPhase.Draining;
            results.Event(loadEndSeconds, RunEventTypes.RunStopping, [new("outcome", outcome)]);
            var drainDeadline = _context.Clock.NowMicros() + (long)_scenario.DrainTimeout.TotalMicroseconds;
            var unacknowledged = await Task.Run(() => _producers.Sum(p => p.Flush(RemainingUntil(drainDeadline))), CancellationToken.None).ConfigureAwait(false);
            await WaitForConsumersAsync(drainDeadline, cancellationToken).ConfigureAwait(false);
            await stopFaults.CancelAsync().ConfigureAwait(false);
            var occurrences = await faults.ConfigureAwait(false);
            sampler.Stop();
            StopConsumers();

            var stoppedAt = outcome == RunOutcome.Interrupted ? TimeSpan.FromSeconds(loadEndSeconds) : (TimeSpan?)null;
            var summary = sampler.Summarize(_request, _cluster, outcome, message ?? (unacknowledged > 0 ? $"{unacknowledged} messages were still unacknowledged when the drain timeout ended" : null), stoppedAt);
            summary = summary with { Produce = summary.Produce with { Wire = WireStatistics.Collect(_producers) } };
            summary = _segment is null
                ? Analyze(sampler, WithTransactionsAndGroups(summary), occurrences, loadEndSeconds, startTimestamp)
                : CompleteSegment(_segment, sampler, summary, occurrences, loadEndSeconds, Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart);
            foreach (var metric in LatencyMetrics.All)
            {
                results.WriteMeasured(metric.LogName(), _context.Latency.MeasuredHistogram(metric), _scenario.Warmup, TimeSpan.FromSeconds(loadEndSeconds));
            }

            results.WriteSummary(summary);
            results.Event(_context.SecondsNow, RunEventTypes.RunEnded, [new("outcome", outcome)]);
            return summary;
        }

        /// <summary>Fault markers go to events.jsonl as they happen, so a crash keeps them, then to the run's observers.</summary>
        public void Marker(FaultMarker marker)
        {
            WriteMarker(marker);
            _sampler?.FaultMarked(marker);
        }

        private void WriteMarker(FaultMarker marker) => _context.Results.Event(marker.AtSeconds, marker.EventType, [
            new("fault", marker.FaultIndex),
            new("step", marker.Step.ToString().ToLowerInvariant()),
            new("action", marker.Action),
            new("target", marker.Target),
            new("scheduledSeconds", Math.Round(marker.ScheduledSeconds, 3)),
            new("outcome", marker.Outcome.ToString().ToLowerInvariant()),
            new("detail", marker.Detail),
            new("tookSeconds", Math.Round(marker.TookSeconds, 3)),
        ]);

        public void Dispose()
        {
            _segment?.Dispose();
            _sampler?.Stop();
            foreach (var producer in _producers)
            {
                producer.Dispose();
            }

            StopConsumers();
        }

        private RunSummary Analyze(IntervalSampler sampler, RunSummary summary, IReadOnlyList<FaultOccurrence> occurrences, double loadEndSeconds, long startTimestamp)
        {
            // Producers and consumers have stopped: a transaction still open never learnt its outcome.
            foreach (var ledger in _streamLedgers.OfType<TransactionLedger>().Concat(_transforms.Values.SelectMany(t => t.Ledgers)))
            {
                ledger.CloseUndecided();
            }

            var end = new AuditEnd(
                Watermarks.LogStartOffsets(_context.BootstrapServers, _context.ClientDefaults, _scenario.Topics, _context.Results, _context.SecondsNow),
                _groups.SelectMany(g => Enumerable.Range(0, g.Progress.Partitions)
                        .Select(p => (Key: (g.Progress.Group, g.Progress.Topic, p), Position: g.Progress.NextOffset(p))))
                    .ToDictionary(x => x.Key, x => x.Position));
            var audit = _context.Audit!.Classify(end).Summary;
            var recoveries = new RecoveryAnalyzer().Analyze(new RecoveryInput
            {
                Faults = occurrences,
                Groups = sampler.LagSeries(),
                LoadEndSeconds = loadEndSeconds,
                AckGaps = _context.AckGaps?.Gaps(startTimestamp + (long)(loadEndSeconds * _request.Time.TimestampFrequency)) ?? [],
                Errors = sampler.Errors,
            });
            // From the intervals the run kept, not from the .hlog files it has just written.
            var groupEndToEnd = _scenario.Consumers.Select((c, g) => (c.Group, Intervals: sampler.GroupIntervals(LatencyMetric.EndToEnd, g)))
                .ToDictionary(x => x.Group, x => x.Intervals, StringComparer.Ordinal);
            var replays = ReplaySummaries(recoveries, audit, groupEndToEnd, loadEndSeconds);
            var slo = SloEvaluator.Evaluate(_scenario.Slos, new SloInput
            {
                Transaction = sampler.Intervals(LatencyMetric.Transaction),
                GroupEndToEnd = groupEndToEnd,
                GroupTransaction = _scenario.Consumers.Select((c, g) => (c, g)).Where(x => x.c.Transform is not null)
                    .ToDictionary(x => x.c.Group, x => sampler.GroupIntervals(LatencyMetric.Transaction, x.g), StringComparer.Ordinal),
                Lag = sampler.LagSeries(),
                Replays = replays,
                Produce = sampler.Intervals(LatencyMetric.Produce),
                Service = sampler.Intervals(LatencyMetric.Service),
                ScheduleDelay = sampler.Intervals(LatencyMetric.ScheduleDelay),
                EndToEnd = sampler.Intervals(LatencyMetric.EndToEnd),
                Faults = recoveries,
                Audit = audit,
                AchievedRate = summary.Rate.Achieved,
                MeasuredFromSeconds = _scenario.Warmup.TotalSeconds,
            });
            if (summary.Outcome != RunOutcome.Completed)
            {
                // A run that stopped early is no evidence either way: its SLOs are reported with what was observed, not judged.
                slo = [.. slo.Select(result => result with { Passed = false, Judged = false })];
            }

            return summary with { Audit = audit, Faults = [.. recoveries.Select(r => r.ToSummary())], Slo = slo, Replays = replays };
        }

        /// <summary>Every stream and group that produces in transactions, with its first instance's transactional id.</summary>
        private IEnumerable<(string Owner, string Kind, string FirstId)> TransactionOwners() =>
            _scenario.Traffic.Where(s => s.Transactions is not null).Select(s => (s.Name, "stream", TransactionalIds.For(s.Topic, s.Name, 0)))
                .Concat(_scenario.Consumers.Where(c => c.Transform is not null).Select(c => (c.Group, "group", TransactionalIds.For(c.Transform!.Topic, c.Group, 0))));

        /// <summary>The summary's transactions, each group's isolation, own end-to-end latency and output topic, and the run's transaction latency.</summary>
        private RunSummary WithTransactionsAndGroups(RunSummary summary)
        {
            var transactions = new List<TransactionSummary>();
            var producerIndex = 0;
            foreach (var stream in _scenario.Traffic)
            {
                var instances = _producers.Skip(producerIndex).Take(stream.Producers).ToList();
                producerIndex += stream.Producers;
                if (stream.Transactions is null)
                {
                    continue;
                }

                var latency = LatencyRecorders.CreateHistogram();
                foreach (var instance in instances)
                {
                    latency.Add(instance.TransactionLatency!);
                }

                transactions.Add(Summarize(stream.Name, "stream", [.. instances.Select(p => p.TransactionalId!)], [.. instances.Select(p => p.Transactions!)], instances.Sum(p => p.Restarts), latency.TotalCount > 0 ? LatencyRecorders.ToPercentiles(latency) : null));
            }

            for (var g = 0; g < _scenario.Consumers.Count; g++)
            {
                var spec = _scenario.Consumers[g];
                if (spec.Transform is null)
                {
                    continue;
                }

                var members = _transformers.Where(t => _transforms[spec.Group].Ledgers.Contains(t.Transactions)).ToList();
                var latency = _context.Latency.MeasuredGroupPercentiles(LatencyMetric.Transaction, g);
                transactions.Add(Summarize(spec.Group, "group", [.. members.Select(t => t.TransactionalId)], _transforms[spec.Group].Ledgers, members.Sum(t => t.Restarts), latency.Count > 0 ? latency : null));
            }

            var groups = summary.Consume.Groups.Select((group, g) => group with
            {
                Isolation = _scenario.Consumers[g].Isolation == ConsumerIsolation.ReadCommitted ? "read_committed" : "read_uncommitted",
                EndToEndMs = _context.Latency.MeasuredGroupPercentiles(LatencyMetric.EndToEnd, g),
                TransformsTo = _scenario.Consumers[g].Transform?.Topic,
            }).ToList();
            var transactionLatency = _context.Latency.MeasuredPercentiles(LatencyMetric.Transaction);
            return summary with
            {
                Transactions = transactions,
                Consume = new ConsumeSummary(groups),
                LatencyMs = summary.LatencyMs with { Transaction = transactions.Count > 0 ? transactionLatency : null },
            };
        }

        private static TransactionSummary Summarize(string owner, string kind, IReadOnlyList<string> ids, IReadOnlyList<TransactionLedger> ledgers, long restarts, Percentiles? latency)
        {
            var counts = new Dictionary<TransactionOutcome, long>();
            foreach (var ledger in ledgers)
            {
                foreach (var (outcome, count) in ledger.CountByOutcome())
                {
                    counts[outcome] = counts.GetValueOrDefault(outcome) + count;
                }
            }

            return new TransactionSummary
            {
                Owner = owner,
                Kind = kind,
                TransactionalIds = ids,
                Committed = counts.GetValueOrDefault(TransactionOutcome.Committed),
                AbortedOnPurpose = counts.GetValueOrDefault(TransactionOutcome.AbortedOnPurpose),
                AbortedAfterError = counts.GetValueOrDefault(TransactionOutcome.AbortedAfterError),
                Fenced = counts.GetValueOrDefault(TransactionOutcome.Fenced),
                Undecided = counts.GetValueOrDefault(TransactionOutcome.Undecided) + counts.GetValueOrDefault(TransactionOutcome.Open),
                Restarts = restarts,
                LatencyMs = latency,
            };
        }

        /// <summary>
        /// Each replay: how far it moved the group back, when the group had read that again, when its lag was back within
        /// the pre-replay baseline (the fault's recovery for that group), and every group's live end-to-end p99 before and
        /// during it.
        /// </summary>
        private List<ReplaySummary> ReplaySummaries(IReadOnlyList<FaultRecovery> recoveries, AuditSummary audit, IReadOnlyDictionary<string, IReadOnlyList<HistogramInterval>> groupEndToEnd, double loadEndSeconds)
        {
            var summaries = new List<ReplaySummary>();
            foreach (var record in _replays.Records)
            {
                var progress = _groups.First(g => g.Progress.Group == record.Group).Progress;
                var committed = record.Partitions.Where(p => p.Committed is not null).ToList();
                double? catchUp = null;
                double? reRead = null;
                var impact = new List<ReplayImpact>();
                if (record.AtSeconds is { } at)
                {
                    var recovery = recoveries.Where(r => r.Fault.Action == "group.replay").MinBy(r => Math.Abs(r.Fault.InjectedAtSeconds - at));
                    var lagBack = recovery?.Groups.FirstOrDefault(g => g.Group == record.Group)?.RecoverySeconds;
                    var reached = committed.Select(p => progress.ReplayReachedMicros(p.Partition)).ToList();
                    reRead = committed.Count > 0 && reached.All(r => r is not null) ? Math.Round(reached.Max(r => r!.Value) / 1e6 - at, 3) : null;
                    catchUp = reRead is { } readAgain && lagBack is { } recovered ? Math.Max(readAgain, recovered) : null;
                    var during = catchUp ?? (loadEndSeconds - at);
                    var window = Math.Max(5, during);
                    impact.AddRange(_scenario.Consumers.Select(c => new ReplayImpact(
                        c.Group,
                        c.Group == record.Group,
                        P99(groupEndToEnd[c.Group], at - window, at),
                        P99(groupEndToEnd[c.Group], at, at + Math.Max(1, during)))));
                }

                summaries.Add(new ReplaySummary
                {
                    Group = record.Group,
                    AtSeconds = record.AtSeconds is { } seconds ? Math.Round(seconds, 3) : null,
                    Succeeded = record.Succeeded,
                    Rewind = record.Rewind,
                    OffsetsRewound = committed.Sum(p => p.Until - p.Target),
                    Replayed = audit.Groups.FirstOrDefault(g => g.Group == record.Group)?.Replayed ?? 0,
                    ReReadSeconds = reRead,
                    CatchUpSeconds = catchUp,
                    Impact = impact,
                });
            }

            return summaries;
        }

        /// <summary>The p99 (ms) of the intervals whose midpoint lies in [from, to); null without samples.</summary>
        private static double? P99(IReadOnlyList<HistogramInterval> intervals, double from, double to)
        {
            var merged = HistogramInterval.Merge(intervals.Where(i => i.MidpointSeconds >= from && i.MidpointSeconds < to));
            return merged is null || merged.TotalCount == 0 ? null : merged.GetValueAtPercentile(99) / 1000.0;
        }

        /// <summary>
        /// The summary of one segment of a split run: its own counts and latencies, its faults as executed (segment 0)
        /// and its worker; the audit, recovery and SLOs need every segment, so <c>loadlab merge</c> computes them.
        /// </summary>
        private RunSummary CompleteSegment(SegmentRecorder segment, IntervalSampler sampler, RunSummary summary, IReadOnlyList<FaultOccurrence> occurrences, double loadEndSeconds, TimeSpan cpu)
        {
            var logStarts = Watermarks.LogStartOffsets(_context.BootstrapServers, _context.ClientDefaults, _scenario.Topics, _context.Results, _context.SecondsNow);
            var seconds = (int)Math.Ceiling(_scenario.TotalDuration.TotalSeconds) + 1;
            var sentBySecond = Enumerable.Range(0, seconds).Select(s => _producers.Sum(p => p.SentInSecond(s))).ToList();
            segment.Complete(new SegmentEnd(loadEndSeconds, occurrences, sampler.Errors, logStarts, sentBySecond, cpu.TotalSeconds));
            var consumed = summary.Consume.Groups.Sum(g => g.Consumed);
            var handled = summary.Produce.Sent + consumed;
            var worker = new WorkerSummary
            {
                Index = segment.Segment.Index,
                Clock = segment.Clock,
                Producers = _producers.Count,
                Members = _groups.Sum(g => g.Members.Count),
                Sent = summary.Produce.Sent,
                Acked = summary.Produce.Acked,
                Consumed = consumed,
                CpuSeconds = Math.Round(cpu.TotalSeconds, 3),
                CpuSecondsPerMillionMessages = handled > 0 ? Math.Round(cpu.TotalSeconds / handled * 1e6, 3) : null,
                PeakRssBytes = summary.Resources?.PeakRssBytes ?? 0,
            };
            return summary with
            {
                Faults = [.. occurrences.Select(o => new FaultSummary
                {
                    Action = o.Action,
                    Target = o.Target,
                    AtSeconds = o.InjectedAtSeconds,
                    DurationSeconds = o.RevertedAtSeconds - o.InjectedAtSeconds,
                    Succeeded = o.Succeeded,
                    Detail = o.Detail,
                    NotRecoveredReason = "not analysed in one segment: loadlab merge analyses recovery over every segment",
                })],
                Workers = new WorkersSummary
                {
                    Count = segment.Segment.Count,
                    Merged = false,
                    StartAt = _context.Clock.StartedAt,
                    Segments = [worker],
                    EndToEndSameWorker = segment.SameWorkerPercentiles(),
                    SkewBoundNote = "one segment: its consumers' end-to-end latency of messages other workers produced depends on both clocks; see the merged run",
                },
            };
        }

        /// <summary>Every segment records the fault timeline; only segment 0 executes it (its markers follow as the faults happen).</summary>
        private void RecordPlannedFaults()
        {
            if (_request.Segment.IsWhole || _request.Segment.ExecutesFaults)
            {
                return;
            }

            foreach (var (fault, index) in _scenario.Faults.Select((f, i) => (f, i)))
            {
                _context.Event(RunEventTypes.FaultPlanned, [
                    new("fault", index),
                    new("action", fault.Action),
                    new("atSeconds", fault.At.TotalSeconds),
                    new("durationSeconds", fault.Duration?.TotalSeconds),
                    new("executedBy", "segment 0"),
                ]);
            }
        }

        /// <summary>Waits until the agreed start, then starts the run clock there; refuses when the load would start late.</summary>
        private async Task StartAtAsync(DateTimeOffset startAt, CancellationToken cancellationToken)
        {
            var time = _request.Time;
            var wait = startAt - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }

            var late = time.GetUtcNow() - startAt;
            if (late > _request.StartTolerance)
            {
                throw new EnvironmentException(
                    $"This worker reached the agreed start ({startAt:O}) {late.TotalSeconds:0.0} s late, so its share of the load would be sent late; nothing was sent. " +
                    "Give the workers more time before the start (a later --start-at), or check that this machine's clock is synchronised.");
            }

            _context.Clock.RestartAt(startAt);
            _context.Results.Event(0, RunEventTypes.RunStartedAt, [new("startAt", startAt), new("lateMs", Math.Round(Math.Max(0, late.TotalMilliseconds), 3))]);
        }

        private DeliveryAudit CreateAudit()
        {
            var producers = new List<AuditedProducer>();
            foreach (var (stream, schedule) in _schedules)
            {
                for (var i = 0; i < stream.Producers; i++)
                {
                    var ledger = stream.Transactions is null ? null : new TransactionLedger();
                    _streamLedgers.Add(ledger);
                    producers.Add(new AuditedProducer(
                        stream.Topic,
                        _scenario.Topics.First(t => t.Name == stream.Topic).Partitions,
                        (long)(schedule.TotalMessages / stream.Producers * PlannedMessagesSlack) + 1_000) { Transactions = ledger });
                }
            }

            // Each member of a transforming group writes its outputs as a producer of its own: about its share of the
            // inputs, plus what it processes again after aborts (the audit grows beyond the plan when needed).
            foreach (var spec in _scenario.Consumers.Where(c => c.Transform is not null))
            {
                var inputs = _schedules.Where(s => s.Stream.Topic == spec.Topic).Sum(s => s.Schedule.TotalMessages);
                var ledgers = Enumerable.Range(0, spec.Instances).Select(_ => new TransactionLedger()).ToArray();
                _transforms[spec.Group] = (producers.Count, ledgers);
                producers.AddRange(ledgers.Select(ledger => new AuditedProducer(
                    spec.Transform!.Topic,
                    _scenario.Topics.First(t => t.Name == spec.Transform.Topic).Partitions,
                    (long)(inputs / spec.Instances * PlannedMessagesSlack) + 1_000) { Transactions = ledger }));
            }

            var groups = _scenario.Consumers.Select(c => new AuditedGroup(c.Group, c.Topic) { Isolation = c.Isolation }).ToList();
            var pipelines = _scenario.Consumers
                .Where(c => c.Transform is not null)
                .Select(c => (Spec: c, Verifier: _scenario.Consumers.FirstOrDefault(v => v.Topic == c.Transform!.Topic && v.Isolation == ConsumerIsolation.ReadCommitted)))
                .Where(p => p.Verifier is not null)
                .Select(p => new AuditedPipeline(p.Spec.Group, p.Spec.Topic, p.Spec.Transform!.Topic, p.Verifier!.Group))
                .ToList();
            return new DeliveryAudit(producers, groups, pipelines: pipelines);
        }

        private void StartConsumers(CancellationToken cancellationToken)
        {
            foreach (var (spec, groupIndex) in _scenario.Consumers.Select((c, i) => (c, i)))
            {
                var first = _context.Partitions.FirstIndexOf(spec.Topic);
                var progress = new GroupProgress(spec.Group, spec.Topic, first, _context.Partitions.PartitionsOf(spec.Topic));
                var pipelineIndex = _context.Audit?.PipelineVerifiedBy(spec.Group, spec.Topic) ?? -1;
                var members = _plan.LocalMembers
                    .Where(m => m.Group == spec.Group)
                    .Select(m => new GroupMember(_context, spec, progress, m.Instance, groupIndex, pipelineIndex, CreateTransformer(spec, progress, m.Instance, groupIndex)))
                    .ToList();
                _groups.Add((progress, members));
                _replayers.Add(new GroupReplayer(_context, spec, progress, members, _replays));
                members.ForEach(m => m.Start(cancellationToken));
            }
        }

        private Transformer? CreateTransformer(ConsumerGroupSpec spec, GroupProgress progress, int member, int groupIndex)
        {
            if (spec.Transform is null)
            {
                return null;
            }

            var (firstProducerId, ledgers) = _transforms[spec.Group];
            var outputTopicIndex = _scenario.Topics.ToList().FindIndex(t => t.Name == spec.Transform.Topic);
            var transformer = new Transformer(_context, spec, progress, member, groupIndex, firstProducerId + member, _scenario.Seed, ledgers[member], outputTopicIndex);
            _transformers.Add(transformer);
            return transformer;
        }

        // An environment that plays the controller (embedded) moves only the coordinators of groups it knows: asking
        // for each group's coordinator before it joins registers it, so killing its coordinator moves the group
        // instead of stalling it until the broker returns.
        private async Task RegisterGroupsAsync(CancellationToken cancellationToken)
        {
            if (_scenario.Faults.Count == 0 || !_request.Segment.ExecutesFaults)
            {
                return;
            }

            foreach (var spec in _scenario.Consumers)
            {
                try
                {
                    var coordinator = await _cluster.Faults.GetCoordinatorAsync(spec.Group, cancellationToken).ConfigureAwait(false);
                    _context.Event(RunEventTypes.GroupCoordinator, [new("group", spec.Group), new("broker", coordinator)]);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _context.Event(RunEventTypes.GroupCoordinator, [new("group", spec.Group), new("error", exception.Message)]);
                }
            }
        }

        private async Task WaitForGroupsAsync(CancellationToken cancellationToken)
        {
            if (!_request.Segment.IsWhole)
            {
                // A segment's members hold only their share of the partitions, and the group rebalances as the other
                // workers' members join: the agreed start is the wait (it must leave time for every worker to join).
                _context.Event(RunEventTypes.GroupsJoining, [new("members", _groups.Sum(g => g.Members.Count)), new("until", _request.StartAt)]);
                return;
            }

            var deadline = Stopwatch.StartNew();
            // Every partition, not just the first member's share: the mock cluster can answer one member's join
            // many seconds after another's, and a partition nobody reads builds lag from the first measured second.
            // And every member, each partition held by one of them: the members that made a round can share every
            // partition between them, and the late member's join then rebalances the whole group in the middle of
            // the measured seconds (eager protocol: nobody reads until the next round, up to session.timeout.ms − 1 s
            // on the mock); while a round is being handed out, the members' old and new assignments overlap.
            static bool Settled((GroupProgress Progress, List<GroupMember> Members) group) =>
                GroupAssignments.IsSettled(group.Progress.Partitions, group.Members.Select(m => m.CurrentAssignment));
            while (!_groups.TrueForAll(Settled) && deadline.Elapsed < _request.GroupJoinTimeout)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            var waiting = _groups.Where(g => !Settled(g)).Select(g => g.Progress.Group).ToList();
            _context.Event(RunEventTypes.GroupsJoined, [new("seconds", Math.Round(deadline.Elapsed.TotalSeconds, 3)), new("notJoined", waiting)]);
        }

        /// <summary>
        /// The clock starts when the producers can send: a client that cannot yet (no producer id, leaders unknown)
        /// would hold the first messages for its start-up and give them a latency no cluster caused.
        /// </summary>
        private async Task AwaitProducersReadyAsync()
        {
            var waited = Stopwatch.StartNew();
            var notReady = await Task.WhenAll(_producers.Select(p => Task.Run(() => (Producer: p, Reason: p.AwaitReady(ProducerReadyTimeout))))).ConfigureAwait(false);
            _context.Event(RunEventTypes.ProducersReady, [
                new("seconds", Math.Round(waited.Elapsed.TotalSeconds, 3)),
                new("notReady", notReady.Where(n => n.Reason is not null).Select(n => $"{n.Producer.StreamName}#{n.Producer.ProducerId}: {n.Reason}").ToList())]);
        }

        private void CreateProducers()
        {
            foreach (var planned in _plan.LocalProducers)
            {
                var (stream, schedule) = _schedules.First(s => s.Stream.Name == planned.Stream);
                var topicIndex = _scenario.Topics.ToList().FindIndex(t => t.Name == stream.Topic);
                // Keys, payloads and arrivals derive from the instance among all of the stream's instances (every segment's).
                _producers.Add(new OpenLoopProducer(_context, stream with { Producers = planned.Instances }, schedule, planned.Id, planned.Instance, _scenario.Seed, topicIndex, stream.Transactions is null ? null : _streamLedgers[planned.Id]));
            }
        }

        private async Task WaitForConsumersAsync(long deadlineMicros, CancellationToken cancellationToken)
        {
            while (_context.Clock.NowMicros() < deadlineMicros && !cancellationToken.IsCancellationRequested)
            {
                var now = _context.Clock.NowMicros();
                if (_groups.All(g => g.Progress.Lag(_context.Ledger, now).Messages == 0))
                {
                    return;
                }

                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private void StopConsumers()
        {
            foreach (var (_, members) in _groups)
            {
                foreach (var member in members)
                {
                    member.Stop();
                }
            }

            foreach (var (_, members) in _groups)
            {
                foreach (var member in members)
                {
                    member.Dispose();
                }
            }
        }

        private TimeSpan RemainingUntil(long deadlineMicros) =>
            TimeSpan.FromMicroseconds(Math.Max(0, deadlineMicros - _context.Clock.NowMicros()));
    }
}
