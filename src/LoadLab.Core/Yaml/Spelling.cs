namespace LoadLab.Core.Yaml;

/// <summary>Did-you-mean suggestions for misspelt keys and values.</summary>
public static class Spelling
{
    /// <summary>
    /// The candidate the user most likely meant, or null when none is close. Case, '-', '_' and '.' are ignored
    /// (so <c>replicationFactor</c> finds <c>replication-factor</c>), a prefix of at least four characters
    /// matches, and otherwise the optimal-string-alignment (Damerau–Levenshtein) distance must be at most a
    /// third of the length (at least 1, at most 3).
    /// </summary>
    public static string? DidYouMean(string input, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(candidates);
        var typed = Normalize(input);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var normalized = Normalize(candidate);
            var distance = Distance(typed, normalized);
            if (typed.Length >= 4 && normalized.StartsWith(typed, StringComparison.Ordinal))
            {
                distance = Math.Min(distance, 1);
            }

            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        var allowed = Math.Clamp(typed.Length / 3, 1, 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }

                d[i, j] = value;
            }
        }

        return d[a.Length, b.Length];
    }

    private static string Normalize(string text) =>
        string.Concat(text.Where(c => c is not ('-' or '_' or '.'))).ToLowerInvariant();
}
