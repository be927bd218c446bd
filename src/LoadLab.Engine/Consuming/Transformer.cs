using Confluent.Kafka;
using LoadLab.Core.Environments;
using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Transactions;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Messages;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Consuming;

/// <summary>
/// The consume-transform-produce half of one member of a transforming group: every input the member reads is written to
/// the output topic by this member's transactional producer, and the member's input positions are sent to the same
/// transaction (<c>send_offsets_to_transaction</c> with the group's metadata, KIP-447), so committing the transaction
/// commits outputs and input offsets together. A transaction that aborts (on purpose, after an abortable error, or
/// because the producer was fenced) takes its outputs and its offsets with it, and the member moves back to where the
/// transaction began on each input partition and processes those inputs again; the promise is exactly one visible output
/// per input.
/// </summary>
/// <remarks>
/// Runs on the member's consumer thread: transactional calls block it, which is what a pipeline written this way does.
/// The producer is Confluent.Kafka's: its <c>SendOffsetsToTransaction</c> takes the consumer's group metadata as is. Every
/// output carries the input's <c>ll</c> intended time (so a downstream group's end-to-end latency spans the pipeline), the
/// output's own producer id and sequence (the audit follows outputs like any message), and an <c>li</c> link to its input.
/// </remarks>
internal sealed class Transformer : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(30);

    private readonly RunContext _run;
    private readonly GroupProgress _progress;
    private readonly TransformSpec _spec;
    private readonly string _group;
    private readonly int _groupIndex;
    private readonly int _outputFirstPartition;
    private readonly int _outputTopicIndex;
    private readonly ProducerConfig _config;
    private readonly Random _abortChooser;
    private readonly RunStamp _stamp;
    private readonly Dictionary<int, long> _transactionStarts = [];
    private readonly Action<DeliveryReport<byte[]?, byte[]>> _onDelivery;
    private IProducer<byte[]?, byte[]> _producer;
    private long _sequence;
    private int _transaction = -1;
    private long _transactionBeganMicros;
    private long _transactionInputs;
    private bool _abortTransaction;
    private int _restarts;

    /// <param name="run">The run.</param>
    /// <param name="spec">The transforming group.</param>
    /// <param name="progress">The group's positions (moved back with the member when a transaction aborts).</param>
    /// <param name="member">The member's index in the group.</param>
    /// <param name="groupIndex">The group's index (per-group transaction latency).</param>
    /// <param name="producerId">The audit's producer id of this member's outputs.</param>
    /// <param name="seed">The scenario seed (which transactions abort on purpose).</param>
    /// <param name="transactions">Where the member records its transactions (the audit reads them).</param>
    /// <param name="outputTopicIndex">The output topic's index in the scenario (acknowledgement gaps).</param>
    /// <exception cref="EnvironmentException">The cluster refused the transactional producer.</exception>
    public Transformer(RunContext run, ConsumerGroupSpec spec, GroupProgress progress, int member, int groupIndex, int producerId, int seed, TransactionLedger transactions, int outputTopicIndex)
    {
        Transactions = transactions;
        _run = run;
        _progress = progress;
        _spec = spec.Transform!;
        _group = spec.Group;
        _groupIndex = groupIndex;
        ProducerId = producerId;
        _outputFirstPartition = run.Partitions.FirstIndexOf(_spec.Topic);
        _outputTopicIndex = outputTopicIndex;
        _abortChooser = new Random(HashCode.Combine(seed, spec.Group.GetHashCode(StringComparison.Ordinal), member));
        _stamp = new RunStamp(run.RunNonce, producerId);
        TransactionalId = TransactionalIds.For(_spec.Topic, spec.Group, member);
        _config = new ProducerConfig(new Dictionary<string, string>(run.ClientDefaults))
        {
            BootstrapServers = run.BootstrapServers,
            ClientId = $"loadlab-{spec.Group}-{member}-out",
            TransactionalId = TransactionalId,
        };
        foreach (var (key, value) in _spec.ProducerConfig)
        {
            _config.Set(key, value);
        }

        _onDelivery = OnDelivery;
        _producer = CreateProducer();
    }

    /// <summary>The audit's producer id of this member's outputs.</summary>
    public int ProducerId { get; }

    public string TransactionalId { get; }

    /// <summary>This member's transactions.</summary>
    public TransactionLedger Transactions { get; }

    /// <summary>Times the producer was restarted (same transactional id) after a fatal error.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Whether a transaction is open (its outputs and offsets not yet committed).</summary>
    public bool InTransaction => _transaction >= 0;

    /// <summary>
    /// Writes the output of <paramref name="input"/> in the open transaction, beginning one if none is; ends the
    /// transaction when it holds its <c>messages</c>. <paramref name="replayed"/>: the input is re-read after a replay.
    /// </summary>
    public void Process(IConsumer<byte[]?, byte[]> consumer, ConsumeResult<byte[]?, byte[]> input, RunStamps.Decoded decoded, bool replayed)
    {
        if (_transaction < 0 && !Begin())
        {
            return;
        }

        _transactionStarts.TryAdd(input.Partition.Value, input.Offset.Value);
        var sequence = _sequence++;
        _stamp.Stamp(sequence, decoded.IntendedMicros);
        var link = new byte[InputLinks.Length];
        InputLinks.Write(link, decoded.ProducerId, decoded.Sequence, replayed);
        var output = new Message<byte[]?, byte[]>
        {
            Key = input.Message.Key,
            Value = input.Message.Value ?? [],
            Headers = [new Header(RunStamps.Key, (byte[])_stamp.Value.Clone()), new Header(InputLinks.Key, link)],
        };
        try
        {
            _producer.Produce(_spec.Topic, output, _onDelivery);
        }
        catch (ProduceException<byte[]?, byte[]>)
        {
            // The transaction can no longer hold every output of its inputs: abort it and read those inputs again.
            _run.Audit?.RecordFailed(ProducerId, sequence);
            End(consumer, failed: true);
            return;
        }

        if (++_transactionInputs >= _spec.Transactions.Messages)
        {
            End(consumer, failed: false);
        }
    }

    /// <summary>Ends a transaction bounded by time once its duration has passed; call between polls.</summary>
    public void Tick(IConsumer<byte[]?, byte[]> consumer)
    {
        if (_transaction >= 0 && _spec.Transactions.Duration is { } duration && _run.Clock.NowMicros() - _transactionBeganMicros >= (long)duration.TotalMicroseconds)
        {
            End(consumer, failed: false);
        }
    }

    /// <summary>Commits the open transaction (before partitions are revoked, or when consuming stops).</summary>
    public void Finish(IConsumer<byte[]?, byte[]> consumer)
    {
        if (_transaction >= 0)
        {
            End(consumer, failed: false);
        }
    }

    public void Dispose() => _producer.Dispose();

    private bool Begin()
    {
        try
        {
            _producer.BeginTransaction();
        }
        catch (KafkaException)
        {
            if (!Restart())
            {
                return false;
            }

            _producer.BeginTransaction();
        }

        _transaction = Transactions.Begin(_sequence);
        _transactionBeganMicros = _run.Clock.NowMicros();
        _transactionInputs = 0;
        _transactionStarts.Clear();
        _abortTransaction = _abortChooser.NextDouble() < _spec.Transactions.AbortShare;
        return true;
    }

    private void End(IConsumer<byte[]?, byte[]> consumer, bool failed)
    {
        var index = _transaction;
        _transaction = -1;
        TransactionOutcome outcome;
        if (failed || _abortTransaction)
        {
            if (!failed)
            {
                _producer.Flush(CallTimeout);
            }

            outcome = Abort(failed ? TransactionOutcome.AbortedAfterError : TransactionOutcome.AbortedOnPurpose);
        }
        else
        {
            outcome = Commit(consumer);
        }

        Transactions.End(index, outcome);
        if (outcome != TransactionOutcome.Committed)
        {
            // The aborted transaction's offsets were not committed: its inputs are read again from where it began.
            foreach (var (partition, offset) in _transactionStarts)
            {
                if (consumer.Assignment.FirstOrDefault(tp => tp.Partition.Value == partition) is { } assigned)
                {
                    consumer.Seek(new TopicPartitionOffset(assigned, offset));
                    _progress.RecordPosition(partition, offset);
                }
            }
        }

        if (outcome == TransactionOutcome.Fenced)
        {
            Restart();
        }
    }

    private TransactionOutcome Commit(IConsumer<byte[]?, byte[]> consumer)
    {
        while (true)
        {
            try
            {
                var positions = consumer.Assignment.Select(tp => new TopicPartitionOffset(tp, consumer.Position(tp))).Where(p => p.Offset.Value >= 0).ToList();
                _producer.SendOffsetsToTransaction(positions, consumer.ConsumerGroupMetadata, CallTimeout);
                _producer.CommitTransaction(CallTimeout);
                var latency = _run.Clock.NowMicros() - _transactionBeganMicros;
                _run.Latency.RecordForGroup(LatencyMetric.Transaction, _groupIndex, latency, _transactionBeganMicros >= _run.MeasuredFromMicros);
                return TransactionOutcome.Committed;
            }
            catch (KafkaRetriableException) when (_run.Clock.NowMicros() < _run.EndMicros + (long)CallTimeout.TotalMicroseconds * 3)
            {
                // librdkafka says the same calls may be retried (e.g. the coordinator moved); after the load, for a while only.
            }
            catch (KafkaTxnRequiresAbortException)
            {
                return Abort(TransactionOutcome.AbortedAfterError);
            }
            catch (KafkaException exception) when (exception.Error.IsFatal)
            {
                return TransactionOutcome.Fenced;
            }
            catch (KafkaException)
            {
                return TransactionOutcome.Undecided;
            }
        }
    }

    private TransactionOutcome Abort(TransactionOutcome reason)
    {
        try
        {
            _producer.AbortTransaction(CallTimeout);
            return reason;
        }
        catch (KafkaException exception) when (exception.Error.IsFatal)
        {
            return TransactionOutcome.Fenced;
        }
        catch (KafkaException)
        {
            return TransactionOutcome.Undecided;
        }
    }

    /// <summary>A new producer with the same transactional id: its <c>init_transactions</c> fences the old one.</summary>
    private bool Restart()
    {
        _producer.Dispose();
        Interlocked.Increment(ref _restarts);
        try
        {
            _producer = CreateProducer();
            return true;
        }
        catch (EnvironmentException exception)
        {
            _run.Results.Event(_run.SecondsNow, RunEventTypes.Error, [new("where", "transform producer"), new("group", _group), new("error", exception.Message)]);
            _producer = new ProducerBuilder<byte[]?, byte[]>(_config).SetLogHandler((_, _) => { }).Build();
            return false;
        }
    }

    private IProducer<byte[]?, byte[]> CreateProducer()
    {
        var producer = new ProducerBuilder<byte[]?, byte[]>(_config).SetLogHandler((_, _) => { }).Build();
        try
        {
            producer.InitTransactions(InitTimeout);
            return producer;
        }
        catch (KafkaException exception)
        {
            producer.Dispose();
            throw new EnvironmentException(
                $"The cluster refused transactions for {TransactionalId} ({exception.Error.Code}: {exception.Error.Reason}). " +
                "Check that it supports transactions (a transaction coordinator, transaction.state.log replicas on enough brokers) and that the client may use transactional ids.");
        }
    }

    /// <summary>On the producer's poll thread: the output's acknowledgement counts for the audit and for the output topic's lag.</summary>
    private void OnDelivery(DeliveryReport<byte[]?, byte[]> report)
    {
        var output = RunStamps.Decode(report.Message.Headers, report.Message.Value, _run.RunNonce);
        if (report.Error.IsError)
        {
            _run.Audit?.RecordFailed(ProducerId, output.Sequence);
            return;
        }

        _run.Audit?.RecordAcked(ProducerId, output.Sequence, report.Partition.Value, report.Offset.Value);
        _run.Ledger.RecordAck(_outputFirstPartition + report.Partition.Value, report.Offset.Value, report.Message.Value.Length, output.IntendedMicros);
        _run.AckGaps?.RecordAck(_outputTopicIndex, report.Partition.Value, _run.Clock.TimestampAt(_run.Clock.NowMicros()));
    }
}
