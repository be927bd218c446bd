using System.Globalization;
using LoadLab.Core.Cost;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

/// <summary>
/// The sourced values of price sheets and platform profiles as the loaders read them: the value in the model's unit
/// with where and how it was written, or every problem whole (file:line:column, YAML path, what was expected, the fix).
/// </summary>
public sealed class SourcedValuesTests
{
    private const string Cited = "  source: https://aws.amazon.com/ebs/pricing/\n  date: 2026-12-06\n";

    private static readonly DateOnly Read20261206 = new(2026, 12, 6);

    /// <summary>Reads <paramref name="yaml"/> as sheet.yaml and returns what <paramref name="read"/> gives and every problem as the user sees it.</summary>
    private static (SourcedValue? Value, string[] Problems) Read(string yaml, Func<YamlMap, SourcedValue?> read)
    {
        var problems = new YamlProblems("sheet.yaml");
        var root = YamlDocumentReader.ParseRoot(yaml, YamlShape.FreeForm("price sheet"), problems)!;
        var value = read(root);
        return (value, [.. problems.InFileOrder().Select(p => p.ToString())]);
    }

    private static (SourcedValue? Value, string[] Problems) Read(string yaml, Quantity quantity, double min = 0, double max = double.MaxValue, bool exclusiveMin = false) =>
        Read(yaml, root => SourcedValues.Read(root, "x", quantity, min: min, max: max, exclusiveMin: exclusiveMin));

    [Fact]
    public void Read_BandwidthInGbps_IsConvertedToMiBpsAndKeepsItsCitationAndHowItWasWritten()
    {
        var (value, problems) = Read(
            "name: test\nx:\n  value: 0.781\n  unit: Gbps\n  source: https://aws.amazon.com/ec2/instance-types/\n  date: 2026-12-06\n  note: up to 12.5 Gbps burst\n  confirmed: false\n",
            Quantity.Bandwidth);

        Assert.Empty(problems);
        // Gbps are decimal bits: 0.781 × 10^9 / 8 bytes per second, in MiB (2^20 bytes).
        Assert.Equal(
            new SourcedValue(0.781 * (1e9 / 8 / (1 << 20)), "MiB/s", "https://aws.amazon.com/ec2/instance-types/", Read20261206,
                "up to 12.5 Gbps burst", "sheet.yaml:3 x", "0.781 Gbps", Confirmed: false),
            value);
    }

    [Fact]
    public void Read_PlainNumberWithoutNoteOrConfirmation_IsWrittenInFullDecimalsAndConfirmed()
    {
        // 0.00001 must not become "1E-05": the written value is checked against its page as the page writes it.
        var (value, problems) = Read("x:\n  value: 0.00001\n" + Cited, Quantity.Number);

        Assert.Empty(problems);
        Assert.Equal(new SourcedValue(0.00001, "", "https://aws.amazon.com/ebs/pricing/", Read20261206, "", "sheet.yaml:2 x", "0.00001"), value);
    }

    [Fact]
    public void Read_DurationAndSizeInTheOneGrammar_AreInTheModelsUnitsAndWrittenAsInTheFile()
    {
        var (hours, hourProblems) = Read("x:\n  value: 1h30m\n" + Cited, Quantity.DurationIn("hours", 3600));
        var (size, sizeProblems) = Read("x:\n  value: 468GB\n" + Cited, Quantity.Size);

        Assert.Empty(hourProblems);
        Assert.Empty(sizeProblems);
        Assert.Equal(new SourcedValue(1.5, "hours", "https://aws.amazon.com/ebs/pricing/", Read20261206, "", "sheet.yaml:2 x", "1h30m"), hours);
        Assert.Equal(new SourcedValue(468e9 / (1L << 30), "GiB", "https://aws.amazon.com/ebs/pricing/", Read20261206, "", "sheet.yaml:2 x", "468GB"), size);
    }

    [Fact]
    public void Read_MissingRequiredValues_AreEachNamedWithTheSourcedFormOfTheirQuantityAsTheFix()
    {
        var (_, problems) = Read("name: test\n", root =>
        {
            Assert.Null(SourcedValues.Read(root, "hours-per-month", Quantity.DurationIn("hours", 3600)));
            Assert.Null(SourcedValues.Read(root, "memory", Quantity.Size));
            Assert.Null(SourcedValues.Read(root, "vcpus", Quantity.Number));
            Assert.Null(SourcedValues.Read(root, "on-demand", Quantity.Exactly("USD/hour")));
            Assert.Null(SourcedValues.ReadFlag(root, "follower-fetching"));
            return SourcedValues.Read(root, "one-year", Quantity.Exactly("USD/hour"), required: false);
        });

        Assert.Equal(
            [
                "sheet.yaml:1:1: hours-per-month: missing required key \"hours-per-month\" in price sheet. Fix: add hours-per-month: { value: 5m, source: <url>, date: <yyyy-mm-dd> }",
                "sheet.yaml:1:1: memory: missing required key \"memory\" in price sheet. Fix: add memory: { value: 64GiB, source: <url>, date: <yyyy-mm-dd> }",
                "sheet.yaml:1:1: vcpus: missing required key \"vcpus\" in price sheet. Fix: add vcpus: { value: <number>, source: <url>, date: <yyyy-mm-dd> }",
                "sheet.yaml:1:1: on-demand: missing required key \"on-demand\" in price sheet. Fix: add on-demand: { value: <number>, unit: USD/hour, source: <url>, date: <yyyy-mm-dd> }",
                "sheet.yaml:1:1: follower-fetching: missing required key \"follower-fetching\" in price sheet. Fix: add follower-fetching: { value: true, source: <url>, date: <yyyy-mm-dd> }",
            ],
            problems);
    }

    [Fact]
    public void Read_BareValueWithoutItsSource_IsRefusedWithTheSourcedFormAsTheFix()
    {
        var (_, problems) = Read("on-demand: 0.126\nfollower-fetching: true\n", root =>
        {
            Assert.Null(SourcedValues.ReadFlag(root, "follower-fetching"));
            return SourcedValues.Read(root, "on-demand", Quantity.Exactly("USD/hour"));
        });

        Assert.Equal(
            [
                "sheet.yaml:1:12: on-demand: expected a mapping (sourced value), got 0.126. Fix: e.g. on-demand: { value: <number>, unit: USD/hour, source: <url>, date: <yyyy-mm-dd> }",
                "sheet.yaml:2:20: follower-fetching: expected a mapping (sourced value), got true. Fix: e.g. follower-fetching: { value: true, source: <url>, date: <yyyy-mm-dd> }",
            ],
            problems);
    }

    [Theory]
    [InlineData(0, double.MaxValue, false, "-1", "expected a number of at least 0, got -1. Fix: e.g. value: 1")]
    [InlineData(0, double.MaxValue, true, "0", "expected a number above 0, got 0. Fix: e.g. value: 1")]
    [InlineData(1, 744, false, "745", "expected a number from 1 to 744, got 745. Fix: e.g. value: 1")]
    [InlineData(0, 10, false, "10.5", "expected a number from 0 to 10, got 10.5. Fix: e.g. value: 1")]
    [InlineData(2.5, double.MaxValue, false, "2", "expected a number of at least 2.5, got 2. Fix: e.g. value: 2.5")]
    public void Read_NumberOutOfItsRange_NamesTheRangeAndAnExampleWithinIt(double min, double max, bool exclusiveMin, string written, string expected)
    {
        var (value, problems) = Read($"x:\n  value: {written}\n" + Cited, Quantity.Number, min, max, exclusiveMin);

        Assert.Null(value);
        Assert.Equal([$"sheet.yaml:2:10: x.value: {expected}"], problems);
    }

    [Fact]
    public void Read_NumberWithoutValue_AsksForANumber()
    {
        var (value, problems) = Read("x:\n" + Cited, Quantity.Number);

        Assert.Null(value);
        Assert.Equal(["sheet.yaml:2:3: x.value: missing required key \"value\" in sourced value. Fix: add value: <number>"], problems);
    }

    [Fact]
    public void Read_UnitsThatDoNotFitTheQuantity_AreRefusedAtTheUnitOrWhereItIsMissing()
    {
        var (_, problems) = Read(
            "count:\n  value: 3\n  unit: GiB\n" + Cited
            + "missing:\n  value: 100\n" + Cited
            + "wrong:\n  value: 0.781\n  unit: Gb/s\n" + Cited,
            root =>
            {
                Assert.Null(SourcedValues.Read(root, "count", Quantity.Number));
                Assert.Null(SourcedValues.Read(root, "missing", Quantity.Bandwidth));
                return SourcedValues.Read(root, "wrong", Quantity.Bandwidth);
            });

        Assert.Equal(
            [
                "sheet.yaml:3:9: count.unit: expected a plain number without a unit, got unit \"GiB\". Fix: remove the unit",
                "sheet.yaml:7:3: missing: missing \"unit\": expected one of MiB/s, MB/s, Gbps, Mbps. Fix: add unit: MiB/s",
                "sheet.yaml:12:9: wrong.unit: expected a unit of bandwidth (MiB/s, MB/s, Gbps, Mbps), got \"Gb/s\". Fix: unit: MiB/s (convert the value if its page uses another unit)",
            ],
            problems);
    }

    [Theory]
    [InlineData("seconds", "remove unit and write value: 30s")]
    [InlineData("minutes", "remove unit and write value: 30m")]
    [InlineData("hours", "remove unit and write value: 30h")]
    [InlineData("days", "remove unit and write value: 30d")]
    [InlineData("weeks", "remove unit and write e.g. value: 5m")]
    public void Read_DurationWithASeparateUnit_IsRefusedWithTheValueRewrittenInTheOneGrammar(string unit, string fix)
    {
        var (value, problems) = Read($"x:\n  value: 30\n  unit: {unit}\n" + Cited, Quantity.Duration);

        Assert.Null(value);
        Assert.Equal(
            [$"sheet.yaml:3:9: x.unit: expected no unit: a duration carries its unit in the value, in the grammar of every LoadLab file (500ms, 30s, 2m, 1h30m or 7d). Fix: {fix}"],
            problems);
    }

    [Theory]
    [InlineData("KiB", "remove unit and write value: 64KiB")]
    [InlineData("MiB", "remove unit and write value: 64MiB")]
    [InlineData("GiB", "remove unit and write value: 64GiB")]
    [InlineData("TiB", "remove unit and write value: 64TiB")]
    [InlineData("KB", "remove unit and write value: 64KB")]
    [InlineData("MB", "remove unit and write value: 64MB")]
    [InlineData("GB", "remove unit and write value: 64GB")]
    [InlineData("TB", "remove unit and write value: 64TB")]
    [InlineData("bytes", "remove unit and write e.g. value: 64GiB")]
    public void Read_SizeWithASeparateUnit_IsRefusedWithTheValueRewrittenInTheOneGrammar(string unit, string fix)
    {
        var (value, problems) = Read($"x:\n  value: 64\n  unit: {unit}\n" + Cited, Quantity.Size);

        Assert.Null(value);
        Assert.Equal(
            [$"sheet.yaml:3:9: x.unit: expected no unit: a size carries its unit in the value, in the grammar of every LoadLab file (512MiB, 64GiB, 16TiB or 468GB). Fix: {fix}"],
            problems);
    }

    [Fact]
    public void Read_DurationWithAUnitButNoValue_NamesBothWithTheGrammarsSuffixAsTheFix()
    {
        var (value, problems) = Read("x:\n  unit: minutes\n" + Cited, Quantity.Duration);

        Assert.Null(value);
        Assert.Equal(
            [
                "sheet.yaml:2:3: x.value: missing required key \"value\" in sourced value. Fix: add value: 5m",
                "sheet.yaml:2:9: x.unit: expected no unit: a duration carries its unit in the value, in the grammar of every LoadLab file (500ms, 30s, 2m, 1h30m or 7d). Fix: remove unit and write value: <number>m",
            ],
            problems);
    }

    [Fact]
    public void Read_SizeWithoutValue_AsksForASizeInTheOneGrammar()
    {
        var (value, problems) = Read("x:\n" + Cited, Quantity.Size);

        Assert.Null(value);
        Assert.Equal(["sheet.yaml:2:3: x.value: missing required key \"value\" in sourced value. Fix: add value: 64GiB"], problems);
    }

    [Fact]
    public void Read_ZeroDurationOrSize_IsAValueUnlessTheMinimumIsExclusive()
    {
        var zero = "x:\n  value: 0\n" + Cited;

        Assert.Equal(0, Read(zero, Quantity.Duration).Value?.Value);
        Assert.Equal(0, Read(zero, Quantity.Size).Value?.Value);
        Assert.Equal(
            ["sheet.yaml:2:10: x.value: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, got 0. Fix: e.g. value: 5m"],
            Read(zero, Quantity.Duration, exclusiveMin: true).Problems);
        Assert.Equal(["sheet.yaml:2:10: x.value: expected a size at least 1, got 0. Fix: e.g. value: 64GiB"], Read(zero, Quantity.Size, exclusiveMin: true).Problems);
    }

    [Theory]
    [InlineData("1h", 1)]
    [InlineData("744h", 744)]
    public void Read_DurationAtTheEdgesOfItsRange_IsAccepted(string written, double hours)
    {
        var (value, problems) = Read($"x:\n  value: {written}\n" + Cited, Quantity.DurationIn("hours", 3600), min: 1, max: 744);

        Assert.Empty(problems);
        Assert.Equal(hours, value?.Value);
    }

    [Theory]
    [InlineData("30m", 744, "expected a duration from 1 to 744 hours, got \"30m\"")]
    [InlineData("745h", 744, "expected a duration from 1 to 744 hours, got \"745h\"")]
    [InlineData("30m", double.MaxValue, "expected a duration at least 1 hours, got \"30m\"")]
    public void Read_DurationOutsideItsRange_NamesTheRangeInTheModelsUnit(string written, double max, string expected)
    {
        var (value, problems) = Read($"x:\n  value: {written}\n" + Cited, Quantity.DurationIn("hours", 3600), min: 1, max: max);

        Assert.Null(value);
        Assert.Equal([$"sheet.yaml:2:10: x.value: {expected}. Fix: e.g. value: 5m"], problems);
    }

    [Fact]
    public void Read_WithoutSourceAndDate_AsksForBothWithTodayAsTheDate()
    {
        var before = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (value, problems) = Read("x:\n  value: 2\n", Quantity.Number);
        var after = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        Assert.Null(value);
        string[] Expected(string today) =>
        [
            "sheet.yaml:2:3: x.source: missing required key \"source\" in sourced value. Fix: add source: <url of the page the value is on, or 'assumption: why'>",
            $"sheet.yaml:2:3: x.date: missing required key \"date\" in sourced value. Fix: add date: {today}",
        ];
        Assert.Contains(problems, new[] { Expected(before), Expected(after) });
    }

    [Fact]
    public void Read_EmptySourceAndNoteBadDateAndConfirmation_AreEachRefusedWithAnExample()
    {
        var (value, problems) = Read("x:\n  value: 2\n  source: ''\n  date: 06.12.2026\n  note: ''\n  confirmed: no\n", Quantity.Number);

        Assert.Null(value);
        Assert.Equal(
            [
                "sheet.yaml:3:11: x.source: expected text, got nothing. Fix: e.g. source: https://…",
                "sheet.yaml:4:9: x.date: expected the date the value was read, as yyyy-mm-dd, got \"06.12.2026\". Fix: e.g. date: 2026-12-06",
                "sheet.yaml:5:9: x.note: expected text, got nothing. Fix: e.g. note: what the page says",
                "sheet.yaml:6:14: x.confirmed: expected true or false, got \"no\". Fix: e.g. confirmed: false",
            ],
            problems);
    }

    [Theory]
    [InlineData("true", 1)]
    [InlineData("false", 0)]
    public void ReadFlag_TrueOrFalse_IsOneOrZeroWrittenAsInTheFile(string written, double number)
    {
        var (value, problems) = Read($"x:\n  value: {written}\n" + Cited, root => SourcedValues.ReadFlag(root, "x"));

        Assert.Empty(problems);
        Assert.Equal(new SourcedValue(number, "", "https://aws.amazon.com/ebs/pricing/", Read20261206, "", "sheet.yaml:2 x", written), value);
    }

    [Fact]
    public void ReadFlag_MissingOrNonBooleanValue_AsksForTrueOrFalse()
    {
        var (_, problems) = Read("a:\n" + Cited + "b:\n  value: yes please\n" + Cited, root =>
        {
            Assert.Null(SourcedValues.ReadFlag(root, "a"));
            return SourcedValues.ReadFlag(root, "b");
        });

        Assert.Equal(
            [
                "sheet.yaml:2:3: a.value: missing required key \"value\" in sourced value. Fix: add value: true",
                "sheet.yaml:5:10: b.value: expected true or false, got \"yes please\". Fix: e.g. value: true",
            ],
            problems);
    }
}
