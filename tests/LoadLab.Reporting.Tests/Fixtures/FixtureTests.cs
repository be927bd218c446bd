namespace LoadLab.Reporting.Tests.Fixtures;

public sealed class FixtureTests
{
    public static TheoryData<string> ProfileNames => new(FixtureRun.Profiles.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void CommittedFixture_IsWhatTheGeneratorWrites(string name)
    {
        var profile = FixtureRun.Profiles.Single(p => p.Name == name);
        var generated = TestPaths.OutputDirectory($"fixture-{name}");
        FixtureRun.Write(profile, generated);
        var committedSource = Path.Combine(TestPaths.ProjectDirectory, "Fixtures", name);
        if (TestPaths.UpdateSnapshots)
        {
            if (Directory.Exists(committedSource))
            {
                Directory.Delete(committedSource, recursive: true);
            }

            foreach (var file in Directory.GetFiles(generated, "*", SearchOption.AllDirectories))
            {
                var destination = Path.Combine(committedSource, Path.GetRelativePath(generated, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }
        }

        var committed = TestPaths.UpdateSnapshots ? committedSource : FixtureRun.CommittedDirectory(name);
        var generatedFiles = RelativeFiles(generated);
        Assert.Equal(generatedFiles, RelativeFiles(committed));
        foreach (var file in generatedFiles)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(generated, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(committed, file))),
                $"Fixtures/{name}/{file} differs from what FixtureRun writes; run the tests with {TestPaths.UpdateSnapshotsVariable}=1 and review the diff.");
        }
    }

    private static List<string> RelativeFiles(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
}
