using LoadLab.Core.Omb;

namespace LoadLab.Core.Tests.Omb;

public sealed class OmbWorkloadReaderTests
{
    [Fact]
    public void Load_OmbFileWithPayloadFile_ReadsEveryFieldWithOmbDefaults()
    {
        var result = OmbWorkloadReader.Load(OmbFixtures.Workload("1-topic-1-partition-1kb"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var workload = result.Value!.Workload;
        Assert.Equal("1 topic / 1 partition / 1Kb", workload.Name);
        Assert.Equal((1, 1, 1024, 1, 1, 1, 50_000, 15), (workload.Topics, workload.PartitionsPerTopic, workload.MessageSize, workload.SubscriptionsPerTopic, workload.ConsumerPerSubscription, workload.ProducersPerTopic, workload.ProducerRate, workload.TestDurationMinutes));
        Assert.Equal(OmbKeyDistributor.NoKey, workload.KeyDistributor);
        Assert.Equal("payload/payload-1Kb.data", workload.PayloadFile);
        // Absent in the file: OMB's field defaults (Workload.java).
        Assert.Equal(1, workload.WarmupDurationMinutes);
        Assert.Equal(1.0, workload.BacklogDrainRatio);
        Assert.False(workload.UseRandomizedPayloads);
        Assert.Empty(result.Value.IgnoredKeys);
    }

    [Fact]
    public void Load_RandomizedBacklogWorkload_ReadsPayloadPoolAndBacklog()
    {
        var workload = OmbWorkloadReader.Load(OmbFixtures.Workload("1-topic-100-partitions-1kb-4p-4c-200k-backlog")).Value!.Workload;

        Assert.True(workload.UseRandomizedPayloads);
        Assert.Equal((0.5, 1000, 512L, 4, 4, 200_000), (workload.RandomBytesRatio, workload.RandomizedPayloadPoolSize, workload.ConsumerBacklogSizeGB, workload.ProducersPerTopic, workload.ConsumerPerSubscription, workload.ProducerRate));
    }

    [Fact]
    public void Parse_MisspeltField_IsAnErrorNamingTheFieldOmbWouldHaveDefaulted()
    {
        const string Yaml = "name: x\ntopics: 1\npartitionPerTopic: 16\nmessageSize: 1024\nproducersPerTopic: 1\ntestDurationMinutes: 1\n";

        var result = OmbWorkloadReader.Parse(Yaml, "w.yaml");

        Assert.False(result.Succeeded);
        var misspelt = Assert.Single(result.Problems, p => p.Path == "partitionPerTopic");
        Assert.Equal(3, misspelt.Line);
        Assert.Contains("rename \"partitionPerTopic\" to \"partitionsPerTopic\"", misspelt.Suggestion, StringComparison.Ordinal);
        // Without the misspelt key the required one is missing too: both are listed.
        Assert.Contains(result.Problems, p => p.Path == "partitionsPerTopic" && p.Message.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownKeyDistributor_IsAnErrorInsteadOfOmbsSilentNoKey()
    {
        const string Yaml = "topics: 1\npartitionsPerTopic: 1\nmessageSize: 10\nproducersPerTopic: 1\ntestDurationMinutes: 1\nkeyDistributor: ROUND_ROBIN\n";

        var problem = Assert.Single(OmbWorkloadReader.Parse(Yaml, "w.yaml").Problems);

        Assert.Equal(("keyDistributor", 6), (problem.Path, problem.Line));
        Assert.Contains("NO_KEY, KEY_ROUND_ROBIN, RANDOM_NANO", problem.Message, StringComparison.Ordinal);
        Assert.Equal("keyDistributor: KEY_ROUND_ROBIN", problem.Suggestion);
    }

    [Fact]
    public void Parse_KeyOfAFork_IsIgnoredAsOmbDoesAndListed()
    {
        const string Yaml = "topics: 1\npartitionsPerTopic: 1\nmessageSize: 10\nproducersPerTopic: 1\ntestDurationMinutes: 1\nbatchFlushMode: eager\n";

        var result = OmbWorkloadReader.Parse(Yaml, "w.yaml");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal([("batchFlushMode", 6)], result.Value!.IgnoredKeys);
    }

    [Theory]
    [InlineData("testDurationMinutes: 0", "testDurationMinutes")]
    [InlineData("topics: 0", "topics")]
    [InlineData("messageSize: -1", "messageSize")]
    [InlineData("producerRate: fast", "producerRate")]
    [InlineData("backlogDrainRatio: 1.5", "backlogDrainRatio")]
    public void Parse_ValueOutOfRange_IsReportedAtItsKey(string line, string path)
    {
        var lines = new Dictionary<string, string>
        {
            ["topics"] = "topics: 1",
            ["partitionsPerTopic"] = "partitionsPerTopic: 1",
            ["messageSize"] = "messageSize: 10",
            ["producersPerTopic"] = "producersPerTopic: 1",
            ["testDurationMinutes"] = "testDurationMinutes: 1",
        };
        lines[line.Split(':')[0]] = line;

        var result = OmbWorkloadReader.Parse(string.Join("\n", lines.Values) + "\n", "w.yaml");

        Assert.Equal(path, Assert.Single(result.Problems).Path);
    }

    [Fact]
    public void Parse_BacklogWhileSearchingTheMaximumRate_IsRefusedLikeOmbDoes()
    {
        const string Yaml = "topics: 1\npartitionsPerTopic: 1\nmessageSize: 10\nproducersPerTopic: 1\ntestDurationMinutes: 1\nproducerRate: 0\nconsumerBacklogSizeGB: 1\n";

        var problem = Assert.Single(OmbWorkloadReader.Parse(Yaml, "w.yaml").Problems);

        Assert.Equal("consumerBacklogSizeGB", problem.Path);
        Assert.Contains("producerRate: 0", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SubscriptionsWithoutConsumers_IsAProblem()
    {
        const string Yaml = "topics: 1\npartitionsPerTopic: 1\nmessageSize: 10\nproducersPerTopic: 1\ntestDurationMinutes: 1\nsubscriptionsPerTopic: 2\n";

        var problem = Assert.Single(OmbWorkloadReader.Parse(Yaml, "w.yaml").Problems);

        Assert.Equal("add consumerPerSubscription: 1", problem.Suggestion);
    }

    [Fact]
    public void Load_MissingFile_IsAProblemNotAnException()
    {
        var result = OmbWorkloadReader.Load("no-such-workload.yaml");

        Assert.Contains("cannot read the file", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }
}
