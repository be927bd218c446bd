using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadLab.Engine.Benchmarking;

/// <summary>
/// CPU time as the operating system counts it (user + system, every thread), for CPU per message: less sensitive to
/// other processes on the machine than a rate, which they slow down.
/// </summary>
internal static partial class ProcessCpu
{
    private const int ChildrenWho = -1;

    /// <summary>CPU time this process has used so far.</summary>
    public static TimeSpan Self()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// CPU time of this process's child processes that have ended and been waited for (<c>getrusage(RUSAGE_CHILDREN)</c>),
    /// or null where that is not available (not Linux or macOS).
    /// </summary>
    public static unsafe TimeSpan? Children()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return null;
        }

        ResourceUsage usage;
        return GetResourceUsage(ChildrenWho, &usage) == 0
            ? TimeSpan.FromMicroseconds((usage.UserSeconds + usage.SystemSeconds) * 1_000_000.0 + usage.UserMicros + usage.SystemMicros)
            : null;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static unsafe partial int GetResourceUsage(int who, ResourceUsage* usage);

    /// <summary>The start of <c>struct rusage</c> (two <c>timeval</c>s) and room for the rest of it (14 longs).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public fixed long Rest[14];
    }
}
