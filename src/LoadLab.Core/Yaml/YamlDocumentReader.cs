using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadLab.Core.Yaml;

/// <summary>
/// Reads one YAML document into a typed value with every problem reported: syntax errors with their line and
/// column, structure and values through <see cref="YamlMap"/>/<see cref="YamlValue"/>. Never throws for bad input.
/// </summary>
/// <example>
/// <code>
/// static readonly YamlShape Node = YamlShape.Map("node", ["image", "memory"]);
/// static readonly YamlShape Root = YamlShape.Map("environment", ["name", "start-timeout"], ("nodes", Node));
///
/// var result = YamlDocumentReader.Load(path, Root, root =&gt;
/// {
///     var name = root.Require("name", "kafka-3")?.AsString("kafka-3");
///     var timeout = root.Get("start-timeout")?.AsDuration("60s") ?? TimeSpan.FromSeconds(60);
///     var nodes = (root.Require("nodes", "[{image: apache/kafka:4.1.0}]")?.AsList("[{image: apache/kafka:4.1.0}]") ?? [])
///         .Select(item =&gt; item.AsMap(Node, "{image: apache/kafka:4.1.0}"))
///         .Select(node =&gt; node?.Require("image", "apache/kafka:4.1.0")?.AsString("apache/kafka:4.1.0"))
///         .ToList();
///     return name is null ? null : new EnvironmentSpec(name, timeout, nodes);
/// });
/// // result.Value is set only when result.Problems is empty; print each problem with ToString().
/// </code>
/// </example>
public static class YamlDocumentReader
{
    /// <summary>
    /// Parses <paramref name="yaml"/> (named <paramref name="fileName"/> in problems), checks the root against
    /// <paramref name="rootShape"/> and hands it to <paramref name="read"/>, which reports through the map's problems.
    /// The value is returned only when no problem was found.
    /// </summary>
    public static LoadResult<T> Parse<T>(string yaml, string fileName, YamlShape rootShape, Func<YamlMap, T?> read) where T : class
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(rootShape);
        ArgumentNullException.ThrowIfNull(read);
        var problems = new YamlProblems(fileName);
        var root = ParseRoot(yaml, rootShape, problems);
        var value = root is null ? null : read(root);
        return Result(value, problems);
    }

    /// <summary>Like <see cref="Parse{T}"/>, reading the file at <paramref name="path"/>; a missing or unreadable file is a problem too.</summary>
    public static LoadResult<T> Load<T>(string path, YamlShape rootShape, Func<YamlMap, T?> read) where T : class
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var problems = new YamlProblems(path);
            var fix = e is FileNotFoundException or DirectoryNotFoundException ? "check the path (it is relative to the current directory)" : null;
            problems.AddUnplaced($"cannot read the file: {e.Message}", fix);
            return Result<T>(null, problems);
        }

        return Parse(yaml, path, rootShape, read);
    }

    /// <summary>The root mapping of a single-document YAML text, or null after recording why there is none.</summary>
    public static YamlMap? ParseRoot(string yaml, YamlShape rootShape, YamlProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var message = SyntaxMessage(e);
            if (message.StartsWith("Duplicate key", StringComparison.Ordinal))
            {
                problems.Add("", e.Start, "YAML error: the same key appears twice in one mapping", "keep one of them");
            }
            else
            {
                problems.Add("", e.Start, $"YAML syntax error: {message}", "check indentation, colons and quotes on this line and the one before");
            }

            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // YamlDotNet's scanner has thrown InvalidOperationException on some malformed input instead of a
            // YamlException (found by fuzzing); report it where parsing stopped rather than as a crash.
            problems.Add("", LastReadablePosition(yaml), "YAML syntax error: the file cannot be parsed after this point", "check indentation, colons, quotes and brackets on this line and the one before");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            problems.AddUnplaced("the file is empty", $"start from an example; the format is described in its JSON Schema");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            problems.Add("", stream.Documents[1].RootNode.Start, "expected a single YAML document, found several (separated by ---)", "keep one document per file");
        }

        var root = new YamlValue(stream.Documents[0].RootNode, "", key: null, problems);
        return root.AsMap(rootShape, "a mapping of keys such as name: my-scenario");
    }

    private static Mark LastReadablePosition(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var last = new Mark(0, 1, 1);
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.End;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Parsing stops at the same place as before; the last good event tells where that is.
        }

        return last;
    }

    private static LoadResult<T> Result<T>(T? value, YamlProblems problems) where T : class =>
        problems.Any ? new LoadResult<T>(null, problems.InFileOrder()) : new LoadResult<T>(value, []);

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the problem carries the position already.
    private static string SyntaxMessage(YamlException exception)
    {
        var message = exception.InnerException is YamlException inner ? inner.Message : exception.Message;
        var separator = message.IndexOf("): ", StringComparison.Ordinal);
        var text = separator >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(separator + 3)..] : message;
        return text.TrimEnd('.', ' ');
    }
}
