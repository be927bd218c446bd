using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace LoadLab.Kafka.Native;

/// <summary>
/// Binds LoadLab's own librdkafka P/Invokes (the native producer, the mock cluster) to the very librdkafka file
/// that Confluent.Kafka loaded. The package ships
/// several builds (on Debian 12 Confluent falls back to <c>centos8-librdkafka.so</c> because <c>libsasl2.so.3</c>
/// is missing); a mock cluster created through another copy of the library would not share its globals with the
/// clients, and loading a second copy by name could pick a build that does not load at all.
/// </summary>
internal static class LibrdkafkaLibrary
{
    /// <summary>The logical name every LoadLab <c>LibraryImport</c> of librdkafka uses; resolved below.</summary>
    public const string Name = "loadlab-librdkafka";

    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> BoundAssemblies = [];
    private static IntPtr _handle;
    private static string? _loadedPath;

    /// <summary>The file Confluent.Kafka loaded, once <see cref="EnsureBound"/> has run.</summary>
    public static string LoadedPath => _loadedPath ?? throw new InvalidOperationException("librdkafka is not bound yet.");

    /// <summary>Forces Confluent.Kafka to load librdkafka and routes <paramref name="assembly"/>'s imports (and this assembly's) to that file.</summary>
    public static void EnsureBound(Assembly assembly)
    {
        lock (Gate)
        {
            if (_handle == IntPtr.Zero)
            {
                Load();
            }

            // This assembly's own imports (Librdkafka) serve every caller, so they are bound with the first.
            foreach (var bound in new[] { typeof(LibrdkafkaLibrary).Assembly, assembly })
            {
                if (BoundAssemblies.Add(bound))
                {
                    NativeLibrary.SetDllImportResolver(bound, Resolve);
                }
            }
        }
    }

    private static void Load()
    {
        // Reading the version makes Confluent.Kafka load (and pick) its native library.
        _ = Library.Version;
        var path = FindLoadedLibrary()
            ?? throw new DllNotFoundException(
                "Confluent.Kafka reports librdkafka as loaded, but no librdkafka file is mapped into this process.");
        _handle = NativeLibrary.Load(path);
        _loadedPath = path;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Name ? _handle : IntPtr.Zero;

    private static string? FindLoadedLibrary()
    {
        if (OperatingSystem.IsLinux())
        {
            // /proc/self/maps lists every mapped file, including libraries loaded with dlopen after start-up.
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && IsLibrdkafka(line[slash..]))
                {
                    return line[slash..].Trim();
                }
            }

            return null;
        }

        using var process = Process.GetCurrentProcess();
        return process.Modules.Cast<ProcessModule>().Select(module => module.FileName).FirstOrDefault(IsLibrdkafka);
    }

    private static bool IsLibrdkafka(string path) =>
        Path.GetFileName(path).Contains("librdkafka", StringComparison.OrdinalIgnoreCase);
}
