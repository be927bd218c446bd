using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.TestSupport;

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
        { "regression.rules.metric", [.. SloMetrics.Comparable] },
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
}
