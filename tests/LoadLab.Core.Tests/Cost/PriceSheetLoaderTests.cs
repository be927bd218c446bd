using LoadLab.Core.Cost;
using LoadLab.Core.Tests.Scenarios;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class PriceSheetLoaderTests
{
    private static readonly string ShippedSheet = File.ReadAllText(RepositoryFiles.PathOf(Path.Combine("environments", "pricing", "aws-us-east-1.yaml")));

    private static int LineOf(string text, string fragment) => text.Split('\n').ToList().FindIndex(l => l.Contains(fragment, StringComparison.Ordinal)) + 1;

    [Fact]
    public void Load_ShippedSheet_ReadsEveryPriceAndSpecificationInTheModelsUnits()
    {
        var sheet = PriceSheetLoader.Parse("aws-us-east-1.yaml", ShippedSheet);

        var r6i = sheet.Instance("r6i.large");
        Assert.Equal(720, sheet.HoursPerMonth.Value);
        Assert.Equal(0.126, r6i.OnDemandHourly.Value);
        Assert.False(r6i.OnDemandHourly.Confirmed);
        // 0.781 Gbps and 650 Mbps as AWS writes them, converted to MiB/s; 64TiB to GiB; 5m to seconds; 720h to hours.
        Assert.Equal(0.781e9 / 8 / (1 << 20), r6i.NetworkBaseline.Value, precision: 9);
        Assert.Equal("0.781 Gbps", r6i.NetworkBaseline.Written);
        Assert.Equal(650e6 / 8 / (1 << 20), r6i.EbsBaseline!.Value, precision: 9);
        Assert.Equal(300, r6i.NetworkBurstDuration.Value);
        Assert.Equal("5m", r6i.NetworkBurstDuration.Written);
        Assert.Equal(60, sheet.BillingMinimum.Value);
        Assert.Equal(16, r6i.Memory.Value);
        Assert.Equal(65_536, sheet.Block.MaxVolumeSize.Value);
        Assert.Equal(468e9 / (1 << 30), sheet.Instance("i4i.large").InstanceStore!.Value, precision: 9);
        Assert.Null(r6i.OneYearHourly);
        Assert.Equal(new DateOnly(2026, 12, 6), sheet.CrossAzPerGbPerDirection.Date);
        Assert.Contains("[unconfirmed]", sheet.CrossAzPerGbPerDirection.Citation, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OldCamelCaseKey_IsRefusedWithADidYouMeanToItsKebabCaseName()
    {
        var text = ShippedSheet.Replace("hours-per-month:", "hoursPerMonth:", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("hoursPerMonth", problem.Path);
        Assert.Equal("sheet.yaml", problem.File);
        Assert.Equal(LineOf(text, "hoursPerMonth:"), problem.Line);
        Assert.Equal(1, problem.Column);
        Assert.Equal("rename \"hoursPerMonth\" to \"hours-per-month\"", problem.Suggestion);
    }

    [Fact]
    public void Parse_UnitOfTheWrongQuantity_NamesFileLinePathAndTheUnitsAllowed()
    {
        var at = ShippedSheet.IndexOf("      value: 0.781\n      unit: Gbps", StringComparison.Ordinal);
        var text = ShippedSheet[..at] + "      value: 0.781\n      unit: GiB" + ShippedSheet[(at + "      value: 0.781\n      unit: Gbps".Length)..];

        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("instances.r6i.large.network-baseline.unit", problem.Path);
        Assert.Equal(text[..at].Count(c => c == '\n') + 2, problem.Line);
        Assert.Contains("bandwidth (MiB/s, MB/s, Gbps, Mbps)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DurationAndSizeWithASeparateUnit_AreRefusedWithTheValueInTheOneGrammarAsTheFix()
    {
        var text = ShippedSheet
            .Replace("    network-burst-duration:\n      value: 5m\n", "    network-burst-duration:\n      value: 5\n      unit: minutes\n", StringComparison.Ordinal)
            .Replace("  max-volume-size:\n    value: 64TiB\n", "  max-volume-size:\n    value: 64\n    unit: TiB\n", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "instances.r6i.large.network-burst-duration.unit" && p.Suggestion == "remove unit and write value: 5m");
        Assert.Contains(error.Problems, p => p.Path == "block-storage.max-volume-size.unit" && p.Suggestion == "remove unit and write value: 64TiB");
    }

    [Fact]
    public void Parse_DurationOutsideTheOneGrammar_IsRefusedWithItsCorrection()
    {
        var text = ShippedSheet.Replace("  value: 60s\n", "  value: 60 sec\n", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("billing-minimum.value", problem.Path);
        Assert.Equal("value: 1m", problem.Suggestion);
    }

    [Fact]
    public void Parse_ValueWithoutSourceOrWithBadNumberAndDate_ListsEveryProblem()
    {
        var text = ShippedSheet.Replace(
            "    value: 100\n    unit: USD/hour\n    source: 'assumption: fully loaded cost of a platform engineer hour'\n    date: 2026-12-06",
            "    value: $100\n    unit: USD/hour\n    date: 06.12.2026",
            StringComparison.Ordinal);

        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text));

        Assert.Contains(error.Problems, p => p.Path == "operator.hourly-rate.source" && p.Message.Contains("missing", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "operator.hourly-rate.value" && p.Message.Contains("$100", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Path == "operator.hourly-rate.date" && p.Suggestion!.Contains("2026-12-06", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InvalidYaml_GivesTheLine()
    {
        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", "name: test\ninstances: [unclosed\n"));

        var problem = Assert.Single(error.Problems);
        Assert.True(problem.Line > 0);
        Assert.Contains("YAML syntax error", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Instance_UnknownInstanceType_NamesTheSheetAndHowToAddIt()
    {
        var sheet = PriceSheetLoader.Parse("sheet.yaml", ShippedSheet);

        var error = Assert.Throws<InvalidInputException>(() => sheet.Instance("m7g.4xlarge"));

        Assert.Equal("instances.m7g.4xlarge", error.Problems[0].Path);
        Assert.Contains("r6i.large", error.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_IsAProblemNotACrash()
    {
        var error = Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Load(Path.Combine(Path.GetTempPath(), "no-such-sheet.yaml")));

        Assert.Contains("cannot read the file", Assert.Single(error.Problems).Message, StringComparison.Ordinal);
    }
}
