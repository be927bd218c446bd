using System.Globalization;

namespace LoadLab.Core.Results;

/// <summary>
/// The one format of run ids, which also name results folders, Docker resources and per-run topics:
/// <c>yyyyMMdd-HHmmss-&lt;name&gt;[-&lt;suffix&gt;]</c> in UTC, so folders sort by start time and say what ran.
/// </summary>
public static class RunIds
{
    /// <summary>The id of something named <paramref name="name"/> started at <paramref name="startedAt"/>, e.g. <c>20261206-151716-quickstart-r2</c>.</summary>
    /// <param name="startedAt">When it started; written in UTC.</param>
    /// <param name="name">A scenario or command name (letters, digits, '.', '_' and '-').</param>
    /// <param name="suffix">What distinguishes ids of the same name and second (<c>r2</c>, <c>maxrate</c>), or null.</param>
    public static string Create(DateTimeOffset startedAt, string name, string? suffix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var stamp = startedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return suffix is null ? $"{stamp}-{name}" : $"{stamp}-{name}-{suffix}";
    }
}
