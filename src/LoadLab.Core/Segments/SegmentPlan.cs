using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Segments;

/// <summary>A producer instance of the whole run: its id is unique over every segment.</summary>
/// <param name="Id">Id carried in every message (and the delivery audit's index); the same in every segment's plan.</param>
/// <param name="Stream">The traffic stream it serves.</param>
/// <param name="Topic">The stream's topic.</param>
/// <param name="Instance">Its index among the stream's <paramref name="Instances"/>; keys, payloads and arrivals derive from it.</param>
/// <param name="Instances">Producer instances of the stream over all segments.</param>
/// <param name="Segment">The segment that runs it.</param>
public sealed record PlannedProducer(int Id, string Stream, string Topic, int Instance, int Instances, int Segment);

/// <summary>A consumer instance of the whole run: member <paramref name="Instance"/> of <paramref name="Group"/>, run by <paramref name="Segment"/>.</summary>
public sealed record PlannedMember(string Group, string Topic, int Instance, int Segment);

/// <summary>
/// Which share of a scenario one segment runs, so that the segments together run exactly the scenario:
/// <list type="bullet">
/// <item>a stream of <c>p</c> producers runs <c>N·⌈p/N⌉</c> producer instances over <c>N</c> segments (every segment the
/// same number), and segment <c>i</c> runs the instances <c>k</c> with <c>k mod N = i</c>. An instance sends the
/// stream's messages <c>k, k+n, k+2n…</c> (or a Poisson process at <c>1/n</c> of the rate), so the union of the
/// segments is the stream's schedule, message for message;</item>
/// <item>an instance's keys, payloads and arrival gaps come from seeds derived from (scenario seed, stream, instance),
/// and its instance number from (segment, local index): every segment is deterministic, and a stream split over N
/// workers sends the very messages one process with as many producers would;</item>
/// <item>producer ids are numbered over all streams and instances, in scenario order, so they are disjoint across
/// segments and the merged delivery audit knows every producer;</item>
/// <item>member <c>k</c> of a consumer group runs in segment <c>k mod N</c>; all of them join the same group;</item>
/// <item>segment 0 alone executes the fault timeline.</item>
/// </list>
/// A plan of <see cref="Segment.Whole"/> is what an ordinary run does: every producer and member, ids as always.
/// </summary>
public sealed class SegmentPlan
{
    private readonly bool[] _local;

    private SegmentPlan(Segment segment, IReadOnlyList<PlannedProducer> producers, IReadOnlyList<PlannedMember> members)
    {
        Segment = segment;
        Producers = producers;
        Members = members;
        _local = [.. producers.Select(p => p.Segment == segment.Index)];
    }

    public Segment Segment { get; }

    /// <summary>Every producer instance of the run (all segments), by id.</summary>
    public IReadOnlyList<PlannedProducer> Producers { get; }

    /// <summary>Every consumer instance of the run (all segments), in scenario order.</summary>
    public IReadOnlyList<PlannedMember> Members { get; }

    /// <summary>The producers this segment runs, by id.</summary>
    public IEnumerable<PlannedProducer> LocalProducers => Producers.Where(p => p.Segment == Segment.Index);

    /// <summary>The consumer instances this segment runs.</summary>
    public IEnumerable<PlannedMember> LocalMembers => Members.Where(m => m.Segment == Segment.Index);

    /// <summary>Producer instances of <paramref name="stream"/> over all segments (its <c>producers</c>, rounded up to a multiple of the segment count).</summary>
    public static int InstancesOf(TrafficStream stream, Segment segment)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var producers = Math.Max(1, stream.Producers);
        return segment.Count * ((producers + segment.Count - 1) / segment.Count);
    }

    /// <summary>The plan of <paramref name="segment"/> of <paramref name="scenario"/>.</summary>
    public static SegmentPlan Create(Scenario scenario, Segment segment)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(segment.Count, 1, nameof(segment));
        ArgumentOutOfRangeException.ThrowIfNegative(segment.Index, nameof(segment));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(segment.Index, segment.Count, nameof(segment));
        var producers = new List<PlannedProducer>();
        foreach (var stream in scenario.Traffic)
        {
            var instances = InstancesOf(stream, segment);
            for (var k = 0; k < instances; k++)
            {
                producers.Add(new PlannedProducer(producers.Count, stream.Name, stream.Topic, k, instances, k % segment.Count));
            }
        }

        var members = scenario.Consumers
            .SelectMany(c => Enumerable.Range(0, c.Instances).Select(k => new PlannedMember(c.Group, c.Topic, k, k % segment.Count)))
            .ToList();
        return new SegmentPlan(segment, producers, members);
    }

    /// <summary>Whether producer <paramref name="producerId"/> runs in this segment (false for ids outside the plan).</summary>
    public bool IsLocal(int producerId) => (uint)producerId < (uint)_local.Length && _local[producerId];

    /// <summary>
    /// The share of <paramref name="stream"/>'s schedule this segment sends: its instances over the stream's. Exact for
    /// uniform arrivals (every n-th message); the expected share for Poisson arrivals.
    /// </summary>
    public double ShareOf(TrafficStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var all = Producers.Count(p => p.Stream == stream.Name);
        return all == 0 ? 0 : (double)Producers.Count(p => p.Stream == stream.Name && p.Segment == Segment.Index) / all;
    }

    /// <summary>
    /// The run nonce every message of the run carries (so consumers ignore other runs' messages in the same topic):
    /// derived from the run id when the run is split, so that every segment's consumers accept every segment's
    /// messages; random otherwise.
    /// </summary>
    public static long NonceOf(string runId, Segment segment)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (segment.IsWhole)
        {
            return Random.Shared.NextInt64(1, long.MaxValue);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("loadlab-run:" + runId));
        var nonce = BinaryPrimitives.ReadInt64BigEndian(hash) & long.MaxValue;
        return nonce == 0 ? 1 : nonce;
    }
}
