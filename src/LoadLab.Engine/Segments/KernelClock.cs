using System.Buffers.Binary;
using System.Runtime.InteropServices;
using LoadLab.Core.Segments;

namespace LoadLab.Engine.Segments;

/// <summary>
/// Reads how far this machine's clock may be from true time, as the kernel's NTP discipline keeps it (<c>adjtimex</c>
/// with no modes set: a read, allowed without privileges, also in a container): the offset it is still correcting,
/// its maximum and estimated error, and whether it considers itself synchronised. A split run's workers record it so
/// the merged run can bound the end-to-end latency of messages that crossed machines.
/// </summary>
internal static partial class KernelClock
{
    // struct timex (Linux, 64-bit): the fields read here and their byte offsets; the whole struct is 208 bytes.
    private const int TimexSize = 208;
    private const int OffsetField = 8;
    private const int MaxErrorField = 24;
    private const int EstimatedErrorField = 32;
    private const int StatusField = 40;
    private const int StatusUnsynchronized = 0x0040;
    private const int StatusNanoseconds = 0x2000;
    private const int TimeError = 5;
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>This machine's clock now.</summary>
    public static unsafe ClockReading Read()
    {
        var host = Environment.MachineName;
        var bootId = ReadBootId();
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
        {
            return new ClockReading(ClockSource.Unavailable, false, 0, 0, 0, bootId, host);
        }

        Span<byte> timex = stackalloc byte[TimexSize];
        timex.Clear();
        int state;
        fixed (byte* buffer = timex)
        {
            state = AdjustTime(buffer);
        }

        if (state < 0)
        {
            return new ClockReading(ClockSource.Unavailable, false, 0, 0, 0, bootId, host);
        }

        var status = BinaryPrimitives.ReadInt32LittleEndian(timex[StatusField..]);
        var offset = BinaryPrimitives.ReadInt64LittleEndian(timex[OffsetField..]);
        var offsetMs = (status & StatusNanoseconds) != 0 ? offset / 1_000_000.0 : offset / 1_000.0;
        var maxErrorMs = BinaryPrimitives.ReadInt64LittleEndian(timex[MaxErrorField..]) / 1_000.0;
        var estimatedErrorMs = BinaryPrimitives.ReadInt64LittleEndian(timex[EstimatedErrorField..]) / 1_000.0;
        var synchronized = state != TimeError && (status & StatusUnsynchronized) == 0;
        return new ClockReading(ClockSource.KernelNtp, synchronized, Math.Round(offsetMs, 3), maxErrorMs, estimatedErrorMs, bootId, host);
    }

    private static string ReadBootId()
    {
        try
        {
            return File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [LibraryImport("libc", EntryPoint = "adjtimex")]
    private static unsafe partial int AdjustTime(byte* timex);
}
