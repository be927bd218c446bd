using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LoadLab.Core.Yaml;

namespace LoadLab.Cli.Arguments;

/// <summary>
/// Options whose value is not free text. Each parses its value itself, so a wrong value is refused while the command
/// line is read (exit 2, before anything starts) in the wording of a problem in a file — the option, what is allowed,
/// what was given, and a fix: <c>--seed: expected a whole number from 0 to 2147483647, got "abc". Fix: e.g. --seed 42</c>
/// — never with a .NET type name such as <c>System.Nullable`1[System.Int32]</c>. Durations use the files' one grammar
/// (<see cref="OptionValues"/>).
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

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> that must be given.</summary>
    public static Option<int> RequiredWholeNumber(string name, string description, int min, int max, string example) => new(name)
    {
        Description = description,
        Required = true,
        CustomParser = result => ParseWholeNumber(result, name, min, max, example) ?? 0,
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

    /// <summary>A duration in the files' grammar (<c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h30m</c>), zero only when <paramref name="allowZero"/>.</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue, string example, bool allowZero = false, TimeSpan? min = null, TimeSpan? max = null) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseDuration(result, name, example, allowZero, min, max) ?? defaultValue,
    };

    /// <summary>An optional positive duration in the files' grammar (null when absent).</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description, string example) => new(name)
    {
        Description = description,
        CustomParser = result => ParseDuration(result, name, example, allowZero: false, min: null, max: null),
    };

    /// <summary>An optional absolute http or https URL (null when absent).</summary>
    public static Option<Uri?> OptionalHttpUrl(string name, string description, string example) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = Single(result);
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                return url;
            }

            result.AddError(Refusal(name, text, "an absolute http or https URL", example));
            return null;
        },
    };

    /// <summary>
    /// A value read as text by the command and checked here with <paramref name="isValid"/> while the command line is
    /// read (null when absent and without a default).
    /// </summary>
    public static Option<string?> Text(string name, string description, string? defaultValue, Func<string, bool> isValid, string allowed, string example)
    {
        var option = new Option<string?>(name) { Description = description };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !isValid(result.Tokens[0].Value))
            {
                result.AddError(Refusal(name, result.Tokens[0].Value, allowed, example));
            }
        });
        return option;
    }

    /// <summary>One of <paramref name="choices"/> (null when absent); a near miss gets the choice it was likely meant as.</summary>
    public static Option<string?> Choice(string name, string description, IReadOnlyList<string> choices, string example)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !choices.Contains(result.Tokens[0].Value, StringComparer.Ordinal))
            {
                var given = result.Tokens[0].Value;
                var closest = Spelling.DidYouMean(given, choices);
                result.AddError(new ValidationProblem(name, "", 0, 0, $"expected one of {string.Join(", ", choices)}, got \"{given}\"", closest is null ? $"e.g. {name} {example}" : $"{name} {closest}").ToString());
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
                result.AddError(Refusal(name, result.Tokens[0].Value, $"a folder this user can create files in ({problem})", defaultPath));
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

    /// <summary>
    /// The sentence every refused value gets, worded as a problem in a file: the option, what is allowed, what was
    /// given, and an example value (<c>Fix: e.g. --seed 42</c>).
    /// </summary>
    public static string Refusal(string name, string value, string allowed, string example) =>
        new ValidationProblem(name, "", 0, 0, $"expected {allowed}, got \"{value}\"", $"e.g. {name} {example}").ToString();

    private static int? ParseWholeNumber(ArgumentResult result, string name, int min, int max, string example)
    {
        var text = Single(result);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return (int)value;
        }

        result.AddError(Refusal(name, text, string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"), example));
        return null;
    }

    private static double? ParseNumber(ArgumentResult result, string name, double min, double max, string example)
    {
        var text = Single(result);
        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(Refusal(name, text, string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}"), example));
        return null;
    }

    private static TimeSpan? ParseDuration(ArgumentResult result, string name, string example, bool allowZero, TimeSpan? min, TimeSpan? max)
    {
        var problems = new List<ValidationProblem>();
        var duration = OptionValues.Duration(name, Single(result), example, problems, allowZero, min, max);
        problems.ForEach(problem => result.AddError(problem.ToString()));
        return duration;
    }

    // Each of these options takes exactly one value, so the parser hands over exactly one token.
    private static string Single(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
}
