using System.Diagnostics;
using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Audit;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Measurement.Slo;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;
using LoadLab.Engine.Consuming;
using LoadLab.Engine.Producing;

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

        private readonly ICluster _cluster;
        private readonly RunRequest _request;
        private readonly Scenario _scenario;
        private readonly RunContext _context;
        private readonly List<(TrafficStream Stream, RateSchedule Schedule)> _schedules;
        private readonly List<OpenLoopProducer> _producers = [];
        private readonly List<(GroupProgress Progress, List<GroupMember> Members)> _groups = [];
        private readonly IntervalSampler _sampler;

        public Run(ICluster cluster, RunRequest request, ResultsWriter results)
        {
            _cluster = cluster;
            _request = request;
            _scenario = request.Scenario;
            var map = new PartitionMap(_scenario.Topics);
            _schedules = [.. _scenario.Traffic.Select(s => (s, RateSchedule.Create(s, _scenario.TotalDuration)))];
            _context = new RunContext
            {
                Clock = new RunClock(request.Time),
                Latency = new LatencyRecorders(),
                Partitions = map,
                Ledger = new PartitionLedger(map),
                Results = results,
                Audit = CreateAudit(),
                RunNonce = Random.Shared.NextInt64(1, long.MaxValue),
                MeasuredFromMicros = (long)_scenario.Warmup.TotalMicroseconds,
                EndMicros = (long)_scenario.TotalDuration.TotalMicroseconds,
                BootstrapServers = cluster.BootstrapServers,
                ClientDefaults = cluster.ClientDefaults,
            };
            _sampler = new IntervalSampler(_context, [.. _schedules.Select(s => s.Schedule)], _producers, _groups, request.Observers, _scenario);
        }

        public async Task<RunSummary> ExecuteAsync(CancellationToken cancellationToken)
        {
            var results = _context.Results;
            var outcome = RunOutcome.Completed;
            string? message = null;
            results.Event(0, RunEventTypes.RunPreparing, [new("scenario", _scenario.Name), new("environment", _cluster.Kind), new("bootstrap", _cluster.BootstrapServers)]);
            await RegisterGroupsAsync(cancellationToken).ConfigureAwait(false);
            StartConsumers(cancellationToken);
            await WaitForGroupsAsync(cancellationToken).ConfigureAwait(false);
            CreateProducers();

            _context.Clock.Restart();
            var startTimestamp = _context.Clock.StartTimestamp;
            _context.AckGaps = new AckGapTracker([.. _scenario.Topics.Select(t => (t.Name, t.Partitions))], _request.Time, startTimestamp);
            results.BeginIntervals(_context.Clock.StartedAt);
            results.Event(0, RunEventTypes.RunStarted, [new("runId", _request.RunId), new("startedAt", _context.Clock.StartedAt)]);
            _sampler.Start();
            using var stopFaults = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timeline = new FaultTimeline(_scenario.Faults, _cluster.Faults, [.. _cluster.Brokers.Select(b => b.Id)], _request.Time, startTimestamp, _scenario.Seed, this);
            var faults = timeline.RunAsync(stopFaults.Token);
            foreach (var producer in _producers)
            {
                producer.Start(cancellationToken);
            }

            await Task.Run(() => _producers.ForEach(p => p.Join()), CancellationToken.None).ConfigureAwait(false);
            var loadEndSeconds = _context.SecondsNow;
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = RunOutcome.Interrupted;
                message = "stopped by the user (Ctrl+C); results up to this point are kept";
            }

            _sampler.Phase = RunPhase.Draining;
            results.Event(loadEndSeconds, RunEventTypes.RunStopping, [new("outcome", outcome)]);
            var drainDeadline = _context.Clock.NowMicros() + (long)_scenario.DrainTimeout.TotalMicroseconds;
            var unacknowledged = await Task.Run(() => _producers.Sum(p => p.Flush(RemainingUntil(drainDeadline))), CancellationToken.None).ConfigureAwait(false);
            await WaitForConsumersAsync(drainDeadline, cancellationToken).ConfigureAwait(false);
            await stopFaults.CancelAsync().ConfigureAwait(false);
            var occurrences = await faults.ConfigureAwait(false);
            _sampler.Stop();
            StopConsumers();

            var summary = _sampler.Summarize(_request, _cluster, outcome, message ?? (unacknowledged > 0 ? $"{unacknowledged} messages were still unacknowledged when the drain timeout ended" : null));
            summary = summary with { Produce = summary.Produce with { Wire = WireStatistics.Collect(_producers) } };
            summary = Analyze(summary, occurrences, loadEndSeconds, startTimestamp);
            results.WriteSummary(summary);
            results.Event(_context.SecondsNow, RunEventTypes.RunEnded, [new("outcome", outcome)]);
            return summary;
        }

        /// <summary>Fault markers go to events.jsonl as they happen, so a crash keeps them, then to the run's observers.</summary>
        public void Marker(FaultMarker marker)
        {
            WriteMarker(marker);
            _sampler.FaultMarked(marker);
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
            _sampler.Stop();
            foreach (var producer in _producers)
            {
                producer.Dispose();
            }

            StopConsumers();
        }

        private RunSummary Analyze(RunSummary summary, IReadOnlyList<FaultOccurrence> occurrences, double loadEndSeconds, long startTimestamp)
        {
            var end = new AuditEnd(
                Watermarks.LogStartOffsets(_context.BootstrapServers, _context.ClientDefaults, _scenario.Topics, _context.Results, _context.SecondsNow),
                _groups.SelectMany(g => Enumerable.Range(0, g.Progress.Partitions)
                        .Select(p => (Key: (g.Progress.Group, g.Progress.Topic, p), Position: g.Progress.NextOffset(p))))
                    .ToDictionary(x => x.Key, x => x.Position));
            var audit = _context.Audit.Classify(end).Summary;
            var recoveries = new RecoveryAnalyzer().Analyze(new RecoveryInput
            {
                Faults = occurrences,
                Groups = _sampler.LagSeries(),
                LoadEndSeconds = loadEndSeconds,
                AckGaps = _context.AckGaps?.Gaps(startTimestamp + (long)(loadEndSeconds * _request.Time.TimestampFrequency)) ?? [],
                Errors = _sampler.Errors,
            });
            // From the intervals the run kept, not from the .hlog files it has just written.
            var slo = SloEvaluator.Evaluate(_scenario.Slos, new SloInput
            {
                Produce = _sampler.Intervals(LatencyMetric.Produce),
                Service = _sampler.Intervals(LatencyMetric.Service),
                ScheduleDelay = _sampler.Intervals(LatencyMetric.ScheduleDelay),
                EndToEnd = _sampler.Intervals(LatencyMetric.EndToEnd),
                Faults = recoveries,
                Audit = audit,
                AchievedRate = summary.Rate.Achieved,
                MeasuredFromSeconds = _scenario.Warmup.TotalSeconds,
            });
            return summary with { Audit = audit, Faults = [.. recoveries.Select(r => r.ToSummary())], Slo = slo };
        }

        private DeliveryAudit CreateAudit() => new(
            [.. _schedules.SelectMany(s => Enumerable.Range(0, s.Stream.Producers).Select(_ => new AuditedProducer(
                s.Stream.Topic,
                _scenario.Topics.First(t => t.Name == s.Stream.Topic).Partitions,
                (long)(s.Schedule.TotalMessages / s.Stream.Producers * PlannedMessagesSlack) + 1_000)))],
            [.. _scenario.Consumers.Select(c => new AuditedGroup(c.Group, c.Topic))]);

        private void StartConsumers(CancellationToken cancellationToken)
        {
            foreach (var spec in _scenario.Consumers)
            {
                var first = _context.Partitions.FirstIndexOf(spec.Topic);
                var progress = new GroupProgress(spec.Group, spec.Topic, first, _context.Partitions.PartitionsOf(spec.Topic));
                var auditIndex = _context.Audit.GroupIndex(spec.Group);
                var members = Enumerable.Range(0, spec.Instances).Select(i => new GroupMember(_context, spec, progress, i, auditIndex)).ToList();
                _groups.Add((progress, members));
                members.ForEach(m => m.Start(cancellationToken));
            }
        }

        // An environment that plays the controller (embedded) moves only the coordinators of groups it knows: asking
        // for each group's coordinator before it joins registers it, so killing its coordinator moves the group
        // instead of stalling it until the broker returns.
        private async Task RegisterGroupsAsync(CancellationToken cancellationToken)
        {
            if (_scenario.Faults.Count == 0)
            {
                return;
            }

            foreach (var spec in _scenario.Consumers)
            {
                try
                {
                    var coordinator = await _cluster.Faults.GetCoordinatorAsync(spec.Group, cancellationToken).ConfigureAwait(false);
                    _context.Results.Event(0, RunEventTypes.GroupCoordinator, [new("group", spec.Group), new("broker", coordinator)]);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _context.Results.Event(0, RunEventTypes.GroupCoordinator, [new("group", spec.Group), new("error", exception.Message)]);
                }
            }
        }

        private async Task WaitForGroupsAsync(CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.StartNew();
            // Every partition, not just the first member's share: the mock cluster can answer one member's join
            // many seconds after another's, and a partition nobody reads builds lag from the first measured second.
            while (_groups.Any(g => !g.Progress.EveryPartitionAssigned) && deadline.Elapsed < _request.GroupJoinTimeout)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            var waiting = _groups.Where(g => !g.Progress.EveryPartitionAssigned).Select(g => g.Progress.Group).ToList();
            _context.Results.Event(0, RunEventTypes.GroupsJoined, [new("seconds", Math.Round(deadline.Elapsed.TotalSeconds, 3)), new("notJoined", waiting)]);
        }

        private void CreateProducers()
        {
            var producerId = 0;
            foreach (var (stream, schedule) in _schedules)
            {
                var topicIndex = _scenario.Topics.ToList().FindIndex(t => t.Name == stream.Topic);
                for (var i = 0; i < stream.Producers; i++)
                {
                    _producers.Add(new OpenLoopProducer(_context, stream, schedule, producerId++, i, _scenario.Seed, topicIndex));
                }
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
