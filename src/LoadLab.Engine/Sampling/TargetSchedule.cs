using LoadLab.Core.Traffic;

namespace LoadLab.Engine.Sampling;

/// <summary>
/// What this process's producers are to send: each stream's schedule times its share (a segment of a split run sends
/// a share of every stream; a whole run sends all of it).
/// </summary>
internal sealed class TargetSchedule(IReadOnlyList<RateSchedule> schedules, IReadOnlyList<double> shares)
{
    /// <summary>Messages this process's producers are to send between two offsets of the run clock.</summary>
    public double Messages(TimeSpan from, TimeSpan to) => schedules.Select((s, i) => s.MessagesBetween(from, to) * shares[i]).Sum();

    /// <summary>Messages this process's producers are to send in [<paramref name="second"/>, +1).</summary>
    public double InSecond(int second) => Messages(TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1));

    /// <summary>Messages stream <paramref name="stream"/>'s whole schedule asks for in [<paramref name="second"/>, +1).</summary>
    public double StreamInSecond(int stream, int second) => schedules[stream].MessagesBetween(TimeSpan.FromSeconds(second), TimeSpan.FromSeconds(second + 1));
}
