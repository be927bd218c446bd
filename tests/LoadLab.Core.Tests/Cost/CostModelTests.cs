using System.Globalization;
using System.Text.Json;
using LoadLab.Core.Cost;

namespace LoadLab.Core.Tests.Cost;

public sealed class CostModelTests
{
    [Fact]
    public void Estimate_EveryPricedLine_ShowsItsResultInItsFormula()
    {
        var workload = CostTestData.Flat(250, fanOut: 2);
        var report = CostModel.Estimate(workload, [CostTestData.Kafka(headroom: 0.2), CostTestData.AutoMq(headroom: 0.2)], CostTestData.Prices(), new CostOptions());

        foreach (var line in report.Platforms.SelectMany(p => p.Lines).Where(l => l.Inputs.Count > 0))
        {
            Assert.EndsWith("= " + line.MonthlyUsd.ToString("#,##0.00", CultureInfo.InvariantCulture), line.Formula, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Estimate_BothArchitectures_UseTheSameItemsAndLabelsSoChartsStackThem()
    {
        var report = CostModel.Estimate(CostTestData.Flat(100, fanOut: 1), [CostTestData.Kafka(), CostTestData.AutoMq()], CostTestData.Prices(), new CostOptions());

        var kafka = report.Platforms[0].Lines.Select(l => (l.Item, l.Label));
        var automq = report.Platforms[1].Lines.Select(l => (l.Item, l.Label));
        Assert.Equal(kafka, automq);
    }

    [Fact]
    public void Estimate_FollowerFetchingRequestedOnAPlatformWithoutIt_ReadsFromLeadersAndSaysWhy()
    {
        var profile = CostTestData.Kafka() with { DisplayName = "No-FFF", FollowerFetching = SourcedValue.Given(0, "", "docs") };

        var estimate = CostModel.Estimate(CostTestData.Flat(100, fanOut: 3), profile, CostTestData.Prices(), new CostOptions { FetchFromFollower = true });

        Assert.Equal(253_125 * 2 * 0.02, estimate.Line("crossAz.consume").MonthlyUsd, precision: 6);
        Assert.Contains(estimate.Notes, n => n.Contains("No-FFF does not support fetch-from-follower", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_ReplicationFactorAboveZoneCount_ReplicatesOnlyFollowersOutsideTheLeadersZone()
    {
        // RF 4 over 3 zones: the leader's zone holds 2 replicas, so 2 copies cross zones; RF 1: none.
        var rf4 = CostModel.Estimate(CostTestData.Flat(100, fanOut: 0, replicationFactor: 4), CostTestData.Kafka(), CostTestData.Prices(), new CostOptions());
        var rf1 = CostModel.Estimate(CostTestData.Flat(100, fanOut: 0, replicationFactor: 1), CostTestData.Kafka(), CostTestData.Prices(), new CostOptions());

        Assert.Equal(253_125 * 2 * 0.02, rf4.Line("crossAz.replication").MonthlyUsd, precision: 6);
        Assert.Equal(0, rf1.Line("crossAz.replication").MonthlyUsd);
    }

    [Fact]
    public void Estimate_MeasuredReassignments_ReplaceTheEstimatedDataMovementTime()
    {
        var workload = CostTestData.Flat(100, fanOut: 1) with
        {
            MeasuredOperations = [new MeasuredOperation("partition.reassign", 1_800), new MeasuredOperation("broker.add", 5_400)],
        };

        var estimate = CostModel.Estimate(workload, CostTestData.Kafka(), CostTestData.Prices(), new CostOptions { OperatorEventsPerMonth = 2 });

        // 2 events × (2 h hands-on + mean 3,600 s = 1 h) × $100.
        Assert.Equal(600, estimate.Line("operator").MonthlyUsd, precision: 9);
        Assert.Contains("measured mean 3,600 s", estimate.Line("operator").Formula, StringComparison.Ordinal);
        Assert.Contains("without a measurement the model would use copy a new broker's share", estimate.Line("operator").Note, StringComparison.Ordinal);
        Assert.DoesNotContain("mock cluster", estimate.Line("operator").Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_ReassignmentsMeasuredOnTheMockCluster_SaysTheyUnderstateARealCluster()
    {
        var workload = CostTestData.Flat(100, fanOut: 1) with
        {
            MeasuredOperations = [new MeasuredOperation("partition.reassign", 0)],
            MeasuredOnMockCluster = true,
        };

        var estimate = CostModel.Estimate(workload, CostTestData.Kafka(), CostTestData.Prices(), new CostOptions { OperatorEventsPerMonth = 1 });

        Assert.Equal(200, estimate.Line("operator").MonthlyUsd, precision: 9);
        Assert.Contains("copies no partition data", estimate.Line("operator").Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_WithoutMeasurements_SharedNothingWatchesTheDataCopyAndSharedStorageOnlyMetadata()
    {
        var workload = CostTestData.Flat(100, fanOut: 1);

        var kafka = CostModel.Estimate(workload, CostTestData.Kafka(), CostTestData.Prices(), new CostOptions { OperatorEventsPerMonth = 1 });
        var automq = CostModel.Estimate(workload, CostTestData.AutoMq(), CostTestData.Prices(), new CostOptions { OperatorEventsPerMonth = 1 });

        // Kafka: 3 brokers; a 4th receives 8,437.5 GB × 3 / 4 at 50 MiB/s = 36 h of copying, plus 2 h hands-on.
        var copyHours = 8_437.5 * 3 / 4 * 1024 / 50 / 3600;
        Assert.Equal(3, kafka.Sizing.PeakBrokers);
        Assert.Equal((2 + copyHours) * 100, kafka.Line("operator").MonthlyUsd, precision: 6);
        Assert.Equal((0.25 + (10.0 / 3600)) * 100, automq.Line("operator").MonthlyUsd, precision: 9);
    }

    [Fact]
    public void Estimate_BlockThroughputAboveIncluded_PaysForTheDifference()
    {
        // 1,000 MiB/s with RF 3 on 3 brokers with a huge NIC: each volume writes 1,000 MiB/s, 875 above the
        // included 125, as 4,000 I/Os of 256 KiB per second, 1,000 above the included 3,000.
        var estimate = CostModel.Estimate(CostTestData.Flat(1_000, fanOut: 0), CostTestData.Kafka(networkMiBps: 100_000), CostTestData.Prices(), new CostOptions());

        Assert.Equal(3, estimate.Sizing.PeakBrokers);
        Assert.Equal(3 * ((875 * 0.04) + (1_000 * 0.005)), estimate.Line("blockPerformance").MonthlyUsd, precision: 9);
    }

    [Fact]
    public void Estimate_InvalidOptions_ListsEveryProblem()
    {
        var error = Assert.Throws<CostInputException>(() =>
            CostModel.Estimate(CostTestData.Flat(1, 1), [CostTestData.Kafka()], CostTestData.Prices(), new CostOptions { Headroom = -0.5, OperatorEventsPerMonth = -1 }));

        Assert.Equal(["--headroom", "--operator-events"], error.Problems.Select(p => p.Path));
    }

    [Fact]
    public void Serialize_Report_HasOneRowPerPlatformAndLineItemForCharts()
    {
        var report = CostModel.Estimate(CostTestData.Flat(100, 1), [CostTestData.Kafka(), CostTestData.AutoMq()], CostTestData.Prices(), new CostOptions());

        using var json = JsonDocument.Parse(CostReportJson.Serialize(report));

        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(report.Platforms.Sum(p => p.Lines.Count), rows.Length);
        var kafkaCompute = rows.Single(r => r.GetProperty("platform").GetString() == "kafka" && r.GetProperty("lineItem").GetString() == "compute");
        Assert.Equal(report.Platforms[0].Line("compute").MonthlyUsd, kafkaCompute.GetProperty("monthlyUsd").GetDouble(), precision: 9);
        Assert.Equal("shared-storage", json.RootElement.GetProperty("platforms")[1].GetProperty("architecture").GetString());
        Assert.Equal(report.Platforms[1].TotalMonthlyUsd, json.RootElement.GetProperty("platforms")[1].GetProperty("totalMonthlyUsd").GetDouble(), precision: 9);
    }
}
