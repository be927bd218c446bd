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

    [Theory]
    [InlineData(1_000, 1_000 + 917_504)]
    [InlineData(1_000, 1_000 + 917_505)]
    [InlineData(100_000, 1_000_000)]
    [InlineData(1_000_000, 100_000)]
    [InlineData(2_000, 1_000)]
    public void At_LinearGrowth_StepIsTheFinest64ByteMultipleThatTakesAtMost1024Steps(int from, int to)
    {
        var schedule = new PayloadSchedule(new PayloadSpec { Size = from, Growth = new PayloadGrowth { LinearTo = to } }, Run);
        var sizes = new List<int>();
        for (var ticks = 0L; ticks < Run.Ticks; ticks = schedule.At(ticks).UntilTicks)
        {
            sizes.Add(schedule.At(ticks).TargetSize);
        }

        sizes.Add(schedule.At(Run.Ticks).TargetSize);
        var steps = sizes.Zip(sizes.Skip(1), (before, after) => Math.Abs(after - before)).ToList();
        var step = steps[0];
        var distance = Math.Abs(to - from);

        Assert.Equal(to, sizes[^1]);
        Assert.All(steps.SkipLast(1), each => Assert.Equal(step, each));
        Assert.InRange(steps[^1], 1, step);
        Assert.Equal(0, step % PayloadSchedule.Granularity);
        Assert.InRange(steps.Count, 1, 1_024);
        // A step one granule finer would need more than 1,024 steps (or be below the granule).
        Assert.True(step == PayloadSchedule.Granularity || (step - PayloadSchedule.Granularity) * 1_024L < distance, $"step {step} B for {distance} B");
    }

    [Fact]
    public void At_LinearGrowthAndABlockStep_TheIntervalIsWhereBothHold()
    {
        // 64 B more every second (100 buckets of 1 s); a block switches on at 10.5 s, inside the bucket of 10 s.
        var growth = new PayloadGrowth { LinearTo = 64 + 6_400, Blocks = [new BlockStep(TimeSpan.FromSeconds(10.5), PayloadBlock.Prompt)] };
        var schedule = new PayloadSchedule(new PayloadSpec { Size = 64, Growth = growth }, Run);

        Assert.Equal(new SchedulePoint(64 + 640, 0, TimeSpan.FromSeconds(10).Ticks, TimeSpan.FromSeconds(10.5).Ticks), schedule.At(TimeSpan.FromSeconds(10.2).Ticks));
        Assert.Equal(new SchedulePoint(64 + 640, 1, TimeSpan.FromSeconds(10.5).Ticks, TimeSpan.FromSeconds(11).Ticks), schedule.At(TimeSpan.FromSeconds(10.7).Ticks));
        Assert.Equal(new SchedulePoint(64 + 704, 1, TimeSpan.FromSeconds(11).Ticks, TimeSpan.FromSeconds(12).Ticks), schedule.At(TimeSpan.FromSeconds(11).Ticks));
    }

    [Fact]
    public void At_LinearGrowthOutsideTheRun_HoldsTheStartSizeBeforeAndTheTargetSizeAfter()
    {
        var schedule = new PayloadSchedule(new PayloadSpec { Size = 512, Growth = new PayloadGrowth { LinearTo = 8192 } }, Run);

        Assert.Equal(new SchedulePoint(512, 0, long.MinValue, 0), schedule.At(-1));
        Assert.Equal(new SchedulePoint(8192, 0, Run.Ticks, long.MaxValue), schedule.At(Run.Ticks));
        Assert.Equal(new SchedulePoint(8192, 0, Run.Ticks, long.MaxValue), schedule.At(Run.Ticks * 3));
    }

    [Theory]
    [InlineData(0, null, null, "payload.size")]
    [InlineData(1_024, 0, null, "payload.growth.linearTo")]
    [InlineData(1_024, null, -5, "payload.growth.steps[].size")]
    public void Constructor_SizeBelowOneByte_ThrowsNamingTheSetting(int size, int? linearTo, int? stepSize, string setting)
    {
        var growth = new PayloadGrowth { LinearTo = linearTo, Steps = stepSize is { } bytes ? [new SizeStep(TimeSpan.FromSeconds(1), bytes)] : [] };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PayloadSchedule(new PayloadSpec { Size = size, Growth = growth }, Run));

        Assert.Equal(setting, error.ParamName);
        Assert.Contains($"{setting} must be at least 1 byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OneByteSizes_AreAccepted()
    {
        var steps = new PayloadSchedule(new PayloadSpec { Size = 1, Growth = new PayloadGrowth { Steps = [new SizeStep(TimeSpan.FromSeconds(1), 1)] } }, Run);
        var linear = new PayloadSchedule(new PayloadSpec { Size = 1, Growth = new PayloadGrowth { LinearTo = 1 } }, Run);

        Assert.Equal(1, steps.At(TimeSpan.FromSeconds(2).Ticks).TargetSize);
        Assert.Equal(1, linear.At(TimeSpan.FromSeconds(2).Ticks).TargetSize);
        Assert.Equal(1, linear.MaximumSize);
    }
}
