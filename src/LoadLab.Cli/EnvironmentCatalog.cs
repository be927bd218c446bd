using LoadLab.Cli.Commands;
using LoadLab.Core.Environments;
using LoadLab.Core.Yaml;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Embedded;
using LoadLab.Environments.External;

namespace LoadLab.Cli;

/// <summary>Turns the <c>--env</c> argument into a cluster provider.</summary>
internal static class EnvironmentCatalog
{
    /// <summary>The default environment.</summary>
    public const string Embedded = "embedded";

    /// <summary>Prefix of Docker environments: <c>docker:kafka-kraft-3</c> or <c>docker:path/to/definition.yaml</c>.</summary>
    public const string DockerPrefix = "docker:";

    /// <summary>Prefix of existing clusters: <c>external:staging</c> or <c>external:path/to/definition.yaml</c>.</summary>
    public const string ExternalPrefix = "external:";

    /// <summary>Names accepted by <c>--env</c> besides environment files.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [Embedded];

    /// <summary>
    /// The provider for <paramref name="name"/>, or an error message that says what is accepted.
    /// <c>embedded</c> takes an optional broker count: <c>embedded:5</c>.
    /// </summary>
    public static (IClusterProvider? Provider, string? Error) Resolve(string name)
    {
        if (name == Embedded)
        {
            return (new EmbeddedClusterProvider(), null);
        }

        if (name.StartsWith(Embedded + ":", StringComparison.Ordinal))
        {
            return int.TryParse(name.AsSpan(Embedded.Length + 1), out var brokers) && brokers is >= 1 and <= 32
                ? (new EmbeddedClusterProvider(new EmbeddedOptions { Brokers = brokers }), null)
                : (null, $"--env {name}: the broker count after 'embedded:' must be a whole number from 1 to 32, e.g. embedded:3");
        }

        if (name.StartsWith(DockerPrefix, StringComparison.Ordinal))
        {
            try
            {
                var definition = EnvironmentDefinitionLoader.LoadByNameOrPath(name[DockerPrefix.Length..], EnvCommand.DefinitionFolders());
                return (new DockerClusterProvider(new DockerProviderOptions
                {
                    Definition = definition,
                    Progress = new Progress<string>(line => Console.Error.WriteLine(line)),
                }), null);
            }
            catch (InvalidInputException e)
            {
                return (null, $"--env {name}: {e.Message}");
            }
        }

        if (name.StartsWith(ExternalPrefix, StringComparison.Ordinal))
        {
            try
            {
                var definition = ExternalDefinitionLoader.LoadByNameOrPath(name[ExternalPrefix.Length..], EnvCommand.DefinitionFolders());
                return (new ExternalClusterProvider(definition, progress: new Progress<string>(line => Console.Error.WriteLine(line))), null);
            }
            catch (InvalidInputException e)
            {
                return (null, $"--env {name}: {e.Message}");
            }
        }

        return (null, $"--env {name}: unknown environment. Allowed: {string.Join(", ", BuiltIn)} (or embedded:<brokers>, docker:<definition> or external:<definition> from environments/)");
    }
}
