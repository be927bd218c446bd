using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class PriceSheetLoaderTests
{
    internal static string Entry(string key, string value, string unit, int indent) =>
        $"{new string(' ', indent)}{key}: {{ value: {value}, unit: {unit}, source: https://example.test/{key}, date: 2026-11-26 }}\n";

    internal static string ValidSheet(string crossAzKey = "crossAzPerDirection", string crossAzUnit = "USD/GB") =>
        "name: test\ncurrency: USD\n" +
        Entry("hoursPerMonth", "720", "hours/month", 0) +
        "prices:\n  compute:\n" + Entry("r6i.large", "0.126", "USD/hour", 4) +
        "  blockStorage:\n" +
        Entry("storage", "0.08", "USD/GB-month", 4) + Entry("iops", "0.005", "USD/IOPS-month", 4) +
        Entry("throughput", "0.04", "USD/MiBps-month", 4) + Entry("includedIops", "3000", "IOPS", 4) +
        Entry("includedThroughput", "125", "MiB/s", 4) +
        "  objectStorage:\n" +
        Entry("storage", "0.023", "USD/GB-month", 4) + Entry("putRequests", "0.005", "USD/1000 requests", 4) +
        Entry("getRequests", "0.0004", "USD/1000 requests", 4) +
        "  network:\n" + Entry(crossAzKey, "0.01", crossAzUnit, 4) +
        "  observability:\n" + Entry("perBrokerMonth", "15", "USD/broker-month", 4) +
        "  operator:\n" + Entry("hourlyRate", "100", "USD/hour", 4);

    [Fact]
    public void Parse_ValidSheet_ReadsEveryPriceWithItsSource()
    {
        var sheet = PriceSheetLoader.Parse("sheet.yaml", ValidSheet());

        Assert.Equal(720, sheet.HoursPerMonth.Value);
        Assert.Equal(0.126, sheet.InstancePrice("r6i.large").Value);
        Assert.Equal(0.01, sheet.CrossAzPerGbPerDirection.Value);
        Assert.Equal("https://example.test/crossAzPerDirection", sheet.CrossAzPerGbPerDirection.Source);
        Assert.Equal(new DateOnly(2026, 11, 26), sheet.ObjectPutPer1000.Date);
    }

    [Fact]
    public void Parse_WrongUnit_NamesFileKeyLineAndTheUnitToConvertTo()
    {
        var error = Assert.Throws<CostInputException>(() => PriceSheetLoader.Parse("sheet.yaml", ValidSheet(crossAzUnit: "USD/TB")));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("sheet.yaml", problem.File);
        Assert.Equal("prices.network.crossAzPerDirection.unit", problem.Path);
        Assert.Equal(ValidSheet().Split('\n').ToList().FindIndex(l => l.Contains("crossAzPerDirection", StringComparison.Ordinal)) + 1, problem.Line);
        Assert.Contains("USD/GB", problem.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MisspelledKey_ReportsUnknownKeyWithSuggestionAndTheMissingOne()
    {
        var error = Assert.Throws<CostInputException>(() => PriceSheetLoader.Parse("sheet.yaml", ValidSheet(crossAzKey: "crossAzPerDirecton")));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Path == "prices.network.crossAzPerDirecton" && p.Fix.Contains("did you mean 'crossAzPerDirection'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "prices.network.crossAzPerDirection" && p.Message.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ValueWithoutSourceOrWithBadNumberAndDate_ListsEveryProblem()
    {
        var text = ValidSheet().Replace(
            "hourlyRate: { value: 100, unit: USD/hour, source: https://example.test/hourlyRate, date: 2026-11-26 }",
            "hourlyRate: { value: $100, unit: USD/hour, date: 26.11.2026 }",
            StringComparison.Ordinal);

        var error = Assert.Throws<CostInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "prices.operator.hourlyRate.source");
        Assert.Contains(error.Problems, p => p.Path == "prices.operator.hourlyRate.value" && p.Message.Contains("$100", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "prices.operator.hourlyRate.date");
    }

    [Fact]
    public void Parse_InvalidYaml_GivesTheLine()
    {
        var error = Assert.Throws<CostInputException>(() => PriceSheetLoader.Parse("sheet.yaml", "name: test\nprices: [unclosed\n"));

        var problem = Assert.Single(error.Problems);
        Assert.True(problem.Line > 0);
        Assert.Contains("not valid YAML", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InstancePrice_UnpricedInstanceType_NamesTheSheetAndHowToAddIt()
    {
        var sheet = PriceSheetLoader.Parse("sheet.yaml", ValidSheet());

        var error = Assert.Throws<CostInputException>(() => sheet.InstancePrice("m7g.4xlarge"));

        Assert.Contains("prices.compute.m7g.4xlarge", error.Problems[0].Fix, StringComparison.Ordinal);
        Assert.Contains("r6i.large", error.Problems[0].Message, StringComparison.Ordinal);
    }
}
