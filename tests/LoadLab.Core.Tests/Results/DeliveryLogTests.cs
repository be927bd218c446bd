using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Results;

public sealed class DeliveryLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loadlab-delivery-").FullName;

    [Fact]
    public void Read_WhatTheWritersWrote_EveryRecordBackExactlyInOrder()
    {
        // Deltas in every direction: sequences out of order, offsets that go back (another partition), an unknown
        // offset (-1), times that repeat, a producer id outside the plan, a sequence far from the last.
        DeliveryRecord[] acks =
        [
            new(DeliveryRecordKind.Acked, 1_000, 2, 40, 3, 0, 900),
            new(DeliveryRecordKind.Acked, 1_000, 0, 7, 3, 2, 950),
            new(DeliveryRecordKind.Acked, 1_250, 2, 41, 3, 1, 920),
            new(DeliveryRecordKind.Failed, 5_000, 0, 0, 3, 3, 0),
            new(DeliveryRecordKind.Acked, 9_000_000, 1, -1, 3, 4, 8_999_000),
            new(DeliveryRecordKind.Acked, 9_000_001, 1, 3_000_000_000, 3, 1_000_000_000_000, 8_999_500),
        ];
        DeliveryRecord[] reads =
        [
            new(DeliveryRecordKind.Read, 2_000, 2, 40, 3, 0, 0),
            new(DeliveryRecordKind.Read, 2_000, 0, 7, 5, 12, 0),
            new(DeliveryRecordKind.Read, 2_500, 2, 39, 3, 1, 0),
            new(DeliveryRecordKind.Read, 3_000, 1, 0, 99, 123_456, 0),
        ];
        using (var pump = new DeliveryLogPump())
        {
            var ackLog = pump.CreateAckLog(Path.Combine(_directory, "acks.log"), producerId: 3, partitions: 3, producers: 6);
            foreach (var r in acks)
            {
                if (r.Kind == DeliveryRecordKind.Failed)
                {
                    ackLog.Failed(r.TimeMicros, r.Sequence);
                }
                else
                {
                    ackLog.Acked(r.TimeMicros, r.Sequence, r.Partition, r.Offset, r.IntendedMicros);
                }
            }

            var readLog = pump.CreateReadLog(Path.Combine(_directory, "reads.log"), groupIndex: 1, member: 4, partitions: 3, producers: 6);
            foreach (var r in reads)
            {
                readLog.Read(r.TimeMicros, r.Partition, r.Offset, r.ProducerId, r.Sequence);
            }

            ackLog.Complete();
            readLog.Complete();
            // Records after the log was handed over are ignored, not written to a closed file.
            ackLog.Acked(10_000_000, 5, 0, 8, 9_000_000);
        }

        Assert.Equal(acks, ReadAll("acks.log", out var ackReader));
        Assert.Equal((DeliveryLogKind.Acks, 3, 0, 3, 6), ackReader);
        Assert.Equal(reads, ReadAll("reads.log", out var readReader));
        Assert.Equal((DeliveryLogKind.Reads, 1, 4, 3, 6), readReader);
    }

    [Fact]
    public void Read_ManyRecordsOverSeveralBuffers_AllBack()
    {
        const int Count = 200_000;
        using (var pump = new DeliveryLogPump())
        {
            var log = pump.CreateAckLog(Path.Combine(_directory, "many.log"), 0, 6, 1);
            for (var i = 0; i < Count; i++)
            {
                log.Acked(i * 7L, i, i % 6, i / 6, i * 5L);
            }

            log.Complete();
        }

        var records = ReadAll("many.log", out _);

        Assert.Equal(Count, records.Count);
        Assert.Equal(new DeliveryRecord(DeliveryRecordKind.Acked, (Count - 1) * 7L, (Count - 1) % 6, (Count - 1) / 6, 0, Count - 1, (Count - 1) * 5L), records[^1]);
        Assert.True(new FileInfo(Path.Combine(_directory, "many.log")).Length < Count * 3, "about 5 bytes a record before compression, fewer after");
    }

    [Fact]
    public void Open_TruncatedLog_SaysTheWorkerDidNotFinish()
    {
        using (var pump = new DeliveryLogPump())
        {
            var log = pump.CreateAckLog(Path.Combine(_directory, "cut.log"), 0, 1, 1);
            for (var i = 0; i < 50_000; i++)
            {
                log.Acked(i, i, 0, i, i);
            }

            log.Complete();
        }

        var path = Path.Combine(_directory, "cut.log");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<RunResultsException>(() => ReadAll("cut.log", out _));
        Assert.Contains("did not finish writing it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NotALog_NamesTheFile()
    {
        File.WriteAllText(Path.Combine(_directory, "other.log"), "hello");

        var error = Assert.Throws<RunResultsException>(() => DeliveryLogReader.Open(Path.Combine(_directory, "other.log")));

        Assert.Contains("other.log is not a LoadLab delivery log", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private List<DeliveryRecord> ReadAll(string name, out (DeliveryLogKind, int, int, int, int) header)
    {
        using var reader = DeliveryLogReader.Open(Path.Combine(_directory, name));
        header = (reader.Kind, reader.Owner, reader.Member, reader.Partitions, reader.Producers);
        var records = new List<DeliveryRecord>();
        while (reader.TryRead(out var record))
        {
            records.Add(record);
        }

        return records;
    }
}
