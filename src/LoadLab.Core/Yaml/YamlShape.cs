namespace LoadLab.Core.Yaml;

/// <summary>
/// The keys a YAML mapping may contain, and the shapes of the mappings (or lists of mappings) under them.
/// Declared once per format, it drives unknown-key detection and lets tests compare the format with its JSON Schema.
/// </summary>
public sealed class YamlShape
{
    private readonly Dictionary<string, YamlShape> _children;

    private YamlShape(string description, IReadOnlyList<string> keys, Dictionary<string, YamlShape> children, bool anyKey)
    {
        Description = description;
        Keys = keys;
        _children = children;
        AnyKey = anyKey;
    }

    /// <summary>What the mapping is, for messages (e.g. "traffic stream").</summary>
    public string Description { get; }

    /// <summary>Allowed keys in documentation order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Shapes of the mappings under keys that hold a mapping or a list of mappings.</summary>
    public IReadOnlyDictionary<string, YamlShape> Children => _children;

    /// <summary>True for free-form mappings (e.g. librdkafka settings): any key is accepted.</summary>
    public bool AnyKey { get; }

    /// <summary>A mapping with these scalar keys plus the given nested keys (their keys are allowed too).</summary>
    public static YamlShape Map(string description, IReadOnlyList<string> keys, params (string Key, YamlShape Shape)[] children)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(children);
        var nested = children.ToDictionary(c => c.Key, c => c.Shape, StringComparer.Ordinal);
        var all = keys.Concat(children.Select(c => c.Key).Where(k => !keys.Contains(k))).ToArray();
        return new YamlShape(description, all, nested, anyKey: false);
    }

    /// <summary>A mapping whose keys are not known in advance.</summary>
    public static YamlShape FreeForm(string description) => new(description, [], [], anyKey: true);

    public bool Allows(string key) => AnyKey || Keys.Contains(key);

    /// <summary>
    /// Every key path this shape accepts, dotted (<c>traffic.phases.ramp.to</c>); free-form mappings end in <c>.*</c>.
    /// </summary>
    public IEnumerable<string> KeyPaths(string prefix = "")
    {
        if (AnyKey)
        {
            yield return prefix.Length == 0 ? "*" : prefix + ".*";
            yield break;
        }

        foreach (var key in Keys)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            yield return path;
            if (_children.TryGetValue(key, out var child))
            {
                foreach (var nested in child.KeyPaths(path))
                {
                    yield return nested;
                }
            }
        }
    }
}
