namespace LoadLab.Cli.Tests.Reports;

/// <summary>The reporting tests' results folders, copied next to the tests as <c>ReportFixtures/</c>.</summary>
internal static class ReportFixtures
{
    /// <summary>Copies the fixture run <paramref name="name"/> into <paramref name="directory"/> (commands may write into it) and returns the copy's path.</summary>
    public static string Copy(string name, string directory)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "ReportFixtures", name);
        var target = Path.Combine(directory, name);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
