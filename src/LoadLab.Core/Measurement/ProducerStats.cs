namespace LoadLab.Core.Measurement;

/// <summary>
/// Running totals of one producer instance. Each counter has a single writer (the pacer thread or the
/// delivery-callback thread), so plain volatile writes suffice; the sampler reads them once per second.
/// "Measured" counts only messages whose intended send time lies in the measured window.
/// </summary>
public sealed class ProducerStats
{
    private readonly object _errorsLock = new();
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _sent;
    private long _sentMeasured;
    private long _sentBytes;
    private long _queueFull;
    private long _acked;
    private long _ackedMeasured;
    private long _ackedBytesMeasured;
    private long _failed;
    private long _failedMeasured;

    public long Sent => Volatile.Read(ref _sent);
    public long SentMeasured => Volatile.Read(ref _sentMeasured);
    public long SentBytes => Volatile.Read(ref _sentBytes);
    public long QueueFull => Volatile.Read(ref _queueFull);
    public long Acked => Volatile.Read(ref _acked);
    public long AckedMeasured => Volatile.Read(ref _ackedMeasured);
    public long AckedBytesMeasured => Volatile.Read(ref _ackedBytesMeasured);
    public long Failed => Volatile.Read(ref _failed);
    public long FailedMeasured => Volatile.Read(ref _failedMeasured);

    /// <summary>Pacer thread: a message was handed to the client.</summary>
    public void RecordSent(int bytes, bool measured)
    {
        Volatile.Write(ref _sent, _sent + 1);
        Volatile.Write(ref _sentBytes, _sentBytes + bytes);
        if (measured)
        {
            Volatile.Write(ref _sentMeasured, _sentMeasured + 1);
        }
    }

    /// <summary>Pacer thread: the client's queue was full, the send had to wait.</summary>
    public void RecordQueueFull() => Volatile.Write(ref _queueFull, _queueFull + 1);

    /// <summary>Callback thread: a message was acknowledged.</summary>
    public void RecordAcked(int bytes, bool measured)
    {
        Volatile.Write(ref _acked, _acked + 1);
        if (measured)
        {
            Volatile.Write(ref _ackedMeasured, _ackedMeasured + 1);
            Volatile.Write(ref _ackedBytesMeasured, _ackedBytesMeasured + bytes);
        }
    }

    /// <summary>A message failed (delivery error or rejected by the client); rare, so it may lock.</summary>
    public void RecordFailed(string errorCode, bool measured)
    {
        Interlocked.Increment(ref _failed);
        if (measured)
        {
            Interlocked.Increment(ref _failedMeasured);
        }

        RecordError(errorCode);
    }

    /// <summary>A client error that did not fail a message (e.g. a transport error the client retried).</summary>
    public void RecordError(string errorCode)
    {
        lock (_errorsLock)
        {
            _errors[errorCode] = _errors.GetValueOrDefault(errorCode) + 1;
        }
    }

    /// <summary>A copy of the error counts by code.</summary>
    public Dictionary<string, long> ErrorsByCode()
    {
        lock (_errorsLock)
        {
            return new Dictionary<string, long>(_errors, StringComparer.Ordinal);
        }
    }
}
