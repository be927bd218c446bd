using LoadLab.Core.Measurement;

namespace LoadLab.Core.Tests.Measurement;

public sealed class GroupProgressTests
{
    [Fact]
    public void EveryPartitionAssigned_OneMemberOfTwoGotItsShare_IsFalseUntilTheOtherMemberGetsTheRest()
    {
        var progress = new GroupProgress("g", "t", firstPartitionIndex: 0, partitions: 6);
        progress.RecordRebalance();
        foreach (var partition in new[] { 0, 1, 2 })
        {
            progress.RecordAssigned(partition);
        }

        Assert.Equal(1, progress.Rebalances);
        Assert.False(progress.EveryPartitionAssigned);

        foreach (var partition in new[] { 3, 4, 5, 0 })
        {
            progress.RecordAssigned(partition);
        }

        Assert.True(progress.EveryPartitionAssigned);
    }
}
