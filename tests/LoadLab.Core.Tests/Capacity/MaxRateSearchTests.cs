using LoadLab.Core.Capacity;

namespace LoadLab.Core.Tests.Capacity;

public sealed class MaxRateSearchTests
{
    private static RateStepOutcome Pass(double rate) => new(true, rate, 5, []);

    private static RateStepOutcome Fail(double rate) => new(false, rate * 0.8, 500, ["produce.p99"]);

    private static Func<double, CancellationToken, Task<RateStepOutcome>> Knee(double knee, List<double>? calls = null) => (rate, _) =>
    {
        calls?.Add(rate);
        return Task.FromResult(rate <= knee ? Pass(rate) : Fail(rate));
    };

    [Fact]
    public async Task RunAsync_MonotoneKnee_FindsKneeWithinPrecisionAndConfirmsIt()
    {
        var search = new MaxRateSearch(new MaxRateSearchOptions { StartRate = 1_000, Precision = 0.05, MaxSteps = 30 }, Knee(13_000));

        var result = await search.RunAsync(CancellationToken.None);

        Assert.NotNull(result.KneeRate);
        Assert.InRange(result.KneeRate.Value, 13_000 / 1.05, 13_000);
        Assert.NotNull(result.FirstFailingRate);
        Assert.InRange(result.FirstFailingRate.Value, 13_000, result.KneeRate.Value * 1.05);
        Assert.True(result.Confirmed);
        Assert.False(result.ReachedCap);
        Assert.Equal("confirm", result.Steps[^1].Purpose);
        Assert.Equal(5, result.KneeProduceP99Ms);
    }

    [Fact]
    public async Task RunAsync_OneBadRunAtALowRate_DoesNotCollapseTheSearch()
    {
        var firstAt2000 = true;
        var search = new MaxRateSearch(new MaxRateSearchOptions { StartRate = 1_000, MaxSteps = 30 }, (rate, _) =>
        {
            if (rate == 2_000 && firstAt2000)
            {
                firstAt2000 = false;
                return Task.FromResult(Fail(rate));
            }

            return Task.FromResult(rate <= 50_000 ? Pass(rate) : Fail(rate));
        });

        var result = await search.RunAsync(CancellationToken.None);

        Assert.InRange(result.KneeRate!.Value, 50_000 / 1.05, 50_000);
        Assert.Contains(result.Steps, s => s.Purpose == "retry" && s.TargetRate == 2_000 && s.Outcome.Passed);
    }

    [Fact]
    public async Task RunAsync_NeverPassing_StepsDownToTheMinimumAndReportsNoKnee()
    {
        var calls = new List<double>();
        var search = new MaxRateSearch(new MaxRateSearchOptions { StartRate = 1_000, MinRate = 100, MaxSteps = 30 }, Knee(0, calls));

        var result = await search.RunAsync(CancellationToken.None);

        Assert.Null(result.KneeRate);
        Assert.False(result.Confirmed);
        Assert.All(calls, rate => Assert.InRange(rate, 100, 1_000));
        Assert.Equal(125, result.FirstFailingRate);
    }

    [Fact]
    public async Task RunAsync_AlwaysPassing_StopsAtTheCap()
    {
        var calls = new List<double>();
        var search = new MaxRateSearch(new MaxRateSearchOptions { StartRate = 1_000, MaxRate = 10_000, MaxSteps = 30 }, Knee(double.MaxValue, calls));

        var result = await search.RunAsync(CancellationToken.None);

        Assert.True(result.ReachedCap);
        Assert.Equal(10_000, result.KneeRate);
        Assert.Null(result.FirstFailingRate);
        Assert.All(calls, rate => Assert.True(rate <= 10_000));
    }

    [Fact]
    public async Task RunAsync_LuckyPassAtTheKnee_ConfirmationMovesTheKneeDown()
    {
        var passesAt8000 = 1;
        var search = new MaxRateSearch(new MaxRateSearchOptions { StartRate = 1_000, Precision = 0.5, MaxSteps = 30 }, (rate, _) =>
        {
            if (rate == 8_000)
            {
                return Task.FromResult(passesAt8000-- > 0 ? Pass(rate) : Fail(rate));
            }

            return Task.FromResult(rate <= 6_000 ? Pass(rate) : Fail(rate));
        });

        var result = await search.RunAsync(CancellationToken.None);

        Assert.True(result.KneeRate < 8_000);
        Assert.True(result.Confirmed);
        Assert.True(result.FirstFailingRate <= 8_000);
    }

    [Fact]
    public async Task RunAsync_StepBudget_IsNeverExceeded()
    {
        var calls = new List<double>();
        var search = new MaxRateSearch(new MaxRateSearchOptions { StartRate = 1, MaxSteps = 7, Precision = 0.001 }, Knee(777_777, calls));

        var result = await search.RunAsync(CancellationToken.None);

        Assert.True(calls.Count <= 7);
        Assert.Equal(calls.Count, result.Steps.Count);
        Assert.NotNull(result.KneeRate);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new MaxRateSearch(
            new MaxRateSearchOptions { StartRate = 0, Growth = 1, Precision = 2, MaxSteps = 1 }, Knee(1)));

        Assert.Contains("StartRate", error.Message, StringComparison.Ordinal);
        Assert.Contains("Growth", error.Message, StringComparison.Ordinal);
        Assert.Contains("Precision", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxSteps", error.Message, StringComparison.Ordinal);
    }
}
