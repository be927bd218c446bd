using LoadLab.Core.Yaml;

namespace LoadLab.Cli;

/// <summary>
/// Durations and sizes given on the command line, read with the one grammar of the files (<see cref="Durations"/>,
/// <see cref="ByteSizes"/>) and refused with the same wording and the same near-miss fixes: <c>--duration 90 sec</c>
/// gets <c>Fix: --duration 1m30s</c>, as <c>duration: 90 sec</c> in a scenario gets <c>Fix: duration: 1m30s</c>.
/// </summary>
internal static class OptionValues
{
    /// <summary>The duration in <paramref name="text"/>, or null after adding a problem to <paramref name="problems"/>.</summary>
    public static TimeSpan? Duration(string option, string text, string example, ICollection<ValidationProblem> problems,
        bool allowZero = false, TimeSpan? min = null, TimeSpan? max = null)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (Durations.TryParse(text, out var duration) && Durations.IsWithin(duration, allowZero, min, max))
        {
            return duration;
        }

        var correction = Durations.Correction(text);
        problems.Add(Problem(option, $"expected {Durations.Expected(allowZero, min, max)}, got \"{text}\"", correction ?? example, correction is null));
        return null;
    }

    /// <summary>The size in <paramref name="text"/>, or null after adding a problem to <paramref name="problems"/>.</summary>
    public static long? Size(string option, string text, string example, ICollection<ValidationProblem> problems, long min = 1, long max = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (ByteSizes.TryParse(text, out var bytes))
        {
            if (bytes >= min && bytes <= max)
            {
                return bytes;
            }

            problems.Add(Problem(option, $"expected a size from {ByteSizes.Format(min)} to {ByteSizes.Format(max)}, got \"{text}\"", example, isExample: true));
            return null;
        }

        var correction = ByteSizes.Correction(text);
        problems.Add(Problem(option, $"expected {ByteSizes.Expected}, got \"{text}\"", correction ?? example, correction is null));
        return null;
    }

    private static ValidationProblem Problem(string option, string message, string value, bool isExample) =>
        new(option, "", 0, 0, message, isExample ? $"e.g. {option} {value}" : $"{option} {value}");
}
