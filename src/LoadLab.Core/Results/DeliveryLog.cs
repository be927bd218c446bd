using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;

namespace LoadLab.Core.Results;

/// <summary>What a <see cref="DeliveryRecord"/> says happened.</summary>
public enum DeliveryRecordKind
{
    /// <summary>The broker acknowledged a producer's message at a partition and offset (offset −1: unknown).</summary>
    Acked,
    /// <summary>A message's delivery failed (it may still have been written).</summary>
    Failed,
    /// <summary>A consumer read a message of the run at a partition and offset.</summary>
    Read,
}

/// <summary>Which records a delivery log holds.</summary>
public enum DeliveryLogKind
{
    /// <summary>One producer's acknowledgements and failures.</summary>
    Acks = 1,
    /// <summary>One consumer instance's reads.</summary>
    Reads = 2,
}

/// <summary>One record of a delivery log; fields that do not apply to the kind are 0.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="TimeMicros">When, in microseconds on the run clock (a split run's segments share its start).</param>
/// <param name="Partition">Partition of the topic (acks: of the producer's topic; reads: of the group's).</param>
/// <param name="Offset">Offset of the message (acked, read).</param>
/// <param name="ProducerId">The message's producer.</param>
/// <param name="Sequence">The message's sequence number at its producer.</param>
/// <param name="IntendedMicros">Acked: the message's intended send time on the run clock.</param>
public readonly record struct DeliveryRecord(DeliveryRecordKind Kind, long TimeMicros, int Partition, long Offset, int ProducerId, long Sequence, long IntendedMicros);

/// <summary>
/// The raw records the delivery audit is built from, written compactly by each segment of a split run so that
/// <c>loadlab merge</c> can recompute the audit, the lag and the acknowledgement gaps over the union of the workers,
/// exactly as one process would have (see <see cref="RunMerger"/>).
/// </summary>
/// <remarks>
/// A file is the 4 bytes <c>LLDL</c>, a version byte, the <see cref="DeliveryLogKind"/> byte, then varints: the owner
/// (producer id, or consumer group index), the member (reads; 0 for acks), the topic's partition count and the run's
/// producer count; then a zlib stream of records in the order they happened on their thread. Each record is a tag
/// byte (kind, and whether an offset or sequence is stored whole) and zigzag varints of deltas: time since the
/// previous record, sequence since the previous one of that producer, offset since the previous one on that
/// partition, intended time since the previous record's. A record costs 4–8 bytes before compression.
/// </remarks>
internal static class DeliveryLogFormat
{
    public const byte Version = 1;
    public static ReadOnlySpan<byte> Magic => "LLDL"u8;

    /// <summary>Longest encoded record (tag + six varints of at most 10 bytes).</summary>
    public const int MaxRecordBytes = 64;

    public const int KindMask = 3;
    /// <summary>Offset (acked) or sequence (read) written whole instead of as a delta.</summary>
    public const int WholeFlag = 4;

    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}

/// <summary>
/// Compresses the delivery logs of a run on one background thread, so the threads that record (producer delivery
/// callbacks, consumers) only append a few bytes to a buffer: no allocation per record, no compression on their
/// time. Full buffers wait in a bounded queue; if compression falls that far behind, recording waits for it (and
/// the wait shows as schedule delay, never as lost records).
/// </summary>
public sealed class DeliveryLogPump : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int QueuedBuffers = 256;

    private readonly BlockingCollection<(DeliveryLogWriter Writer, byte[]? Buffer, int Length)> _queue = new(QueuedBuffers);
    private readonly Thread _thread;
    private Exception? _error;
    private bool _disposed;

    public DeliveryLogPump()
    {
        _thread = new Thread(Pump) { IsBackground = true, Name = "loadlab-delivery-log" };
        _thread.Start();
    }

    /// <summary>The first write that failed (e.g. a full disk); the logs are then incomplete.</summary>
    public Exception? Error => Volatile.Read(ref _error);

    /// <summary>A log of producer <paramref name="producerId"/>'s acknowledgements, written to <paramref name="path"/>.</summary>
    public DeliveryLogWriter CreateAckLog(string path, int producerId, int partitions, int producers) =>
        new(this, path, DeliveryLogKind.Acks, producerId, 0, partitions, producers);

    /// <summary>A log of one consumer instance's reads (member <paramref name="member"/> of group <paramref name="groupIndex"/>).</summary>
    public DeliveryLogWriter CreateReadLog(string path, int groupIndex, int member, int partitions, int producers) =>
        new(this, path, DeliveryLogKind.Reads, groupIndex, member, partitions, producers);

    /// <summary>Compresses what is queued, closes every log that was completed and stops the thread.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    internal static byte[] Rent() => ArrayPool<byte>.Shared.Rent(BufferSize);

    internal void Submit(DeliveryLogWriter writer, byte[]? buffer, int length) => _queue.Add((writer, buffer, length));

    private void Pump()
    {
        foreach (var (writer, buffer, length) in _queue.GetConsumingEnumerable())
        {
            try
            {
                if (buffer is null)
                {
                    writer.Close();
                }
                else
                {
                    writer.Compress(buffer, length);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }
}

/// <summary>
/// Appends records to one delivery log. One thread writes (a producer's delivery callbacks, or one consumer);
/// <see cref="Complete"/> hands the rest to the <see cref="DeliveryLogPump"/>, which closes the file.
/// </summary>
public sealed class DeliveryLogWriter
{
    private readonly DeliveryLogPump _pump;
    private readonly FileStream _file;
    private readonly ZLibStream _zlib;
    private readonly long[] _lastOffset;
    private readonly long[] _lastSequence;
    private byte[] _buffer;
    private int _position;
    private long _lastTime;
    private long _lastIntended;
    private long _lastOwnSequence;
    private bool _completed;

    internal DeliveryLogWriter(DeliveryLogPump pump, string path, DeliveryLogKind kind, int owner, int member, int partitions, int producers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(producers);
        _pump = pump;
        Path = path;
        Kind = kind;
        _lastOffset = new long[partitions];
        _lastSequence = new long[kind == DeliveryLogKind.Reads ? producers : 0];
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        Span<byte> header = stackalloc byte[6 + 40];
        DeliveryLogFormat.Magic.CopyTo(header);
        header[4] = DeliveryLogFormat.Version;
        header[5] = (byte)kind;
        var length = 6;
        length += DeliveryLogFormat.WriteVarint(header[length..], (ulong)owner);
        length += DeliveryLogFormat.WriteVarint(header[length..], (ulong)member);
        length += DeliveryLogFormat.WriteVarint(header[length..], (ulong)partitions);
        length += DeliveryLogFormat.WriteVarint(header[length..], (ulong)producers);
        _file.Write(header[..length]);
        _zlib = new ZLibStream(_file, CompressionLevel.Fastest);
        _buffer = DeliveryLogPump.Rent();
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    public DeliveryLogKind Kind { get; }

    /// <summary>Records appended so far.</summary>
    public long Records { get; private set; }

    /// <summary>The broker acknowledged message <paramref name="sequence"/> at this partition and offset (negative: unknown).</summary>
    public void Acked(long timeMicros, long sequence, int partition, long offset, long intendedMicros)
    {
        if (_completed)
        {
            // A late report (e.g. served while the client's statistics are awaited) after the log was handed over.
            return;
        }

        var span = Begin(DeliveryRecordKind.Acked, offset < 0, timeMicros, out var length);
        length += Varint(span[length..], DeliveryLogFormat.ZigZag(sequence - _lastOwnSequence));
        _lastOwnSequence = sequence;
        length += Varint(span[length..], (ulong)partition);
        length += OffsetDelta(span[length..], partition, offset);
        length += Varint(span[length..], DeliveryLogFormat.ZigZag(intendedMicros - _lastIntended));
        _lastIntended = intendedMicros;
        End(length);
    }

    /// <summary>The delivery of message <paramref name="sequence"/> failed.</summary>
    public void Failed(long timeMicros, long sequence)
    {
        if (_completed)
        {
            // A late report (e.g. served while the client's statistics are awaited) after the log was handed over.
            return;
        }

        var span = Begin(DeliveryRecordKind.Failed, false, timeMicros, out var length);
        length += Varint(span[length..], DeliveryLogFormat.ZigZag(sequence - _lastOwnSequence));
        _lastOwnSequence = sequence;
        End(length);
    }

    /// <summary>The consumer read message <paramref name="sequence"/> of <paramref name="producerId"/> at this partition and offset.</summary>
    public void Read(long timeMicros, int partition, long offset, int producerId, long sequence)
    {
        if (_completed)
        {
            // A late report (e.g. served while the client's statistics are awaited) after the log was handed over.
            return;
        }

        var planned = (uint)producerId < (uint)_lastSequence.Length;
        var span = Begin(DeliveryRecordKind.Read, !planned, timeMicros, out var length);
        length += Varint(span[length..], (ulong)partition);
        length += OffsetDelta(span[length..], partition, offset);
        length += Varint(span[length..], (ulong)producerId);
        if (planned)
        {
            length += Varint(span[length..], DeliveryLogFormat.ZigZag(sequence - _lastSequence[producerId]));
            _lastSequence[producerId] = sequence;
        }
        else
        {
            length += Varint(span[length..], DeliveryLogFormat.ZigZag(sequence));
        }

        End(length);
    }

    /// <summary>No more records: the pump compresses the rest and closes the file. Safe to call twice.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _pump.Submit(this, _buffer, _position);
        _pump.Submit(this, null, 0);
        _buffer = [];
    }

    internal void Compress(byte[] buffer, int length) => _zlib.Write(buffer, 0, length);

    internal void Close()
    {
        _zlib.Dispose();
        _file.Dispose();
    }

    private static int Varint(Span<byte> destination, ulong value) => DeliveryLogFormat.WriteVarint(destination, value);

    private Span<byte> Begin(DeliveryRecordKind kind, bool whole, long timeMicros, out int length)
    {
        if (_position + DeliveryLogFormat.MaxRecordBytes > _buffer.Length)
        {
            _pump.Submit(this, _buffer, _position);
            _buffer = DeliveryLogPump.Rent();
            _position = 0;
        }

        var span = _buffer.AsSpan(_position);
        span[0] = (byte)((int)kind | (whole ? DeliveryLogFormat.WholeFlag : 0));
        length = 1 + Varint(span[1..], DeliveryLogFormat.ZigZag(timeMicros - _lastTime));
        _lastTime = timeMicros;
        return span;
    }

    private int OffsetDelta(Span<byte> destination, int partition, long offset)
    {
        if (offset < 0 || (uint)partition >= (uint)_lastOffset.Length)
        {
            // Written whole (the tag says so for an acknowledgement); the partition's last offset is kept for the next delta.
            return Varint(destination, DeliveryLogFormat.ZigZag(offset));
        }

        var written = Varint(destination, DeliveryLogFormat.ZigZag(offset - _lastOffset[partition]));
        _lastOffset[partition] = offset;
        return written;
    }

    private void End(int length)
    {
        _position += length;
        Records++;
    }
}

/// <summary>Reads a delivery log written by <see cref="DeliveryLogWriter"/>, record by record.</summary>
public sealed class DeliveryLogReader : IDisposable
{
    private readonly Stream _file;
    private readonly BufferedStream _records;
    private readonly long[] _lastOffset;
    private readonly long[] _lastSequence;
    private long _lastTime;
    private long _lastIntended;
    private long _lastOwnSequence;

    private DeliveryLogReader(string path, Stream file, DeliveryLogKind kind, int owner, int member, int partitions, int producers)
    {
        Path = path;
        _file = file;
        Kind = kind;
        Owner = owner;
        Member = member;
        Partitions = partitions;
        Producers = producers;
        _lastOffset = new long[partitions];
        _lastSequence = new long[producers];
        _records = new BufferedStream(new ZLibStream(file, CompressionMode.Decompress), 64 * 1024);
    }

    public string Path { get; }

    public DeliveryLogKind Kind { get; }

    /// <summary>The producer id (acks) or the consumer group's index (reads).</summary>
    public int Owner { get; }

    /// <summary>The consumer instance (reads).</summary>
    public int Member { get; }

    public int Partitions { get; }

    public int Producers { get; }

    /// <summary>Opens a log; throws <see cref="RunResultsException"/> when the file is not one.</summary>
    public static DeliveryLogReader Open(string path)
    {
        var file = File.OpenRead(path);
        try
        {
            Span<byte> head = stackalloc byte[6];
            if (file.ReadAtLeast(head, 6, throwOnEndOfStream: false) < 6 || !head[..4].SequenceEqual(DeliveryLogFormat.Magic))
            {
                throw new RunResultsException($"{path} is not a LoadLab delivery log (it does not start with 'LLDL'); the segment's folder is corrupt.");
            }

            if (head[4] != DeliveryLogFormat.Version || head[5] is not ((byte)DeliveryLogKind.Acks or (byte)DeliveryLogKind.Reads))
            {
                throw new RunResultsException($"{path}: delivery log version {head[4]}, kind {head[5]} is not one this LoadLab reads (version {DeliveryLogFormat.Version}); merge with the LoadLab that ran the segments.");
            }

            var owner = HeaderNumber(file, path);
            var member = HeaderNumber(file, path);
            var partitions = HeaderNumber(file, path);
            var producers = HeaderNumber(file, path);
            return new DeliveryLogReader(path, file, (DeliveryLogKind)head[5], owner, member, Math.Max(1, partitions), producers);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The next record, or false at the end of the log. Throws <see cref="RunResultsException"/> when the log is truncated.</summary>
    public bool TryRead(out DeliveryRecord record)
    {
        int tag;
        try
        {
            tag = _records.ReadByte();
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }

        if (tag < 0)
        {
            record = default;
            return false;
        }

        var kind = (DeliveryRecordKind)(tag & DeliveryLogFormat.KindMask);
        var whole = (tag & DeliveryLogFormat.WholeFlag) != 0;
        var time = _lastTime += Signed();
        switch (kind)
        {
            case DeliveryRecordKind.Acked:
                {
                    var sequence = _lastOwnSequence += Signed();
                    var partition = (int)Unsigned();
                    var offset = whole ? Signed() : OffsetFromDelta(partition, Signed());
                    var intended = _lastIntended += Signed();
                    record = new DeliveryRecord(kind, time, partition, offset, Owner, sequence, intended);
                    return true;
                }

            case DeliveryRecordKind.Failed:
                record = new DeliveryRecord(kind, time, 0, 0, Owner, _lastOwnSequence += Signed(), 0);
                return true;
            case DeliveryRecordKind.Read:
                {
                    var partition = (int)Unsigned();
                    var offset = OffsetFromDelta(partition, Signed());
                    var producer = (int)Unsigned();
                    var sequence = whole ? Signed() : _lastSequence[producer] += Signed();
                    record = new DeliveryRecord(kind, time, partition, offset, producer, sequence, 0);
                    return true;
                }

            default:
                throw Corrupt(null);
        }
    }

    public void Dispose()
    {
        _records.Dispose();
        _file.Dispose();
    }

    private long OffsetFromDelta(int partition, long delta)
    {
        if ((uint)partition >= (uint)_lastOffset.Length)
        {
            return delta;
        }

        return _lastOffset[partition] += delta;
    }

    private long Signed() => DeliveryLogFormat.UnZigZag(Unsigned());

    private ulong Unsigned()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            int next;
            try
            {
                next = _records.ReadByte();
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(e);
            }

            if (next < 0)
            {
                throw Corrupt(null);
            }

            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }

        throw Corrupt(null);
    }

    private RunResultsException Corrupt(Exception? inner)
    {
        var message = $"{Path} ends in the middle of a record or is corrupt: the worker did not finish writing it. Run the segment again.";
        return inner is null ? new RunResultsException(message) : new RunResultsException(message, inner);
    }

    private static int HeaderNumber(Stream file, string path)
    {
        ulong value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var next = file.ReadByte();
            if (next < 0)
            {
                break;
            }

            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value <= int.MaxValue ? (int)value : throw new RunResultsException($"{path}: the delivery log's header is corrupt.");
            }
        }

        throw new RunResultsException($"{path}: the delivery log's header is corrupt.");
    }
}
