using System.Diagnostics;
using System.Text;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.Embedded;
using Microsoft.Extensions.Time.Testing;
using static LoadLab.Integration.Tests.Embedded.EmbeddedTestCluster;

namespace LoadLab.Integration.Tests.Embedded;

public sealed class CoordinatorAndClockTests
{
    private const short JoinGroupApiKey = 11;

    [Fact]
    public void Crc32_StandardCheckValue_MatchesZlib()
    {
        Assert.Equal(0xCBF43926u, MockCoordinatorHash.Crc32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public async Task CoordinatorIndex_UnregisteredGroups_PredictsWhereTheMockSendsJoinGroup()
    {
        await using var cluster = await StartAsync(new TopicSpec("hash", 1, 3));
        foreach (var group in new[] { "orders-consumers", "fraud-scoring", "audit" })
        {
            cluster.Mock.StartRequestTracking();
            using var consumer = Consumer(cluster, group);
            consumer.Subscribe("hash");
            var watch = Stopwatch.StartNew();
            while (consumer.Assignment.Count == 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
            {
                consumer.Consume(TimeSpan.FromMilliseconds(20));
            }

            var joinedAt = cluster.Mock.StopRequestTracking().Where(r => r.ApiKey == JoinGroupApiKey).Select(r => r.BrokerId).Distinct();
            consumer.Close();

            Assert.Equal([MockCoordinatorHash.CoordinatorIndex(group, 3) + 1], joinedAt);
        }
    }

    [Fact]
    public async Task BrokerKill_DetectionDelay_RunsOnTheInjectedClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await StartAsync(FastOptions with { TimeProvider = clock, DetectionDelay = TimeSpan.FromSeconds(9) }, new TopicSpec("clock", 1, 3));
        var victim = LeaderOf(Metadata(cluster), "clock", 0);

        var kill = cluster.Faults.ExecuteAsync(new FaultCommand(FaultOperation.BrokerKill, BrokerId: victim), CancellationToken.None).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var leaderBeforeDelay = LeaderOf(Metadata(cluster), "clock", 0);
        clock.Advance(TimeSpan.FromSeconds(9));
        var outcome = await kill.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(victim, leaderBeforeDelay);
        Assert.True(outcome.Succeeded, outcome.Detail);
        Assert.NotEqual(victim, LeaderOf(Metadata(cluster), "clock", 0));
        Assert.Equal(TimeSpan.FromSeconds(9), outcome.Took);
    }
}
