using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Measurement.Slo;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;
using LoadLab.Engine.Consuming;
using LoadLab.Engine.Producing;
using LoadLab.Engine.Sampling;

namespace LoadLab.Engine.Running;

/// <summary>
/// Closes one measurement interval per second of the run clock, on its own thread: each concern of the interval
/// (<see cref="Sampling"/>: latency, producer counts, send accuracy, payload sizes, consumer groups, errors,
/// partitions, memory) closes its part, the row goes to the results, and the run's observers hear of it. The
/// sampler only sequences and delivers; what an interval means lives in the concern that measures it.
/// </summary>
internal sealed class IntervalSampler
{
    private readonly RunContext _run;
    private readonly Scenario _scenario;
    private readonly List<IRunObserver> _observers;
    private readonly LatencyIntervals _latency;
    private readonly TargetSchedule _target;
    private readonly ProduceCounters _produced;
    private readonly SendAccuracy _accuracy;
    private readonly PayloadSizes _payload;
    private readonly ProducerErrors _errors;
    private readonly ConsumerGroups _groups;
    private readonly PartitionCounters _partitions;
    private readonly ProcessMemory _memory;
    private readonly RunSummaryBuilder _summary;
    private readonly object _tickLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _warmupSeconds;
    private Thread? _thread;
    private int _second;

    /// <summary>A sampler of the run's producers and groups, which must all exist: the sampler sizes itself by them.</summary>
    public IntervalSampler(
        RunContext run,
        IReadOnlyList<RateSchedule> schedules,
        IReadOnlyList<double> shares,
        IReadOnlyList<OpenLoopProducer> producers,
        IReadOnlyList<(GroupProgress Progress, List<GroupMember> Members)> groups,
        IReadOnlyList<IRunObserver> observers,
        Scenario scenario)
    {
        _run = run;
        _scenario = scenario;
        _observers = [.. observers];
        _warmupSeconds = (int)Math.Ceiling(scenario.Warmup.TotalSeconds);
        var progress = groups.Select(g => g.Progress).ToList();
        _latency = new LatencyIntervals(run.Latency, run.Results, SloEvaluator.IntervalMetrics(scenario.Slos), LatencyIntervals.GroupLogsOf(scenario));
        _target = new TargetSchedule(schedules, shares);
        _produced = new ProduceCounters(producers, scenario.Traffic, _target);
        _accuracy = new SendAccuracy(producers, _warmupSeconds, scenario.TotalDuration.TotalSeconds);
        _payload = new PayloadSizes(producers);
        _errors = new ProducerErrors(producers);
        _groups = new ConsumerGroups(progress, run.Ledger);
        _partitions = new PartitionCounters(run.Partitions, run.Ledger, progress);
        _memory = new ProcessMemory();
        _summary = new RunSummaryBuilder
        {
            Run = run,
            Scenario = scenario,
            Producers = producers,
            Groups = groups,
            Target = _target,
            Accuracy = _accuracy,
            Payload = _payload,
            Errors = _errors,
            Lag = _groups,
            Partitions = _partitions,
            Memory = _memory,
        };
    }

    /// <summary>The phase of the next interval; the run sets <see cref="RunPhase.Draining"/> when the load stops.</summary>
    public RunPhase Phase { get; set; } = RunPhase.WarmUp;

    /// <summary>
    /// When the load stopped early (seconds since the run start), set by the run as it stops: the schedule asks for
    /// nothing after it (<see cref="TargetSchedule.LoadEndSeconds"/>).
    /// </summary>
    public double? LoadEndSeconds
    {
        get => _target.LoadEndSeconds;
        set
        {
            // Set while the sampler's thread may be closing an interval: taken under the same lock as Tick.
            lock (_tickLock)
            {
                _target.LoadEndSeconds = value;
            }
        }
    }

    public void Start()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "loadlab-sampler" };
        _thread.Start();
    }

    /// <summary>Stops the loop and closes the last (partial) interval. Safe to call twice.</summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _thread?.Join();
        if (_thread is not null)
        {
            Tick();
        }
    }

    /// <summary>Each group's lag once per second and when it rebalanced (for recovery analysis).</summary>
    public IReadOnlyList<GroupLagSeries> LagSeries() => _groups.LagSeries();

    /// <summary>
    /// The intervals of <paramref name="metric"/> so far, when the scenario's SLOs need them
    /// (<see cref="SloEvaluator.IntervalMetrics"/>); empty for the other metrics, which are only written to their logs.
    /// </summary>
    public IReadOnlyList<HistogramInterval> Intervals(LatencyMetric metric) => _latency.Kept(metric);

    /// <summary>The intervals of group <paramref name="group"/>'s own log of <paramref name="metric"/> (<see cref="LatencyIntervals.GroupLogsOf"/>).</summary>
    public IReadOnlyList<HistogramInterval> GroupIntervals(LatencyMetric metric, int group) => _latency.KeptOfGroup(metric, group);

    /// <summary>Producer errors per second and code.</summary>
    public IReadOnlyList<ErrorCount> Errors => _errors.PerSecond;

    /// <summary>The run's summary before its analysis (<see cref="RunSummaryBuilder.Build"/>).</summary>
    public RunSummary Summarize(RunRequest request, ICluster cluster, RunOutcome outcome, string? message, TimeSpan? stoppedAt) =>
        _summary.Build(request, cluster, outcome, message, stoppedAt);

    /// <summary>Tells the observers about a fault step (from the timeline's task).</summary>
    public void FaultMarked(FaultMarker marker)
    {
        lock (_tickLock)
        {
            Notify(observer => observer.FaultMarked(marker), marker.AtSeconds);
        }
    }

    private void Loop()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var due = (_second + 1) * 1_000_000L;
            var wait = due - _run.Clock.NowMicros();
            if (wait > 0)
            {
                token.WaitHandle.WaitOne(TimeSpan.FromMicroseconds(wait));
                continue;
            }

            Tick();
        }
    }

    private void Tick()
    {
        lock (_tickLock)
        {
            var second = _second++;
            if (second == _warmupSeconds && _warmupSeconds > 0 && Phase != RunPhase.Draining)
            {
                _run.Results.Event(_scenario.Warmup.TotalSeconds, RunEventTypes.WarmupEnded, [new("measuredSeconds", _scenario.Duration.TotalSeconds)]);
            }

            if (Phase != RunPhase.Draining)
            {
                Phase = second >= _warmupSeconds ? RunPhase.Measuring : RunPhase.WarmUp;
            }

            var latency = _latency.Close(second);
            var groupEndToEnd = _latency.CloseGroups(second);
            var produced = _produced.Close(second);
            var averagePayload = _payload.Close();
            var target = _target.InSecond(second);
            _accuracy.Close(second, target);
            var groups = _groups.Close(_run.Clock.NowMicros());
            _errors.Close(second);
            _run.Audit?.Settle();
            var (rss, heap) = _memory.Close(second);
            var row = new SeriesRow
            {
                Second = second,
                TargetRate = target,
                Sent = produced.Sent,
                Acked = produced.Acked,
                Failed = produced.Failed,
                Consumed = groups.Consumed,
                QueueFull = produced.QueueFull,
                AvgPayloadBytes = averagePayload,
                Latency = latency,
                RssBytes = rss,
                GcHeapBytes = heap,
                Lag = groups.Lag,
                GroupEndToEnd = groupEndToEnd,
            };
            _run.Results.AppendSeries(row, _groups.Names);
            _run.Results.AppendPartitions(_partitions.Close(second));
            var interval = new RunInterval(row, _groups.Names, Phase, _scenario.TotalDuration.TotalSeconds)
            {
                Streams = produced.Streams,
                GroupDetails = groups.Groups,
            };
            Notify(observer => observer.IntervalClosed(interval), second + 1);
        }
    }

    // An observer that throws is detached, with an event saying so: watching a run must never end it or lose its results.
    private void Notify(Action<IRunObserver> call, double seconds)
    {
        foreach (var observer in _observers.ToList())
        {
            try
            {
                call(observer);
            }
            catch (Exception exception)
            {
                _observers.Remove(observer);
                _run.Results.Event(seconds, RunEventTypes.Error, [new("where", "run observer"), new("observer", observer.GetType().Name), new("error", exception.Message)]);
            }
        }
    }
}
