using Confluent.Kafka;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Messages;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Consuming;

/// <summary>
/// One consumer instance of a group, on its own thread: records end-to-end latency (consume time − intended
/// send time, on the run's clock; the group's own and the run's) and the group's progress per partition, and optionally
/// simulates work. A member of a transforming group also writes each input's output (<see cref="Transformer"/>); a
/// member of a group that verifies a pipeline follows each output it reads to its input; a <c>group.replay</c> is carried
/// out by the members themselves (<see cref="RequestRewind"/>).
/// </summary>
internal sealed class GroupMember : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly RunContext _run;
    private readonly ConsumerGroupSpec _spec;
    private readonly GroupProgress _progress;
    private readonly IConsumer<byte[]?, byte[]> _consumer;
    private readonly Thread _thread;
    private readonly long _processingMicros;
    private readonly int _groupIndex;
    private readonly int _pipelineIndex;
    private readonly int _firstPartitionIndex;
    private readonly Transformer? _transformer;
    private readonly Dictionary<int, (long Target, long Until)> _rewinding = [];
    private readonly List<RewoundPartition> _rewound = [];
    private GroupRewindRequest? _requested;
    private GroupRewindRequest? _rewindInProgress;
    private readonly DeliveryLogWriter? _deliveryLog;
    private CancellationTokenSource? _stop;
    private bool _stopped;
    private bool _disposed;
    private int _joined;

    /// <param name="run">The run.</param>
    /// <param name="spec">The group.</param>
    /// <param name="progress">The group's positions, shared by its members.</param>
    /// <param name="index">The member's index in the group.</param>
    /// <param name="groupIndex">The group's index in the run (audit, per-group latency).</param>
    /// <param name="pipelineIndex">The pipeline whose outputs this group's first reads count for; −1 when it verifies none.</param>
    /// <param name="transformer">The member's consume-transform-produce half; null when the group only reads.</param>
    public GroupMember(RunContext run, ConsumerGroupSpec spec, GroupProgress progress, int index, int groupIndex, int pipelineIndex, Transformer? transformer)
    {
        _deliveryLog = run.Segment?.ReadLog(groupIndex, index);
        _groupIndex = groupIndex;
        _pipelineIndex = pipelineIndex;
        _transformer = transformer;
        _run = run;
        _spec = spec;
        _progress = progress;
        _firstPartitionIndex = run.Partitions.FirstIndexOf(spec.Topic);
        _processingMicros = (long)spec.ProcessingTime.TotalMicroseconds;
        var config = new ConsumerConfig(new Dictionary<string, string>(run.ClientDefaults))
        {
            BootstrapServers = run.BootstrapServers,
            GroupId = spec.Group,
            ClientId = $"loadlab-{spec.Group}-{index}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // A transforming group commits its input offsets inside its transactions only.
            EnableAutoCommit = transformer is null,
            AutoCommitIntervalMs = 1000,
            EnablePartitionEof = false,
        };
        foreach (var (key, value) in spec.ConsumerConfig)
        {
            config.Set(key, value);
        }

        var builder = new ConsumerBuilder<byte[]?, byte[]>(config)
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetErrorHandler((_, error) => Errors.Add(error.Code.ToString()))
            .SetLogHandler((_, _) => { });
        if (transformer is not null)
        {
            // The open transaction commits its outputs with the offsets of the partitions about to go.
            builder.SetPartitionsRevokedHandler((consumer, _) => transformer.Finish(consumer));
        }

        _consumer = builder.Build();
        _thread = new Thread(Consume) { IsBackground = true, Name = config.ClientId };
    }

    /// <summary>
    /// The partitions of the group's topic this member holds now; null until the coordinator gave it a first
    /// assignment (which may be empty: more members than partitions).
    /// </summary>
    public IReadOnlyList<int>? CurrentAssignment =>
        Volatile.Read(ref _joined) == 0 ? null : _consumer.Assignment.Select(p => p.Partition.Value).ToList();

    /// <summary>Client errors seen by this member (rare; counted for the summary).</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> Errors { get; } = [];

    /// <summary>Starts consuming until <see cref="Stop"/> or until <paramref name="interrupt"/> is cancelled.</summary>
    public void Start(CancellationToken interrupt)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        _consumer.Subscribe(_spec.Topic);
        _thread.Start();
    }

    /// <summary>
    /// Asks the member to move the partitions it owns back (from its own thread, between polls) and to commit the new
    /// offsets once it reads from them; it reports to <paramref name="request"/>.
    /// </summary>
    public void RequestRewind(GroupRewindRequest request) => Volatile.Write(ref _requested, request);

    /// <summary>Stops consuming (committing a transforming member's open transaction) and waits for the consumer thread.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _stop?.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _deliveryLog?.Complete();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Stop();
        _stop?.Dispose();
        try
        {
            _consumer.Close();
        }
        catch (KafkaException)
        {
            // Leaving the group can fail when the cluster is gone; the member is disposed anyway.
        }

        _consumer.Dispose();
        _transformer?.Dispose();
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        Volatile.Write(ref _joined, 1);
        _progress.RecordRebalance();

        _run.Event(RunEventTypes.GroupRebalanced, [
            new("group", _spec.Group),
            new("member", _consumer.Name),
            new("partitions", partitions.Select(p => p.Partition.Value).ToArray()),
        ]);
    }

    private void Consume()
    {
        var stop = _stop!.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (Interlocked.Exchange(ref _requested, null) is { } request)
                {
                    StartRewind(request);
                }

                ExpireRewind();
                _transformer?.Tick(_consumer);
                ConsumeResult<byte[]?, byte[]>? result;
                try
                {
                    result = _consumer.Consume(PollTimeout);
                }
                catch (ConsumeException e)
                {
                    Errors.Add(e.Error.Code.ToString());
                    continue;
                }

                if (result?.Message is not { } message)
                {
                    continue;
                }

                var decoded = RunStamps.Decode(message.Headers, message.Value, _run.RunNonce);
                if (!decoded.IsFromRun)
                {
                    continue;
                }

                var now = _run.Clock.NowMicros();
                var partition = result.Partition.Value;
                var offset = result.Offset.Value;
                if (_rewinding.Count > 0)
                {
                    CommitRewound(result.TopicPartition, offset);
                }

                var replayed = _progress.IsReplayRead(partition, offset);
                if (replayed)
                {
                    // Re-read because a replay moved the group back: not a duplicate, and not live traffic's latency.
                    _run.Audit?.RecordReplayed(_groupIndex, decoded.ProducerId, decoded.Sequence, partition, offset);
                    _progress.RecordReplayRead(partition, offset, now);
                }
                else
                {
                    var measured = decoded.IntendedMicros >= _run.MeasuredFromMicros;
                    _run.Latency.RecordForGroup(LatencyMetric.EndToEnd, _groupIndex, now - decoded.IntendedMicros, measured);
                    var firstRead = _run.Audit?.RecordConsumed(_groupIndex, decoded.ProducerId, decoded.Sequence, partition, offset) ?? false;
                    if (firstRead && _pipelineIndex >= 0 && InputLinks.Decode(message.Headers) is { IsPresent: true } link)
                    {
                        _run.Audit!.RecordOutput(_pipelineIndex, link.ProducerId, link.Sequence, link.Replayed);
                    }

                    if (_deliveryLog is not null)
                    {
                        _deliveryLog.Read(now, partition, offset, decoded.ProducerId, decoded.Sequence);
                        _run.Segment!.RecordIfSameWorker(decoded.ProducerId, now - decoded.IntendedMicros, measured);
                    }
                }

                _progress.RecordConsumed(partition, offset, message.Value?.Length ?? 0);
                _transformer?.Process(_consumer, result, decoded, replayed);
                if (_processingMicros > 0)
                {
                    SimulateWork(now + _processingMicros, stop);
                }
            }
        }
        finally
        {
            FinishTransform();
        }
    }

    private void FinishTransform()
    {
        try
        {
            _transformer?.Finish(_consumer);
        }
        catch (KafkaException exception)
        {
            Errors.Add(exception.Error.Code.ToString());
        }
    }

    /// <summary>
    /// Moves every partition this member owns back (seek) and remembers where it was, so reads below that count as
    /// replayed. The new offsets are committed when the first message from each arrives (<see cref="CommitRewound"/>):
    /// committed earlier, librdkafka's automatic commit could still commit the position before the seek, which the
    /// member stored when it read it.
    /// </summary>
    private void StartRewind(GroupRewindRequest request)
    {
        _rewindInProgress = request;
        _rewinding.Clear();
        _rewound.Clear();
        var now = _run.Clock.NowMicros();
        foreach (var assigned in _consumer.Assignment)
        {
            var partition = assigned.Partition.Value;
            var position = _consumer.Position(assigned).Value;
            if (position < 0)
            {
                _rewound.Add(new RewoundPartition(partition, position, position, null, "the member has read nothing from it since it was assigned"));
                continue;
            }

            var target = request.Rewind.Messages is { } back
                ? Math.Max(0, position - back)
                : Math.Min(position, _run.Ledger.FirstOffsetIntendedAtOrAfter(_firstPartitionIndex + partition, now - (long)request.Rewind.Ago!.Value.TotalMicroseconds) ?? position);
            if (target >= position)
            {
                _rewound.Add(new RewoundPartition(partition, target, position, null, "nothing to read again"));
                continue;
            }

            _consumer.Seek(new TopicPartitionOffset(assigned, target));
            _progress.BeginReplay(partition, position);
            _progress.RecordPosition(partition, target);
            _rewinding[partition] = (target, position);
        }

        if (_rewinding.Count == 0)
        {
            Report();
        }
    }

    /// <summary>The first read from a partition moved back: commit where the group reads again (OffsetCommit, acknowledged).</summary>
    private void CommitRewound(TopicPartition topicPartition, long offset)
    {
        var partition = topicPartition.Partition.Value;
        if (!_rewinding.Remove(partition, out var rewind))
        {
            return;
        }

        try
        {
            _consumer.Commit([new TopicPartitionOffset(topicPartition, offset)]);
            _rewound.Add(new RewoundPartition(partition, rewind.Target, rewind.Until, offset, null));
        }
        catch (KafkaException exception)
        {
            _rewound.Add(new RewoundPartition(partition, rewind.Target, rewind.Until, null, $"OffsetCommit failed: {exception.Error.Reason}"));
        }

        if (_rewinding.Count == 0)
        {
            Report();
        }
    }

    /// <summary>Partitions still waiting for their first read again when the request's deadline passed are reported as failed.</summary>
    private void ExpireRewind()
    {
        if (_rewindInProgress is not { } request || _rewinding.Count == 0 || _run.Clock.NowMicros() < request.DeadlineMicros)
        {
            return;
        }

        foreach (var (partition, (target, until)) in _rewinding)
        {
            _rewound.Add(new RewoundPartition(partition, target, until, null, "no message was read again from it before the deadline (revoked, or the broker did not answer)"));
        }

        _rewinding.Clear();
        Report();
    }

    private void Report()
    {
        _rewindInProgress?.Report([.. _rewound]);
        _rewindInProgress = null;
        _rewound.Clear();
    }

    private void SimulateWork(long untilMicros, CancellationToken stop)
    {
        while (_run.Clock.NowMicros() < untilMicros && !stop.IsCancellationRequested)
        {
            var remaining = untilMicros - _run.Clock.NowMicros();
            if (remaining > 1_000)
            {
                Thread.Sleep((int)(remaining / 1000));
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
