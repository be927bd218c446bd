using HdrHistogram;
using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Results;

public sealed class IntervalLogWriterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Append_Intervals_ReadBackByHdrHistogramsOwnReaderWithTheSameCounts()
    {
        var written = Enumerable.Range(0, 3).Select(Interval).ToList();
        using var stream = new MemoryStream();
        using (var writer = new IntervalLogWriter(stream, Start))
        {
            written.ForEach(writer.Append);
        }

        using var reader = new HistogramLogReader(new MemoryStream(stream.ToArray()));
        var read = reader.ReadHistograms().ToList();

        Assert.Equal(written.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(written[i].TotalCount, read[i].TotalCount);
            Assert.Equal(written[i].GetValueAtPercentile(99.9), read[i].GetValueAtPercentile(99.9));
            Assert.Equal(written[i].GetMaxValue(), read[i].GetMaxValue());
            Assert.Equal(written[i].StartTimeStamp, read[i].StartTimeStamp);
        }
    }

    [Fact]
    public void Constructor_Header_IsTheAsciiFormatOtherToolsRead()
    {
        using var stream = new MemoryStream();
        using (new IntervalLogWriter(stream, Start))
        {
        }

        var text = System.Text.Encoding.ASCII.GetString(stream.ToArray());

        Assert.Equal(
            "#[Histogram log format version 1.3]\n#[StartTime: 1795694400.000 (seconds since epoch), 2026-11-26T12:00:00.0000000Z]\n" +
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
            text);
    }

    [Fact]
    public void Append_AfterTheFirstInterval_AllocatesNoBufferOfTheFullCapacity()
    {
        using var writer = new IntervalLogWriter(Stream.Null, Start);
        var interval = Interval(0);
        writer.Append(interval);
        writer.Append(interval);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            writer.Append(interval);
        }

        var perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;

        // HdrHistogram.NET's writer allocated two buffers of the full encoded capacity per interval (large objects,
        // collected only with generation 2); what is left is the encoder's small per-count garbage.
        Assert.InRange(perAppend, 0, interval.GetNeededByteBufferCapacity() - 1);
    }

    private static HistogramBase Interval(int second)
    {
        var histogram = LatencyRecorders.CreateHistogram();
        var random = new Random(second);
        for (var i = 0; i < 10_000; i++)
        {
            histogram.RecordValue(random.Next(100, 50_000));
        }

        histogram.RecordValue(3_000_000);
        histogram.StartTimeStamp = Start.ToUnixTimeMilliseconds() + (second * 1000L);
        histogram.EndTimeStamp = histogram.StartTimeStamp + 1000;
        return histogram;
    }
}
