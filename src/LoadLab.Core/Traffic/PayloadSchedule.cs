using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// The payload plan over a run: the target value size and the set of optional envelope blocks that are
/// switched on, as functions of the elapsed time. Linear growth moves in buckets (64 B, or the finest multiple
/// of 64 B that reaches the target in at most 1,024 steps), so a size holds for an interval and the
/// per-message path only compares the time with the end of the current interval.
/// </summary>
internal sealed class PayloadSchedule
{
    public const int Granularity = 64;
    private const int MaximumBuckets = 1024;

    private readonly int _baseSize;
    private readonly int? _linearTo;
    private readonly long _runTicks;
    private readonly int _linearStep;
    private readonly (long AtTicks, int Size)[] _sizeSteps;
    private readonly long[] _blockStepTicks;

    public PayloadSchedule(PayloadSpec spec, TimeSpan runDuration)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RequireSize(spec.Size, "payload.size");
        _baseSize = spec.Size;
        _runTicks = Math.Max(1, runDuration.Ticks);
        var growth = spec.Growth ?? new PayloadGrowth();
        if (growth.LinearTo is { } linearTo)
        {
            RequireSize(linearTo, "payload.growth.linearTo");
            if (growth.Steps.Count > 0)
            {
                throw new ArgumentException(
                    "payload.growth has both 'linearTo' and 'steps': choose one size schedule (steps can approximate a ramp).",
                    nameof(spec));
            }

            _linearTo = linearTo;
            // The finest step of whole granules that covers the distance in at most MaximumBuckets steps: each granule
            // of the step covers MaximumBuckets × Granularity bytes of the distance.
            const long coveredPerGranule = (long)MaximumBuckets * Granularity;
            var distance = Math.Abs(linearTo - spec.Size);
            _linearStep = (int)(Math.Max(1, (distance + coveredPerGranule - 1) / coveredPerGranule) * Granularity);
        }

        foreach (var step in growth.Steps)
        {
            RequireSize(step.Size, "payload.growth.steps[].size");
        }

        _sizeSteps = growth.Steps.OrderBy(step => step.At).Select(step => (step.At.Ticks, step.Size)).ToArray();
        var blockSteps = growth.Blocks.OrderBy(step => step.At).ToArray();
        _blockStepTicks = blockSteps.Select(step => step.At.Ticks).ToArray();

        var states = new List<PayloadBlock[]>();
        var active = new SortedSet<PayloadBlock>(spec.Blocks);
        states.Add([.. active]);
        foreach (var step in blockSteps)
        {
            active.Add(step.Block);
            states.Add([.. active]);
        }

        BlockStates = states;
        MaximumSize = Math.Max(_baseSize, Math.Max(_linearTo ?? 0, _sizeSteps.Length == 0 ? 0 : _sizeSteps.Max(step => step.Size)));
    }

    /// <summary>Block sets in time order: state k is the initial blocks plus the first k switched on.</summary>
    public IReadOnlyList<PayloadBlock[]> BlockStates { get; }

    /// <summary>The largest target size of the run.</summary>
    public int MaximumSize { get; }

    /// <summary>The target size and block state at <paramref name="elapsedTicks"/>, and the interval they hold for.</summary>
    public SchedulePoint At(long elapsedTicks)
    {
        var from = long.MinValue;
        var until = long.MaxValue;

        var blockState = 0;
        while (blockState < _blockStepTicks.Length && _blockStepTicks[blockState] <= elapsedTicks)
        {
            from = _blockStepTicks[blockState];
            blockState++;
        }

        if (blockState < _blockStepTicks.Length)
        {
            until = _blockStepTicks[blockState];
        }

        var size = _baseSize;
        if (_linearTo is { } linearTo)
        {
            (size, var sizeFrom, var sizeUntil) = LinearAt(elapsedTicks, linearTo);
            from = Math.Max(from, sizeFrom);
            until = Math.Min(until, sizeUntil);
        }
        else
        {
            var step = 0;
            while (step < _sizeSteps.Length && _sizeSteps[step].AtTicks <= elapsedTicks)
            {
                size = _sizeSteps[step].Size;
                from = Math.Max(from, _sizeSteps[step].AtTicks);
                step++;
            }

            if (step < _sizeSteps.Length)
            {
                until = Math.Min(until, _sizeSteps[step].AtTicks);
            }
        }

        return new SchedulePoint(size, blockState, from, until);
    }

    private (int Size, long From, long Until) LinearAt(long elapsedTicks, int linearTo)
    {
        if (elapsedTicks >= _runTicks)
        {
            return (linearTo, _runTicks, long.MaxValue);
        }

        if (elapsedTicks < 0)
        {
            return (_baseSize, long.MinValue, 0);
        }

        var distance = Math.Abs(linearTo - _baseSize);
        var direction = Math.Sign(linearTo - _baseSize);
        if (distance == 0)
        {
            return (_baseSize, long.MinValue, long.MaxValue);
        }

        // Bucket k holds from the time the ramp reaches k steps until it reaches k + 1 (or the end of the run).
        var bucket = (long)((Int128)distance * elapsedTicks / ((Int128)_runTicks * _linearStep));
        var covered = Math.Min(distance, bucket * _linearStep);
        var bucketStart = StartOf(bucket, distance);
        var nextCovered = (bucket + 1) * _linearStep;
        var bucketEnd = nextCovered >= distance ? _runTicks : StartOf(bucket + 1, distance);
        return (_baseSize + (direction * (int)covered), bucketStart, bucketEnd);
    }

    // Integer arithmetic, so that StartOf(k) <= t exactly when t falls in bucket k or later.
    private long StartOf(long bucket, int distance) =>
        (long)(((Int128)bucket * _linearStep * _runTicks + distance - 1) / distance);

    private static void RequireSize(int size, string path)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(path, size, $"{path} must be at least 1 byte.");
        }
    }
}

/// <summary>The payload plan at one moment: target size, block state and the ticks interval [From, Until) it holds for.</summary>
internal readonly record struct SchedulePoint(int TargetSize, int BlockState, long FromTicks, long UntilTicks);
