using LoadLab.Core.Scenarios;
using LoadLab.Core.Segments;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Segments;

public sealed class SegmentTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("0/3", 0, 3)]
    [InlineData("2/3", 2, 3)]
    [InlineData("0/1", 0, 1)]
    [InlineData("1023/1024", 1023, 1024)]
    public void Parse_IndexOverCount_IsThatSegment(string text, int index, int count)
    {
        var segment = Segment.Parse(text, NoEnvironment, out var problem);

        Assert.Null(problem);
        Assert.Equal(new Segment(index, count), segment);
    }

    [Theory]
    [InlineData("3/3", "from 0 to 2")]
    [InlineData("-1/3", "from 0 to 2")]
    [InlineData("1/0", "from 1 to 1024")]
    [InlineData("1/1025", "from 1 to 1024")]
    [InlineData("1", "index/count")]
    [InlineData("a/3", "from 0 to 2")]
    [InlineData(" 1/3", "from 0 to 2")]
    public void Parse_NotASegment_NamesTheProblem(string text, string expected)
    {
        var segment = Segment.Parse(text, NoEnvironment, out var problem);

        Assert.Null(segment);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JobIndex_ReadsJobCompletionIndexAsKubernetesSetsIt()
    {
        var segment = Segment.Parse("job/8", name => name == "JOB_COMPLETION_INDEX" ? "5" : null, out var problem);

        Assert.Null(problem);
        Assert.Equal(new Segment(5, 8), segment);
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("8", "from 0 to 7")]
    [InlineData("x", "from 0 to 7")]
    public void Parse_JobIndexMissingOrOutOfRange_SaysWhichVariable(string? value, string expected)
    {
        var segment = Segment.Parse("job/8", _ => value, out var problem);

        Assert.Null(segment);
        Assert.Contains("JOB_COMPLETION_INDEX", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ThreeSegments_ProducerIdsDisjointAndEveryInstanceOnce()
    {
        var scenario = Scenario(producers: 4, instances: 5);

        var plans = Enumerable.Range(0, 3).Select(i => SegmentPlan.Create(scenario, new Segment(i, 3))).ToList();
        var local = plans.SelectMany(p => p.LocalProducers).ToList();

        // 4 producers round up to 6 over 3 segments (2 each), on each stream.
        Assert.Equal(12, local.Count);
        Assert.Equal(Enumerable.Range(0, 12), local.Select(p => p.Id).Order());
        Assert.All(plans, p => Assert.Equal(4, p.LocalProducers.Count()));
        Assert.All(plans, p => Assert.Equal(plans[0].Producers, p.Producers));
        Assert.Equal([2, 2, 1], plans.Select(p => p.LocalMembers.Count()));
        Assert.Equal(Enumerable.Range(0, 5), plans.SelectMany(p => p.LocalMembers).Select(m => m.Instance).Order());
        Assert.All(plans, p => Assert.All(p.LocalProducers, producer => Assert.True(p.IsLocal(producer.Id))));
        Assert.False(plans[0].IsLocal(plans[1].LocalProducers.First().Id));
    }

    [Fact]
    public void Create_Whole_IsWhatARunInOneProcessDoes()
    {
        var scenario = Scenario(producers: 4, instances: 5);

        var plan = SegmentPlan.Create(scenario, Segment.Whole);

        Assert.Equal(8, plan.LocalProducers.Count());
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], plan.Producers.Select(p => p.Instance));
        Assert.Equal(5, plan.LocalMembers.Count());
        Assert.Equal(1.0, plan.ShareOf(scenario.Traffic[0]));
    }

    [Fact]
    public void Create_UniformStreamOverThreeSegments_UnionOfTheirArrivalsIsTheStreamsScheduleExactly()
    {
        var scenario = Scenario(producers: 3, instances: 1);
        var stream = scenario.Traffic[0];
        var schedule = RateSchedule.Create(stream, scenario.TotalDuration);
        var whole = Arrivals(schedule, stream, 0, 1);

        var split = Enumerable.Range(0, 3)
            .SelectMany(i => SegmentPlan.Create(scenario, new Segment(i, 3)).LocalProducers.Where(p => p.Stream == stream.Name))
            .SelectMany(p => Arrivals(schedule, stream, p.Instance, p.Instances))
            .Order()
            .ToList();

        Assert.Equal(whole.Count, split.Count);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void NonceOf_SplitRun_SameForEverySegmentAndDiffersByRun()
    {
        var a = SegmentPlan.NonceOf("run-a", new Segment(0, 3));

        Assert.Equal(a, SegmentPlan.NonceOf("run-a", new Segment(2, 3)));
        Assert.NotEqual(a, SegmentPlan.NonceOf("run-b", new Segment(0, 3)));
        Assert.True(a > 0);
    }

    [Fact]
    public void SkewBoundMs_OneKernel_IsZeroWhateverTheNtpState()
    {
        var a = new ClockReading(ClockSource.KernelNtp, false, 0, 16000, 16000, "boot-1", "a");
        var b = a with { Host = "b" };

        Assert.Equal(0, ClockReading.SkewBoundMs(a, b));
    }

    [Fact]
    public void SkewBoundMs_TwoSynchronisedMachines_IsTheSumOfTheirMaximumErrors()
    {
        var a = new ClockReading(ClockSource.KernelNtp, true, 0.1, 1.5, 0.2, "boot-1", "a");
        var b = new ClockReading(ClockSource.KernelNtp, true, -0.3, 2.25, 0.4, "boot-2", "b");

        Assert.Equal(3.75, ClockReading.SkewBoundMs(a, b));
        Assert.Null(ClockReading.SkewBoundMs(a, b with { Synchronized = false }));
        Assert.Null(ClockReading.SkewBoundMs(a, b with { Source = ClockSource.Unavailable }));
    }

    private static List<long> Arrivals(RateSchedule schedule, TrafficStream stream, int index, int producers)
    {
        var arrivals = new ArrivalSequence(schedule, stream.Arrivals, index, producers, 7, stream.Name);
        var times = new List<long>();
        for (var next = arrivals.Next(); next >= 0; next = arrivals.Next())
        {
            times.Add(next);
        }

        return times;
    }

    private static Scenario Scenario(int producers, int instances) => new()
    {
        Name = "split",
        Duration = TimeSpan.FromSeconds(3),
        Topics = [new TopicSpec("orders", 6, 1), new TopicSpec("audit", 2, 1)],
        Traffic =
        [
            new TrafficStream { Name = "orders", Topic = "orders", Rate = 1000, Producers = producers },
            new TrafficStream { Name = "audit", Topic = "audit", Rate = 500, Producers = producers },
        ],
        Consumers = [new ConsumerGroupSpec("readers", "orders", instances, TimeSpan.Zero, new Dictionary<string, string>())],
    };
}
