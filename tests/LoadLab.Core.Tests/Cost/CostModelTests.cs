using System.Globalization;
using LoadLab.Core.Cost;
using LoadLab.Core.Results;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

public sealed class CostModelTests
{
    private static readonly (PriceSheet Prices, IReadOnlyList<PlatformProfile> Profiles) Shipped = CostTestData.Shipped();

    /// <summary>A shipped profile on its own instance type only (the tests below pin one instance's limits).</summary>
    private static PlatformProfile Profile(string name) => Shipped.Profiles.Single(p => p.Name == name) with { LargerInstanceTypes = [] };

    private static PlatformCost Estimate(CostWorkload workload, string platform, CostOptions? options = null) =>
        CostModel.Estimate(workload, Profile(platform), Shipped.Prices, options ?? new CostOptions());

    [Fact]
    public void Estimate_EveryPricedLine_ShowsItsResultInItsFormula()
    {
        var report = CostModel.Estimate(CostTestData.Flat(250, fanOut: 2), Shipped.Profiles, Shipped.Prices, new CostOptions(), withSensitivity: false);

        foreach (var line in report.Platforms.SelectMany(p => p.Lines).Where(l => l.Inputs.Count > 0))
        {
            Assert.EndsWith("= " + line.MonthlyUsd.ToString("#,##0.00", CultureInfo.InvariantCulture), line.Formula, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Estimate_AllPlatforms_UseTheSameItemsAndLabelsSoChartsStackThem()
    {
        var report = CostModel.Estimate(CostTestData.Flat(100, fanOut: 1), Shipped.Profiles, Shipped.Prices, new CostOptions(), withSensitivity: false);

        var kafka = report.Platforms[0].Lines.Select(l => (l.Item, l.Label)).ToList();
        Assert.All(report.Platforms, p => Assert.Equal(kafka, p.Lines.Select(l => (l.Item, l.Label))));
    }

    [Fact]
    public void Estimate_R6iLargeKafkaAt500MiBps_IsBoundByEbsBandwidthNotTheNetwork()
    {
        // An r6i.large writes every replica through 650 Mbps of EBS bandwidth (77.5 MiB/s) but has 0.781 Gbps of
        // network (93.1 MiB/s): 500 × 3 × 1.2 / 77.486 = 23.2 → 24 brokers; the network alone would say 20.
        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1), "kafka");

        Assert.Equal("EBS bandwidth", estimate.BindingLimit);
        Assert.Equal(24, estimate.Sizing.FloorBrokers);
        Assert.Equal(20, estimate.Sizing.Limits.Single(l => l.Name == "network out").BrokersAtAverage);
        Assert.Contains("EBS bandwidth", estimate.Line("compute").Formula, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_RedpandaOnLocalNvmeWithADayOfRetention_IsBoundByDiskSpace()
    {
        // 500 MiB/s × 86,400 s × 3 replicas × 1.1 = 139,219 GiB over 435.9 GiB of NVMe per i4i.large.
        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1), "redpanda");

        Assert.Equal("disk space", estimate.BindingLimit);
        Assert.Equal((int)Math.Ceiling(500.0 * 86_400 / 1024 * 3 * 1.1 / (468e9 / (1 << 30))), estimate.Sizing.FloorBrokers);
        Assert.Contains(estimate.Notes, n => n.Contains("With --tiered-storage", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_ProfileWithLargerSizes_KeepsTheCheapestSizeAndListsEveryOther()
    {
        // 500 MiB/s kept a day on local NVMe: 320 i4i.large or 40 i4i.4xlarge hold the same disks at about the same
        // price per GB, but the small fleet also pays 320 root volumes and 320 monitoring hosts.
        var workload = CostTestData.Flat(500, fanOut: 1);
        var shipped = Shipped.Profiles.Single(p => p.Name == "redpanda");
        var each = new[] { shipped.InstanceType }.Concat(shipped.LargerInstanceTypes)
            .ToDictionary(type => type, type => CostModel.Estimate(workload, shipped with { InstanceType = type, LargerInstanceTypes = [] }, Shipped.Prices, new CostOptions()));

        var estimate = CostModel.Estimate(workload, shipped, Shipped.Prices, new CostOptions());

        var cheapest = each.MinBy(e => e.Value.TotalMonthlyUsd);
        Assert.Equal(cheapest.Key, estimate.InstanceType);
        Assert.NotEqual("i4i.large", estimate.InstanceType);
        Assert.Equal(cheapest.Value.TotalMonthlyUsd, estimate.TotalMonthlyUsd);
        Assert.True(each["i4i.large"].Sizing.FloorBrokers > estimate.Sizing.FloorBrokers);
        var note = Assert.Single(estimate.Notes, n => n.StartsWith("Priced on ", StringComparison.Ordinal));
        Assert.All(each, e => Assert.Contains($"{e.Key} {e.Value.TotalMonthlyUsd.ToString("#,##0.00", CultureInfo.InvariantCulture)} USD", note, StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_ZoneAwareClientsThroughTheZoneRouter_PayItsObjectRequestsAndNoCrossAzTransfer()
    {
        // AutoMQ keeps clients in their zone by forwarding produce for other zones' leaders through S3: a batch per
        // proxy every 250 ms, or sooner when 8 MiB of forwarded produce ((Z−1)/Z of it) fills one; each batch is one
        // PUT and is read by the leaders of the two other zones.
        var workload = CostTestData.Flat(500, fanOut: 1);
        var routed = Estimate(workload, "automq");
        var unrouted = CostModel.Estimate(workload, Profile("automq") with { ZoneRouterBatchesPerSecond = null, ZoneRouterBatchSize = null }, Shipped.Prices, new CostOptions());

        var brokers = routed.Sizing.MeanBrokers;
        var batchesPerSecond = Math.Max(4, 500.0 * 2 / 3 / brokers / 8);
        var puts = batchesPerSecond * brokers * 720 * 3600;
        var expected = (puts / 1000 * Shipped.Prices.Object.PutPer1000.Value) + (puts * 2 / 1000 * Shipped.Prices.Object.GetPer1000.Value);
        Assert.Equal(expected, routed.Line("objectRequests").MonthlyUsd - unrouted.Line("objectRequests").MonthlyUsd, precision: 6);
        Assert.Contains("zone router", routed.Line("objectRequests").Formula, StringComparison.Ordinal);
        Assert.Equal(0, routed.Lines.Where(l => l.Item.StartsWith("crossAz", StringComparison.Ordinal)).Sum(l => l.MonthlyUsd));
    }

    [Fact]
    public void Estimate_RedpandaWithManyPartitions_IsBoundByMemoryPerPartitionReplica()
    {
        // 100,000 partitions × 3 replicas × 2 MiB over (16 GiB − 2 cores × 2 GiB) = 48.8 → 49 brokers.
        var workload = CostTestData.Flat(10, fanOut: 1, retentionHours: 1) with { Partitions = 100_000 };

        var estimate = Estimate(workload, "redpanda");

        Assert.Equal("memory", estimate.BindingLimit);
        Assert.Equal(49, estimate.Sizing.FloorBrokers);
    }

    [Fact]
    public void Estimate_SevenDaysOnSixteenTibVolumes_AddsVolumesNotBrokers()
    {
        // 7 days at 500 MiB/s, RF 3: 885,938 GiB over the floor; with the old 16 TiB gp3 limit each broker needs several volumes.
        var prices = Shipped.Prices with { Block = Shipped.Prices.Block with { MaxVolumeSize = SourcedValue.Given(16_384, "GiB", "test") } };

        var estimate = CostModel.Estimate(CostTestData.Flat(500, fanOut: 1, retentionHours: 168), Profile("kafka"), prices, new CostOptions());

        var perBroker = 500.0 * 7 * 86_400 / 1024 * 3 / estimate.Sizing.FloorBrokers;
        Assert.Equal(perBroker, estimate.Sizing.DataGiBPerBroker, precision: 6);
        Assert.Equal((int)Math.Ceiling(perBroker / 16_384), estimate.Sizing.VolumesPerBroker);
        Assert.True(estimate.Sizing.VolumesPerBroker > 1);
    }

    [Fact]
    public void Estimate_MoreDataThanAnInstanceCanAttach_AddsBrokersForDiskSpace()
    {
        var prices = Shipped.Prices with
        {
            Block = Shipped.Prices.Block with { MaxVolumeSize = SourcedValue.Given(16_384, "GiB", "test"), MaxVolumesPerInstance = SourcedValue.Given(1, "", "test") },
        };

        var estimate = CostModel.Estimate(CostTestData.Flat(500, fanOut: 1, retentionHours: 168), Profile("kafka"), prices, new CostOptions());

        Assert.Equal("disk space", estimate.BindingLimit);
        Assert.Equal((int)Math.Ceiling(500.0 * 7 * 86_400 / 1024 * 3 / 16_384), estimate.Sizing.FloorBrokers);
    }

    [Fact]
    public void Estimate_TenSecondSpike_CostsNeitherPlatformADoubledFleet()
    {
        // 200 MiB/s all day with 10 s at 400 MiB/s: burst credits carry Kafka, AutoMQ never triggers a scale-out.
        var flat = CostTestData.Day(200, 200, 0);
        var spike = CostTestData.Day(200, 400, 10);

        foreach (var platform in new[] { "kafka", "automq" })
        {
            var calm = Estimate(flat, platform);
            var spiky = Estimate(spike, platform);
            Assert.Equal(calm.Sizing.FloorBrokers, spiky.Sizing.FloorBrokers);
            Assert.Equal(0, spiky.Line("burst").MonthlyUsd);
            Assert.Equal(calm.Line("compute").MonthlyUsd, spiky.Line("compute").MonthlyUsd, precision: 6);
        }
    }

    [Fact]
    public void Estimate_TwoHourDailyPeak_CostsBothPlatforms()
    {
        var flat = CostTestData.Day(200, 200, 0);
        var peak = CostTestData.Day(200, 400, 7_200);

        var kafkaCalm = Estimate(flat, "kafka");
        var kafkaPeak = Estimate(peak, "kafka");
        var automqCalm = Estimate(flat, "automq");
        var automqPeak = Estimate(peak, "automq");

        // Kafka holds a bigger floor all month; AutoMQ scales out for the peak (after its trigger and delay) and back in.
        Assert.True(kafkaPeak.Sizing.FloorBrokers > kafkaCalm.Sizing.FloorBrokers);
        Assert.True(automqPeak.Line("burst").MonthlyUsd > 0);
        Assert.True(automqPeak.Sizing.LaunchesPerMonth > 0);
        Assert.True(automqPeak.TotalMonthlyUsd > automqCalm.TotalMonthlyUsd);
        Assert.True(kafkaPeak.TotalMonthlyUsd > kafkaCalm.TotalMonthlyUsd);
    }

    [Fact]
    public void Estimate_PeakShorterThanTheCredits_NeedsNoBrokersButOneLongerThanThemDoes()
    {
        // A static fleet of r6i.large: 5 minutes of credits at the 12.5 Gbps burst hold ≈ 58 minutes at twice the baseline.
        var kafka = Profile("kafka");
        var base20 = Estimate(CostTestData.Day(200, 200, 0), "kafka").Sizing.FloorBrokers;

        Assert.Equal(base20, CostModel.Estimate(CostTestData.Day(200, 400, 600), kafka, Shipped.Prices, new CostOptions()).Sizing.FloorBrokers);
        Assert.True(CostModel.Estimate(CostTestData.Day(200, 400, 4 * 3600), kafka, Shipped.Prices, new CostOptions()).Sizing.FloorBrokers > base20);
    }

    [Fact]
    public void Estimate_FloorHeldByTheAverageLoad_NamesTheLimitTheAverageNeedsMostOf()
    {
        // 100,000 msg/s of 1 KiB with two hours at twice that: EBS bandwidth needs 5 brokers on average
        // (97.7 × 3 × 1.2 / 77.5) and their EBS and network credits carry the two hours.
        var estimate = Estimate(CostTestData.Day(97.65625, 195.3125, 7_200), "kafka");

        Assert.Equal(5, estimate.Sizing.FloorBrokers);
        Assert.Equal("EBS bandwidth", estimate.BindingLimit);
    }

    [Fact]
    public void Estimate_AzLoss_CarriesTheLoadWithOneZoneDownInWholeZones()
    {
        var normal = Estimate(CostTestData.Flat(500, fanOut: 1), "kafka");
        var azLoss = Estimate(CostTestData.Flat(500, fanOut: 1), "kafka", new CostOptions { AzLoss = true });

        // 24 brokers carry the load; with one of three zones down two thirds must: ⌈24 × 3/2⌉ = 36, a multiple of 3.
        Assert.Equal(24, normal.Sizing.FloorBrokers);
        Assert.Equal(36, azLoss.Sizing.FloorBrokers);
        Assert.Contains("sized to carry the load with one zone down", CostModel.Estimate(CostTestData.Flat(1, 1), Shipped.Profiles, Shipped.Prices, new CostOptions { AzLoss = true }, withSensitivity: false).Options);
    }

    [Fact]
    public void Estimate_Labour_IsHandsOnHoursOnlyAndTimeAtRiskIsCappedAtTheMonth()
    {
        // Seven days at 500 MiB/s: copying a new broker's share takes days; it is time at risk, never labour.
        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1, retentionHours: 168), "kafka");

        Assert.Equal(4 * 2 * 100, estimate.Line("labour").MonthlyUsd, precision: 9);
        Assert.True(estimate.Risk.HoursPerOperation > 100);
        Assert.Equal(720, estimate.Risk.HoursPerMonth);
        Assert.DoesNotContain(estimate.Lines, l => l.Formula.Contains("copy", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_MeasuredReassignments_AreTheTimeAtRisk()
    {
        var workload = CostTestData.Flat(100, fanOut: 1) with
        {
            MeasuredOperations = [new MeasuredOperation("partition.reassign", 1_800), new MeasuredOperation("broker.add", 5_400)],
            MeasuredOnMockCluster = true,
        };

        var estimate = Estimate(workload, "kafka", new CostOptions { OperationsPerMonth = 2 });

        Assert.Equal(1, estimate.Risk.HoursPerOperation, precision: 9);
        Assert.Equal(2, estimate.Risk.HoursPerMonth, precision: 9);
        Assert.Contains("measured mean 3,600 s", estimate.Risk.Explanation, StringComparison.Ordinal);
        Assert.Contains("copies no partition data", estimate.Risk.Explanation, StringComparison.Ordinal);
        Assert.Equal(2 * 2 * 100, estimate.Line("labour").MonthlyUsd, precision: 9);
    }

    [Theory]
    [InlineData(WalKind.Ebs, "unavailable (or lost)", 0)]
    [InlineData(WalKind.S3, "survives a zone loss", 0)]
    [InlineData(WalKind.EbsS3Express, "survives a zone loss", 1)]
    public void Estimate_EachWal_IsPricedAndLabelledWithItsDurability(WalKind wal, string durability, int pricedCopy)
    {
        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1), "automq", new CostOptions { Wal = wal });

        Assert.Contains(durability, estimate.Durability, StringComparison.Ordinal);
        Assert.Equal(pricedCopy == 1, estimate.Line("walCopy").MonthlyUsd > 0);
        Assert.Equal(wal == WalKind.S3, estimate.Line("blockStorage").Formula.Contains("no WAL volume", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_AzDurableWal_CostsMoreThanTheSingleZoneOne()
    {
        var single = Estimate(CostTestData.Flat(500, fanOut: 1), "automq");
        var durable = Estimate(CostTestData.Flat(500, fanOut: 1), "automq", new CostOptions { Wal = WalKind.EbsS3Express });

        // The double write's upload charge alone: 1,265,625 GB × $0.0032.
        Assert.True(durable.TotalMonthlyUsd - single.TotalMonthlyUsd > 1_265_625 * 0.0032);
    }

    [Fact]
    public void Estimate_TieredStorage_KeepsOnlyTheLocalRetentionOnBrokersAndOneCopyInObjectStorage()
    {
        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1, retentionHours: 168), "kafka", new CostOptions { TieredStorage = true });

        Assert.Equal(500.0 * 168 * 3600 / 1024, estimate.Sizing.ObjectStorageGiB, precision: 6);
        Assert.Equal(500.0 * 6 * 3600 / 1024 * 3 / estimate.Sizing.FloorBrokers, estimate.Sizing.DataGiBPerBroker, precision: 6);
        Assert.True(estimate.Line("objectRequests").MonthlyUsd > 0);
        Assert.Contains(estimate.Notes, n => n.Contains("Without tiered storage", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_RedpandaTieredStorage_SaysItsLicenceIsNotPriced()
    {
        var estimate = Estimate(CostTestData.Flat(100, fanOut: 1), "redpanda", new CostOptions { TieredStorage = true });

        Assert.Contains("not public", estimate.Line("licence").Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_CommitmentWithoutAConfirmedPrice_IsNotPricedAndSaysWhy()
    {
        var estimate = Estimate(CostTestData.Flat(100, fanOut: 1), "kafka");

        Assert.All(estimate.Commitments, c => Assert.Null(c.MonthlyUsd));
        Assert.Contains("no 1-year price", estimate.Commitments[0].Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_CommitmentPrice_PricesTheFloorCommittedAndScaleOutsOnDemand()
    {
        var instance = Shipped.Prices.Instance("r6i.large") with { OneYearHourly = SourcedValue.Given(0.08, "USD/hour", "quote") };
        var prices = Shipped.Prices with { Instances = new Dictionary<string, InstanceType>(Shipped.Prices.Instances) { ["r6i.large"] = instance } };

        var estimate = CostModel.Estimate(CostTestData.Flat(500, fanOut: 1), Profile("kafka"), prices, new CostOptions());

        var oneYear = estimate.Commitments.Single(c => c.Term == "1-year");
        Assert.Equal(estimate.TotalMonthlyUsd - (estimate.Sizing.FloorBrokers * 720 * (0.126 - 0.08)), oneYear.MonthlyUsd!.Value, precision: 6);
    }

    [Fact]
    public void Estimate_InvalidOptions_ListsEveryProblem()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            CostModel.Estimate(CostTestData.Flat(1, 1), Shipped.Profiles, Shipped.Prices, new CostOptions { Headroom = -0.5, OperationsPerMonth = -1 }));

        Assert.Equal(["--headroom", "--operations"], error.Problems.Select(p => p.File));
    }

    [Fact]
    public void Estimate_InstanceWithoutLocalDisksForAnInstanceStoreProfile_NamesTheSheetAndTheFix()
    {
        var redpandaOnR6i = Profile("redpanda") with { InstanceType = "r6i.large" };

        var error = Assert.Throws<InvalidInputException>(() => CostModel.Estimate(CostTestData.Flat(10, 1), redpandaOnR6i, Shipped.Prices, new CostOptions()));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("instances.r6i.large.instance-store", problem.Path);
        Assert.Equal("expected local NVMe storage for r6i.large: Redpanda's profile says data-storage: instance-store", problem.Message);
        Assert.Equal("add instance-store and instance-store-write, or choose an instance type with local NVMe", problem.Suggestion);
    }

    [Fact]
    public void Property_MoreHeadroom_NeverLowersATotal()
    {
        var random = new Random(17);
        for (var i = 0; i < 40; i++)
        {
            var workload = RandomWorkload(random);
            var headroom = random.NextDouble() * 0.5;
            foreach (var profile in Shipped.Profiles)
            {
                var lower = CostModel.Estimate(workload, profile, Shipped.Prices, new CostOptions { Headroom = headroom }).TotalMonthlyUsd;
                var higher = CostModel.Estimate(workload, profile, Shipped.Prices, new CostOptions { Headroom = headroom + 0.1 }).TotalMonthlyUsd;
                Assert.True(higher >= lower - 1e-6, $"{profile.Name}, case {i}: headroom {headroom:0.###} → {lower:0.##}, +0.1 → {higher:0.##}");
            }
        }
    }

    [Fact]
    public void Property_MoreRetention_NeverLowersATotal()
    {
        var random = new Random(23);
        for (var i = 0; i < 40; i++)
        {
            var workload = RandomWorkload(random);
            foreach (var profile in Shipped.Profiles)
            {
                foreach (var tiered in new[] { false, true })
                {
                    var options = new CostOptions { TieredStorage = tiered };
                    var shorter = CostModel.Estimate(workload, profile, Shipped.Prices, options).TotalMonthlyUsd;
                    var longer = CostModel.Estimate(workload with { Retention = workload.Retention * 1.5 }, profile, Shipped.Prices, options).TotalMonthlyUsd;
                    Assert.True(longer >= shorter - 1e-6, $"{profile.Name} (tiered {tiered}), case {i}: {shorter:0.##} → {longer:0.##}");
                }
            }
        }
    }

    /// <summary>A profile of up to an hour with a base load and a burst of random height and length.</summary>
    private static CostWorkload RandomWorkload(Random random)
    {
        var seconds = random.Next(60, 3_600);
        var baseMiBps = 1 + (random.NextDouble() * 400);
        var burst = random.Next(0, seconds);
        var start = random.Next(0, seconds - burst + 1);
        var height = 1 + (random.NextDouble() * 3);
        var perSecond = Enumerable.Range(0, seconds).Select(s => s >= start && s < start + burst ? baseMiBps * height : baseMiBps).ToArray();
        return CostTestData.Profile(perSecond, fanOut: random.Next(0, 4), replicationFactor: random.Next(1, 4), retentionHours: 1 + (random.NextDouble() * 200)) with
        {
            Partitions = random.Next(1, 5_000),
        };
    }
}
