using Confluent.Kafka;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Messages;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Consuming;

/// <summary>
/// One consumer instance of a group, on its own thread: records end-to-end latency (consume time − intended
/// send time, on the run's clock) and the group's progress per partition, and optionally simulates work.
/// </summary>
internal sealed class GroupMember : IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly RunContext _run;
    private readonly ConsumerGroupSpec _spec;
    private readonly GroupProgress _progress;
    private readonly IConsumer<Ignore, byte[]> _consumer;
    private readonly Thread _thread;
    private readonly long _processingMicros;
    private readonly int _auditGroupIndex;
    private readonly DeliveryLogWriter? _deliveryLog;
    private CancellationTokenSource? _stop;
    private bool _stopped;
    private bool _disposed;

    /// <param name="run">The run.</param>
    /// <param name="spec">The member's group.</param>
    /// <param name="progress">The group's progress, shared by its members in this process.</param>
    /// <param name="index">The member's instance number in the group (over every segment of a split run).</param>
    /// <param name="groupIndex">The group's position among the scenario's consumer groups (its audit index).</param>
    public GroupMember(RunContext run, ConsumerGroupSpec spec, GroupProgress progress, int index, int groupIndex)
    {
        _deliveryLog = run.Segment?.ReadLog(groupIndex, index);
        _auditGroupIndex = groupIndex;
        _run = run;
        _spec = spec;
        _progress = progress;
        _processingMicros = (long)spec.ProcessingTime.TotalMicroseconds;
        var config = new ConsumerConfig(new Dictionary<string, string>(run.ClientDefaults))
        {
            BootstrapServers = run.BootstrapServers,
            GroupId = spec.Group,
            ClientId = $"loadlab-{spec.Group}-{index}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            EnablePartitionEof = false,
        };
        foreach (var (key, value) in spec.ConsumerConfig)
        {
            config.Set(key, value);
        }

        _consumer = new ConsumerBuilder<Ignore, byte[]>(config)
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetErrorHandler((_, error) => Errors.Add(error.Code.ToString()))
            .SetLogHandler((_, _) => { })
            .Build();
        _thread = new Thread(Consume) { IsBackground = true, Name = config.ClientId };
    }

    /// <summary>Client errors seen by this member (rare; counted for the summary).</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> Errors { get; } = [];

    /// <summary>Starts consuming until <see cref="Stop"/> or until <paramref name="interrupt"/> is cancelled.</summary>
    public void Start(CancellationToken interrupt)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        _consumer.Subscribe(_spec.Topic);
        _thread.Start();
    }

    /// <summary>Stops consuming and waits for the consumer thread.</summary>
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
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        _progress.RecordRebalance();
        foreach (var partition in partitions)
        {
            _progress.RecordAssigned(partition.Partition.Value);
        }

        _run.Event(RunEventTypes.GroupRebalanced, [
            new("group", _spec.Group),
            new("member", _consumer.Name),
            new("partitions", partitions.Select(p => p.Partition.Value).ToArray()),
        ]);
    }

    private void Consume()
    {
        var stop = _stop!.Token;
        while (!stop.IsCancellationRequested)
        {
            ConsumeResult<Ignore, byte[]>? result;
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

            var decoded = RunHeaders.Decode(message.Headers, _run.RunNonce);
            if (!decoded.IsFromRun)
            {
                continue;
            }

            var now = _run.Clock.NowMicros();
            var measured = decoded.IntendedMicros >= _run.MeasuredFromMicros;
            _run.Latency.Record(LatencyMetric.EndToEnd, now - decoded.IntendedMicros, measured);
            _progress.RecordConsumed(result.Partition.Value, result.Offset.Value, message.Value?.Length ?? 0);
            _run.Audit?.RecordConsumed(_auditGroupIndex, decoded.ProducerId, decoded.Sequence, result.Partition.Value, result.Offset.Value);
            if (_deliveryLog is not null)
            {
                _deliveryLog.Read(now, result.Partition.Value, result.Offset.Value, decoded.ProducerId, decoded.Sequence);
                _run.Segment!.RecordIfSameWorker(decoded.ProducerId, now - decoded.IntendedMicros, measured);
            }
            if (_processingMicros > 0)
            {
                SimulateWork(now + _processingMicros, stop);
            }
        }
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
