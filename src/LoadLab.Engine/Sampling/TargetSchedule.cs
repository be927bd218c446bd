using LoadLab.Core.Traffic;

namespace LoadLab.Engine.Sampling;

/// <summary>
/// What this process's producers are to send: each stream's schedule times its share (a segment of a split run sends
/// a share of every stream; a whole run sends all of it), up to the end of the load when it stopped early.
/// </summary>
internal sealed class TargetSchedule(IReadOnlyList<RateSchedule> schedules, IReadOnlyList<double> shares)
{
    /// <summary>
    /// When the load stopped early (seconds since the run start), or null: the schedule asks for nothing after it, so a
    /// run stopped by Ctrl+C shows no target it could not have met. Set under the sampler's lock.
    /// </summary>
    public double? LoadEndSeconds { get; set; }

    /// <summary>Messages this process's producers are to send between two offsets of the run clock.</summary>
    public double Messages(TimeSpan from, TimeSpan to) => schedules.Select((_, i) => Stream(i, from, to)).Sum();

    /// <summary>Messages this process's producers are to send in [<paramref name="second"/>, +1).</summary>
    public double InSecond(int second) => Messages(TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1));

    /// <summary>Messages this process's producers of stream <paramref name="stream"/> are to send in [<paramref name="second"/>, +1).</summary>
    public double StreamInSecond(int stream, int second) => Stream(stream, TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1));

    private double Stream(int stream, TimeSpan from, TimeSpan to)
    {
        if (LoadEndSeconds is { } end && to.TotalSeconds > end)
        {
            to = TimeSpan.FromSeconds(Math.Max(end, from.TotalSeconds));
        }

        return to > from ? schedules[stream].MessagesBetween(from, to) * shares[stream] : 0;
    }
}
