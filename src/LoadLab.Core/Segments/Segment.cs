using System.Globalization;

namespace LoadLab.Core.Segments;

/// <summary>
/// One execution segment of a run split over <see cref="Count"/> workers (k6's execution segments, the
/// OpenMessaging Benchmark's workers): segment <see cref="Index"/> runs its share of every stream and of every
/// consumer group (<see cref="SegmentPlan"/>); <c>loadlab merge</c> joins the segments' folders into one run.
/// </summary>
/// <param name="Index">0 ≤ index &lt; count; segment 0 also executes the fault timeline.</param>
/// <param name="Count">Number of segments (workers) of the run, 1 to <see cref="MaxCount"/>.</param>
public readonly record struct Segment(int Index, int Count)
{
    /// <summary>Most segments one run may have.</summary>
    public const int MaxCount = 1024;

    /// <summary>The environment variable a Kubernetes Indexed Job sets to each pod's completion index.</summary>
    public const string JobIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>What <c>--segment</c> takes in place of the index to read it from <see cref="JobIndexVariable"/>.</summary>
    public const string JobIndexWord = "job";

    /// <summary>A run that is not split: the only segment.</summary>
    public static Segment Whole { get; } = new(0, 1);

    /// <summary>Whether this is the only segment of its run.</summary>
    public bool IsWhole => Count == 1;

    /// <summary>Segment 0 injects the faults; the others record the planned timeline only.</summary>
    public bool ExecutesFaults => Index == 0;

    /// <summary>The segment as written on the command line, e.g. <c>2/8</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>
    /// Reads <c>i/N</c>, or <c>job/N</c> with the index from <see cref="JobIndexVariable"/> exactly as a Kubernetes
    /// Indexed Job sets it (a decimal integer). Returns null with the problem and the fix when the text is not a segment.
    /// </summary>
    /// <param name="text">The option's value.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="problem">What is wrong, with an example of what is accepted; null on success.</param>
    public static Segment? Parse(string text, Func<string, string?> environment, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        const string Example = "e.g. --segment 0/3 for the first of three workers, or --segment job/3 in a Kubernetes Indexed Job";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            problem = $"'{text}' is not a segment: write index/count, {Example}";
            return null;
        }

        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > MaxCount)
        {
            problem = $"'{text}': the count after '/' must be a whole number from 1 to {MaxCount}, {Example}";
            return null;
        }

        var indexText = text[..slash];
        string source;
        if (indexText == JobIndexWord)
        {
            indexText = environment(JobIndexVariable) ?? "";
            source = $"{JobIndexVariable} ('{indexText}')";
            if (indexText.Length == 0)
            {
                problem = $"'{text}' reads the index from {JobIndexVariable}, which is not set: Kubernetes sets it in the pods of an Indexed Job (completionMode: Indexed); elsewhere write the index, e.g. --segment 0/{count}";
                return null;
            }
        }
        else
        {
            source = $"the index '{indexText}'";
        }

        if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= count)
        {
            problem = $"'{text}': {source} must be a whole number from 0 to {count - 1}, {Example}";
            return null;
        }

        problem = null;
        return new Segment(index, count);
    }
}
