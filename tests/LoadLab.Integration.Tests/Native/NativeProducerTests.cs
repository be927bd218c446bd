using System.Diagnostics;
using Confluent.Kafka;
using LoadLab.Core.Scenarios;
using LoadLab.Integration.Tests.Embedded;
using LoadLab.Kafka.Native;

namespace LoadLab.Integration.Tests.Native;

/// <summary>
/// The producer serves its delivery reports on the thread that asks (no poll thread of its own), and waits for them
/// by sleeping, not spinning: a report ends the wait at once, and without one the wait lasts its timeout.
/// </summary>
public sealed class NativeProducerTests
{
    private const string Topic = "native";

    [Fact]
    public async Task WaitForReports_MessageAcknowledged_ServesItsReportOnTheWaitingThreadLongBeforeTheTimeout()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec(Topic, 1, 1));
        var listener = new Listener();
        using var producer = new NativeProducer(Settings(cluster), Topic, "ll", listener);

        Assert.Equal(ErrorCode.NoError, producer.Produce("k"u8.ToArray(), new byte[100], new byte[29], token: 42));
        var clock = Stopwatch.StartNew();
        while (listener.Delivered.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            producer.WaitForReports(micros: 10_000_000);
        }

        // Without the report's wake-up the first wait alone would have lasted 10 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the report took {clock.Elapsed.TotalSeconds:0.0} s to be served");
        var (token, threadId) = Assert.Single(listener.Delivered);
        Assert.Equal(42, token);
        Assert.Equal(Environment.CurrentManagedThreadId, threadId);
        Assert.Equal(0, producer.Outstanding);
    }

    [Fact]
    public async Task WaitForReports_NothingOutstanding_SleepsForTheTimeoutAndServesNothing()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec(Topic, 1, 1));
        var listener = new Listener();
        using var producer = new NativeProducer(Settings(cluster), Topic, "ll", listener);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            producer.WaitForReports(micros: 2_000);
        }

        // 100 waits of 2 ms: a wait that returned early (a spin) would end far sooner.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(200), $"100 waits of 2 ms took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Empty(listener.Delivered);
    }

    [Fact]
    public async Task Wake_FromAnotherThread_EndsAWaitEarly()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec(Topic, 1, 1));
        using var producer = new NativeProducer(Settings(cluster), Topic, "ll", new Listener());

        var clock = Stopwatch.StartNew();
        using var waker = new Timer(_ => producer.Wake(), null, TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        producer.WaitForReports(micros: 20_000_000);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the wait lasted {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task AwaitReadyToSend_IdempotentClient_ReturnsOnceItsProducerIdIsAssigned()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec(Topic, 2, 1));
        var settings = new Dictionary<string, string>(Settings(cluster)) { ["enable.idempotence"] = "true", [NativeProducer.StatisticsIntervalSetting] = "100" };
        using var producer = new NativeProducer(settings, Topic, "ll", new Listener());

        // A fresh idempotent client holds every message until it has a producer id (asked for on a 500 ms timer).
        Assert.True(producer.AwaitReadyToSend(Topic, TimeSpan.FromSeconds(20)), $"idempotence state {producer.IdempotenceState}");
        Assert.Equal("Assigned", producer.IdempotenceState);
    }

    [Fact]
    public async Task AwaitReadyToSend_PlainClient_ReadyWithLeadersKnownAndNoIdempotenceState()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec(Topic, 2, 1));
        var settings = new Dictionary<string, string>(Settings(cluster)) { ["enable.idempotence"] = "false", [NativeProducer.StatisticsIntervalSetting] = "100" };
        using var producer = new NativeProducer(settings, Topic, "ll", new Listener());

        Assert.True(producer.AwaitReadyToSend(Topic, TimeSpan.FromSeconds(20)));
        Assert.Null(producer.IdempotenceState);
        // Readiness is per topic: the leaders of a topic the client never asked about are not known.
        Assert.False(producer.AwaitReadyToSend("never-asked-for", TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task AwaitReadyToSend_StatisticsOff_ReturnsFalseAtOnce()
    {
        await using var cluster = await EmbeddedTestCluster.StartAsync(new TopicSpec(Topic, 1, 1));
        using var producer = new NativeProducer(Settings(cluster), Topic, "ll", new Listener());

        var clock = Stopwatch.StartNew();
        Assert.False(producer.AwaitReadyToSend(Topic, TimeSpan.FromSeconds(20)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static Dictionary<string, string> Settings(Core.Environments.ICluster cluster) =>
        new(cluster.ClientDefaults) { ["bootstrap.servers"] = cluster.BootstrapServers, ["linger.ms"] = "0" };

    private sealed class Listener : IDeliveryListener
    {
        public List<(long Token, int ThreadId)> Delivered { get; } = [];

        public void OnDelivered(long token, int partition, long offset) => Delivered.Add((token, Environment.CurrentManagedThreadId));

        public void OnFailed(long token, ErrorCode error) => throw new InvalidOperationException($"message {token} failed: {error}");

        public void OnClientError(ErrorCode error)
        {
        }
    }
}
