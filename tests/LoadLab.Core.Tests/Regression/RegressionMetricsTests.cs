using LoadLab.Core.Regression;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Regression;

public sealed class RegressionMetricsTests
{
    [Theory]
    [InlineData("recovery", "s")]
    [InlineData("rate.achieved", "msg/s")]
    [InlineData("lost", "msg")]
    [InlineData("duplicated", "msg")]
    [InlineData("reordered", "msg")]
    [InlineData("produce.p99", "ms")]
    public void Unit_EachKindOfMetric_IsItsUnit(string metric, string unit)
    {
        Assert.Equal(unit, RegressionMetrics.Unit(metric));
    }

    [Theory]
    [InlineData("lost", 3.0, "3 msg")]
    [InlineData("produce.p99", 12.3456, "12.35 ms")]
    [InlineData("produce.p99", 123.456, "123 ms")]
    [InlineData("produce.p99", -150.4, "-150 ms")]
    [InlineData("produce.p99", 99.996, "100 ms")]
    [InlineData("rate.achieved", 1234.5, "1235 msg/s")]
    [InlineData("recovery", double.PositiveInfinity, "∞")]
    [InlineData("recovery", null, "–")]
    public void Format_Value_HasTwoDecimalsBelowAHundredWholeNumbersAboveAndForCounts(string metric, double? value, string expected)
    {
        Assert.Equal(expected, RegressionMetrics.Format(metric, value));
    }

    [Theory]
    [InlineData(true, "produce.p99", 0.123, "+12.3%")]
    [InlineData(true, "produce.p99", -0.05, "−5%")]
    [InlineData(true, "produce.p99", 0.0, "+0%")]
    [InlineData(false, "produce.p99", 4.1, "+4.1 ms")]
    [InlineData(false, "lost", -2.0, "−2 msg")]
    [InlineData(true, "recovery", double.PositiveInfinity, "+∞")]
    [InlineData(true, "recovery", double.NegativeInfinity, "−∞")]
    [InlineData(true, "recovery", null, "–")]
    public void FormatChange_Change_IsSignedInTheRulesMeasure(bool relative, string metric, double? change, string expected)
    {
        var rule = relative ? RegressionRule.Relative(metric, 0.1) : RegressionRule.Absolute(metric, 1);

        Assert.Equal(expected, RegressionMetrics.FormatChange(rule, change));
    }

    [Theory]
    [InlineData(0.00005, "p < 0.0001")]
    [InlineData(0.0001, "p = 0.0001")]
    [InlineData(0.0123, "p = 0.0123")]
    public void PClause_PValue_StatesItOrItsBound(double p, string expected)
    {
        Assert.Equal(expected, RegressionMetrics.PClause(p));
    }

    [Theory]
    [InlineData(0.00009, "<0.0001")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00041, "0.0004")]
    [InlineData(0.04, "0.04")]
    [InlineData(null, "–")]
    public void FormatP_PValue_KeepsFourDecimals(double? p, string expected)
    {
        Assert.Equal(expected, RegressionMetrics.FormatP(p));
    }

    [Fact]
    public void IsCount_AuditCountsOnly()
    {
        Assert.Equal([true, true, true, false, false], new[] { "lost", "duplicated", "reordered", "recovery", "produce.p99" }.Select(RegressionMetrics.IsCount));
    }

    [Fact]
    public void NamesOf_EveryVerdictAndMethod_HasItsOwnWords()
    {
        Assert.Equal(
            ["improved", "unchanged", "regressed", "insufficient data"],
            new[] { Verdict.Improved, Verdict.Unchanged, Verdict.Regressed, Verdict.InsufficientData }.Select(Names.Of));
        Assert.Equal(
            ["per-second values", "one value per run", "exact count"],
            new[] { ComparisonMethod.PerSecond, ComparisonMethod.PerRun, ComparisonMethod.ExactCount }.Select(Names.Of));
    }
}
