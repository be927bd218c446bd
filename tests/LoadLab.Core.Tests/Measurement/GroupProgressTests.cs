using LoadLab.Core.Measurement;

namespace LoadLab.Core.Tests.Measurement;

public sealed class GroupProgressTests
{
    [Fact]
    public void RecordRebalance_EveryAssignmentOfAMember_IsCounted()
    {
        var progress = new GroupProgress("g", "t", firstPartitionIndex: 0, partitions: 6);

        progress.RecordRebalance();
        progress.RecordRebalance();

        Assert.Equal(2, progress.Rebalances);
    }

    [Fact]
    public void RecordReplayRead_ReadsBelowWhereTheReplayBegan_AreReReadsUntilTheLastOfThemIsReadAgain()
    {
        var progress = new GroupProgress("g", "t", firstPartitionIndex: 0, partitions: 2);
        progress.BeginReplay(0, until: 100);

        Assert.Equal((true, false, false), (progress.IsReplayRead(0, 99), progress.IsReplayRead(0, 100), progress.IsReplayRead(1, 0)));
        progress.RecordReplayRead(0, 97, nowMicros: 5_000);
        Assert.Null(progress.ReplayReachedMicros(0));
        progress.RecordReplayRead(0, 98, nowMicros: 6_000);
        progress.RecordReplayRead(0, 99, nowMicros: 7_000);
        progress.RecordReplayRead(0, 99, nowMicros: 8_000);

        Assert.Equal((4L, 7_000L), (progress.ReplayReads(0), progress.ReplayReachedMicros(0)!.Value));
        Assert.Equal((0L, null), (progress.ReplayReads(1), progress.ReplayReachedMicros(1)));
    }

    [Fact]
    public void BeginReplay_AgainBeforeTheGroupCaughtUp_KeepsTheFurthestPointAndWaitsForItAgain()
    {
        var progress = new GroupProgress("g", "t", firstPartitionIndex: 0, partitions: 1);
        progress.BeginReplay(0, until: 100);
        progress.RecordReplayRead(0, 99, nowMicros: 1_000);
        progress.BeginReplay(0, until: 60);

        Assert.Null(progress.ReplayReachedMicros(0));
        Assert.True(progress.IsReplayRead(0, 80));
        progress.RecordReplayRead(0, 59, nowMicros: 2_000);
        Assert.Null(progress.ReplayReachedMicros(0));
        progress.RecordReplayRead(0, 99, nowMicros: 3_000);
        Assert.Equal(3_000L, progress.ReplayReachedMicros(0));
    }
}
