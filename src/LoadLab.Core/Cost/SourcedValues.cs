using System.Globalization;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>
/// Reads <c>key: {value, unit, source, date, note, confirmed}</c> entries of price sheets and platform profiles
/// through the one YAML layer (<see cref="YamlMap"/>): every problem carries the file, line, column, YAML path,
/// what was expected and the fix, and misspelt or camelCase keys get a did-you-mean.
/// </summary>
internal static class SourcedValues
{
    /// <summary>The shape of one sourced value.</summary>
    public static YamlShape Shape { get; } = YamlShape.Map("sourced value", ["value", "unit", "source", "date", "note", "confirmed"]);

    /// <summary>
    /// The value under <paramref name="key"/> converted to <paramref name="quantity"/>'s canonical unit, or null
    /// (after recording a problem when it is required or malformed).
    /// </summary>
    public static SourcedValue? Read(YamlMap parent, string key, Quantity quantity, bool required = true, double min = 0, double max = double.MaxValue, bool exclusiveMin = false)
    {
        var example = Example(quantity);
        var node = required ? parent.Require(key, example) : parent.Get(key);
        var map = node?.AsMap(Shape, example);
        if (map is null)
        {
            return null;
        }

        var range = max == double.MaxValue
            ? exclusiveMin ? $"a number above {Format(min)}" : $"a number of at least {Format(min)}"
            : $"a number from {Format(min)} to {Format(max)}";
        var value = map.Require("value", "<number>")?.AsDouble(range, Format(Math.Max(min, 1)), min, max, exclusiveMin);
        return Complete(map, value, quantity, value is null ? "" : Format(value.Value));
    }

    /// <summary>A sourced <c>value: true | false</c> (1 or 0).</summary>
    public static SourcedValue? ReadFlag(YamlMap parent, string key, bool required = true)
    {
        var example = $"{{ value: true, source: <url>, date: <yyyy-mm-dd> }}";
        var node = required ? parent.Require(key, example) : parent.Get(key);
        var map = node?.AsMap(Shape, example);
        if (map is null)
        {
            return null;
        }

        var flag = map.Require("value", "true")?.AsBool("true");
        return Complete(map, flag is null ? null : flag.Value ? 1 : 0, Quantity.Number, flag is null ? "" : flag.Value ? "true" : "false");
    }

    private static SourcedValue? Complete(YamlMap map, double? value, Quantity quantity, string written)
    {
        var unitText = map.Get("unit")?.AsString(quantity.Canonical) ?? "";
        double? canonical = null;
        if (value is { } number)
        {
            canonical = quantity.ToCanonical(number, unitText);
            if (canonical is null)
            {
                var at = (YamlValue?)map.Get("unit");
                var message = quantity.Canonical.Length == 0
                    ? $"expected a plain number without a unit, got unit \"{unitText}\""
                    : unitText.Length == 0
                        ? $"missing \"unit\": expected one of {quantity.Allowed}"
                        : $"expected a unit of {quantity.Name} ({quantity.Allowed}), got \"{unitText}\"";
                if (at is null)
                {
                    map.Problem(message, $"add unit: {quantity.Canonical}");
                }
                else
                {
                    at.Problem(message, quantity.Canonical.Length == 0 ? "remove the unit" : $"unit: {quantity.Canonical} (convert the value if its page uses another unit)");
                }
            }
        }

        var source = map.Require("source", "<url of the page the value is on, or 'assumption: why'>")?.AsString("https://…");
        var date = map.Require("date", DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))?.AsDate();
        var note = map.Get("note")?.AsString("what the page says") ?? "";
        var confirmed = map.Get("confirmed")?.AsBool("false") ?? true;
        if (canonical is null || source is null || date is null)
        {
            return null;
        }

        return new SourcedValue(canonical.Value, quantity.Canonical, source, date.Value, note,
            $"{map.Problems.File}:{map.Line} {map.Path}", unitText.Length == 0 ? written : $"{written} {unitText}", confirmed);
    }

    /// <summary>A date written as yyyy-mm-dd (YAML may read an unquoted date as text; either is accepted).</summary>
    private static DateOnly? AsDate(this YamlValue value)
    {
        if (DateOnly.TryParseExact(value.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        value.Problem($"expected the date the value was read, as yyyy-mm-dd, got {value.Describe()}", value.Example("2026-12-06"));
        return null;
    }

    private static string Example(Quantity quantity) =>
        quantity.Canonical.Length == 0
            ? "{ value: <number>, source: <url>, date: <yyyy-mm-dd> }"
            : $"{{ value: <number>, unit: {quantity.Canonical}, source: <url>, date: <yyyy-mm-dd> }}";

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
