using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using LoadLab.Core.Measurement;

namespace LoadLab.Core.Results;

/// <summary>
/// Writes a run's folder as the run goes (see results/README.md): every line is flushed when written, and
/// <c>summary.json</c> is replaced atomically, so a crash or Ctrl+C keeps everything measured until then.
/// Thread-safe.
/// </summary>
public sealed class ResultsWriter : IDisposable
{
    private readonly object _lock = new();
    private readonly StreamWriter _events;
    private readonly Dictionary<LatencyMetric, IntervalLogWriter> _logs = [];
    private readonly List<IntervalLogWriter> _groupLogs = [];
    private DateTimeOffset _startedAt;
    private StreamWriter? _series;
    private StreamWriter? _partitions;
    private bool _disposed;

    public ResultsWriter(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _events = Open(RunFiles.Events);
    }

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>Copies the scenario file as run.</summary>
    public void WriteScenario(string yaml) => File.WriteAllText(Path.Combine(Directory, RunFiles.Scenario), yaml);

    /// <summary>Appends a run event: <c>{"t": seconds since start, "type": type, …fields}</c>.</summary>
    public void Event(double seconds, string type, IEnumerable<KeyValuePair<string, object?>>? fields = null)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("t", Math.Round(seconds, 3));
            json.WriteString("type", type);
            foreach (var (key, value) in fields ?? [])
            {
                json.WritePropertyName(key);
                JsonSerializer.Serialize(json, value, value?.GetType() ?? typeof(object), ResultsJson.Compact);
            }

            json.WriteEndObject();
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _events.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            _events.Flush();
        }
    }

    /// <summary>
    /// Starts the HdrHistogram interval logs: one per metric, and one per consumer group and metric in
    /// <paramref name="groupLogs"/> (appended to by their position, <see cref="AppendGroupInterval"/>); interval <c>n</c>
    /// covers second n after <paramref name="startedAt"/>.
    /// </summary>
    public void BeginIntervals(DateTimeOffset startedAt, IReadOnlyList<(LatencyMetric Metric, string Group)>? groupLogs = null)
    {
        lock (_lock)
        {
            _startedAt = startedAt;
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, RunFiles.HistogramsFolder));
            foreach (var metric in LatencyMetrics.All)
            {
                _logs[metric] = OpenLog(RunFiles.Histogram(metric), startedAt);
            }

            foreach (var (metric, group) in groupLogs ?? [])
            {
                _groupLogs.Add(OpenLog(RunFiles.GroupHistogram(metric, group), startedAt));
            }
        }
    }

    private IntervalLogWriter OpenLog(string relativePath, DateTimeOffset startedAt) =>
        new(new FileStream(Path.Combine(Directory, relativePath), FileMode.Create, FileAccess.Write, FileShare.Read), startedAt);

    /// <summary>Appends one interval histogram (microseconds) to the group log at position <paramref name="log"/> of <see cref="BeginIntervals"/>.</summary>
    public void AppendGroupInterval(int log, HistogramBase interval, int second)
    {
        ArgumentNullException.ThrowIfNull(interval);
        var start = _startedAt.ToUnixTimeMilliseconds() + (second * 1000L);
        interval.StartTimeStamp = start;
        interval.EndTimeStamp = start + 1000;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _groupLogs[log].Append(interval);
        }
    }

    /// <summary>Appends one interval histogram (microseconds) to the metric's log.</summary>
    public void AppendInterval(LatencyMetric metric, HistogramBase interval, int second)
    {
        ArgumentNullException.ThrowIfNull(interval);
        var start = _startedAt.ToUnixTimeMilliseconds() + (second * 1000L);
        interval.StartTimeStamp = start;
        interval.EndTimeStamp = start + 1000;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _logs[metric].Append(interval);
        }
    }

    /// <summary>
    /// Writes the measured messages' whole-run histogram of <paramref name="logName"/> (microseconds) to
    /// <see cref="RunFiles.MeasuredHistogram"/> as one interval from <paramref name="from"/> to <paramref name="to"/>
    /// after the start (call after <see cref="BeginIntervals"/>).
    /// </summary>
    public void WriteMeasured(string logName, HistogramBase histogram, TimeSpan from, TimeSpan to)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var start = _startedAt.ToUnixTimeMilliseconds();
        histogram.StartTimeStamp = start + (long)from.TotalMilliseconds;
        histogram.EndTimeStamp = start + (long)to.TotalMilliseconds;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            System.IO.Directory.CreateDirectory(Path.Combine(Directory, RunFiles.MeasuredHistogramsFolder));
            using var log = new IntervalLogWriter(new FileStream(Path.Combine(Directory, RunFiles.MeasuredHistogram(logName)), FileMode.Create, FileAccess.Write, FileShare.Read), _startedAt);
            log.Append(histogram);
        }
    }

    /// <summary>Appends a row to <c>series.csv</c> (the header is written with the first row).</summary>
    public void AppendSeries(SeriesRow row, IReadOnlyList<string> groups)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(groups);
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{row.Second},{F(row.TargetRate)},{row.Sent},{row.Acked},{row.Failed},{row.Consumed},{row.QueueFull},{F(row.AvgPayloadBytes)}");
        // One cell group per column group of the header, whatever the row holds: a row without a metric's (or a group's)
        // percentiles leaves its cells empty rather than shifting the columns after them.
        for (var m = 0; m < LatencyMetrics.All.Count; m++)
        {
            var p = row.Latency.ElementAtOrDefault(m);
            line.Append(CultureInfo.InvariantCulture, $",{F(p?.P50)},{F(p?.P90)},{F(p?.P99)},{F(p?.P999)},{F(p?.Max)}");
        }

        line.Append(CultureInfo.InvariantCulture, $",{row.RssBytes},{row.GcHeapBytes}");
        foreach (var (messages, seconds) in row.Lag)
        {
            line.Append(CultureInfo.InvariantCulture, $",{messages},{F(seconds)}");
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var p = row.GroupEndToEnd.ElementAtOrDefault(g);
            line.Append(CultureInfo.InvariantCulture, $",{F(p?.P50)},{F(p?.P99)},{F(p?.Max)}");
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_series is null)
            {
                _series = Open(RunFiles.Series);
                _series.WriteLine(SeriesHeader(groups));
            }

            _series.WriteLine(line.ToString());
            _series.Flush();
        }
    }

    /// <summary>Appends rows to <c>partitions.csv</c>.</summary>
    public void AppendPartitions(IEnumerable<PartitionRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_partitions is null)
            {
                _partitions = Open(RunFiles.Partitions);
                _partitions.WriteLine("second,topic,partition,produced,bytes,lagMessages");
            }

            foreach (var r in rows)
            {
                _partitions.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Second},{r.Topic},{r.Partition},{r.Produced},{r.Bytes},{r.LagMessages}"));
            }

            _partitions.Flush();
        }
    }

    /// <summary>Replaces <c>summary.json</c> atomically.</summary>
    public void WriteSummary(RunSummary summary)
    {
        var path = Path.Combine(Directory, RunFiles.Summary);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(summary, ResultsJson.Indented) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The header of <c>series.csv</c> for the given consumer groups.</summary>
    public static string SeriesHeader(IReadOnlyList<string> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var columns = new List<string> { "second", "targetRate", "sent", "acked", "failed", "consumed", "queueFull", "avgPayloadBytes" };
        foreach (var metric in LatencyMetrics.All)
        {
            var prefix = metric.ColumnPrefix();
            columns.AddRange([$"{prefix}P50Ms", $"{prefix}P90Ms", $"{prefix}P99Ms", $"{prefix}P999Ms", $"{prefix}MaxMs"]);
        }

        columns.AddRange(["rssBytes", "gcHeapBytes"]);
        foreach (var group in groups)
        {
            columns.AddRange([$"lag:{group}:messages", $"lag:{group}:seconds"]);
        }

        foreach (var group in groups)
        {
            columns.AddRange([SeriesTable.GroupLatencyColumn(group, "P50"), SeriesTable.GroupLatencyColumn(group, "P99"), SeriesTable.GroupLatencyColumn(group, "Max")]);
        }

        return string.Join(',', columns);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _events.Dispose();
            SortEvents();
            _series?.Dispose();
            _partitions?.Dispose();
            foreach (var log in _logs.Values.Concat(_groupLogs))
            {
                log.Dispose();
            }
        }
    }

    /// <summary>
    /// Rewrites events.jsonl in time order (stable, so events of one time keep the order they were written in).
    /// Lines are appended as events are observed, and some are observed late — a fault marker is written once the
    /// fault's effect was confirmed, with the time the effect began — so only a finished run's file is sorted; the
    /// rewrite goes through a temporary file, so a failure leaves the file as written.
    /// </summary>
    private void SortEvents()
    {
        var path = Path.Combine(Directory, "events.jsonl");
        var temporary = path + ".tmp";
        try
        {
            var lines = File.ReadAllLines(path).Where(line => line.Length > 0);
            var sorted = lines.Select((line, index) => (line, index, t: EventTime(line))).OrderBy(e => e.t).ThenBy(e => e.index).Select(e => e.line + "\n");
            File.WriteAllText(temporary, string.Concat(sorted), new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // The unsorted file is complete; readers order events by t themselves.
        }
    }

    private static double EventTime(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.TryGetProperty("t", out var t) && t.TryGetDouble(out var seconds) ? seconds : double.MaxValue;
        }
        catch (JsonException)
        {
            return double.MaxValue;
        }
    }

    private StreamWriter Open(string name) =>
        new(new FileStream(Path.Combine(Directory, name), FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { NewLine = "\n" };

    private static string F(double? value) => value is { } v ? Math.Round(v, 3).ToString(CultureInfo.InvariantCulture) : "";
}
