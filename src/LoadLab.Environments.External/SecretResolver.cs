using System.Text.RegularExpressions;
using LoadLab.Core.Yaml;

namespace LoadLab.Environments.External;

/// <summary>
/// Resolves a definition's <c>${VAR}</c> references from environment variables when the environment starts.
/// Every value that came from a reference is kept in <see cref="ResolvedSettings.Redactor"/> so it can be
/// removed from anything LoadLab prints or writes.
/// </summary>
public static partial class SecretResolver
{
    /// <summary>
    /// The definition's bootstrap servers and client settings with references resolved through
    /// <paramref name="lookup"/> (normally <see cref="Environment.GetEnvironmentVariable(string)"/>).
    /// </summary>
    /// <exception cref="InvalidInputException">A referenced variable is not set; one problem per use, at the line that uses it.</exception>
    public static ResolvedSettings Resolve(ExternalDefinition definition, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(lookup);
        var missing = new List<ValidationProblem>();
        var secrets = new List<string>();

        string Expand(string value, YamlPosition at) => Reference().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            var resolved = lookup(name);
            if (string.IsNullOrEmpty(resolved))
            {
                missing.Add(at.Problem($"environment variable {name} is not set", $"export {name} before the run"));
                return "";
            }

            secrets.Add(resolved);
            return resolved;
        });

        var bootstrap = Expand(definition.BootstrapServers, definition.BootstrapServersAt);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in definition.ClientSettings)
        {
            settings[setting.Key] = Expand(setting.Value, setting.At);
        }

        if (missing.Count > 0)
        {
            throw new InvalidInputException([.. missing.Distinct()]);
        }

        return new ResolvedSettings(bootstrap, settings, new SecretRedactor(secrets));
    }

    /// <summary>
    /// Every environment variable the definition reads (<c>${VAR}</c> in the bootstrap servers, the client settings and
    /// the fault hooks), in first-use order: what a worker started elsewhere (a Kubernetes pod) must be given.
    /// </summary>
    public static IReadOnlyList<string> ReferencedVariables(ExternalDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var texts = new[] { definition.BootstrapServers }
            .Concat(definition.ClientSettings.Select(s => s.Value))
            .Concat(definition.Hooks.Values.Select(h => h.Command));
        return [.. texts.SelectMany(text => Reference().Matches(text).Select(m => m.Groups["name"].Value)).Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();
}

/// <summary>What a client of the external cluster needs, secrets included; never written anywhere.</summary>
/// <param name="BootstrapServers">Resolved <c>host:port</c> list.</param>
/// <param name="ClientSettings">Resolved librdkafka settings (security and pass-through).</param>
/// <param name="Redactor">Removes every resolved reference value from text.</param>
public sealed record ResolvedSettings(string BootstrapServers, IReadOnlyDictionary<string, string> ClientSettings, SecretRedactor Redactor);

/// <summary>Replaces the values that came from <c>${VAR}</c> references with <c>***</c>.</summary>
public sealed class SecretRedactor
{
    /// <summary>Shown instead of a secret.</summary>
    public const string Mask = "***";

    // Longest first, so a secret that contains another is masked whole.
    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    /// <summary>How many distinct values are masked.</summary>
    public int Count => _secrets.Length;

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
