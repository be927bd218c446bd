using LoadLab.Core.Measurement;
using LoadLab.Core.Scenarios;
using LoadLab.Engine.Running;
using LoadLab.Engine.Sampling;

namespace LoadLab.Integration.Tests.Sampling;

/// <summary>The sampler's consumer-group and partition concerns, on a ledger and group progress without a cluster.</summary>
public sealed class ConsumerGroupsTests
{
    private readonly PartitionMap _map = new([new TopicSpec("orders", 2, 1), new TopicSpec("audit", 1, 1)]);

    [Fact]
    public void Close_TwoIntervals_CountsWhatEachConsumedAndKeepsTheWorstLag()
    {
        var ledger = new PartitionLedger(_map);
        var readers = new GroupProgress("readers", "orders", _map.FirstIndexOf("orders"), 2);
        var groups = new ConsumerGroups([readers], ledger);
        for (var offset = 0; offset < 10; offset++)
        {
            ledger.RecordAck(0, offset, 100, intendedMicros: 1_000_000);
        }

        readers.RecordConsumed(0, 3, 100);
        var first = groups.Close(nowMicros: 4_000_000);
        readers.RecordConsumed(0, 9, 100);
        readers.RecordPosition(0, 10);
        readers.RecordRebalance();
        var second = groups.Close(nowMicros: 5_000_000);

        Assert.Equal((1L, 6L), (first.Consumed, first.Lag[0].Messages));
        Assert.Equal(3.0, first.Lag[0].Seconds, 3);
        Assert.Equal((1L, 0L), (second.Consumed, second.Lag[0].Messages));
        Assert.Equal(new GroupInterval("readers", "orders", 1, 0, 0), second.Groups[0]);
        Assert.Equal(6, groups.MaxLag(0).Messages);
        var series = Assert.Single(groups.LagSeries());
        Assert.Equal([4.0, 5.0], series.Samples.Select(s => s.AtSeconds));
        Assert.Equal([5.0], series.RebalanceSeconds);
    }

    [Fact]
    public void PartitionCounters_Close_CountsSinceTheLastRowAndTakesTheLagOfTheGroupsReadingTheTopic()
    {
        var ledger = new PartitionLedger(_map);
        var readers = new GroupProgress("readers", "orders", _map.FirstIndexOf("orders"), 2);
        var partitions = new PartitionCounters(_map, ledger, [readers]);
        ledger.RecordAck(1, 0, 50, 0);
        ledger.RecordAck(1, 1, 50, 0);
        ledger.RecordAck(2, 0, 70, 0);
        var first = partitions.Close(0);
        ledger.RecordAck(1, 2, 50, 0);
        var second = partitions.Close(1);

        Assert.Equal([(0L, 0L, 0L), (2L, 100L, 2L), (1L, 70L, 0L)], first.Select(r => (r.Produced, r.Bytes, r.LagMessages)));
        Assert.Equal([(0L, 0L, 0L), (1L, 50L, 3L), (0L, 0L, 0L)], second.Select(r => (r.Produced, r.Bytes, r.LagMessages)));
        Assert.Equal(0, partitions.WorstLag("audit", 0));
    }
}
