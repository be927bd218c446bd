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

    /// <summary>librdkafka's name for the thread that serves every broker of a mock cluster (the embedded environment).</summary>
    private const string MockClusterThread = "rdk:mock";

    /// <summary>USER_HZ: /proc counts utime and stime in these ticks on every Linux ABI .NET runs on.</summary>
    private const double UserHz = 100;

    /// <summary>
    /// CPU time this process has used so far, less that of an embedded cluster's thread in it (on Linux, where threads
    /// can be told apart): the cluster's work is not the generator's.
    /// </summary>
    public static TimeSpan Self()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime - ThreadsNamed(MockClusterThread);
    }

    /// <summary>CPU time of this process's threads with the given name (<c>/proc/self/task/*/comm</c>); zero where unknown.</summary>
    private static TimeSpan ThreadsNamed(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

                long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != name)
                {
                    continue;
                }

                // Fields after the command (which is in parentheses and may hold spaces): state is field 3, utime 14, stime 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return TimeSpan.FromSeconds(ticks / UserHz);
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
