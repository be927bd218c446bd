namespace LoadLab.Engine.Consuming;

/// <summary>When a consumer group's members have settled on one assignment, so that a run may start measuring.</summary>
internal static class GroupAssignments
{
    /// <summary>
    /// True when every member has joined (a non-null assignment) and each of the topic's <paramref name="partitions"/>
    /// is held by exactly one member: nobody waits for a round, and no member still holds a previous round's share.
    /// </summary>
    /// <param name="partitions">The partitions of the group's topic.</param>
    /// <param name="memberAssignments">Each member's current partitions; null for a member that has not joined yet.</param>
    public static bool IsSettled(int partitions, IEnumerable<IReadOnlyList<int>?> memberAssignments)
    {
        var holders = new int[partitions];
        foreach (var assignment in memberAssignments)
        {
            if (assignment is null)
            {
                return false;
            }

            foreach (var partition in assignment)
            {
                if ((uint)partition >= (uint)partitions || ++holders[partition] > 1)
                {
                    return false;
                }
            }
        }

        return Array.TrueForAll(holders, count => count == 1);
    }
}
