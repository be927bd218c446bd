using LoadLab.Core.Cost;
using LoadLab.Core.Tests.Scenarios;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class PriceSheetLoaderTests
{
    private static readonly string ShippedSheet = File.ReadAllText(RepositoryFiles.PathOf(Path.Combine("environments", "pricing", "aws-us-east-1.yaml")));

    /// <summary>
    /// The smallest complete sheet, one value per line so that a problem's line is its line here: one instance with
    /// the optional commitment prices, no EBS or local-disk figures, and a burst equal to its baseline (no burst).
    /// </summary>
    private const string MinimalSheet = """
        name: test-sheet
        currency: USD
        hours-per-month: { value: 730h, source: s, date: 2026-12-06 }
        billing-minimum: { value: 60s, source: s, date: 2026-12-06 }
        instances:
          m.large:
            on-demand: { value: 0.1, unit: USD/hour, source: s, date: 2026-12-06 }
            one-year: { value: 0.07, unit: USD/hour, source: s, date: 2026-12-06 }
            three-year: { value: 0.05, unit: USD/hour, source: s, date: 2026-12-06 }
            vcpus: { value: 2, source: s, date: 2026-12-06 }
            memory: { value: 8GiB, source: s, date: 2026-12-06 }
            network-baseline: { value: 100, unit: MiB/s, source: s, date: 2026-12-06 }
            network-burst: { value: 100, unit: MiB/s, source: s, date: 2026-12-06 }
            network-burst-duration: { value: 0s, source: s, date: 2026-12-06 }
        block-storage:
          storage: { value: 0.08, unit: USD/GB-month, source: s, date: 2026-12-06 }
          iops: { value: 0.005, unit: USD/IOPS-month, source: s, date: 2026-12-06 }
          throughput: { value: 0.04, unit: USD/MiBps-month, source: s, date: 2026-12-06 }
          included-iops: { value: 3000, source: s, date: 2026-12-06 }
          included-throughput: { value: 125, unit: MiB/s, source: s, date: 2026-12-06 }
          max-volume-size: { value: 16TiB, source: s, date: 2026-12-06 }
          max-iops: { value: 16000, source: s, date: 2026-12-06 }
          max-throughput: { value: 1000, unit: MiB/s, source: s, date: 2026-12-06 }
          max-volumes-per-instance: { value: 1, source: s, date: 2026-12-06 }
        object-storage:
          storage: { value: 0.023, unit: USD/GB-month, source: s, date: 2026-12-06 }
          put-requests: { value: 0.005, unit: USD/1000 requests, source: s, date: 2026-12-06 }
          get-requests: { value: 0.0004, unit: USD/1000 requests, source: s, date: 2026-12-06 }
        express-object-storage:
          storage: { value: 0.11, unit: USD/GB-month, source: s, date: 2026-12-06 }
          put-requests: { value: 0.00113, unit: USD/1000 requests, source: s, date: 2026-12-06 }
          get-requests: { value: 0.00003, unit: USD/1000 requests, source: s, date: 2026-12-06 }
          upload: { value: 0.0032, unit: USD/GB, source: s, date: 2026-12-06 }
        network:
          cross-az-per-direction: { value: 0.01, unit: USD/GB, source: s, date: 2026-12-06 }
        observability:
          per-broker-month: { value: 15, unit: USD/broker-month, source: s, date: 2026-12-06 }
        operator:
          hourly-rate: { value: 100, unit: USD/hour, source: s, date: 2026-12-06 }

        """;

    private static int LineOf(string text, string fragment) => text.Split('\n').ToList().FindIndex(l => l.Contains(fragment, StringComparison.Ordinal)) + 1;

    private static string[] ProblemsOf(string text) =>
        [.. Assert.Throws<InvalidInputException>(() => PriceSheetLoader.Parse("sheet.yaml", text)).Problems.Select(p => p.ToString())];

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

    [Fact]
    public void Parse_MinimalSheet_ReadsTheCommitmentPricesAndLeavesTheAbsentDiskFiguresEmpty()
    {
        var sheet = PriceSheetLoader.Parse("sheet.yaml", MinimalSheet);

        var instance = sheet.Instance("m.large");
        var read = new DateOnly(2026, 12, 6);
        Assert.Equal(new SourcedValue(0.07, "USD/hour", "s", read, "", "sheet.yaml:8 instances.m.large.one-year", "0.07 USD/hour"), instance.OneYearHourly);
        Assert.Equal(new SourcedValue(0.05, "USD/hour", "s", read, "", "sheet.yaml:9 instances.m.large.three-year", "0.05 USD/hour"), instance.ThreeYearHourly);
        // A burst equal to the baseline is an instance that does not burst, not a burst below it.
        Assert.Equal(new SourcedValue(100, "MiB/s", "s", read, "", "sheet.yaml:13 instances.m.large.network-burst", "100 MiB/s"), instance.NetworkBurst);
        Assert.Equal((null, null, null, null, null), (instance.EbsBaseline, instance.EbsBurst, instance.EbsBurstDuration, instance.InstanceStore, instance.InstanceStoreWrite));
        Assert.Equal(new SourcedValue(16_384, "GiB", "s", read, "", "sheet.yaml:21 block-storage.max-volume-size", "16TiB"), sheet.Block.MaxVolumeSize);
        Assert.Equal(1, sheet.Block.MaxVolumesPerInstance.Value);
    }

    [Fact]
    public void Parse_ZeroWhereAPositiveFigureIsNeeded_ListsEveryOneWithItsRange()
    {
        var text = MinimalSheet
            .Replace("on-demand: { value: 0.1,", "on-demand: { value: 0,", StringComparison.Ordinal)
            .Replace("one-year: { value: 0.07,", "one-year: { value: 0,", StringComparison.Ordinal)
            .Replace("three-year: { value: 0.05,", "three-year: { value: 0,", StringComparison.Ordinal)
            .Replace("memory: { value: 8GiB,", "memory: { value: 0GiB,", StringComparison.Ordinal)
            .Replace("network-baseline: { value: 100,", "network-baseline: { value: 0,", StringComparison.Ordinal)
            .Replace("network-burst: { value: 100,", "network-burst: { value: 0,", StringComparison.Ordinal)
            .Replace("max-volume-size: { value: 16TiB,", "max-volume-size: { value: 0,", StringComparison.Ordinal)
            .Replace("max-iops: { value: 16000,", "max-iops: { value: 0,", StringComparison.Ordinal)
            .Replace("max-throughput: { value: 1000,", "max-throughput: { value: 0,", StringComparison.Ordinal)
            .Replace("    network-burst-duration: { value: 0s, source: s, date: 2026-12-06 }\n", """
                    network-burst-duration: { value: 0s, source: s, date: 2026-12-06 }
                    ebs-baseline: { value: 0, unit: MiB/s, source: s, date: 2026-12-06 }
                    ebs-burst: { value: 0, unit: MiB/s, source: s, date: 2026-12-06 }
                    ebs-burst-duration: { value: 0s, source: s, date: 2026-12-06 }
                    instance-store: { value: 0GB, source: s, date: 2026-12-06 }
                    instance-store-write: { value: 0, unit: MiB/s, source: s, date: 2026-12-06 }

                """, StringComparison.Ordinal);

        // Zero durations stay allowed (no burst); a zero price, size or bandwidth would divide or price nothing.
        Assert.Equal(
        [
            "sheet.yaml:7:25: instances.m.large.on-demand.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:8:24: instances.m.large.one-year.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:9:26: instances.m.large.three-year.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:11:22: instances.m.large.memory.value: expected a size at least 1, got \"0GiB\". Fix: e.g. value: 64GiB",
            "sheet.yaml:12:32: instances.m.large.network-baseline.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:13:29: instances.m.large.network-burst.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:15:28: instances.m.large.ebs-baseline.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:16:25: instances.m.large.ebs-burst.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:18:30: instances.m.large.instance-store.value: expected a size at least 1, got \"0GB\". Fix: e.g. value: 64GiB",
            "sheet.yaml:19:36: instances.m.large.instance-store-write.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:26:29: block-storage.max-volume-size.value: expected a size at least 1, got 0. Fix: e.g. value: 64GiB",
            "sheet.yaml:27:22: block-storage.max-iops.value: expected a number above 0, got 0. Fix: e.g. value: 1",
            "sheet.yaml:28:28: block-storage.max-throughput.value: expected a number above 0, got 0. Fix: e.g. value: 1",
        ], ProblemsOf(text));
    }

    [Fact]
    public void Parse_EmptySheet_ListsEveryMissingKeyWithItsExample()
    {
        Assert.Equal(
        [
            "sheet.yaml:1:1: name: missing required key \"name\" in price sheet. Fix: add name: aws-us-east-1",
            "sheet.yaml:1:1: currency: missing required key \"currency\" in price sheet. Fix: add currency: USD",
            "sheet.yaml:1:1: hours-per-month: missing required key \"hours-per-month\" in price sheet. Fix: add hours-per-month: { value: 5m, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:1:1: billing-minimum: missing required key \"billing-minimum\" in price sheet. Fix: add billing-minimum: { value: 5m, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:1:1: instances: missing required key \"instances\" in price sheet. Fix: add instances: { r6i.large: { on-demand: …, vcpus: …, … } }",
            "sheet.yaml:1:1: block-storage: missing required key \"block-storage\" in price sheet. Fix: add block-storage: { storage: …, iops: …, … }",
            "sheet.yaml:1:1: object-storage: missing required key \"object-storage\" in price sheet. Fix: add object-storage: { storage: …, put-requests: …, get-requests: … }",
            "sheet.yaml:1:1: express-object-storage: missing required key \"express-object-storage\" in price sheet. Fix: add express-object-storage: { storage: …, put-requests: …, get-requests: …, upload: … }",
            "sheet.yaml:1:1: network: missing required key \"network\" in price sheet. Fix: add network: { cross-az-per-direction: … }",
            "sheet.yaml:1:1: observability: missing required key \"observability\" in price sheet. Fix: add observability: { per-broker-month: … }",
            "sheet.yaml:1:1: operator: missing required key \"operator\" in price sheet. Fix: add operator: { hourly-rate: … }",
        ], ProblemsOf("{}\n"));
    }

    [Fact]
    public void Parse_SheetWithoutBlockStorage_IsThatOneProblem()
    {
        var text = MinimalSheet[..MinimalSheet.IndexOf("block-storage:", StringComparison.Ordinal)]
            + MinimalSheet[MinimalSheet.IndexOf("object-storage:", StringComparison.Ordinal)..];

        Assert.Equal(
            ["sheet.yaml:1:1: block-storage: missing required key \"block-storage\" in price sheet. Fix: add block-storage: { storage: …, iops: …, … }"],
            ProblemsOf(text));
    }

    [Fact]
    public void Parse_ScalarsWhereMappingsAreExpected_NameWhatEachShouldHold()
    {
        const string text = """
            name: ''
            currency: EUR
            hours-per-month: 5
            billing-minimum: 5
            instances: 5
            block-storage: 5
            object-storage: 5
            express-object-storage: 5
            network: 5
            observability: 5
            operator: 5

            """;

        Assert.Equal(
        [
            "sheet.yaml:1:7: name: expected text, got nothing. Fix: e.g. name: aws-us-east-1",
            "sheet.yaml:2:11: currency: expected one of USD, got \"EUR\". Fix: e.g. currency: USD",
            "sheet.yaml:3:18: hours-per-month: expected a mapping (sourced value), got 5. Fix: e.g. hours-per-month: { value: 5m, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:4:18: billing-minimum: expected a mapping (sourced value), got 5. Fix: e.g. billing-minimum: { value: 5m, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:5:12: instances: expected a mapping (instance types), got 5. Fix: e.g. instances: { r6i.large: { … } }",
            "sheet.yaml:6:16: block-storage: expected a mapping (block storage prices), got 5. Fix: e.g. block-storage: { storage: … }",
            "sheet.yaml:7:17: object-storage: expected a mapping (object storage prices), got 5. Fix: e.g. object-storage: { storage: … }",
            "sheet.yaml:8:25: express-object-storage: expected a mapping (express object storage prices), got 5. Fix: e.g. express-object-storage: { storage: … }",
            "sheet.yaml:9:10: network: expected a mapping (network prices), got 5. Fix: e.g. network: { cross-az-per-direction: … }",
            "sheet.yaml:10:16: observability: expected a mapping (observability prices), got 5. Fix: e.g. observability: { per-broker-month: … }",
            "sheet.yaml:11:11: operator: expected a mapping (operator prices), got 5. Fix: e.g. operator: { hourly-rate: … }",
        ], ProblemsOf(text));
    }

    [Fact]
    public void Parse_BurstBelowItsBaseline_IsRefusedAtTheBurstWithBothFigures()
    {
        var text = MinimalSheet.Replace("network-burst: { value: 100,", "network-burst: { value: 99.5,", StringComparison.Ordinal);

        Assert.Equal(
            ["sheet.yaml:13:20: instances.m.large.network-burst: expected the burst bandwidth to be at least the baseline (100 MiB/s), got 99.5 MiB/s. Fix: write the baseline again as network-burst for an instance that does not burst"],
            ProblemsOf(text));
    }

    [Fact]
    public void Parse_EbsBaselineOrInstanceStoreWithoutTheirCompanions_RequiresThemAndAnInstanceMustBeAMapping()
    {
        var text = MinimalSheet.Replace("    network-burst-duration: { value: 0s, source: s, date: 2026-12-06 }\n", """
                network-burst-duration: { value: 0s, source: s, date: 2026-12-06 }
                ebs-baseline: { value: 650, unit: Mbps, source: s, date: 2026-12-06 }
                instance-store: { value: 468GB, source: s, date: 2026-12-06 }
              n.large: 5

            """, StringComparison.Ordinal);

        Assert.Equal(
        [
            "sheet.yaml:7:5: instances.m.large.ebs-burst: missing required key \"ebs-burst\" in instance type. Fix: add ebs-burst: { value: <number>, unit: MiB/s, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:7:5: instances.m.large.ebs-burst-duration: missing required key \"ebs-burst-duration\" in instance type. Fix: add ebs-burst-duration: { value: 5m, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:7:5: instances.m.large.instance-store-write: missing required key \"instance-store-write\" in instance type. Fix: add instance-store-write: { value: <number>, unit: MiB/s, source: <url>, date: <yyyy-mm-dd> }",
            "sheet.yaml:17:12: instances.n.large: expected a mapping (instance type), got 5. Fix: e.g. n.large: { on-demand: { value: 0.126, unit: USD/hour, source: <url>, date: <yyyy-mm-dd> }, … }",
        ], ProblemsOf(text));
    }
}
