using HdrHistogram;
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

namespace LoadLab.Engine.Running;

/// <summary>
/// Closes one measurement interval per second of the run clock: takes each latency recorder's interval
/// histogram (logged to its .hlog and added to the measured totals), turns the counters into per-second
/// rates, samples consumer lag and memory, and appends the rows to the results.
/// </summary>
internal sealed class IntervalSampler
{
    private readonly RunContext _run;
    private readonly IReadOnlyList<RateSchedule> _schedules;
    private readonly IReadOnlyList<double> _shares;
    private readonly IReadOnlyList<OpenLoopProducer> _producers;
    private readonly IReadOnlyList<(GroupProgress Progress, List<GroupMember> Members)> _groups;
    private readonly List<IRunObserver> _observers;
    private readonly Scenario _scenario;
    private readonly HistogramBase _interval = LatencyRecorders.CreateHistogram();
    private readonly Dictionary<LatencyMetric, List<HistogramInterval>> _kept;
    private readonly object _tickLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _warmupSeconds;
    private Thread? _thread;
    private int _second;
    private long _sent;
    private long _acked;
    private long _failed;
    private long _queueFull;
    private long _consumed;
    private long[] _partitionAcked = [];
    private long[] _partitionBytes = [];
    private long[] _maxLagMessages = [];
    private double[] _maxLagSeconds = [];
    private double _worstSecondErrorPercent;
    private double _wholeSecondsTarget;
    private double? _loadEndSeconds;
    private long _wholeSecondsSent;
    private long _peakRss;
    private long _peakHeap;
    private long _firstMinuteRss;
    private long _lastRss;
    private List<LagSample>[] _lagSamples = [];
    private List<double>[] _rebalanceSeconds = [];
    private int[] _rebalances = [];
    private readonly List<ErrorCount> _errors = [];
    private Dictionary<string, long> _errorTotals = new(StringComparer.Ordinal);
    private long _minPayload = long.MaxValue;
    private long _maxPayload;
    private (long Sent, long Acked, long Failed)[] _streamTotals = [];
    private long[] _groupConsumed = [];

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
        _schedules = schedules;
        _shares = shares;
        _producers = producers;
        _groups = groups;
        _observers = [.. observers];
        _scenario = scenario;
        _warmupSeconds = (int)Math.Ceiling(scenario.Warmup.TotalSeconds);
        _kept = SloEvaluator.IntervalMetrics(scenario.Slos).ToDictionary(m => m, _ => new List<HistogramInterval>());
    }

    /// <summary>The phase of the next interval; the run sets <see cref="RunPhase.Draining"/> when the load stops.</summary>
    public RunPhase Phase { get; set; } = RunPhase.WarmUp;

    /// <summary>
    /// When the load stopped (seconds since the run start), set by the run as it stops: the schedule asks for nothing
    /// after it, so a run stopped early by Ctrl+C shows no target it could not have met.
    /// </summary>
    public double? LoadEndSeconds
    {
        get => _loadEndSeconds;
        set
        {
            // Set while the sampler's thread may be closing an interval: taken under the same lock as Tick.
            lock (_tickLock)
            {
                _loadEndSeconds = value;
            }
        }
    }

    public void Start()
    {
        _partitionAcked = new long[_run.Partitions.Count];
        _partitionBytes = new long[_run.Partitions.Count];
        _maxLagMessages = new long[_groups.Count];
        _maxLagSeconds = new double[_groups.Count];
        _lagSamples = [.. _groups.Select(_ => new List<LagSample>())];
        _rebalanceSeconds = [.. _groups.Select(_ => new List<double>())];
        _rebalances = new int[_groups.Count];
        _streamTotals = new (long, long, long)[_scenario.Traffic.Count];
        _groupConsumed = new long[_groups.Count];
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
    public IReadOnlyList<GroupLagSeries> LagSeries() =>
        [.. _groups.Select((g, i) => new GroupLagSeries(g.Progress.Group, _lagSamples[i], _rebalanceSeconds[i]))];

    /// <summary>
    /// The intervals of <paramref name="metric"/> so far, when the scenario's SLOs need them
    /// (<see cref="SloEvaluator.IntervalMetrics"/>); empty for the other metrics, which are only written to their logs.
    /// </summary>
    public IReadOnlyList<HistogramInterval> Intervals(LatencyMetric metric) => _kept.TryGetValue(metric, out var intervals) ? intervals : [];

    /// <summary>Producer errors per second and code.</summary>
    public IReadOnlyList<ErrorCount> Errors => _errors;

    /// <param name="request">The run.</param>
    /// <param name="cluster">The cluster it ran on.</param>
    /// <param name="outcome">How the run ended.</param>
    /// <param name="message">Why, when it did not complete.</param>
    /// <param name="stoppedAt">When the load stopped early (null: it ran as planned): the target and the rates then cover the part that ran.</param>
    public RunSummary Summarize(RunRequest request, ICluster cluster, RunOutcome outcome, string? message, TimeSpan? stoppedAt)
    {
        var measuredEnd = stoppedAt is { } stop ? TimeSpan.FromTicks(Math.Clamp(stop.Ticks, _scenario.Warmup.Ticks, _scenario.TotalDuration.Ticks)) : _scenario.TotalDuration;
        var measuredSeconds = (measuredEnd - _scenario.Warmup).TotalSeconds;
        var target = Target(_scenario.Warmup, measuredEnd);
        var sent = _producers.Sum(p => p.Stats.SentMeasured);
        var acked = _producers.Sum(p => p.Stats.AckedMeasured);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var producer in _producers)
        {
            foreach (var (code, count) in producer.Stats.ErrorsByCode())
            {
                errors[code] = errors.GetValueOrDefault(code) + count;
            }
        }

        var percentiles = LatencyMetrics.All.Select(_run.Latency.MeasuredPercentiles).ToArray();
        var now = _run.Clock.NowMicros();
        var sentBytes = _producers.Sum(p => p.Stats.SentBytes);
        var sentAll = _producers.Sum(p => p.Stats.Sent);
        return new RunSummary
        {
            RunId = request.RunId,
            Scenario = _scenario.Name,
            ScenarioFile = _scenario.SourcePath,
            StartedAt = _run.Clock.StartedAt,
            Outcome = outcome,
            OutcomeMessage = message,
            DurationSeconds = Math.Round(measuredSeconds, 3),
            PlannedDurationSeconds = _scenario.Duration.TotalSeconds,
            WarmupSeconds = _scenario.Warmup.TotalSeconds,
            Seed = _scenario.Seed,
            Environment = new EnvironmentSummary(cluster.Kind, cluster.Description) { Capabilities = cluster.Faults.Capabilities },
            Produce = new ProduceSummary
            {
                Target = (long)Math.Round(target),
                Sent = sent,
                Acked = acked,
                Failed = _producers.Sum(p => p.Stats.FailedMeasured),
                QueueFull = _producers.Sum(p => p.Stats.QueueFull),
                Bytes = _producers.Sum(p => p.Stats.AckedBytesMeasured),
                ErrorsByCode = errors,
                WholeRun = new MessageCounts(sentAll, _producers.Sum(p => p.Stats.Acked), _producers.Sum(p => p.Stats.Failed)),
            },
            Consume = new ConsumeSummary(_groups.Select((g, i) => new GroupSummary
            {
                Group = g.Progress.Group,
                Topic = g.Progress.Topic,
                Consumed = g.Progress.Consumed,
                Bytes = g.Progress.ConsumedBytes,
                Instances = g.Members.Count,
                Rebalances = g.Progress.Rebalances,
                MaxLagMessages = _maxLagMessages[i],
                MaxLagSeconds = Math.Round(_maxLagSeconds[i], 3),
                FinalLagMessages = g.Progress.Lag(_run.Ledger, now).Messages,
            }).ToList()),
            LatencyMs = new LatencySummary(percentiles[0], percentiles[1], percentiles[2], percentiles[3]),
            Rate = new RateSummary
            {
                Target = PerSecond(target, measuredSeconds),
                Achieved = PerSecond(acked, measuredSeconds),
                Sent = PerSecond(sent, measuredSeconds),
                Accuracy = new RateAccuracy(
                    // Sent within the measured whole seconds, by send time: messages sent late (after their
                    // second, or after the load) count against the generator, as they should.
                    Math.Round(_wholeSecondsTarget > 0 ? (_wholeSecondsSent - _wholeSecondsTarget) / _wholeSecondsTarget * 100 : 0, 3),
                    Math.Round(_worstSecondErrorPercent, 3),
                    percentiles[(int)LatencyMetric.ScheduleDelay].P99),
            },
            Payload = sentAll > 0 ? new PayloadSummary(Math.Round((double)sentBytes / sentAll, 1), _minPayload, _maxPayload) : null,
            Partitions = Enumerable.Range(0, _run.Partitions.Count).Select(i =>
            {
                var (topic, partition) = _run.Partitions[i];
                var lag = _groups.Where(g => g.Progress.Topic == topic).Select(g => g.Progress.PartitionLag(_run.Ledger, partition)).DefaultIfEmpty(0).Max();
                return new PartitionSummary(topic, partition, _run.Ledger.Acked(i), _run.Ledger.Bytes(i), lag);
            }).ToList(),
            Resources = new ResourceSummary(_peakRss, _peakHeap, _firstMinuteRss, _lastRss),
        };
    }

    // A run stopped during its warm-up measured nothing: its rates are 0, not a division by zero.
    private static double PerSecond(double count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 3) : 0;

    /// <summary>Messages this run's producers are to send between two offsets (their share of a split run's schedule).</summary>
    private double Target(TimeSpan from, TimeSpan to) => _schedules.Select((_, i) => StreamTarget(i, from, to)).Sum();

    // One stream's share of the schedule between two offsets, up to the end of the load when it stopped early: a run
    // stopped by Ctrl+C shows no target it could not have met.
    private double StreamTarget(int stream, TimeSpan from, TimeSpan to)
    {
        if (_loadEndSeconds is { } end && to.TotalSeconds > end)
        {
            to = TimeSpan.FromSeconds(Math.Max(end, from.TotalSeconds));
        }

        return to > from ? _schedules[stream].MessagesBetween(from, to) * _shares[stream] : 0;
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
            var measuredInterval = second >= _warmupSeconds;
            if (second == _warmupSeconds && _warmupSeconds > 0 && Phase != RunPhase.Draining)
            {
                _run.Results.Event(_scenario.Warmup.TotalSeconds, RunEventTypes.WarmupEnded, [new("measuredSeconds", _scenario.Duration.TotalSeconds)]);
            }

            if (Phase != RunPhase.Draining)
            {
                Phase = measuredInterval ? RunPhase.Measuring : RunPhase.WarmUp;
            }

            var latency = new Percentiles?[LatencyMetrics.All.Count];
            foreach (var metric in LatencyMetrics.All)
            {
                _run.Latency.TakeInterval(metric, _interval);
                _run.Results.AppendInterval(metric, _interval, second);
                _kept.GetValueOrDefault(metric)?.Add(new HistogramInterval(second, second + 1, _interval));
                latency[(int)metric] = _interval.TotalCount > 0 ? LatencyRecorders.ToPercentiles(_interval) : null;
            }

            // Each counter is read once: the row's totals are the sums of the streams' (and groups') numbers.
            var streamTotals = ReadStreamTotals();
            var sent = streamTotals.Sum(t => t.Sent);
            var acked = streamTotals.Sum(t => t.Acked);
            var failed = streamTotals.Sum(t => t.Failed);
            var groupConsumed = _groups.Select(g => g.Progress.Consumed).ToArray();
            var queueFull = _producers.Sum(p => p.Stats.QueueFull);
            long sizeMessages = 0;
            long sizeBytes = 0;
            foreach (var producer in _producers)
            {
                var (messages, bytes) = producer.TakeSizeInterval();
                sizeMessages += messages;
                sizeBytes += bytes;
            }

            if (sizeMessages > 0)
            {
                var average = sizeBytes / sizeMessages;
                _minPayload = Math.Min(_minPayload, average);
                _maxPayload = Math.Max(_maxPayload, average);
            }

            var target = Target(TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1));
            // Judged by when each message was handed to the client (not by when this tick woke up, which a busy
            // machine delays), over whole seconds inside the load only.
            var sentInSecond = _producers.Sum(p => p.SentInSecond(second));
            if (measuredInterval && second + 1 <= _scenario.TotalDuration.TotalSeconds && target >= 1)
            {
                _worstSecondErrorPercent = Math.Max(_worstSecondErrorPercent, Math.Abs(sentInSecond - target) / target * 100);
                _wholeSecondsTarget += target;
                _wholeSecondsSent += sentInSecond;
            }

            var now = _run.Clock.NowMicros();
            var lags = new (long Messages, double Seconds)[_groups.Count];
            for (var g = 0; g < _groups.Count; g++)
            {
                lags[g] = _groups[g].Progress.Lag(_run.Ledger, now);
                _lagSamples[g].Add(new LagSample(now / 1_000_000.0, lags[g].Messages, lags[g].Seconds));
                var rebalances = _groups[g].Progress.Rebalances;
                if (rebalances != _rebalances[g])
                {
                    _rebalanceSeconds[g].Add(now / 1_000_000.0);
                    _rebalances[g] = rebalances;
                }

                _maxLagMessages[g] = Math.Max(_maxLagMessages[g], lags[g].Messages);
                _maxLagSeconds[g] = Math.Max(_maxLagSeconds[g], lags[g].Seconds);
            }

            SampleErrors(second);
            _run.Audit?.Settle();
            var rss = Environment.WorkingSet;
            // The managed heap as the last collection left it: the allocations since then are mostly garbage
            // (the consumer client allocates per message), so counting them would make the series a saw-tooth.
            var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            _peakRss = Math.Max(_peakRss, rss);
            _peakHeap = Math.Max(_peakHeap, heap);
            _lastRss = rss;
            if (second < 60)
            {
                _firstMinuteRss = rss;
            }

            var row = new SeriesRow
            {
                Second = second,
                TargetRate = target,
                Sent = sent - _sent,
                Acked = acked - _acked,
                Failed = failed - _failed,
                Consumed = ConsumedDelta(groupConsumed.Sum()),
                QueueFull = queueFull - _queueFull,
                AvgPayloadBytes = sizeMessages > 0 ? (double)sizeBytes / sizeMessages : null,
                Latency = latency,
                RssBytes = rss,
                GcHeapBytes = heap,
                Lag = lags,
            };
            var groups = _groups.Select(g => g.Progress.Group).ToList();
            _run.Results.AppendSeries(row, groups);
            _run.Results.AppendPartitions(PartitionRows(second));
            _sent = sent;
            _acked = acked;
            _failed = failed;
            _queueFull = queueFull;
            Notify(new RunInterval(row, groups, Phase, _scenario.TotalDuration.TotalSeconds)
            {
                Streams = StreamIntervals(second, streamTotals),
                GroupDetails = GroupIntervals(groupConsumed, lags),
            }, second);
        }
    }

    /// <summary>Tells the observers about a fault step (from the timeline's task).</summary>
    public void FaultMarked(FaultMarker marker)
    {
        lock (_tickLock)
        {
            Notify(observer => observer.FaultMarked(marker), marker.AtSeconds);
        }
    }

    private void Notify(RunInterval interval, int second) => Notify(observer => observer.IntervalClosed(interval), second + 1);

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

    /// <summary>Each stream's cumulative counts, in scenario order (a producer belongs to the stream it was made for).</summary>
    private (long Sent, long Acked, long Failed)[] ReadStreamTotals()
    {
        var totals = new (long Sent, long Acked, long Failed)[_scenario.Traffic.Count];
        for (var i = 0; i < totals.Length; i++)
        {
            var name = _scenario.Traffic[i].Name;
            foreach (var producer in _producers)
            {
                if (producer.Stream.Name == name)
                {
                    totals[i] = (totals[i].Sent + producer.Stats.Sent, totals[i].Acked + producer.Stats.Acked, totals[i].Failed + producer.Stats.Failed);
                }
            }
        }

        return totals;
    }

    private StreamInterval[] StreamIntervals(int second, (long Sent, long Acked, long Failed)[] totals)
    {
        var streams = new StreamInterval[totals.Length];
        for (var i = 0; i < streams.Length; i++)
        {
            var stream = _scenario.Traffic[i];
            var previous = _streamTotals[i];
            var target = StreamTarget(i, TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1));
            streams[i] = new StreamInterval(stream.Name, stream.Topic, target, totals[i].Sent - previous.Sent, totals[i].Acked - previous.Acked, totals[i].Failed - previous.Failed);
            _streamTotals[i] = totals[i];
        }

        return streams;
    }

    private GroupInterval[] GroupIntervals(long[] consumed, (long Messages, double Seconds)[] lags)
    {
        var groups = new GroupInterval[_groups.Count];
        for (var g = 0; g < groups.Length; g++)
        {
            var progress = _groups[g].Progress;
            groups[g] = new GroupInterval(progress.Group, progress.Topic, consumed[g] - _groupConsumed[g], lags[g].Messages, lags[g].Seconds);
            _groupConsumed[g] = consumed[g];
        }

        return groups;
    }

    private void SampleErrors(int second)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var producer in _producers)
        {
            foreach (var (code, count) in producer.Stats.ErrorsByCode())
            {
                totals[code] = totals.GetValueOrDefault(code) + count;
            }
        }

        foreach (var (code, count) in totals)
        {
            var delta = count - _errorTotals.GetValueOrDefault(code);
            if (delta > 0)
            {
                _errors.Add(new ErrorCount(second + 1, code, delta));
            }
        }

        _errorTotals = totals;
    }

    private long ConsumedDelta(long consumed)
    {
        var delta = consumed - _consumed;
        _consumed = consumed;
        return delta;
    }

    private List<PartitionRow> PartitionRows(int second)
    {
        var rows = new List<PartitionRow>(_run.Partitions.Count);
        for (var i = 0; i < _run.Partitions.Count; i++)
        {
            var (topic, partition) = _run.Partitions[i];
            var acked = _run.Ledger.Acked(i);
            var bytes = _run.Ledger.Bytes(i);
            long lag = 0;
            foreach (var (progress, _) in _groups)
            {
                if (progress.Topic == topic)
                {
                    lag = Math.Max(lag, progress.PartitionLag(_run.Ledger, partition));
                }
            }

            rows.Add(new PartitionRow(second, topic, partition, acked - _partitionAcked[i], bytes - _partitionBytes[i], lag));
            _partitionAcked[i] = acked;
            _partitionBytes[i] = bytes;
        }

        return rows;
    }
}
