using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public class PayloadScheduleTests
{
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(100);

    [Theory]
    [InlineData(0.0, 512)]
    [InlineData(0.8333, 512)]
    [InlineData(0.8334, 576)]
    [InlineData(50.0, 4352)]
    [InlineData(99.99, 8128)]
    [InlineData(100.0, 8192)]
    [InlineData(250.0, 8192)]
    public void At_LinearGrowth_MovesIn64ByteBuckets(double seconds, int expected)
    {
        var schedule = new PayloadSchedule(new PayloadSpec { Size = 512, Growth = new PayloadGrowth { LinearTo = 8192 } }, Run);

        Assert.Equal(expected, schedule.At(TimeSpan.FromSeconds(seconds).Ticks).TargetSize);
    }

    [Fact]
    public void At_LinearGrowth_IntervalsTileTheRunAndAgreeWithTheSizes()
    {
        var schedule = new PayloadSchedule(new PayloadSpec { Size = 1000, Growth = new PayloadGrowth { LinearTo = 300 } }, Run);
        var ticks = 0L;
        var sizes = new List<int>();
        while (ticks < Run.Ticks)
        {
            var point = schedule.At(ticks);
            Assert.Equal(point.TargetSize, schedule.At(point.UntilTicks - 1).TargetSize);
            sizes.Add(point.TargetSize);
            ticks = point.UntilTicks;
        }

        Assert.Equal(Enumerable.Range(0, 11).Select(bucket => 1000 - (64 * bucket)), sizes);
        Assert.Equal(300, schedule.At(Run.Ticks).TargetSize);
    }

    [Fact]
    public void At_LinearGrowthOverAWideRange_KeepsAtMost1024Sizes()
    {
        var schedule = new PayloadSchedule(new PayloadSpec { Size = 1024, Growth = new PayloadGrowth { LinearTo = 4 << 20 } }, Run);
        var sizes = new HashSet<int>();
        for (var ticks = 0L; ticks < Run.Ticks; ticks = schedule.At(ticks).UntilTicks)
        {
            sizes.Add(schedule.At(ticks).TargetSize);
        }

        Assert.InRange(sizes.Count, 1000, 1024);
    }

    [Fact]
    public void At_SizeSteps_TakeEffectAtTheirOffsets()
    {
        var growth = new PayloadGrowth { Steps = [new SizeStep(TimeSpan.FromSeconds(30), 4096), new SizeStep(TimeSpan.FromSeconds(10), 2048)] };
        var schedule = new PayloadSchedule(new PayloadSpec { Size = 1024, Growth = growth }, Run);

        Assert.Equal(1024, schedule.At(TimeSpan.FromSeconds(9.9999).Ticks).TargetSize);
        Assert.Equal(2048, schedule.At(TimeSpan.FromSeconds(10).Ticks).TargetSize);
        Assert.Equal(4096, schedule.At(TimeSpan.FromSeconds(30).Ticks).TargetSize);
        Assert.Equal(4096, schedule.MaximumSize);
        Assert.Equal(TimeSpan.FromSeconds(30).Ticks, schedule.At(TimeSpan.FromSeconds(12).Ticks).UntilTicks);
    }

    [Fact]
    public void At_BlockSteps_AccumulateBlocksInTimeOrder()
    {
        var growth = new PayloadGrowth
        {
            Blocks = [new BlockStep(TimeSpan.FromSeconds(20), PayloadBlock.Retrieval), new BlockStep(TimeSpan.FromSeconds(10), PayloadBlock.Prompt)],
        };
        var schedule = new PayloadSchedule(new PayloadSpec { Blocks = [PayloadBlock.Explanation], Growth = growth }, Run);

        Assert.Equal([PayloadBlock.Explanation], schedule.BlockStates[schedule.At(0).BlockState]);
        Assert.Equal([PayloadBlock.Explanation, PayloadBlock.Prompt], schedule.BlockStates[schedule.At(TimeSpan.FromSeconds(15).Ticks).BlockState]);
        Assert.Equal(
            [PayloadBlock.Explanation, PayloadBlock.Prompt, PayloadBlock.Retrieval],
            schedule.BlockStates[schedule.At(TimeSpan.FromSeconds(20).Ticks).BlockState]);
    }

    [Fact]
    public void Constructor_LinearAndSteps_ThrowsNamingBoth()
    {
        var growth = new PayloadGrowth { LinearTo = 2048, Steps = [new SizeStep(TimeSpan.FromSeconds(1), 4096)] };

        var error = Assert.Throws<ArgumentException>(() => new PayloadSchedule(new PayloadSpec { Growth = growth }, Run));

        Assert.Contains("'linearTo' and 'steps'", error.Message, StringComparison.Ordinal);
    }
}
