namespace LoadLab.Core.Faults;

/// <summary>Waits that last at least as long as they say, by the clock that measures them.</summary>
public static class TimeProviderWaits
{
    /// <summary>
    /// Waits until <paramref name="due"/> has passed since <paramref name="startTimestamp"/> by <paramref name="time"/>.
    /// One <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> is not enough: on the system clock it rounds
    /// the wait down to whole milliseconds and its timer ticks coarsely, so it returns up to ~2 ms early (7 of 300 waits
    /// here, by up to 1.6 ms). A revert that early made a 1 s pause last 999.x ms by its own events, and a fail-over
    /// happen 999.x ms after a kill whose detection delay is 1 s; so wait again, rounded up, for whatever is left.
    /// </summary>
    public static async Task WaitUntilElapsedAsync(this TimeProvider time, long startTimestamp, TimeSpan due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        for (var wait = due - time.GetElapsedTime(startTimestamp); wait > TimeSpan.Zero; wait = due - time.GetElapsedTime(startTimestamp))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
