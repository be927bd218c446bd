using System.Text.Json;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Scenarios;

/// <summary>The JSON Schema editors use must describe exactly the keys and names the loader accepts.</summary>
public sealed class SchemaDriftTests
{
    private static readonly SchemaWalk Schema = SchemaWalk.Of(RepositoryFiles.PathOf(Path.Combine("schemas", "scenario.schema.json")));

    [Fact]
    public void Schema_DeclaresExactlyTheKeysTheLoaderAccepts()
    {
        var loaderKeys = ScenarioFormat.Root.KeyPaths().ToHashSet(StringComparer.Ordinal);

        Assert.Empty(loaderKeys.Except(Schema.KeyPaths).Order(StringComparer.Ordinal));
        Assert.Empty(Schema.KeyPaths.Except(loaderKeys).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string[]> LoaderNames() => new()
    {
        { "traffic.arrivals", Kebab<ArrivalProcess>() },
        { "traffic.payload.kind", Kebab<PayloadKind>() },
        { "traffic.payload.features", Kebab<FeatureMode>() },
        { "traffic.payload.blocks", Kebab<PayloadBlock>() },
        { "traffic.payload.growth.blocks.block", Kebab<PayloadBlock>() },
        { "traffic.keys.distribution", Kebab<KeyDistribution>() },
        { "traffic.keys.kind", Kebab<KeyKind>() },
        { "faults.action", [.. Enum.GetValues<FaultAction>().Select(FaultActionNames.Name)] },
        { "faults.target", ["controller", "random"] },
        { "faults.errors.api", [.. KafkaProtocol.Apis.Select(a => a.Key)] },
        { "faults.errors.code", [.. KafkaProtocol.Errors.Select(e => e.Key)] },
        { "slos.metric", [.. SloMetrics.Names] },
        { "slos.phase", Kebab<SloPhase>() },
        { "regression.rules.metric", [.. SloMetrics.Names] },
    };

    [Theory]
    [MemberData(nameof(LoaderNames))]
    public void Schema_ListsTheSameNamesAsTheLoader(string path, string[] names)
    {
        Assert.Equal(names.Order(StringComparer.Ordinal), Schema.EnumsAt(path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SchemaWalk_FindsKeysThroughItemsChoicesAndReferences()
    {
        // Guards the walk itself: a walk that found nothing would make the drift test pass vacuously.
        Assert.Contains("traffic.phases.sine.amplitude", Schema.KeyPaths);
        Assert.Contains("faults.target.leader-of", Schema.KeyPaths);
        Assert.Contains("traffic.producer.*", Schema.KeyPaths);
        Assert.Contains("regression.rules.max-change", Schema.KeyPaths);
    }

    private static string[] Kebab<TEnum>() where TEnum : struct, Enum => [.. KebabCase.Names<TEnum>().Select(n => n.Key)];

    /// <summary>Key paths (dotted, list items transparent, free-form mappings as <c>.*</c>) and enum values per path.</summary>
    private sealed class SchemaWalk
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
}
