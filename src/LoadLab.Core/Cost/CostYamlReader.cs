using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Core.Cost;

/// <summary>
/// Reads the small YAML files of the cost model (price sheets, platform profiles) through YamlDotNet's
/// representation model so that every problem can name the file, the key path and the line.
/// Collects all problems instead of stopping at the first.
/// </summary>
internal sealed class CostYamlReader
{
    private readonly string _file;
    private readonly List<CostInputProblem> _problems = [];

    private CostYamlReader(string file) => _file = file;

    public IReadOnlyList<CostInputProblem> Problems => _problems;

    /// <summary>Parses <paramref name="text"/>; the root must be a mapping.</summary>
    public static (CostYamlReader Reader, YamlMappingNode? Root) Parse(string file, string text)
    {
        var reader = new CostYamlReader(file);
        var stream = new YamlStream();
        try
        {
            using var textReader = new StringReader(text);
            stream.Load(textReader);
        }
        catch (YamlException e)
        {
            reader.Add("", (int)e.Start.Line, $"is not valid YAML: {e.Message}", "correct the YAML syntax at that line.");
            return (reader, null);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            reader.Add("", 1, "must be a YAML mapping (key: value lines).", "start the file with the documented top-level keys.");
            return (reader, null);
        }

        return (reader, root);
    }

    public void Add(string path, int line, string message, string fix) =>
        _problems.Add(new CostInputProblem(_file, path, line, message, fix));

    public void ThrowIfProblems()
    {
        if (_problems.Count > 0)
        {
            throw new CostInputException(_problems);
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static int LineOf(YamlNode node) => (int)node.Start.Line;

    public YamlNode? Child(YamlMappingNode parent, string key, string path, bool required, string fix)
    {
        foreach (var entry in parent.Children)
        {
            if (entry.Key is YamlScalarNode scalar && scalar.Value == key)
            {
                return entry.Value;
            }
        }

        if (required)
        {
            Add(Join(path, key), LineOf(parent), $"is missing.", fix);
        }

        return null;
    }

    public YamlMappingNode? Mapping(YamlMappingNode parent, string key, string path, bool required, string fix)
    {
        var node = Child(parent, key, path, required, fix);
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Add(Join(path, key), LineOf(node), "must be a mapping (nested key: value lines).", fix);
        return null;
    }

    public string? Text(YamlMappingNode parent, string key, string path, bool required, string fix)
    {
        var node = Child(parent, key, path, required, fix);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Add(Join(path, key), LineOf(node), "must be a non-empty text value.", fix);
        return null;
    }

    /// <summary>
    /// Reads <c>key: {value, unit, source, date, note}</c>. When <paramref name="expectedUnit"/> is given the unit
    /// must match it exactly, because the model multiplies by it.
    /// </summary>
    public SourcedValue? Sourced(YamlMappingNode parent, string key, string path, string? expectedUnit, bool required, double min = 0, double max = double.MaxValue, bool flag = false)
    {
        var keyPath = Join(path, key);
        var shape = expectedUnit is null
            ? $"write it as '{key}: {{ value: <number>, source: <url>, date: <yyyy-mm-dd> }}'."
            : $"write it as '{key}: {{ value: <number>, unit: {expectedUnit}, source: <url>, date: <yyyy-mm-dd> }}'.";
        var node = Mapping(parent, key, path, required, shape);
        if (node is null)
        {
            return null;
        }

        RejectUnknown(node, keyPath, ["value", "unit", "source", "date", "note"]);
        var valueText = Text(node, "value", keyPath, true, shape);
        var unit = Text(node, "unit", keyPath, expectedUnit is not null, shape) ?? "";
        var source = Text(node, "source", keyPath, true, "name the URL (or 'assumption: why') the value comes from.");
        var dateText = Text(node, "date", keyPath, true, "give the date the value was read, as yyyy-mm-dd.");
        var note = Text(node, "note", keyPath, false, "") ?? "";

        double value = 0;
        var ok = valueText is not null && source is not null && dateText is not null;
        if (flag && valueText is not null)
        {
            if (bool.TryParse(valueText, out var isSet))
            {
                value = isSet ? 1 : 0;
            }
            else
            {
                Add(Join(keyPath, "value"), LineOf(Child(node, "value", keyPath, false, "")!), $"is '{valueText}' but must be true or false.", "write 'value: true' or 'value: false'.");
                ok = false;
            }
        }
        else if (valueText is not null && !double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            Add(Join(keyPath, "value"), LineOf(Child(node, "value", keyPath, false, "")!), $"is '{valueText}' but must be a number.", "write a plain number such as 0.023 (no currency sign, no unit).");
            ok = false;
        }
        else if (valueText is not null && (value < min || value > max || double.IsNaN(value)))
        {
            var range = max == double.MaxValue ? $"at least {min.ToString(CultureInfo.InvariantCulture)}" : $"between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}";
            Add(Join(keyPath, "value"), LineOf(Child(node, "value", keyPath, false, "")!), $"is {valueText} but must be {range}.", "correct the number.");
            ok = false;
        }

        if (expectedUnit is not null && unit.Length > 0 && !string.Equals(unit, expectedUnit, StringComparison.Ordinal))
        {
            Add(Join(keyPath, "unit"), LineOf(Child(node, "unit", keyPath, false, "")!), $"is '{unit}' but the cost model needs '{expectedUnit}'.", $"convert the value to {expectedUnit} and write 'unit: {expectedUnit}'.");
            ok = false;
        }

        var date = DateOnly.MinValue;
        if (dateText is not null && !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            Add(Join(keyPath, "date"), LineOf(Child(node, "date", keyPath, false, "")!), $"is '{dateText}' but must be a date as yyyy-mm-dd.", "write the date the value was read, e.g. 2026-11-26.");
            ok = false;
        }

        return ok ? new SourcedValue(value, unit, source!, date, note, $"{_file}:{LineOf(node)} {keyPath}") : null;
    }

    /// <summary>Reports keys that the model does not know, suggesting the closest known key (likely typo).</summary>
    public void RejectUnknown(YamlMappingNode node, string path, IReadOnlyCollection<string> known)
    {
        foreach (var entry in node.Children)
        {
            var key = (entry.Key as YamlScalarNode)?.Value ?? "";
            if (known.Contains(key))
            {
                continue;
            }

            var suggestion = Closest(key, known);
            var fix = suggestion is null
                ? $"remove it; allowed keys: {string.Join(", ", known)}."
                : $"did you mean '{suggestion}'? Allowed keys: {string.Join(", ", known)}.";
            Add(Join(path, key), LineOf(entry.Key), "is not a known key.", fix);
        }
    }

    private static string? Closest(string key, IReadOnlyCollection<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
