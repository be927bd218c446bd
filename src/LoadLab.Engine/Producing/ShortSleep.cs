using System.Runtime.InteropServices;

namespace LoadLab.Engine.Producing;

/// <summary>
/// Sleeps for less than a millisecond. <see cref="Thread.Sleep(int)"/> counts whole milliseconds (and wakes
/// about 1.06 ms later for 1), so a pacer waiting for a message due in 200 µs could only spin, burning a core the
/// cluster and the client need; <c>nanosleep</c> wakes within the kernel's timer slack (50 µs by default).
/// </summary>
internal static partial class ShortSleep
{
    /// <summary>True where <see cref="For"/> really sleeps (Linux); elsewhere it only yields.</summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux();

    /// <summary>Sleeps about <paramref name="micros"/> microseconds (a little more, never much less).</summary>
    public static void For(long micros)
    {
        if (!IsPrecise)
        {
            Thread.Yield();
            return;
        }

        var span = new TimeSpec { Seconds = micros / 1_000_000, Nanoseconds = micros % 1_000_000 * 1_000 };
        _ = NanoSleep(in span, IntPtr.Zero);
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in TimeSpec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
