using System.Text;

namespace LoadLab.Core.Yaml;

/// <summary>The YAML spelling of C# names: <c>AgentChain</c> → <c>agent-chain</c>.</summary>
public static class KebabCase
{
    public static string From(string pascalCase)
    {
        ArgumentNullException.ThrowIfNull(pascalCase);
        var builder = new StringBuilder(pascalCase.Length + 4);
        for (var i = 0; i < pascalCase.Length; i++)
        {
            var c = pascalCase[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>Every value of <typeparamref name="TEnum"/> with its kebab-case name, in declaration order.</summary>
    public static IReadOnlyList<KeyValuePair<string, TEnum>> Names<TEnum>() where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(v => KeyValuePair.Create(From(v.ToString()), v))];
}
