using System.Diagnostics;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;
using LoadLab.Kafka.Consuming;
using LoadLab.Kafka.Producing;

namespace LoadLab.Kafka.Running;

/// <summary>
/// Runs a scenario against a started cluster: consumers join first, then open-loop producers follow the
/// schedule while a sampler closes one measurement interval per second, then producers flush and consumers
/// drain. Results are written as the run goes; the returned summary is also in <c>summary.json</c>.
/// </summary>
public static class RunEngine
{
    /// <summary>Runs the scenario. Cancelling stops the load early; the summary's outcome is then "interrupted".</summary>
    public static async Task<RunSummary> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var results = new ResultsWriter(request.ResultsDirectory);
        if (request.ScenarioYaml is { } yaml)
        {
            results.WriteScenario(yaml);
        }

        var run = new Run(request, results);
        try
        {
            return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            run.Dispose();
        }
    }

    private sealed class Run : IDisposable
    {
        private readonly RunRequest _request;
        private readonly Scenario _scenario;
        private readonly RunContext _context;
        private readonly List<(TrafficStream Stream, RateSchedule Schedule)> _schedules;
        private readonly List<OpenLoopProducer> _producers = [];
        private readonly List<(GroupProgress Progress, List<GroupMember> Members)> _groups = [];
        private readonly IntervalSampler _sampler;

        public Run(RunRequest request, ResultsWriter results)
        {
            _request = request;
            _scenario = request.Scenario;
            var map = new PartitionMap(_scenario.Topics);
            _context = new RunContext
            {
                Clock = new RunClock(request.Time),
                Latency = new LatencyRecorders(),
                Partitions = map,
                Ledger = new PartitionLedger(map),
                Results = results,
                RunNonce = Random.Shared.NextInt64(1, long.MaxValue),
                MeasuredFromMicros = (long)_scenario.Warmup.TotalMicroseconds,
                EndMicros = (long)_scenario.TotalDuration.TotalMicroseconds,
                BootstrapServers = request.Cluster.BootstrapServers,
                ClientDefaults = request.Cluster.ClientDefaults,
            };
            _schedules = _scenario.Traffic.Select(s => (s, RateSchedule.Create(s, _scenario.TotalDuration))).ToList();
            _sampler = new IntervalSampler(_context, _schedules.Select(s => s.Schedule).ToList(), _producers, _groups, request.Progress, _scenario);
        }

        public async Task<RunSummary> ExecuteAsync(CancellationToken cancellationToken)
        {
            var results = _context.Results;
            var outcome = "completed";
            string? message = null;
            results.Event(0, "run.preparing", [new("scenario", _scenario.Name), new("environment", _request.Cluster.Kind), new("bootstrap", _request.Cluster.BootstrapServers)]);
            StartConsumers(cancellationToken);
            await WaitForGroupsAsync(cancellationToken).ConfigureAwait(false);
            CreateProducers();

            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _context.Clock.Restart();
            results.BeginIntervals(_context.Clock.StartedAt);
            results.Event(0, "run.started", [new("runId", _request.RunId), new("startedAt", _context.Clock.StartedAt)]);
            _sampler.Start();
            foreach (var producer in _producers)
            {
                producer.Start(stopLoad.Token);
            }

            await Task.Run(() => _producers.ForEach(p => p.Join()), CancellationToken.None).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = "interrupted";
                message = "stopped by the user (Ctrl+C); results up to this point are kept";
            }

            _sampler.Phase = "draining";
            results.Event(_context.SecondsNow, "run.stopping", [new("outcome", outcome)]);
            var drainDeadline = _context.Clock.NowMicros() + (long)_scenario.DrainTimeout.TotalMicroseconds;
            var unacknowledged = await Task.Run(() => _producers.Sum(p => p.Flush(RemainingUntil(drainDeadline))), CancellationToken.None).ConfigureAwait(false);
            await WaitForConsumersAsync(drainDeadline, cancellationToken).ConfigureAwait(false);
            _sampler.Stop();
            StopConsumers();

            var summary = _sampler.Summarize(_request, outcome, message ?? (unacknowledged > 0 ? $"{unacknowledged} messages were still unacknowledged when the drain timeout ended" : null));
            results.WriteSummary(summary);
            results.Event(_context.SecondsNow, "run.ended", [new("outcome", outcome)]);
            return summary;
        }

        public void Dispose()
        {
            _sampler.Stop();
            foreach (var producer in _producers)
            {
                producer.Dispose();
            }

            StopConsumers();
        }

        private void StartConsumers(CancellationToken cancellationToken)
        {
            foreach (var spec in _scenario.Consumers)
            {
                var first = _context.Partitions.FirstIndexOf(spec.Topic);
                var progress = new GroupProgress(spec.Group, spec.Topic, first, _context.Partitions.PartitionsOf(spec.Topic));
                var members = Enumerable.Range(0, spec.Instances).Select(i => new GroupMember(_context, spec, progress, i)).ToList();
                _groups.Add((progress, members));
                members.ForEach(m => m.Start(cancellationToken));
            }
        }

        private async Task WaitForGroupsAsync(CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.StartNew();
            while (_groups.Any(g => g.Progress.Rebalances == 0) && deadline.Elapsed < _request.GroupJoinTimeout)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            var waiting = _groups.Where(g => g.Progress.Rebalances == 0).Select(g => g.Progress.Group).ToList();
            _context.Results.Event(0, "groups.joined", [new("seconds", Math.Round(deadline.Elapsed.TotalSeconds, 3)), new("notJoined", waiting)]);
        }

        private void CreateProducers()
        {
            var producerId = 0;
            foreach (var (stream, schedule) in _schedules)
            {
                for (var i = 0; i < stream.Producers; i++)
                {
                    _producers.Add(new OpenLoopProducer(_context, stream, schedule, producerId++, i, _scenario.Seed));
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
