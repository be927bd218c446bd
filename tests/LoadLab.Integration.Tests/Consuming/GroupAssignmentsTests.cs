using LoadLab.Engine.Consuming;

namespace LoadLab.Integration.Tests.Consuming;

public sealed class GroupAssignmentsTests
{
    [Fact]
    public void IsSettled_EveryPartitionHeldOnceByMembersThatAllJoined_IsTrue()
    {
        Assert.True(GroupAssignments.IsSettled(6, [[0, 1, 2], [3, 4, 5]]));
    }

    [Fact]
    public void IsSettled_MembersThatJoinedShareEveryPartitionButOneMemberHasNot_IsFalse()
    {
        // The mock's round for the members that made it: every partition is read, yet the late member's join will
        // rebalance the whole group.
        Assert.False(GroupAssignments.IsSettled(6, [[0, 1, 2], [3, 4, 5], null]));
    }

    [Fact]
    public void IsSettled_OldRoundStillHeldBesideTheNewMembersShare_IsFalseUntilEveryMemberHasTheNewRound()
    {
        // Two members held 0–2 and 3–5; the third member's assignment of the new round arrived first.
        Assert.False(GroupAssignments.IsSettled(6, [[0, 1, 2], [3, 4, 5], [4, 5]]));

        Assert.True(GroupAssignments.IsSettled(6, [[0, 1], [2, 3], [4, 5]]));
    }

    [Fact]
    public void IsSettled_APartitionNobodyHolds_IsFalse()
    {
        Assert.False(GroupAssignments.IsSettled(6, [[0, 1, 2], [3, 4]]));
    }

    [Fact]
    public void IsSettled_MoreMembersThanPartitionsWithEmptyAssignments_IsTrue()
    {
        Assert.True(GroupAssignments.IsSettled(1, [[], [0], []]));
    }

    [Fact]
    public void IsSettled_APartitionOutsideTheTopic_IsFalse()
    {
        Assert.False(GroupAssignments.IsSettled(2, [[0, 1, 2]]));
        Assert.False(GroupAssignments.IsSettled(2, [[0, 1, -1]]));
    }
}
