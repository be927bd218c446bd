using System.Security.Cryptography;
using System.Text;
using HdrHistogram;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Segments;

/// <summary>
/// Records what a segment of a split run adds to its run folder for <c>loadlab merge</c> (<see cref="SegmentFiles"/>):
/// the manifest, a delivery log per producer and consumer instance, the measured-window histograms, and the end-to-end
/// latency of messages consumed on this worker that this worker produced (no clock skew), interval by interval.
/// </summary>
internal sealed class SegmentRecorder : IRunObserver, IDisposable
{
    private readonly SegmentPlan _plan;
    private readonly Scenario _scenario;
    private readonly string _directory;
    private readonly DeliveryLogPump _pump = new();
    private readonly List<DeliveryLogWriter> _logs = [];
    private readonly List<SegmentProducer> _producers = [];
    private readonly List<SegmentMember> _members = [];
    private readonly LatencyRecorders _sameWorker = new();
    private readonly HistogramBase _interval = LatencyRecorders.CreateHistogram();
    private readonly Lock _lock = new();
    private SegmentManifest _manifest;
    private IntervalLogWriter? _sameWorkerLog;
    private DateTimeOffset _startAt;

    public SegmentRecorder(SegmentPlan plan, Scenario scenario, string runId, string scenarioYaml, string directory, ClockReading clock, DateTimeOffset startAt)
    {
        _plan = plan;
        _scenario = scenario;
        _directory = directory;
        _startAt = startAt;
        Directory.CreateDirectory(Path.Combine(directory, SegmentFiles.DeliveryFolder));
        _manifest = new SegmentManifest
        {
            RunId = runId,
            Scenario = scenario.Name,
            ScenarioSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scenarioYaml))),
            DurationSeconds = scenario.Duration.TotalSeconds,
            Seed = scenario.Seed,
            Index = plan.Segment.Index,
            Count = plan.Segment.Count,
            StartAt = startAt,
            Clock = clock,
        };
    }

    public Segment Segment => _plan.Segment;

    public ClockReading Clock => _manifest.Clock;

    /// <summary>Whether producer <paramref name="producerId"/> runs on this worker.</summary>
    public bool IsLocal(int producerId) => _plan.IsLocal(producerId);

    /// <summary>The delivery log of a producer this worker runs.</summary>
    public DeliveryLogWriter AckLog(int producerId)
    {
        var planned = _plan.Producers[producerId];
        var partitions = _scenario.Topics.First(t => t.Name == planned.Topic).Partitions;
        var relative = SegmentFiles.AckLog(producerId);
        var log = _pump.CreateAckLog(Path.Combine(_directory, relative), producerId, partitions, _plan.Producers.Count);
        lock (_lock)
        {
            _logs.Add(log);
            _producers.Add(new SegmentProducer(producerId, planned.Stream, planned.Topic, partitions, relative));
        }

        return log;
    }

    /// <summary>The delivery log of consumer instance <paramref name="member"/> of the scenario's group number <paramref name="groupIndex"/>.</summary>
    public DeliveryLogWriter ReadLog(int groupIndex, int member)
    {
        var spec = _scenario.Consumers[groupIndex];
        var partitions = _scenario.Topics.First(t => t.Name == spec.Topic).Partitions;
        var relative = SegmentFiles.ReadLog(groupIndex, member);
        var log = _pump.CreateReadLog(Path.Combine(_directory, relative), groupIndex, member, partitions, _plan.Producers.Count);
        lock (_lock)
        {
            _logs.Add(log);
            _members.Add(new SegmentMember(spec.Group, spec.Topic, member, partitions, relative));
        }

        return log;
    }

    /// <summary>Records an end-to-end latency when this worker also produced the message (called by consumer threads).</summary>
    public void RecordIfSameWorker(int producerId, long micros, bool measured)
    {
        if (_plan.IsLocal(producerId))
        {
            _sameWorker.Record(LatencyMetric.EndToEnd, micros, measured);
        }
    }

    /// <summary>Writes the manifest of a segment that has started (not yet mergeable) and opens the same-worker latency log.</summary>
    public void Started(DateTimeOffset startAt)
    {
        _startAt = startAt;
        _manifest = _manifest with { StartAt = startAt, Producers = [.. _producers], Members = [.. _members] };
        _manifest.Write(Path.Combine(_directory, SegmentFiles.Manifest));
        var histograms = Path.Combine(_directory, RunFiles.HistogramsFolder);
        Directory.CreateDirectory(histograms);
        lock (_lock)
        {
            _sameWorkerLog = new IntervalLogWriter(new FileStream(Path.Combine(_directory, RunFiles.Histogram(SegmentFiles.SameWorkerEndToEndLog)), FileMode.Create, FileAccess.Write, FileShare.Read), startAt);
        }
    }

    public void IntervalClosed(RunInterval interval)
    {
        ArgumentNullException.ThrowIfNull(interval);
        lock (_lock)
        {
            if (_sameWorkerLog is null)
            {
                return;
            }

            _sameWorker.TakeInterval(LatencyMetric.EndToEnd, _interval);
            var start = _startAt.ToUnixTimeMilliseconds() + (interval.Second * 1000L);
            _interval.StartTimeStamp = start;
            _interval.EndTimeStamp = start + 1000;
            _sameWorkerLog.Append(_interval);
        }
    }

    /// <summary>The measured-window end-to-end latency of messages produced and consumed on this worker.</summary>
    public Percentiles SameWorkerPercentiles() => _sameWorker.MeasuredPercentiles(LatencyMetric.EndToEnd);

    /// <summary>
    /// Closes every delivery log, writes the same-worker measured-window histogram and the complete manifest. Call once
    /// producers and consumers have stopped.
    /// </summary>
    public void Complete(SegmentEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        List<DeliveryLogWriter> logs;
        lock (_lock)
        {
            logs = [.. _logs];
        }

        logs.ForEach(log => log.Complete());
        _pump.Dispose();
        var measuredFrom = _startAt.ToUnixTimeMilliseconds() + (long)_scenario.Warmup.TotalMilliseconds;
        var measuredTo = _startAt.ToUnixTimeMilliseconds() + (long)_scenario.TotalDuration.TotalMilliseconds;
        // The standard metrics' measured histograms are written by the engine for every run (RunFiles.MeasuredHistogram).
        Directory.CreateDirectory(Path.Combine(_directory, RunFiles.MeasuredHistogramsFolder));
        WriteMeasured(SegmentFiles.SameWorkerEndToEndLog, _sameWorker.MeasuredHistogram(LatencyMetric.EndToEnd), measuredFrom, measuredTo);
        _manifest = _manifest with
        {
            Complete = _pump.Error is null,
            Problem = _pump.Error is { } error ? $"a delivery log could not be written: {error.Message}" : null,
            Producers = [.. _producers.OrderBy(p => p.Id)],
            Members = [.. _members.OrderBy(m => m.Group, StringComparer.Ordinal).ThenBy(m => m.Instance)],
            LoadEndSeconds = Math.Round(end.LoadEndSeconds, 6),
            Faults = end.Faults,
            Errors = end.Errors,
            LogStartOffsets = [.. end.LogStartOffsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition).Select(o => new LogStartOffset(o.Key.Topic, o.Key.Partition, o.Value))],
            SentBySecond = end.SentBySecond,
            CpuSeconds = Math.Round(end.CpuSeconds, 3),
        };
        _manifest.Write(Path.Combine(_directory, SegmentFiles.Manifest));
    }

    public void Dispose()
    {
        _pump.Dispose();
        lock (_lock)
        {
            _sameWorkerLog?.Dispose();
            _sameWorkerLog = null;
        }
    }

    private void WriteMeasured(string name, HistogramBase histogram, long fromMs, long toMs)
    {
        histogram.StartTimeStamp = fromMs;
        histogram.EndTimeStamp = toMs;
        using var log = new IntervalLogWriter(new FileStream(Path.Combine(_directory, RunFiles.MeasuredHistogram(name)), FileMode.Create, FileAccess.Write, FileShare.Read), _startAt);
        log.Append(histogram);
    }
}

/// <summary>What a segment knows only when it ends, for its manifest.</summary>
internal sealed record SegmentEnd(
    double LoadEndSeconds,
    IReadOnlyList<FaultOccurrence> Faults,
    IReadOnlyList<ErrorCount> Errors,
    IReadOnlyDictionary<(string Topic, int Partition), long> LogStartOffsets,
    IReadOnlyList<long> SentBySecond,
    double CpuSeconds);
