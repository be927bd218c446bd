namespace LoadLab.Reporting.Tests;

/// <summary>Where tests find committed files and write what they produce (never into the source tree, unless asked).</summary>
internal static class TestPaths
{
    /// <summary>Set to 1 to rewrite committed fixtures and expected snapshots from the current code.</summary>
    public const string UpdateSnapshotsVariable = "LOADLAB_UPDATE_SNAPSHOTS";

    public static bool UpdateSnapshots => Environment.GetEnvironmentVariable(UpdateSnapshotsVariable) == "1";

    /// <summary>The test project's source folder (found by walking up to its .csproj).</summary>
    public static string ProjectDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LoadLab.Reporting.Tests.csproj")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("Cannot find LoadLab.Reporting.Tests.csproj above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A fresh, empty folder under the test output (<c>bin/…/test-output/&lt;name&gt;</c>), kept for inspection.</summary>
    public static string OutputDirectory(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "test-output", name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Copies a committed fixture run into a fresh output folder, so a report can be written beside it.</summary>
    public static string CopyOfFixture(string fixture, string name)
    {
        var target = OutputDirectory(name);
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
