using System.Formats.Tar;
using LoadLab.Core.Results;

namespace LoadLab.Kubernetes;

/// <summary>
/// The last step of collecting a split run's results: the segment folders arrive as one tar stream (<c>tar -c</c> of
/// the results volume, streamed out of the collector pod) and are unpacked here. Only the run's segment folders are
/// taken, and no entry may leave the destination (no absolute paths, no <c>..</c>, no links), so a stream from a
/// shared volume cannot write anywhere else.
/// </summary>
public static class SegmentArchive
{
    /// <summary>
    /// Unpacks the folders <c>&lt;run-id&gt;-segment-&lt;i&gt;</c> of <paramref name="runId"/> from <paramref name="tar"/> into
    /// <paramref name="destination"/>; returns the segment folders written, by name. Entries of other runs are skipped.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is not a tar archive, or an entry tries to leave the destination.</exception>
    public static async Task<IReadOnlyList<string>> ExtractAsync(Stream tar, string runId, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var root = Path.GetFullPath(destination);
        Directory.CreateDirectory(root);
        var prefix = runId + "-segment-";
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            var name = entry.Name.Replace('\\', '/').TrimStart('.', '/');
            if (name.Length == 0 || !name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink || name.Split('/').Any(part => part == ".."))
            {
                throw new InvalidDataException($"The results archive holds '{entry.Name}', which would leave {root}; refusing to unpack it.");
            }

            var target = Path.GetFullPath(Path.Combine(root, name));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The results archive holds '{entry.Name}', which would leave {root}; refusing to unpack it.");
            }

            folders.Add(name.Split('/')[0]);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await entry.ExtractToFileAsync(target, overwrite: true, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return [.. folders.Where(f => File.Exists(Path.Combine(root, f, SegmentFiles.Manifest.Replace('/', Path.DirectorySeparatorChar)))).Select(f => Path.Combine(root, f))];
    }
}
