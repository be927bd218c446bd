using LoadLab.Core.Cost;
using LoadLab.Core.Results;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Tests.Cost;

/// <summary>
/// Line items of the vendor-comparison inputs (<see cref="CostTestData"/>: r6i.large at 100 MiB/s each way, no
/// burst, a 720-hour month, 2,592,000 s) computed by hand and compared whole: amount, formula, note and inputs.
/// </summary>
public sealed class CostModelLineItemTests
{
    private static SourcedValue V(double value, string unit = "") => SourcedValue.Given(value, unit, "test");

    private static PlatformCost Estimate(CostWorkload workload, PlatformProfile profile, CostOptions? options = null, PriceSheet? prices = null) =>
        CostModel.Estimate(workload, profile, prices ?? CostTestData.VendorPrices(), options ?? new CostOptions());

    private static IEnumerable<string> InputNames(CostLine line) => line.Inputs.Select(i => i.Name);

    [Fact]
    public void Estimate_S3WalWithZoneRouter_PricesWalCommitsRouterBatchesAndNoWalVolume()
    {
        // 500 MiB/s, out 2.5 B per byte over 100 MiB/s: 13 brokers. Written 500 × 2,592,000 = 1,296,000,000 MiB:
        // PUT × 0.2946 = 381,801,600; S3 WAL 4/s × 13 × 2,592,000 = 134,784,000; the router forwards 500 × 2/3 / 13
        // = 25.64 MiB/s per broker, under 5 batches/s of 8 MiB, so 5/s × 13 × 2,592,000 = 168,480,000 PUTs, each
        // read in 2 zones. (381,801,600 + 134,784,000 + 168,480,000) / 1,000 × 0.005 = 3,425.328;
        // GET (164,851,200 + 336,960,000) / 1,000 × 0.0004 = 200.72448.
        var profile = CostTestData.AutoMq(autoscaling: false) with { ZoneRouterBatchesPerSecond = V(5), ZoneRouterBatchSize = V(8, "MiB") };

        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1), profile, new CostOptions { Wal = WalKind.S3 });

        Assert.Equal(13, estimate.Sizing.FloorBrokers);
        Assert.Equal(["network in", "network out"], estimate.Sizing.Limits.Select(l => l.Name));
        var requests = estimate.Line("objectRequests");
        Assert.Equal(3_425.328 + 200.72448, requests.MonthlyUsd, precision: 6);
        Assert.Equal(
            "written 1,296,000,000 MiB/month; PUT 381,801,600 + S3 WAL 134,784,000 (4/s × 13 brokers) + zone router 168,480,000 (max(5/s, forwarded 25.64 MiB/s / 8 MiB) = 5/s × 13 brokers) / 1,000 × 0.005 " +
            "+ GET 164,851,200 + zone router 336,960,000 (each batch read in Z − 1 = 2 zones) / 1,000 × 0.0004 = 3,626.05",
            requests.Formula);
        Assert.Equal("The zone router keeps clients in their own zone (no cross-AZ transfer): produce requests for leaders in other zones travel through object storage.", requests.Note);
        Assert.Equal(
            ["PUTs per MiB written", "GETs per MiB written", "WAL commits per broker-second", "zone-router batches per broker-second", "zone-router batch size", "PUT price", "GET price", "hours per month"],
            InputNames(requests));

        // 13 brokers × (no WAL + 64 GB root) × 0.08 = 66.56; no WAL volume to provision.
        var block = estimate.Line("blockStorage");
        Assert.Equal(66.56, block.MonthlyUsd, precision: 9);
        Assert.Equal("time-weighted brokers 13 × (no WAL volume (S3 WAL) + root 64) GB × 0.08 USD/GB-month = 66.56", block.Formula);
        Assert.Equal(["root volume", "block storage"], InputNames(block));
        Assert.Equal(0, estimate.Sizing.VolumesPerBroker);
        Assert.Equal(0, estimate.Sizing.DataGiBPerBroker);
        Assert.Equal("0: the WAL is in object storage", estimate.Line("blockPerformance").Formula);
        Assert.Equal("0: the WAL is in regional object storage (its requests are priced with the object storage requests)", estimate.Line("walCopy").Formula);
    }

    [Fact]
    public void Estimate_ZoneRouterWithoutZoneAwareClients_IsNotPricedAndConsumersReadFromLeaders()
    {
        // The router only runs for zone-aware clients. PUT (381,801,600 + 134,784,000) / 1,000 × 0.005 = 2,582.928;
        // GET 164,851,200 / 1,000 × 0.0004 = 65.94048. Consumers cross (Z−1)/Z: 1,265,625 GB × 2/3 × 0.02 = 16,875.
        var profile = CostTestData.AutoMq(autoscaling: false) with
        {
            ZoneAwareClients = V(0), ZoneRouterBatchesPerSecond = V(5), ZoneRouterBatchSize = V(8, "MiB"),
        };

        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1), profile, new CostOptions { Wal = WalKind.S3, FetchFromFollower = true });

        var requests = estimate.Line("objectRequests");
        Assert.Equal(2_582.928 + 65.94048, requests.MonthlyUsd, precision: 6);
        Assert.Equal("written 1,296,000,000 MiB/month; PUT 381,801,600 + S3 WAL 134,784,000 (4/s × 13 brokers) / 1,000 × 0.005 + GET 164,851,200 / 1,000 × 0.0004 = 2,648.87", requests.Formula);
        Assert.Equal("", requests.Note);
        var consume = estimate.Line("crossAz.consume");
        Assert.Equal(16_875, consume.MonthlyUsd, precision: 6);
        Assert.Equal("1,265,625 GB × fan-out 1 × (Z−1)/Z 0.667 × stored 1 = 843,750 GB × 2 directions × 0.01 USD/GB = 16,875.00", consume.Formula);
        Assert.Equal("Fetch-from-follower is not available on this platform.", consume.Note);
        Assert.Equal(["AutoMQ does not support fetch-from-follower (test); consumers read from leaders."], estimate.Notes);
    }

    [Fact]
    public void Estimate_AzDurableWal_PricesExpressPutsUploadAndTheHeldCopy()
    {
        // Stored 1.25 B per value byte: out (1 + 1 + 0.5) × 1.25 × 500 = 1,562.5 MiB/s over 100: 16 brokers.
        // PUT 4/s × 16 × 2,592,000 = 165,888,000 / 1,000 × 0.00113 = 187.45344; upload 500 × 1.25 × 2,592,000 /
        // 1,024 = 1,582,031.25 GB × 0.0032 = 5,062.5; held 16 × 10 GB = 160 GB × 0.11 = 17.6.
        var estimate = Estimate(CostTestData.Flat(500, fanOut: 1) with { StoredFactor = 1.25 }, CostTestData.AutoMq(autoscaling: false), new CostOptions { Wal = WalKind.EbsS3Express });

        var copy = estimate.Line("walCopy");
        Assert.Equal("WAL second copy", copy.Label);
        Assert.Equal(187.45344 + 5_062.5 + 17.6, copy.MonthlyUsd, precision: 6);
        Assert.Equal("S3 Express One Zone: PUT 165,888,000 (4/s × 16 brokers) / 1,000 × 0.00113 + upload 1,582,031 GB × 0.0032 + held 160 GB × 0.11 = 5,267.55", copy.Formula);
    }

    [Fact]
    public void Estimate_KafkaTieredStorage_PricesSegmentUploadsAndTheTieredLicence()
    {
        // Stored 1.25: out (RF 3 − 1 + fan-out 1 + tiered upload 1) × 1.25 = 5 B per byte × 100 MiB/s over 100: 5 brokers.
        // Written 100 × 1.25 × 2,592,000 = 324,000,000 MiB / 1,024 = 316,406.25 one-GiB segments × 5 PUTs / 1,000 ×
        // 0.005 = 7.91015625. Licence 5 × (0 + 50) = 250.
        var estimate = Estimate(
            CostTestData.Flat(100, fanOut: 1, retentionHours: 48) with { StoredFactor = 1.25 },
            CostTestData.Kafka() with { TieredLicence = V(50) },
            new CostOptions { TieredStorage = true });

        Assert.Equal(5, estimate.Sizing.FloorBrokers);
        Assert.Equal(
            "(replicas sent RF 3 − 1 + fan-out 1 + tiered upload 1) × stored 1.25 = 5 B per ingress byte against 100 MiB/s baseline (100 MiB/s), bursting to 100 MiB/s for 0 min of credits",
            estimate.Sizing.Limits.Single(l => l.Name == "network out").Explanation);
        var requests = estimate.Line("objectRequests");
        Assert.Equal("Object storage requests", requests.Label);
        Assert.Equal(7.91015625, requests.MonthlyUsd, precision: 9);
        Assert.Equal("written 324,000,000 MiB/month / segments of 1 GiB = 316,406 segments × 5 PUTs / 1,000 × 0.005 = 7.91", requests.Formula);
        Assert.Equal(["segment size", "PUTs per segment", "PUT price", "hours per month"], InputNames(requests));
        Assert.Equal("Consumers reading the tail are served from broker disks and memory: no GETs. Catch-up reads beyond the local retention would add GETs.", requests.Note);
        Assert.Equal("Tiered storage: the leader uploads one copy of every closed segment.", estimate.Line("objectStorage").Note);
        var licence = estimate.Line("licence");
        Assert.Equal(250, licence.MonthlyUsd, precision: 9);
        Assert.Equal("brokers 5 × (0 + tiered storage 50) USD/broker-month = 250.00", licence.Formula);
        Assert.Equal(["licence", "tiered-storage licence"], InputNames(licence));
        Assert.Equal("", licence.Note);
    }

    [Fact]
    public void Estimate_TieredLicenceWithoutTieredStorage_IsNotCharged()
    {
        // 100 MiB/s × 3 B per byte each way over 100 MiB/s: 3 brokers, each paying the licence of 0 only.
        var estimate = Estimate(CostTestData.Flat(100, fanOut: 1), CostTestData.Kafka() with { TieredLicence = V(50) });

        var licence = estimate.Line("licence");
        Assert.Equal(0, licence.MonthlyUsd);
        Assert.Equal("brokers 3 × (0) USD/broker-month = 0.00", licence.Formula);
        Assert.Equal(["licence"], InputNames(licence));
    }

    [Fact]
    public void Estimate_AzLoss_LeavesTwoThirdsOfEveryWriteBandwidthPerBroker()
    {
        // 100 MiB/s × RF 3 = 300 MiB/s of writes over 30 × 2/3 = 20 MiB/s per broker: 15 brokers, a multiple of 3,
        // for a gp3 volume's throughput and for local NVMe writes alike.
        var workload = CostTestData.Flat(100, fanOut: 1);
        var prices = CostTestData.VendorPrices();
        var ebs = Estimate(workload, CostTestData.Kafka(), new CostOptions { AzLoss = true }, prices with { Block = prices.Block with { MaxThroughput = V(30, "MiB/s") } });
        var nvme = CostTestData.Instance("i4i.large") with { InstanceStore = V(100_000, "GiB"), InstanceStoreWrite = V(30, "MiB/s") };
        var local = Estimate(workload, CostTestData.Kafka() with { InstanceType = "i4i.large", DataStorage = DataStorage.InstanceStore }, new CostOptions { AzLoss = true }, CostTestData.VendorPrices(720, nvme));

        Assert.Equal((15, "volume throughput"), (ebs.Sizing.FloorBrokers, ebs.BindingLimit));
        Assert.Equal(
            "every replica written: RF 3 × stored 1 = 3 B per ingress byte against one gp3 volume's largest throughput 30 MiB/s × 0.667 (one of 3 zones down) (volumes do not burst)",
            ebs.Sizing.Limits.Single(l => l.Name == "volume throughput").Explanation);
        Assert.Equal(
            "produce 1 + replicas received (RF 3 − 1) × stored 1 = 3 B per ingress byte against 100 MiB/s baseline (100 MiB/s × 0.667 (one of 3 zones down)), bursting to 100 MiB/s for 0 min of credits",
            ebs.Sizing.Limits.Single(l => l.Name == "network in").Explanation);
        Assert.Equal((15, "local disk write"), (local.Sizing.FloorBrokers, local.BindingLimit));
        Assert.Equal(
            "every replica written: RF 3 × stored 1 = 3 B per ingress byte against 30 MiB/s of local NVMe writes (30 MiB/s × 0.667 (one of 3 zones down))",
            local.Sizing.Limits.Single(l => l.Name == "local disk write").Explanation);
    }

    [Fact]
    public void Estimate_AzLossWithABurstingNetwork_LeavesTwoThirdsOfTheBurstToo()
    {
        // RF 1 read twice: network out carries 2 B per ingress byte. One second at 600 MiB/s, credits for an hour:
        // each broker bursts to 200 × 2/3 = 133.3 MiB/s, so 1,200 / 133.3 = 9 brokers (network in: 600 / 133.3 →
        // 5); the average 19.8 MiB/s × 2 needs only the minimum 3.
        var bursting = CostTestData.Instance() with { NetworkBurst = V(200, "MiB/s"), NetworkBurstDuration = V(3600, "seconds") };
        var spike = Enumerable.Repeat(10.0, 59).Append(600).ToArray();

        var estimate = Estimate(CostTestData.Profile(spike, fanOut: 2, replicationFactor: 1), CostTestData.Kafka(), new CostOptions { AzLoss = true }, CostTestData.VendorPrices(720, bursting));

        Assert.Equal((9, "network out"), (estimate.Sizing.FloorBrokers, estimate.BindingLimit));
        Assert.Equal(
            "floor 9 brokers, bound by network out ((replicas sent RF 1 − 1 + fan-out 2) × stored 1 = 2 B per ingress byte against 100 MiB/s baseline (100 MiB/s × 0.667 (one of 3 zones down)), bursting to 200 MiB/s for 60 min of credits); " +
            "the average load needs 3; 6 more carry the peaks that outlast the credits; 9 × 720 h × 0.126 USD/h = 816.48",
            estimate.Line("compute").Formula);
    }

    [Fact]
    public void Estimate_FloorAboveWhatTheAverageNeeds_SaysWhatTheExtraBrokersCarry()
    {
        // Kafka, no burst credits: 59 s at 100 and 1 s at 300 MiB/s, 3 B per byte each way over 100 MiB/s: the
        // average 103.3 needs ⌈3.1⌉ = 4, the peak 9. AutoMQ (elastic, no credits either) over a day at 200 with two
        // hours at 400, 2.5 B per byte out: the average 216.7 needs ⌈5.4⌉ = 6, the peak 10, held through the scale-out delay.
        var kafka = Estimate(CostTestData.Profile([.. Enumerable.Repeat(100.0, 59), 300], fanOut: 1), CostTestData.Kafka());
        var automq = Estimate(CostTestData.Day(200, 400, 7_200), CostTestData.AutoMq());

        Assert.Equal(
            "floor 9 brokers, bound by network in (produce 1 + replicas received (RF 3 − 1) × stored 1 = 3 B per ingress byte against 100 MiB/s baseline (100 MiB/s), bursting to 100 MiB/s for 0 min of credits); " +
            "the average load needs 4; 5 more carry the peaks that outlast the credits; 9 × 720 h × 0.126 USD/h = 816.48",
            kafka.Line("compute").Formula);
        Assert.Equal(
            "floor 10 brokers, bound by network out ((object upload 1 + fan-out 1 + compaction 0.5) × stored 1 = 2.5 B per ingress byte against 100 MiB/s baseline (100 MiB/s), bursting to 100 MiB/s for 0 min of credits); " +
            "the average load needs 6; 4 more carry the peaks that outlast the credits and the scale-out delay; 10 × 720 h × 0.126 USD/h = 907.20",
            automq.Line("compute").Formula);
    }

    [Fact]
    public void Estimate_ElasticFleetAboveItsFloor_BillsTheTimeWeightedBrokersAboveIt()
    {
        // The shipped AutoMQ on r6i.large (93.1 MiB/s network baseline, 20 % headroom) with an S3 WAL, a day at
        // 200 MiB/s with 7,000 s at 400 (average 216.2): the average × 2.5 × 1.2 / 93.1 = 6.97 needs 7, the busiest
        // second 400 × 2.5 × 1.2 / 93.1 = 12.9 needs 13. Six brokers launch once a day (180 a month), billed from
        // the decision 180 s into the peak until 900 s after it: 6 × (7,000 − 180 + 900) / 86,400 = 0.536 brokers
        // above the floor on average, 7.536 in all.
        var (prices, profiles) = CostTestData.Shipped();
        var automq = profiles.Single(p => p.Name == "automq") with { LargerInstanceTypes = [] };

        var estimate = CostModel.Estimate(CostTestData.Day(200, 400, 7_000), automq, prices, new CostOptions { Wal = WalKind.S3 });

        Assert.Equal((7, 13, 180), (estimate.Sizing.FloorBrokers, estimate.Sizing.PeakLoadBrokers, estimate.Sizing.LaunchesPerMonth));
        Assert.Equal(7 + (6.0 * 7_720 / 86_400), estimate.Sizing.MeanBrokers, precision: 9);
        Assert.EndsWith(
            "; the busiest second would need 13 at baseline; burst credits and scale-outs carry the rest; 7 × 720 h × 0.126 USD/h = 635.04",
            estimate.Line("compute").Formula,
            StringComparison.Ordinal);
        var burst = estimate.Line("burst");
        Assert.Equal(6.0 * 7_720 / 86_400 * 720 * 0.126, burst.MonthlyUsd, precision: 9);
        Assert.Equal("time-weighted brokers above the floor 0.536 (up to 13 running; 180 launches/month, each billed at least 60 s) × 720 h × 0.126 USD/h = 48.64", burst.Formula);

        // Brokers to three decimals in storage and per-broker lines, to two in request counts. Written 216.2 ×
        // 2,592,000 = 560,400,000 MiB; the WAL and the router each 4/s × 7.536 × 2,592,000 = 78,134,400 PUTs.
        Assert.Equal("time-weighted brokers 7.536 × (no WAL volume (S3 WAL) + root 64) GB × 0.08 USD/GB-month = 38.58", estimate.Line("blockStorage").Formula);
        Assert.Equal("brokers 7.536 × (0) USD/broker-month = 0.00", estimate.Line("licence").Formula);
        Assert.Equal(
            "written 560,400,000 MiB/month; PUT 165,093,840 + S3 WAL 78,134,400 (4/s × 7.54 brokers) + zone router 78,134,400 (max(4/s, forwarded 19.13 MiB/s / 8 MiB) = 4/s × 7.54 brokers) / 1,000 × 0.005 " +
            "+ GET 71,282,880 + zone router 156,268,800 (each batch read in Z − 1 = 2 zones) / 1,000 × 0.0004 = 1,697.83",
            estimate.Line("objectRequests").Formula);
    }

    [Fact]
    public void Estimate_FetchFromFollowerWithTwoReplicasOverThreeZones_CrossesOnlyToTheZoneWithout()
    {
        // RF 2 over 3 zones: one zone in three holds no replica. Stored 1.0625 B per value byte: 253,125 GB × fan-out
        // 3 × 1/3 × 1.0625 = 268,945.3 GB × 0.02 = 5,378.91; from the leader it would be × 2/3: 537,890.6 GB × 0.02 = 10,757.81.
        var workload = CostTestData.Flat(100, fanOut: 3, replicationFactor: 2) with { StoredFactor = 1.0625 };
        var estimate = Estimate(workload, CostTestData.Kafka(), new CostOptions { FetchFromFollower = true });

        var consume = estimate.Line("crossAz.consume");
        Assert.Equal(253_125 * 1.0625 * 0.02, consume.MonthlyUsd, precision: 6);
        Assert.Equal("253,125 GB × fan-out 3 × zones without a replica (Z − min(RF, Z))/Z 0.333 × stored 1.063 = 268,945 GB × 2 directions × 0.01 USD/GB = 5,378.91", consume.Formula);
        Assert.Equal("With fetch-from-follower; without it this line would be 10,757.81 USD (test).", consume.Note);
        Assert.Equal("RF 2 replicas over 3 zones: a zone loss can take every replica of a partition", estimate.Durability);
        Assert.DoesNotContain(estimate.Notes, n => n.Contains("fetch-from-follower", StringComparison.Ordinal));
    }

    [Fact]
    public void Estimate_ZoneAwareClientsThatCouldFetchFromFollowers_CrossNoZoneToConsume()
    {
        var profile = CostTestData.AutoMq(autoscaling: false) with { FollowerFetching = V(1) };

        var estimate = Estimate(CostTestData.Flat(100, fanOut: 3, replicationFactor: 2), profile, new CostOptions { FetchFromFollower = true });

        var consume = estimate.Line("crossAz.consume");
        Assert.Equal(0, consume.MonthlyUsd);
        Assert.Equal("253,125 GB × 0 (zone-aware fetch) = 0 GB × 2 directions × 0.01 USD/GB = 0.00", consume.Formula);
        Assert.Equal("Clients use a broker in their own zone (test).", consume.Note);
    }

    [Fact]
    public void Estimate_GivenOptionsAndMeasuredFaults_CitesTheOptionsAndNamesEveryKindOfFault()
    {
        var workload = CostTestData.Flat(100, fanOut: 1) with
        {
            MeasuredOperations = [new("partition.reassign", 1_800), new("broker.add", 5_400), new("broker.add", 3_600)],
        };

        var estimate = Estimate(workload, CostTestData.Kafka(), new CostOptions { Headroom = 0.25, OperationsPerMonth = 2 });

        Assert.Contains(new CostInput("headroom", 0.25, "fraction", "--headroom"), estimate.Line("compute").Inputs);
        var labour = estimate.Line("labour");
        // 2 operations × 2 h × 100 USD/h.
        Assert.Equal(400, labour.MonthlyUsd, precision: 9);
        Assert.Equal(
            [new CostInput("operations per month", 2, "operations", "--operations"), new CostInput("hands-on hours per operation", 2, "hours", "test"), new CostInput("operator rate", 100, "", "test")],
            labour.Inputs);
        // (1,800 + 5,400 + 3,600) / 3 = 3,600 s = 1 h per operation; a real cluster (no mock) needs no caveat.
        Assert.Equal("measured mean 3,600 s over 3 partition.reassign/broker.add fault(s)", estimate.Risk.Explanation);
        Assert.Equal(1, estimate.Risk.HoursPerOperation, precision: 9);
    }

    [Fact]
    public void Estimate_TieredStorageForAProfileWithoutIt_IsPricedWithoutAndSaysSo()
    {
        var estimate = Estimate(CostTestData.Flat(100, fanOut: 1), CostTestData.Kafka() with { TieredLocalRetention = null }, new CostOptions { TieredStorage = true });

        Assert.Equal(["Apache Kafka's profile has no tiered storage (no tiered-local-retention): priced without it."], estimate.Notes);
        Assert.Equal("0: data lives on broker disks", estimate.Line("objectStorage").Formula);
        Assert.Equal("0: no object storage", estimate.Line("objectRequests").Formula);
    }

    [Fact]
    public void Estimate_SharedStorage_IgnoresTieredStorageAndHoldsOneCopyOfEachPartitionInMemory()
    {
        // RF 3 is the workload's, but a shared-storage broker holds 12 partitions once: 12 × 512 MiB.
        var profile = CostTestData.AutoMq(autoscaling: false) with { MemoryPerPartitionReplica = V(0.5, "GiB"), MemoryPerCore = V(2, "GiB") };

        var estimate = Estimate(CostTestData.Flat(100, fanOut: 1), profile, new CostOptions { TieredStorage = true });

        Assert.Empty(estimate.Notes);
        Assert.Equal("12 partition replicas × 512 MiB / (16 GiB − 2 cores × 2 GiB)", estimate.Sizing.Limits.Single(l => l.Name == "memory").Explanation);
    }

    [Fact]
    public void Estimate_CoresTakingAllTheMemory_NamesTheSheetAndTheFix()
    {
        // Exactly at the edge: 2 cores × 8 GiB leave 0 of the 16 GiB for partitions.
        var profile = CostTestData.Kafka() with { MemoryPerPartitionReplica = V(0.002, "GiB"), MemoryPerCore = V(8, "GiB") };

        var error = Assert.Throws<InvalidInputException>(() => Estimate(CostTestData.Flat(10, fanOut: 1), profile));

        Assert.Equal(
            [new ValidationProblem("given", "instances.r6i.large.memory", 0, 0, "expected more memory than Apache Kafka needs for its cores (2 × 8 GiB), got 16 GiB", "choose an instance type with more memory per core in the platform profile")],
            error.Problems);
    }

    [Fact]
    public void Estimate_EbsWritesOnAnInstanceWithoutEbsFigures_NamesTheSheetAndTheFix()
    {
        var noEbs = CostTestData.Instance() with { EbsBaseline = null, EbsBurst = null };
        var prices = CostTestData.VendorPrices(720, noEbs);
        const string Fix = "add ebs-baseline, ebs-burst and ebs-burst-duration from the instance's EBS-optimized specifications";

        var kafka = Assert.Throws<InvalidInputException>(() => Estimate(CostTestData.Flat(10, fanOut: 1), CostTestData.Kafka(), prices: prices));
        var automq = Assert.Throws<InvalidInputException>(() => Estimate(CostTestData.Flat(10, fanOut: 1), CostTestData.AutoMq(), prices: prices));

        Assert.Equal([new ValidationProblem("given", "instances.r6i.large.ebs-baseline", 0, 0, "expected EBS bandwidth for r6i.large: Apache Kafka writes its log to EBS", Fix)], kafka.Problems);
        Assert.Equal([new ValidationProblem("given", "instances.r6i.large.ebs-baseline", 0, 0, "expected EBS bandwidth for r6i.large: AutoMQ writes its WAL to EBS", Fix)], automq.Problems);
        // A WAL in S3 writes nothing to EBS, so the instance needs no EBS figures.
        Assert.Equal(0, Estimate(CostTestData.Flat(10, fanOut: 1), CostTestData.AutoMq(), new CostOptions { Wal = WalKind.S3 }, prices).Line("blockPerformance").MonthlyUsd);
    }

    [Fact]
    public void Estimate_WalOption_LeavesASharedNothingPlatformUnchanged()
    {
        var workload = CostTestData.Flat(500, fanOut: 1);
        var plain = Estimate(workload, CostTestData.Kafka());

        foreach (var wal in new[] { WalKind.S3, WalKind.EbsS3Express })
        {
            var withWal = Estimate(workload, CostTestData.Kafka(), new CostOptions { Wal = wal });
            Assert.Equal(plain.Lines.Select(l => (l.Item, l.MonthlyUsd, l.Formula)), withWal.Lines.Select(l => (l.Item, l.MonthlyUsd, l.Formula)));
        }
    }

    [Fact]
    public void Estimate_NullArgument_IsNamed()
    {
        var workload = CostTestData.Flat(10, fanOut: 1);
        PlatformProfile[] profiles = [CostTestData.Kafka()];
        var prices = CostTestData.VendorPrices();
        var options = new CostOptions();

        Assert.Equal("workload", Assert.Throws<ArgumentNullException>(() => CostModel.Estimate(null!, profiles, prices, options)).ParamName);
        Assert.Equal("profiles", Assert.Throws<ArgumentNullException>(() => CostModel.Estimate(workload, (IReadOnlyList<PlatformProfile>)null!, prices, options)).ParamName);
        Assert.Equal("prices", Assert.Throws<ArgumentNullException>(() => CostModel.Estimate(workload, profiles, null!, options)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => CostModel.Estimate(workload, profiles, prices, null!)).ParamName);
    }

    [Fact]
    public void Estimate_WithoutSensitivity_HasNoSensitivityRows()
    {
        var report = CostModel.Estimate(CostTestData.Flat(10, fanOut: 1), [CostTestData.Kafka()], CostTestData.VendorPrices(), new CostOptions(), withSensitivity: false);

        Assert.Empty(report.Sensitivity);
    }
}
