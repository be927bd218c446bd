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

        if (quantity.Grammar != QuantityGrammar.Number)
        {
            return ReadInGrammar(map, quantity, min, max, exclusiveMin);
        }

        var range = max == double.MaxValue
            ? exclusiveMin ? $"a number above {Format(min)}" : $"a number of at least {Format(min)}"
            : $"a number from {Format(min)} to {Format(max)}";
        var value = map.Require("value", "<number>")?.AsDouble(range, Format(Math.Max(min, 1)), min, max, exclusiveMin);
        return Complete(map, quantity, value is null ? null : Canonical(map, quantity, value.Value), value is null ? "" : Format(value.Value));
    }

    /// <summary>
    /// A duration or size written in the one grammar of every LoadLab file (<c>value: 5m</c>, <c>value: 64TiB</c>);
    /// a separate <c>unit</c> is refused with the value rewritten as the fix.
    /// </summary>
    private static SourcedValue? ReadInGrammar(YamlMap map, Quantity quantity, double min, double max, bool exclusiveMin)
    {
        var duration = quantity.Grammar == QuantityGrammar.Duration;
        var example = duration ? "5m" : "64GiB";
        var valueNode = map.Require("value", example);
        if (map.Get("unit") is { } unit)
        {
            // An older file's `value: 5` + `unit: minutes`: one problem, with the value rewritten as the fix.
            var suffix = UnitInGrammar(unit.Text ?? "", duration);
            unit.Problem(
                $"expected no unit: a {quantity.Name} carries its unit in the value, in the grammar of every LoadLab file ({(duration ? Durations.Examples : "512MiB, 64GiB, 16TiB or 468GB")})",
                suffix is null ? $"remove unit and write e.g. value: {example}" : $"remove unit and write value: {valueNode?.Text ?? "<number>"}{suffix}");
            return Complete(map, quantity, null, "");
        }

        double? canonical = null;
        if (valueNode is not null)
        {
            canonical = duration
                ? valueNode.AsDuration(example, allowZero: !exclusiveMin) is { } time ? time.TotalSeconds / quantity.PerCanonical : null
                : valueNode.AsBytes(example, min: exclusiveMin ? 1 : 0) is { } bytes ? bytes / quantity.PerCanonical : null;
        }

        if (canonical is { } value && (value < min || value > max))
        {
            var range = max == double.MaxValue ? $"at least {Format(min)} {quantity.Canonical}" : $"from {Format(min)} to {Format(max)} {quantity.Canonical}";
            valueNode!.Problem($"expected a {quantity.Name} {range}, got {valueNode.Describe()}", valueNode.Example(example));
            canonical = null;
        }

        return Complete(map, quantity, canonical, valueNode?.Text ?? "");
    }

    /// <summary>The grammar's suffix for a unit an older file wrote beside the value (<c>minutes</c> → <c>m</c>), or null.</summary>
    private static string? UnitInGrammar(string unit, bool duration) => duration
        ? unit switch { "seconds" => "s", "minutes" => "m", "hours" => "h", "days" => "d", _ => null }
        : unit is "KiB" or "MiB" or "GiB" or "TiB" or "KB" or "MB" or "GB" or "TB" ? unit : null;

    /// <summary>A sourced <c>value: true | false</c> (1 or 0).</summary>
    public static SourcedValue? ReadFlag(YamlMap parent, string key)
    {
        var example = $"{{ value: true, source: <url>, date: <yyyy-mm-dd> }}";
        var map = parent.Require(key, example)?.AsMap(Shape, example);
        if (map is null)
        {
            return null;
        }

        var flag = map.Require("value", "true")?.AsBool("true");
        return Complete(map, Quantity.Number, flag is null ? null : flag.Value ? 1 : 0, flag is null ? "" : flag.Value ? "true" : "false");
    }

    /// <summary>The number converted from the file's <c>unit</c> to the canonical one, or null after recording why not.</summary>
    private static double? Canonical(YamlMap map, Quantity quantity, double number)
    {
        var unitText = map.Get("unit")?.AsString(quantity.Canonical) ?? "";
        if (quantity.ToCanonical(number, unitText) is { } canonical)
        {
            return canonical;
        }

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

        return null;
    }

    private static SourcedValue? Complete(YamlMap map, Quantity quantity, double? canonical, string written)
    {
        var unitText = quantity.Grammar == QuantityGrammar.Number ? map.Get("unit")?.Text ?? "" : "";
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

    private static string Example(Quantity quantity) => quantity.Grammar switch
    {
        QuantityGrammar.Duration => "{ value: 5m, source: <url>, date: <yyyy-mm-dd> }",
        QuantityGrammar.Size => "{ value: 64GiB, source: <url>, date: <yyyy-mm-dd> }",
        _ when quantity.Canonical.Length == 0 => "{ value: <number>, source: <url>, date: <yyyy-mm-dd> }",
        _ => $"{{ value: <number>, unit: {quantity.Canonical}, source: <url>, date: <yyyy-mm-dd> }}",
    };

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
