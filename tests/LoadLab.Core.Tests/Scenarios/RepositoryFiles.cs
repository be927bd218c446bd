namespace LoadLab.Core.Tests.Scenarios;

/// <summary>Committed files of the repository (scenarios, schemas), found from the test binaries upwards.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "LoadLab.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"No LoadLab.sln above {AppContext.BaseDirectory}.");
    }
}
