using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Environments.Docker.Definitions;

/// <summary>
/// Reads typed values out of a YAML node tree and collects every problem (with path and line) instead of stopping
/// at the first one, so a user fixes a definition in one pass.
/// </summary>
internal sealed class YamlNodeReader(string file)
{
    private readonly List<DefinitionProblem> _problems = [];

    public IReadOnlyList<DefinitionProblem> Problems => _problems;

    public void Report(string path, YamlNode? node, string message, string? suggestion = null) =>
        _problems.Add(new DefinitionProblem(file, path, node is null ? 0 : (int)node.Start.Line, node is null ? 0 : (int)node.Start.Column, message, suggestion));

    /// <summary>The mapping at <paramref name="path"/>, reporting unknown keys (with the closest known key).</summary>
    public YamlMappingNode? Mapping(string path, YamlNode? node, IReadOnlyCollection<string> knownKeys)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Report(path, node, "must be a mapping of keys to values");
            return null;
        }

        foreach (var key in mapping.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!knownKeys.Contains(name))
            {
                var closest = Closest(name, knownKeys);
                Report(Join(path, name), key, $"unknown key '{name}'",
                    closest is null ? $"allowed keys: {string.Join(", ", knownKeys)}" : $"did you mean '{closest}'?");
            }
        }

        return mapping;
    }

    public static YamlNode? Child(YamlMappingNode? mapping, string key) =>
        mapping is not null && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? String(YamlMappingNode? mapping, string path, string key, bool required)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            if (required && mapping is not null)
            {
                Report(Join(path, key), mapping, $"'{key}' is required");
            }

            return null;
        }

        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }

        Report(Join(path, key), node, "must be a single value");
        return null;
    }

    public int? Int(YamlMappingNode? mapping, string path, string key, bool required, int min, int max)
    {
        var text = String(mapping, path, key, required);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Report(Join(path, key), Child(mapping, key), $"'{text}' is not a whole number from {min} to {max}");
        return null;
    }

    public double? Double(YamlMappingNode? mapping, string path, string key, double min, double max)
    {
        var text = String(mapping, path, key, required: false);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > min && value <= max)
        {
            return value;
        }

        Report(Join(path, key), Child(mapping, key), $"'{text}' is not a number above {min} and at most {max}");
        return null;
    }

    public bool Bool(YamlMappingNode? mapping, string path, string key)
    {
        var text = String(mapping, path, key, required: false);
        if (text is null)
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Report(Join(path, key), Child(mapping, key), $"'{text}' is not true or false");
        return false;
    }

    /// <summary>Durations such as <c>500ms</c>, <c>30s</c>, <c>2m</c>.</summary>
    public TimeSpan? Duration(YamlMappingNode? mapping, string path, string key, bool required)
    {
        var text = String(mapping, path, key, required);
        if (text is null)
        {
            return null;
        }

        if (TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        Report(Join(path, key), Child(mapping, key), $"'{text}' is not a positive duration", "write it like 500ms, 30s or 2m");
        return null;
    }

    /// <summary>Sizes such as <c>512m</c>, <c>2g</c> (binary units, like Docker's).</summary>
    public long? Bytes(YamlMappingNode? mapping, string path, string key)
    {
        var text = String(mapping, path, key, required: false);
        if (text is null)
        {
            return null;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        var multiplier = unit switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 1L };
        var digits = multiplier == 1 ? text : text[..^1];
        if (long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value * multiplier;
        }

        Report(Join(path, key), Child(mapping, key), $"'{text}' is not a size", "write it like 512m or 2g");
        return null;
    }

    public IReadOnlyList<string> Strings(YamlMappingNode? mapping, string path, string key)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Report(Join(path, key), node, "must be a list", "write it as [a, b] or one '- item' per line");
            return [];
        }

        var values = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlScalarNode { Value: { } value })
            {
                values.Add(value);
            }
            else
            {
                Report($"{Join(path, key)}[{i}]", sequence.Children[i], "must be a single value");
            }
        }

        return values;
    }

    public IReadOnlyDictionary<string, string> StringMap(YamlMappingNode? mapping, string path, string key)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return new Dictionary<string, string>();
        }

        if (node is not YamlMappingNode map)
        {
            Report(Join(path, key), node, "must be a mapping of names to values");
            return new Dictionary<string, string>();
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in map.Children)
        {
            var nameText = (name as YamlScalarNode)?.Value ?? "";
            if (value is YamlScalarNode { Value: { } text })
            {
                values[nameText] = text;
            }
            else
            {
                Report(Join(Join(path, key), nameText), value, "must be a single value", "quote it if it contains ':' or '#'");
            }
        }

        return values;
    }

    public IEnumerable<(string Path, YamlMappingNode Item)> MappingList(YamlMappingNode? mapping, string path, string key, IReadOnlyCollection<string> knownKeys)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            yield break;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Report(Join(path, key), node, "must be a list");
            yield break;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = $"{Join(path, key)}[{i}]";
            if (Mapping(itemPath, sequence.Children[i], knownKeys) is { } item)
            {
                yield return (itemPath, item);
            }
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var (digits, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, double.NaN);
        if (double.IsNaN(unit) || !double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }

    /// <summary>The known name within edit distance 2 of <paramref name="name"/>, if any.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in known)
        {
            var distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    private static int EditDistance(string a, string b)
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
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
