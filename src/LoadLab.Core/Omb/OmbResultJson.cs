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
    private static readonly (string Name, Func<OmbLatencyStats, double> Value)[] Statistics =
    [
        ("Avg", s => s.Avg), ("50pct", s => s.P50), ("75pct", s => s.P75), ("95pct", s => s.P95),
        ("99pct", s => s.P99), ("999pct", s => s.P999), ("9999pct", s => s.P9999), ("Max", s => s.Max),
    ];

    /// <summary>The result as indented JSON text.</summary>
    public static string Serialize(OmbTestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("workload", result.Workload);
            json.WriteString("driver", result.Driver);
            json.WriteNumber("messageSize", result.MessageSize);
            json.WriteNumber("topics", result.Topics);
            json.WriteNumber("partitions", result.Partitions);
            json.WriteNumber("producersPerTopic", result.ProducersPerTopic);
            json.WriteNumber("consumersPerTopic", result.ConsumersPerTopic);
            Doubles(json, "publishRate", result.PublishRate);
            Doubles(json, "publishErrorRate", result.PublishErrorRate);
            Doubles(json, "consumeRate", result.ConsumeRate);
            json.WriteStartArray("backlog");
            foreach (var value in result.Backlog)
            {
                json.WriteNumberValue(value);
            }

            json.WriteEndArray();
            Series(json, "publishLatency", result.PublishLatency, wholePercentiles: false);
            Series(json, "publishDelayLatency", result.PublishDelayLatency, wholePercentiles: true);
            Aggregate(json, "aggregatedPublishLatency", result.AggregatedPublishLatency, wholePercentiles: false);
            Aggregate(json, "aggregatedPublishDelayLatency", result.AggregatedPublishDelayLatency, wholePercentiles: true);
            Quantiles(json, "aggregatedPublishLatencyQuantiles", result.AggregatedPublishLatencyQuantiles, wholeValues: false);
            Quantiles(json, "aggregatedPublishDelayLatencyQuantiles", result.AggregatedPublishDelayLatencyQuantiles, wholeValues: true);
            Series(json, "endToEndLatency", result.EndToEndLatency, wholePercentiles: false);
            Quantiles(json, "aggregatedEndToEndLatencyQuantiles", result.AggregatedEndToEndLatencyQuantiles, wholeValues: false);
            Aggregate(json, "aggregatedEndToEndLatency", result.AggregatedEndToEndLatency, wholePercentiles: false);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
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

    private static void Doubles(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteRawValue(JavaDouble(value));
        }

        json.WriteEndArray();
    }

    private static void Series(Utf8JsonWriter json, string prefix, IReadOnlyList<OmbLatencyStats> periods, bool wholePercentiles)
    {
        foreach (var (name, value) in Statistics)
        {
            json.WriteStartArray(prefix + name);
            foreach (var period in periods)
            {
                WriteValue(json, value(period), whole: wholePercentiles && name != "Avg");
            }

            json.WriteEndArray();
        }
    }

    private static void Aggregate(Utf8JsonWriter json, string prefix, OmbLatencyStats stats, bool wholePercentiles)
    {
        foreach (var (name, value) in Statistics)
        {
            json.WritePropertyName(prefix + name);
            WriteValue(json, value(stats), whole: wholePercentiles && name != "Avg");
        }
    }

    private static void Quantiles(Utf8JsonWriter json, string name, IReadOnlyList<KeyValuePair<double, double>> quantiles, bool wholeValues)
    {
        json.WriteStartObject(name);
        foreach (var (percentile, value) in quantiles)
        {
            json.WritePropertyName(JavaDouble(percentile));
            WriteValue(json, value, wholeValues);
        }

        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, double value, bool whole)
    {
        if (whole)
        {
            json.WriteNumberValue((long)value);
        }
        else
        {
            json.WriteRawValue(JavaDouble(value));
        }
    }
}
