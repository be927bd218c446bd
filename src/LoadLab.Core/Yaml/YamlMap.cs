using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Core.Yaml;

/// <summary>A YAML mapping checked against its <see cref="YamlShape"/>; keys are looked up by name.</summary>
public sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly Dictionary<string, YamlValue> _values = new(StringComparer.Ordinal);
    private readonly List<(string Key, YamlValue Value)> _entries = [];
    private readonly HashSet<string> _suggestedKeys = new(StringComparer.Ordinal);

    internal YamlMap(YamlMappingNode node, string path, YamlShape shape, YamlProblems problems)
    {
        _node = node;
        Path = path;
        Shape = shape;
        Problems = problems;
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var keyPath = path.Length == 0 ? $"{keyNode}" : $"{path}.{keyNode}";
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                problems.Add(keyPath, keyNode.Start, "keys must be plain names");
                continue;
            }

            if (!shape.Allows(key))
            {
                HasUnknownKeys = true;
                var closest = Spelling.DidYouMean(key, shape.Keys);
                if (closest is not null)
                {
                    _suggestedKeys.Add(closest);
                }

                problems.Add(
                    keyPath,
                    keyNode.Start,
                    $"unknown key \"{key}\" in {shape.Description} (allowed: {string.Join(", ", shape.Keys)})",
                    closest is null ? null : $"rename \"{key}\" to \"{closest}\"");
                continue;
            }

            var value = new YamlValue(valueNode, keyPath, key, problems);
            _values[key] = value;
            _entries.Add((key, value));
        }
    }

    /// <summary>YAML path of the mapping (empty for the document root).</summary>
    public string Path { get; }

    public YamlShape Shape { get; }

    /// <summary>True when the mapping had keys outside its shape (each already reported).</summary>
    public bool HasUnknownKeys { get; private set; }

    public YamlProblems Problems { get; }

    public Mark Start => _node.Start;

    /// <summary>1-based line where the mapping starts.</summary>
    public int Line => checked((int)_node.Start.Line);

    /// <summary>The accepted entries in file order (for free-form mappings such as librdkafka settings).</summary>
    public IReadOnlyList<(string Key, YamlValue Value)> Entries => _entries;

    public bool Has(string key) => Get(key) is not null;

    /// <summary>The value under <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The key is not part of the shape: a mistake in the reader, not in the file.</exception>
    public YamlValue? Get(string key)
    {
        if (!Shape.Allows(key))
        {
            throw new InvalidOperationException($"Key \"{key}\" is read but not declared in the shape of {Shape.Description}.");
        }

        return _values.GetValueOrDefault(key);
    }

    /// <summary>The value under <paramref name="key"/>, or null after recording that the required key is missing.</summary>
    public YamlValue? Require(string key, string example)
    {
        var value = Get(key);
        // A misspelt key's did-you-mean already names this key; saying it is missing as well would be the same mistake twice.
        if (value is null && !_suggestedKeys.Contains(key))
        {
            Problems.Add(ChildPath(key), Start, $"missing required key \"{key}\" in {Shape.Description}", $"add {key}: {example}");
        }

        return value;
    }

    /// <summary>
    /// The one key of <paramref name="keys"/> that is present, or null after recording that none or several are.
    /// </summary>
    public string? ExactlyOneOf(IReadOnlyList<string> keys, string example)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var present = keys.Where(Has).ToArray();
        if (present.Length == 1)
        {
            return present[0];
        }

        var choices = string.Join(", ", keys.Select(k => $"\"{k}\""));
        if (present.Length > 1)
        {
            var extra = Get(present[1])!;
            Problems.Add(Path, extra.Start, $"{Shape.Description} needs exactly one of {choices}, got {string.Join(" and ", present.Select(k => $"\"{k}\""))}", "keep only one of them");
        }
        else if (!HasUnknownKeys)
        {
            // With a misspelt key, its did-you-mean problem already says which key was meant.
            Problems.Add(Path, Start, $"{Shape.Description} needs exactly one of {choices}, got none", $"add e.g. {example}");
        }

        return null;
    }

    /// <summary>Records a problem located at the start of the mapping.</summary>
    public void Problem(string message, string? suggestion = null) => Problems.Add(Path, Start, message, suggestion);

    private string ChildPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";
}
