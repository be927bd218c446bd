using System.Diagnostics;
using System.Formats.Tar;
using LoadLab.Kubernetes;

namespace LoadLab.Kubernetes.Tests;

public sealed class SegmentArchiveTests : IDisposable
{
    private readonly string _volume = Directory.CreateTempSubdirectory("loadlab-volume-").FullName;
    private readonly string _destination = Directory.CreateTempSubdirectory("loadlab-collected-").FullName;

    [Fact]
    public async Task ExtractAsync_TarOfTheResultsVolume_UnpacksEverySegmentOfTheRunAndNothingElse()
    {
        // The volume as the workers leave it: three segments of the run, and a folder of another run.
        for (var i = 0; i < 3; i++)
        {
            Write($"run7-segment-{i}/segment/segment.json", "{}");
            Write($"run7-segment-{i}/segment/delivery/producer-{i}.log", new string('x', 100_000 + i));
            Write($"run7-segment-{i}/summary.json", "{}");
        }

        Write("run8-segment-0/segment/segment.json", "{}");

        // What the collector pod runs: tar of the run's folders to standard output (here GNU tar on this machine).
        using var tar = Process.Start(new ProcessStartInfo("tar", ["-C", _volume, "-cf", "-", "run7-segment-0", "run7-segment-1", "run7-segment-2", "run8-segment-0"])
        {
            RedirectStandardOutput = true,
        })!;
        var folders = await SegmentArchive.ExtractAsync(tar.StandardOutput.BaseStream, "run7", _destination, CancellationToken.None);
        await tar.WaitForExitAsync();

        Assert.Equal(0, tar.ExitCode);
        Assert.Equal([0, 1, 2], folders.Select(f => int.Parse(Path.GetFileName(f)["run7-segment-".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new string('x', 100_000 + i), await File.ReadAllTextAsync(Path.Combine(_destination, $"run7-segment-{i}/segment/delivery/producer-{i}.log")));
        }

        Assert.False(Directory.Exists(Path.Combine(_destination, "run8-segment-0")));
    }

    [Theory]
    [InlineData("run7-segment-0/../../escaped.txt")]
    [InlineData("run7-segment-0/../run7-segment-1/../../escaped.txt")]
    public async Task ExtractAsync_EntryLeavingTheDestination_Refused(string name)
    {
        using var archive = new MemoryStream();
        await using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream([1, 2, 3]) };
            await writer.WriteEntryAsync(entry);
        }

        archive.Position = 0;

        await Assert.ThrowsAsync<InvalidDataException>(() => SegmentArchive.ExtractAsync(archive, "run7", _destination, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_destination)!, "escaped.txt")));
    }

    public void Dispose()
    {
        Directory.Delete(_volume, recursive: true);
        Directory.Delete(_destination, recursive: true);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_volume, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
