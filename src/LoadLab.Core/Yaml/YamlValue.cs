using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Core.Yaml;

/// <summary>
/// A node of the file with its YAML path. Each <c>As…</c> accessor returns the typed value, or null after
/// recording a problem that says what was expected, what was found and how to fix it — it never throws.
/// </summary>
public sealed class YamlValue
{
    internal YamlValue(YamlNode node, string path, string? key, YamlProblems problems)
    {
        Node = node;
        Path = path;
        Key = key;
        Problems = problems;
        problems.Remember(path, node.Start);
    }

    public YamlNode Node { get; }

    /// <summary>YAML path such as <c>traffic[0].rate</c>.</summary>
    public string Path { get; }

    /// <summary>The key this value is under, or null for a list item.</summary>
    public string? Key { get; }

    public YamlProblems Problems { get; }

    public Mark Start => Node.Start;

    /// <summary>1-based line of the value.</summary>
    public int Line => checked((int)Node.Start.Line);

    /// <summary>File, YAML path, line and column of the value, to keep with it for checks made later.</summary>
    public YamlPosition Position => new(Problems.File, Path, Line, checked((int)Node.Start.Column));

    /// <summary>The text of a scalar; null for mappings and lists.</summary>
    public string? Text => Node is YamlScalarNode scalar ? scalar.Value ?? "" : null;

    /// <summary>Records a problem at this value.</summary>
    public void Problem(string message, string? suggestion = null) => Problems.Add(Path, Start, message, suggestion);

    /// <summary>"key: value", or just the value for a list item: the fix when the value itself is known.</summary>
    public string Fix(string value) => Key is null ? value : $"{Key}: {value}";

    /// <summary>"e.g. key: example", or "e.g. example" for a list item.</summary>
    public string Example(string example) => Key is null ? $"e.g. {example}" : $"e.g. {Key}: {example}";

    /// <summary>How the value looks, for "got …": a quoted scalar (numbers and booleans unquoted), "nothing", "a mapping", "a list".</summary>
    public string Describe() => Node switch
    {
        YamlScalarNode { Value: null or "" } => "nothing",
        YamlScalarNode { Style: ScalarStyle.Plain } s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || s.Value is "true" or "false" => s.Value!,
        YamlScalarNode s => $"\"{s.Value}\"",
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "an unsupported YAML node",
    };

    /// <summary>A non-empty scalar as text.</summary>
    public string? AsString(string example)
    {
        if (Text is { Length: > 0 } text)
        {
            return text;
        }

        Problem($"expected text, got {Describe()}", Example(example));
        return null;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="expected"/> names it, e.g. "a whole number of partitions, at least 1".</summary>
    public int? AsInt(string expected, string example, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Text is { } text && long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && Node is YamlScalarNode { Style: ScalarStyle.Plain })
        {
            if (value >= min && value <= max)
            {
                return (int)value;
            }
        }

        Problem($"expected {expected}, got {Describe()}", Example(example));
        return null;
    }

    /// <summary>A number in the range; <paramref name="exclusiveMin"/> excludes <paramref name="min"/> itself (for "positive").</summary>
    public double? AsDouble(string expected, string example, double min = double.MinValue, double max = double.MaxValue, bool exclusiveMin = false)
    {
        if (Text is { } text && Node is YamlScalarNode { Style: ScalarStyle.Plain }
            && double.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
        {
            var aboveMin = exclusiveMin ? value > min : value >= min;
            if (aboveMin && value <= max)
            {
                return value;
            }
        }

        Problem($"expected {expected}, got {Describe()}", Example(example));
        return null;
    }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool? AsBool(string example)
    {
        switch (Text)
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                Problem($"expected true or false, got {Describe()}", Example(example));
                return null;
        }
    }

    /// <summary>A value of <typeparamref name="TEnum"/> by its kebab-case name (<c>AgentChain</c> is <c>agent-chain</c>).</summary>
    public TEnum? AsEnum<TEnum>() where TEnum : struct, Enum => AsChoice(KebabCase.Names<TEnum>());

    /// <summary>One of a fixed set of names; the message lists them all and suggests the closest.</summary>
    public T? AsChoice<T>(IReadOnlyList<KeyValuePair<string, T>> choices) where T : struct
    {
        ArgumentNullException.ThrowIfNull(choices);
        var text = Text;
        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        var names = choices.Select(c => c.Key).ToArray();
        var allowed = string.Join(", ", names);
        var closest = text is { Length: > 0 } ? Spelling.DidYouMean(text, names) : null;
        var fix = closest is null ? Example(names[0]) : Fix(closest);
        Problem($"expected one of {allowed}, got {Describe()}", fix);
        return null;
    }

    /// <summary>One of a fixed set of names, returned as written; the message lists them all and suggests the closest.</summary>
    public string? AsOneOf(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var index = AsChoice<int>([.. names.Select((name, i) => KeyValuePair.Create(name, i))]);
        return index is { } i ? names[i] : null;
    }

    /// <summary>
    /// A duration in the one grammar (<see cref="Durations"/>: <c>500ms</c>, <c>30s</c>, <c>1h30m</c>, <c>7d</c>); zero
    /// only when <paramref name="allowZero"/>, at most <paramref name="max"/> when given. A near miss such as
    /// <c>90 sec</c> gets its correct spelling as the fix.
    /// </summary>
    public TimeSpan? AsDuration(string example, bool allowZero = false, TimeSpan? max = null)
    {
        if (Node is YamlScalarNode && Durations.TryParse(Text, out var duration) && Durations.IsWithin(duration, allowZero, max: max))
        {
            return duration;
        }

        var correction = Node is YamlScalarNode ? Durations.Correction(Text) : null;
        Problem($"expected {Durations.Expected(allowZero, max: max)}, got {Describe()}", correction is null ? Example(example) : Fix(correction));
        return null;
    }

    /// <summary>A size in bytes that fits an <see cref="int"/> (payloads, buffers); see <see cref="AsBytes"/>.</summary>
    public int? AsSize(string example, int min = 1, int max = int.MaxValue) => (int?)AsBytes(example, min, max);

    /// <summary>
    /// A size in the one grammar (<see cref="ByteSizes"/>: <c>512</c>, <c>64KiB</c>, <c>512MiB</c>, <c>4KB</c>) within
    /// [<paramref name="min"/>, <paramref name="max"/>]. Docker's <c>512m</c> gets <c>512MiB</c> as the fix.
    /// </summary>
    public long? AsBytes(string example, long min = 1, long max = long.MaxValue)
    {
        long bytes = 0;
        var parsed = Node is YamlScalarNode && ByteSizes.TryParse(Text, out bytes);
        if (parsed && bytes >= min && bytes <= max)
        {
            return bytes;
        }

        if (parsed)
        {
            // Readable as a size, only out of range: the range is what the user needs to see, not the grammar.
            var range = max == long.MaxValue ? $"at least {ByteSizes.Format(min)}" : $"from {ByteSizes.Format(min)} to {ByteSizes.Format(max)}";
            Problem($"expected a size {range}, got {Describe()}", Example(example));
            return null;
        }

        var correction = Node is YamlScalarNode ? ByteSizes.Correction(Text) : null;
        var meaning = correction is null ? "" : $" (Docker's or Kubernetes' notation; LoadLab writes it {correction})";
        Problem($"expected {ByteSizes.Expected}, got {Describe()}{meaning}", correction is null ? Example(example) : Fix(correction));
        return null;
    }

    /// <summary>Any scalar as text, the empty text included (environment variables, librdkafka settings).</summary>
    public string? AsText(string example)
    {
        if (Text is { } text)
        {
            return text;
        }

        Problem($"expected a single value, got {Describe()}", $"{Example(example)} (quote it if it contains ':' or '#')");
        return null;
    }

    /// <summary>A list of scalars (a command and its arguments); each bad item is reported at its own path.</summary>
    public IReadOnlyList<string>? AsStrings(string example)
    {
        var items = AsList(example);
        if (items is null)
        {
            return null;
        }

        var texts = items.Select(item => item.AsText("text")).ToList();
        return texts.Any(text => text is null) ? null : [.. texts.OfType<string>()];
    }

    /// <summary>A mapping of names to scalar values in file order (environment variables, librdkafka settings).</summary>
    public IReadOnlyDictionary<string, string>? AsTextMap(string description, string example)
    {
        var map = AsMap(YamlShape.FreeForm(description), example);
        if (map is null)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var complete = true;
        foreach (var (key, value) in map.Entries)
        {
            if (value.AsText("\"value\"") is { } text)
            {
                values[key] = text;
            }
            else
            {
                complete = false;
            }
        }

        return complete ? values : null;
    }

    /// <summary>A mapping of the given shape; unknown keys are reported at once, each with the closest allowed key.</summary>
    public YamlMap? AsMap(YamlShape shape, string example)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (Node is YamlMappingNode mapping)
        {
            return new YamlMap(mapping, Path, shape, Problems);
        }

        Problem($"expected a mapping ({shape.Description}), got {Describe()}", Example(example));
        return null;
    }

    /// <summary>A list; each item keeps its own path (<c>topics[2]</c>).</summary>
    public IReadOnlyList<YamlValue>? AsList(string example)
    {
        if (Node is YamlSequenceNode sequence)
        {
            return [.. sequence.Children.Select((item, i) => new YamlValue(item, $"{Path}[{i}]", key: null, Problems))];
        }

        Problem($"expected a list, got {Describe()}", Example(example));
        return null;
    }
}
