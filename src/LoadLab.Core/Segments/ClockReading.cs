namespace LoadLab.Core.Segments;

/// <summary>Where a worker's clock reading came from.</summary>
public enum ClockSource
{
    /// <summary>The kernel's NTP discipline (<c>adjtimex</c>): offset, maximum and estimated error as the kernel keeps them.</summary>
    KernelNtp,
    /// <summary>No reading could be taken (not Linux, or the call failed): the clock's error is unknown.</summary>
    Unavailable,
}

/// <summary>
/// How far a worker's wall clock may be from true time when a split run starts. A split run's segments start their
/// load at one agreed UTC instant and put intended send times on that shared epoch, so end-to-end latency of a
/// message produced on one worker and consumed on another is off by at most the two clocks' errors; this is what
/// bounds it. Workers on one kernel (same <see cref="BootId"/>: processes or containers of one host) share one
/// clock, and the latency between them has no skew at all.
/// </summary>
/// <param name="Source">Where the reading came from.</param>
/// <param name="Synchronized">The kernel says its clock is synchronised (no <c>STA_UNSYNC</c>, state not <c>TIME_ERROR</c>).</param>
/// <param name="OffsetMs">The offset the kernel is still correcting (its last NTP offset), in milliseconds.</param>
/// <param name="MaxErrorMs">The kernel's maximum error bound, in milliseconds: the uncertainty used for bounds.</param>
/// <param name="EstimatedErrorMs">The kernel's estimated error, in milliseconds.</param>
/// <param name="BootId">The kernel's boot id (<c>/proc/sys/kernel/random/boot_id</c>); equal ids mean one shared clock.</param>
/// <param name="Host">The worker's host name (a pod's name in Kubernetes).</param>
public sealed record ClockReading(ClockSource Source, bool Synchronized, double OffsetMs, double MaxErrorMs, double EstimatedErrorMs, string BootId, string Host)
{
    /// <summary>
    /// Bound on the error of a latency measured between clocks <paramref name="a"/> and <paramref name="b"/>, in
    /// milliseconds: 0 on one kernel, the sum of both maximum errors when both are synchronised, null when unknown.
    /// </summary>
    public static double? SkewBoundMs(ClockReading a, ClockReading b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.BootId.Length > 0 && a.BootId == b.BootId)
        {
            return 0;
        }

        return a.Source == ClockSource.KernelNtp && b.Source == ClockSource.KernelNtp && a.Synchronized && b.Synchronized
            ? Math.Round(a.MaxErrorMs + b.MaxErrorMs, 3)
            : null;
    }
}
