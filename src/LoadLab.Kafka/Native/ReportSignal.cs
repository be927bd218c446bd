using System.Runtime.InteropServices;

namespace LoadLab.Kafka.Native;

/// <summary>
/// Lets the thread that produces sleep until its client has a report to serve or a deadline passes, with
/// microsecond resolution and without spinning: librdkafka writes to an <c>eventfd</c> when its report queue gets
/// an item after it was last served (<c>rd_kafka_queue_io_event_enable</c>), and <c>ppoll</c> waits on that file
/// with a nanosecond timeout (it wakes within the kernel's timer slack, 50 µs by default).
/// Linux only (<see cref="IsSupported"/>); elsewhere the producer waits in <c>rd_kafka_poll</c>, in whole milliseconds.
/// </summary>
internal sealed unsafe partial class ReportSignal : IDisposable
{
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const short PollIn = 0x1;

    /// <summary>The value librdkafka writes: an eventfd takes 8-byte counts.</summary>
    private static readonly ulong* Payload = CreatePayload();

    private int _fd;

    private ReportSignal(int fd) => _fd = fd;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    /// <summary>A signal librdkafka raises on <paramref name="queue"/>, or null where not supported.</summary>
    public static ReportSignal? Attach(IntPtr queue)
    {
        if (!IsSupported)
        {
            return null;
        }

        var fd = EventFd(0, NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            return null;
        }

        Librdkafka.QueueIoEventEnable(queue, fd, Payload, sizeof(ulong));
        return new ReportSignal(fd);
    }

    /// <summary>Sleeps until the signal is raised or <paramref name="micros"/> pass, and lowers it.</summary>
    public void Wait(long micros)
    {
        var descriptor = new PollDescriptor { Fd = _fd, Events = PollIn };
        var timeout = new TimeSpec { Seconds = micros / 1_000_000, Nanoseconds = micros % 1_000_000 * 1_000 };
        if (PPoll(&descriptor, 1, &timeout, IntPtr.Zero) > 0)
        {
            Lower();
        }
    }

    /// <summary>Raises the signal from any thread, waking a <see cref="Wait"/>.</summary>
    public void Raise() => _ = Write(_fd, Payload, sizeof(ulong));

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Close(_fd);
            _fd = -1;
        }
    }

    private void Lower()
    {
        ulong count;
        _ = Read(_fd, &count, sizeof(ulong));
    }

    private static ulong* CreatePayload()
    {
        var payload = (ulong*)NativeMemory.Alloc(sizeof(ulong));
        *payload = 1;
        return payload;
    }

    [LibraryImport("libc", EntryPoint = "eventfd")]
    private static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "ppoll")]
    private static partial int PPoll(PollDescriptor* descriptors, nuint count, TimeSpec* timeout, IntPtr signalMask);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write")]
    private static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
