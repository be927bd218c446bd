using System.Reflection;

namespace LoadLab.Docker.Tests.Support;

/// <summary>Folders of the repository, fixed at build time, and of this test build.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string EnvironmentsFolder { get; } = Path.Combine(RepositoryRoot, "environments");

    public static string TestEnvironment(string name) => Path.Combine(AppContext.BaseDirectory, "environments", name);

    public static string BuildImageScript { get; } = Path.Combine(RepositoryRoot, "tests", "LoadLab.Docker.Tests", "Images", "build-test-broker-image.sh");

    public static string BuildWorkerImageScript { get; } = Path.Combine(RepositoryRoot, "tests", "LoadLab.Docker.Tests", "Images", "build-test-worker-image.sh");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
