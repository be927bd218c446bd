using System.Text.Json;

namespace LoadLab.TestSupport;

/// <summary>
/// Key paths (dotted, list items transparent, free-form mappings as <c>.*</c>) and enum values per path of a JSON
/// Schema. Shared by the drift tests of every file family (Docker and external definitions link this file): each
/// schema must declare exactly the keys its loader's <c>YamlShape</c> accepts.
/// </summary>
internal sealed class SchemaWalk
{
    private readonly JsonElement _root;
    private readonly Dictionary<string, HashSet<string>> _enums = new(StringComparer.Ordinal);

    private SchemaWalk(JsonElement root) => _root = root;

    public HashSet<string> KeyPaths { get; } = new(StringComparer.Ordinal);

    public static SchemaWalk Of(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var walk = new SchemaWalk(document.RootElement.Clone());
        walk.Visit(walk._root, "");
        return walk;
    }

    public IEnumerable<string> EnumsAt(string path) => _enums.GetValueOrDefault(path) ?? [];

    private void Visit(JsonElement schema, string path)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/$defs/".Length..];
            Visit(_root.GetProperty("$defs").GetProperty(name), path);
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            var set = _enums.TryGetValue(path, out var existing) ? existing : _enums[path] = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(values.EnumerateArray().Select(v => v.GetString()!));
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                var child = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                KeyPaths.Add(child);
                Visit(property.Value, child);
            }
        }
        else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind is JsonValueKind.True or JsonValueKind.Object)
        {
            KeyPaths.Add(path + ".*");
        }

        foreach (var nested in new[] { "items", "then" })
        {
            if (schema.TryGetProperty(nested, out var value))
            {
                Visit(value, path);
            }
        }

        foreach (var combinator in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                foreach (var option in options.EnumerateArray())
                {
                    Visit(option, path);
                }
            }
        }
    }
}
