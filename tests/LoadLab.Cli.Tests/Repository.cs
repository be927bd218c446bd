namespace LoadLab.Cli.Tests;

/// <summary>The checkout the tests were built from: its scenarios, environments, README and run.sh.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LoadLab.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LoadLab.sln not found above the test output folder");
    }
}
