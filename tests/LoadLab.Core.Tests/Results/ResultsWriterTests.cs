using LoadLab.Core.Measurement;
using LoadLab.Core.Results;

namespace LoadLab.Core.Tests.Results;

public sealed class ResultsWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-writer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void AppendSeries_RowsWithADistinctValueInEveryColumn_EachColumnReadsBackByItsHeader()
    {
        // Every cell differs from every other (and between the rows), so a value written under another column's
        // header, or a row's value written from the previous row, cannot read back right by chance.
        string[] groups = ["audit", "billing"];
        var rows = new[] { Row(3, 1), Row(4, 2) };
        using (var writer = new ResultsWriter(_directory))
        {
            foreach (var row in rows)
            {
                writer.AppendSeries(row, groups);
            }
        }

        var table = SeriesTable.Read(Path.Combine(_directory, RunFiles.Series));

        Assert.Equal(groups, table.Groups);
        Assert.Equal(rows.Length, table.Count);
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            double Cell(string column) => table.Column(column)[r];
            Assert.Equal(row.Second, Cell("second"));
            Assert.Equal(row.TargetRate, Cell("targetRate"));
            Assert.Equal(row.Sent, Cell("sent"));
            Assert.Equal(row.Acked, Cell("acked"));
            Assert.Equal(row.Failed, Cell("failed"));
            Assert.Equal(row.Consumed, Cell("consumed"));
            Assert.Equal(row.QueueFull, Cell("queueFull"));
            Assert.Equal(row.AvgPayloadBytes!.Value, Cell("avgPayloadBytes"));
            foreach (var metric in LatencyMetrics.All)
            {
                var expected = row.Latency[(int)metric]!;
                var prefix = metric.ColumnPrefix();
                Assert.Equal(
                    (expected.P50, expected.P90, expected.P99, expected.P999, expected.Max),
                    (Cell($"{prefix}P50Ms"), Cell($"{prefix}P90Ms"), Cell($"{prefix}P99Ms"), Cell($"{prefix}P999Ms"), Cell($"{prefix}MaxMs")));
            }

            Assert.Equal(row.RssBytes, Cell("rssBytes"));
            Assert.Equal(row.GcHeapBytes, Cell("gcHeapBytes"));
            for (var g = 0; g < groups.Length; g++)
            {
                Assert.Equal(row.Lag[g].Messages, Cell(SeriesTable.LagMessagesColumn(groups[g])));
                Assert.Equal(row.Lag[g].Seconds, Cell(SeriesTable.LagSecondsColumn(groups[g])));
            }
        }
    }

    [Fact]
    public void AppendSeries_SecondWithoutSamples_LeavesItsLatencyAndPayloadCellsEmpty()
    {
        using (var writer = new ResultsWriter(_directory))
        {
            writer.AppendSeries(Row(0, 1) with { AvgPayloadBytes = null, Latency = [null, null, null, null], Lag = [] }, []);
        }

        var table = SeriesTable.Read(Path.Combine(_directory, RunFiles.Series));

        Assert.True(double.IsNaN(table.Column("avgPayloadBytes")[0]));
        Assert.All(LatencyMetrics.All, m => Assert.True(double.IsNaN(table.Column($"{m.ColumnPrefix()}P99Ms")[0])));
        Assert.Equal(3, table.Column("acked")[0]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A row whose cells are distinct numbers; <paramref name="variant"/> makes two rows differ everywhere.</summary>
    private static SeriesRow Row(int second, int variant) => new()
    {
        Second = second,
        TargetRate = 1_000.5 * variant,
        Sent = 1 * variant,
        Acked = 3 * variant,
        Failed = 5 * variant,
        Consumed = 7 * variant,
        QueueFull = 11 * variant,
        AvgPayloadBytes = 13.25 * variant,
        Latency = [.. LatencyMetrics.All.Select(m => (Percentiles?)Percentiles((int)m, variant))],
        RssBytes = 17_000_000L * variant,
        GcHeapBytes = 19_000_000L * variant,
        Lag = [(23 * variant, 0.029 * variant), (31 * variant, 0.037 * variant)],
    };

    private static Percentiles Percentiles(int metric, int variant)
    {
        double Value(int statistic) => (1000 * variant) + (100 * metric) + statistic + 0.125;
        return new Percentiles(1, Value(1), Value(2), Value(3), Value(4), Value(5), Value(6), Value(7));
    }
}
