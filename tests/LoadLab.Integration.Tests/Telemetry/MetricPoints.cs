using OpenTelemetry.Metrics;

namespace LoadLab.Integration.Tests.Telemetry;

/// <summary>One exported data point: instrument name, labels and value.</summary>
internal sealed record MetricPointValue(string Name, IReadOnlyDictionary<string, string> Tags, double Value);

/// <summary>The points of one export, with lookups by name and labels.</summary>
internal sealed class MetricPoints : List<MetricPointValue>
{
    public static MetricPoints From(IEnumerable<Metric> metrics)
    {
        var points = new MetricPoints();
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                }

                var value = metric.MetricType switch
                {
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    _ => throw new NotSupportedException($"{metric.Name}: {metric.MetricType}"),
                };
                points.Add(new MetricPointValue(metric.Name, tags, value));
            }
        }

        return points;
    }

    /// <summary>The value of the one point of <paramref name="name"/> with these labels (others may differ).</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = this.Where(p => p.Name == name && labels.All(l => p.Tags.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matches.Count == 1
            ? matches[0].Value
            : throw new InvalidOperationException($"{matches.Count} points of {name} with {string.Join(", ", labels)}; have: {string.Join("; ", this.Where(p => p.Name == name).Select(p => string.Join(",", p.Tags.Select(t => $"{t.Key}={t.Value}"))))}");
    }
}
