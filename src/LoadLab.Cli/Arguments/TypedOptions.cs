using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LoadLab.Core.Yaml;

namespace LoadLab.Cli.Arguments;

/// <summary>
/// Options whose value is not free text. Each parses its value itself, so a wrong value is refused while the command
/// line is read (exit 2, before anything starts) with the option's name, what is allowed and an example — never
/// with a .NET type name such as <c>System.Nullable`1[System.Int32]</c>.
/// </summary>
internal static class TypedOptions
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int defaultValue, string example) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseWholeNumber(result, name, min, max, example) ?? defaultValue,
    };

    /// <summary>An optional whole number from <paramref name="min"/> to <paramref name="max"/> (null when absent).</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int min, int max, string example) => new(name)
    {
        Description = description,
        CustomParser = result => ParseWholeNumber(result, name, min, max, example),
    };

    /// <summary>A number (decimals allowed) from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<double> Number(string name, string description, double min, double max, double defaultValue, string example) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, min, max, example) ?? defaultValue,
    };

    /// <summary>An optional number (decimals allowed) from <paramref name="min"/> to <paramref name="max"/> (null when absent).</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min, double max, string example) => new(name)
    {
        Description = description,
        CustomParser = result => ParseNumber(result, name, min, max, example),
    };

    /// <summary>A duration (<c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h30m</c>) of at least <paramref name="min"/>.</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan min, TimeSpan defaultValue, string example) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseDuration(result, name, min, example) ?? defaultValue,
    };

    /// <summary>An optional duration of at least <paramref name="min"/> (null when absent).</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description, TimeSpan min, string example) => new(name)
    {
        Description = description,
        CustomParser = result => ParseDuration(result, name, min, example),
    };

    /// <summary>
    /// A value in a grammar of its own (e.g. cost's retention, <c>7d</c>), read as text by the command and checked
    /// here with <paramref name="isValid"/> while the command line is read.
    /// </summary>
    public static Option<string> Text(string name, string description, string defaultValue, Func<string, bool> isValid, string allowed, string example)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !isValid(result.Tokens[0].Value))
            {
                result.AddError(Refusal(name, result.Tokens[0].Value, "not allowed", allowed, example));
            }
        });
        return option;
    }

    /// <summary>
    /// A folder the command writes into. Checked while the command line is read — before a cluster starts or a run
    /// begins — by creating and deleting a file in it (or in its nearest existing parent, so nothing is left behind).
    /// </summary>
    public static Option<DirectoryInfo> OutputFolder(string name, string description, string defaultPath)
    {
        var option = new Option<DirectoryInfo>(name)
        {
            Description = description,
            DefaultValueFactory = _ => new DirectoryInfo(defaultPath),
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && WritableFolderProblem(result.Tokens[0].Value) is { } problem)
            {
                result.AddError(Refusal(name, result.Tokens[0].Value, problem, "a folder this user can create files in", $"{name} {defaultPath}"));
            }
        });
        return option;
    }

    /// <summary>
    /// Why LoadLab could not write files into <paramref name="path"/>, or null when it can. Creates nothing that
    /// outlives the check.
    /// </summary>
    public static string? WritableFolderProblem(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"not a usable path ({e.Message})";
        }

        var existing = new DirectoryInfo(full);
        while (!existing.Exists)
        {
            if (File.Exists(existing.FullName))
            {
                return $"{existing.FullName} is a file, not a folder";
            }

            if (existing.Parent is null)
            {
                return "none of its parent folders exists";
            }

            existing = existing.Parent;
        }

        var probe = Path.Combine(existing.FullName, $".loadlab-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"files cannot be created in {existing.FullName} ({e.Message})";
        }
    }

    /// <summary>The one sentence every refused value gets: the option, the value, what is wrong, what is allowed, an example.</summary>
    public static string Refusal(string name, string value, string problem, string allowed, string example) =>
        $"{name} '{value}': {problem}. Allowed: {allowed}. Example: {example}";

    private static int? ParseWholeNumber(ArgumentResult result, string name, int min, int max, string example)
    {
        var text = Single(result);
        var allowed = string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError(Refusal(name, text, "not a whole number", allowed, example));
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError(Refusal(name, text, "out of range", allowed, example));
            return null;
        }

        return (int)value;
    }

    private static double? ParseNumber(ArgumentResult result, string name, double min, double max, string example)
    {
        var text = Single(result);
        var allowed = string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}");
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            result.AddError(Refusal(name, text, "not a number", allowed, example));
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError(Refusal(name, text, "out of range", allowed, example));
            return null;
        }

        return value;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result, string name, TimeSpan min, string example)
    {
        var text = Single(result);
        var allowed = $"a duration of at least {Durations.Format(min)} written like 500ms, 30s, 2m or 1h30m";
        if (!Durations.TryParse(text, out var value))
        {
            result.AddError(Refusal(name, text, "not a duration", allowed, example));
            return null;
        }

        if (value < min)
        {
            result.AddError(Refusal(name, text, "too short", allowed, example));
            return null;
        }

        return value;
    }

    // Each of these options takes exactly one value, so the parser hands over exactly one token.
    private static string Single(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
}
