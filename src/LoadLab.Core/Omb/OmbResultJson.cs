using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LoadLab.Core.Omb;

/// <summary>
/// Writes an <see cref="OmbTestResult"/> the way OMB's Jackson writer does: the fields of <c>TestResult</c> in
/// declaration order with their exact names, numbers as Java's <c>Double.toString</c> prints them (so a whole
/// double is <c>4.0</c>, and <c>List&lt;Long&gt;</c> fields are integers), quantile map keys as those numbers in text.
/// </summary>
public static class OmbResultJson
{
    private static readonly JsonSerializerOptions TextOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Name, Func<OmbLatencyStats, double> Value)[] Statistics =
    [
        ("Avg", s => s.Avg), ("50pct", s => s.P50), ("75pct", s => s.P75), ("95pct", s => s.P95),
        ("99pct", s => s.P99), ("999pct", s => s.P999), ("9999pct", s => s.P9999), ("Max", s => s.Max),
    ];

    /// <summary>The result as JSON text, laid out as Jackson's default pretty printer lays out OMB's files.</summary>
    public static string Serialize(OmbTestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var fields = new List<(string Name, string Value)>
        {
            ("workload", Text(result.Workload)),
            ("driver", Text(result.Driver)),
            ("messageSize", Whole(result.MessageSize)),
            ("topics", Whole(result.Topics)),
            ("partitions", Whole(result.Partitions)),
            ("producersPerTopic", Whole(result.ProducersPerTopic)),
            ("consumersPerTopic", Whole(result.ConsumersPerTopic)),
            ("publishRate", Array(result.PublishRate.Select(JavaDouble))),
            ("publishErrorRate", Array(result.PublishErrorRate.Select(JavaDouble))),
            ("consumeRate", Array(result.ConsumeRate.Select(JavaDouble))),
            ("backlog", Array(result.Backlog.Select(Whole))),
        };
        fields.AddRange(Series("publishLatency", result.PublishLatency, wholePercentiles: false));
        fields.AddRange(Series("publishDelayLatency", result.PublishDelayLatency, wholePercentiles: true));
        fields.AddRange(Aggregate("aggregatedPublishLatency", result.AggregatedPublishLatency, wholePercentiles: false));
        fields.AddRange(Aggregate("aggregatedPublishDelayLatency", result.AggregatedPublishDelayLatency, wholePercentiles: true));
        fields.Add(("aggregatedPublishLatencyQuantiles", Quantiles(result.AggregatedPublishLatencyQuantiles, wholeValues: false)));
        fields.Add(("aggregatedPublishDelayLatencyQuantiles", Quantiles(result.AggregatedPublishDelayLatencyQuantiles, wholeValues: true)));
        fields.AddRange(Series("endToEndLatency", result.EndToEndLatency, wholePercentiles: false));
        fields.Add(("aggregatedEndToEndLatencyQuantiles", Quantiles(result.AggregatedEndToEndLatencyQuantiles, wholeValues: false)));
        fields.AddRange(Aggregate("aggregatedEndToEndLatency", result.AggregatedEndToEndLatency, wholePercentiles: false));
        return "{\n" + string.Join(",\n", fields.Select(f => $"  {Text(f.Name)} : {f.Value}")) + "\n}\n";
    }

    /// <summary>
    /// <paramref name="value"/> as Java's <c>Double.toString</c> prints it: the shortest digits that read back as the
    /// same double, plain from 10⁻³ up to 10⁷ with at least one fraction digit (<c>4.0</c>), otherwise
    /// <c>d.dddE±n</c> (<c>8.280981931675837E-7</c>, <c>1.0E7</c>).
    /// </summary>
    public static string JavaDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no representation of NaN or infinity.");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var sign = text[0] == '-' ? "-" : "";
        text = text.TrimStart('-');
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e >= 0 ? text[..e] : text;
        var exponent = e >= 0 ? int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integer = point >= 0 ? mantissa[..point] : mantissa;
        var digits = integer + (point >= 0 ? mantissa[(point + 1)..] : "");
        // value = 0.<digits> × 10^decimalExponent once the leading zeros are gone.
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        var decimalExponent = integer.Length + exponent - leadingZeros;
        digits = digits.Trim('0');
        var scientific = decimalExponent - 1;
        if (scientific is >= -3 and < 7)
        {
            if (decimalExponent <= 0)
            {
                return $"{sign}0.{new string('0', -decimalExponent)}{digits}";
            }

            return decimalExponent >= digits.Length
                ? $"{sign}{digits}{new string('0', decimalExponent - digits.Length)}.0"
                : $"{sign}{digits[..decimalExponent]}.{digits[decimalExponent..]}";
        }

        var fraction = digits.Length > 1 ? digits[1..] : "0";
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{digits[0]}.{fraction}E{scientific}");
    }

    private static string Text(string value) => JsonSerializer.Serialize(value, TextOptions);

    private static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Array(IEnumerable<string> values) => "[ " + string.Join(", ", values) + " ]";

    private static string Value(double value, bool whole) => whole ? Whole((long)value) : JavaDouble(value);

    private static IEnumerable<(string, string)> Series(string prefix, IReadOnlyList<OmbLatencyStats> periods, bool wholePercentiles) =>
        Statistics.Select(statistic => (prefix + statistic.Name, Array(periods.Select(period => Value(statistic.Value(period), wholePercentiles && statistic.Name != "Avg")))));

    private static IEnumerable<(string, string)> Aggregate(string prefix, OmbLatencyStats stats, bool wholePercentiles) =>
        Statistics.Select(statistic => (prefix + statistic.Name, Value(statistic.Value(stats), wholePercentiles && statistic.Name != "Avg")));

    private static string Quantiles(IReadOnlyList<KeyValuePair<double, double>> quantiles, bool wholeValues) =>
        quantiles.Count == 0
            ? "{ }"
            : "{\n" + string.Join(",\n", quantiles.Select(q => $"    {Text(JavaDouble(q.Key))} : {Value(q.Value, wholeValues)}")) + "\n  }";
}
