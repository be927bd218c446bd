using System.Globalization;

namespace LoadLab.Core.Cost;

/// <summary>
/// Turns a workload into a monthly TCO per platform: sizes brokers, volumes, object storage and cross-zone traffic
/// from the platform profile, then prices them with the price sheet. Every line carries its inputs and formula.
/// Conventions: rates in MiB/s; a billing GB is 2^30 bytes (1 GiB = 1,024 MiB); a month is
/// <see cref="PriceSheet.HoursPerMonth"/> hours. Both published worked examples (cross-zone $23.6k/$13.5k and the
/// vendor comparison's 42,187.5 GB) are reproduced exactly with a 720-hour month and 1,024 MiB per GB.
/// </summary>
public static class CostModel
{
    private const double MiBPerGiB = 1024;
    private const double SecondsPerHour = 3600;

    // A broker count like 15.000000000002 (floating-point noise) must not become 16.
    private const double CountTolerance = 1e-9;

    public static CostReport Estimate(CostWorkload workload, IEnumerable<PlatformProfile> profiles, PriceSheet prices, CostOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CostInputException(problems);
        }

        return new CostReport
        {
            Workload = workload,
            PriceSheet = prices.Name,
            PriceSheetFile = prices.File,
            Options = options,
            Platforms = [.. profiles.Select(p => Estimate(workload, p, prices, options))],
        };
    }

    public static PlatformEstimate Estimate(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options) =>
        new Calculation(workload, profile, prices, options).Run();

    /// <summary>Brokers needed to carry <paramref name="ingressMiBps"/> with the network factor and headroom.</summary>
    internal static int BrokersFor(double ingressMiBps, double networkFactor, double headroom, double brokerMiBps, double minBrokers)
    {
        var needed = ingressMiBps * networkFactor * (1 + headroom) / brokerMiBps;
        return (int)Math.Max(minBrokers, Math.Ceiling(needed - CountTolerance));
    }

    private static string N(double value, string format = "#,##0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Usd(double value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);

    private sealed class Calculation
    {
        private readonly CostWorkload _w;
        private readonly PlatformProfile _p;
        private readonly PriceSheet _prices;
        private readonly CostOptions _options;
        private readonly List<CostLine> _lines = [];
        private readonly List<string> _notes = [];
        private readonly double _hours;
        private readonly double _headroom;
        private readonly SourcedValue _instancePrice;

        public Calculation(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options)
        {
            _w = workload;
            _p = profile;
            _prices = prices;
            _options = options;
            _hours = prices.HoursPerMonth.Value;
            _headroom = options.Headroom ?? profile.Headroom.Value;
            _instancePrice = prices.InstancePrice(profile.InstanceType);
        }

        private bool SharedStorage => _p.Architecture == StorageArchitecture.SharedStorage;

        private double Zones => _p.AvailabilityZones.Value;

        private double RetentionSeconds => _w.Retention.TotalSeconds;

        private double SecondsPerMonth => _hours * SecondsPerHour;

        /// <summary>One copy of the retained data (GiB): average ingress × retention.</summary>
        private double RetainedGiB => _w.AverageIngressMiBps * RetentionSeconds / MiBPerGiB;

        private CostInput Headroom => new("headroom", _headroom, "fraction", _options.Headroom is null ? _p.Headroom.Citation : "--headroom");

        private CostInput HoursInput => new("hours per month", _hours, "hours", _prices.HoursPerMonth.Citation);

        public PlatformEstimate Run()
        {
            var networkFactor = NetworkFactor(out var factorInputs, out var factorText);
            var baseBrokers = Brokers(_w.AverageIngressMiBps, networkFactor);
            var peakBrokers = Brokers(_w.PeakIngressMiBps, networkFactor);
            double meanBrokers;
            if (SharedStorage)
            {
                // Capacity follows the load: each second runs the brokers that second needs.
                var perSecond = _w.IngressMiBpsPerSecond.Select(x => (double)Brokers(x, networkFactor)).ToArray();
                meanBrokers = perSecond.Length == 0 ? baseBrokers : perSecond.Average();
                var belowBase = perSecond.Length == 0 ? baseBrokers : perSecond.Average(b => Math.Min(b, baseBrokers));
                var aboveBase = meanBrokers - belowBase;
                AddCompute(belowBase, baseBrokers, networkFactor, factorInputs, factorText);
                AddBurstSharedStorage(aboveBase, baseBrokers, peakBrokers);
            }
            else
            {
                meanBrokers = peakBrokers;
                AddCompute(baseBrokers, baseBrokers, networkFactor, factorInputs, factorText);
                AddBurstSharedNothing(baseBrokers, peakBrokers);
            }

            var dataVolumePerBroker = SharedStorage ? AddWalStorage(meanBrokers, peakBrokers) : AddReplicatedStorage(peakBrokers);
            var objectGiB = AddObjectStorage();
            var crossAzGiB = AddCrossAz();
            AddObservability(meanBrokers);
            AddOperatorTime(peakBrokers);

            return new PlatformEstimate
            {
                Platform = _p.Name,
                DisplayName = _p.DisplayName,
                Architecture = _p.Architecture,
                InstanceType = _p.InstanceType,
                Sizing = new PlatformSizing(baseBrokers, peakBrokers, meanBrokers, networkFactor, dataVolumePerBroker, objectGiB, crossAzGiB),
                Lines = _lines,
                Notes = _notes,
            };
        }

        private int Brokers(double ingressMiBps, double networkFactor) =>
            BrokersFor(ingressMiBps, networkFactor, _headroom, _p.BrokerNetworkMiBps.Value, _p.MinBrokers.Value);

        /// <summary>
        /// Bytes through the busier direction of the broker fleet's network per byte written. Shared-nothing: in = RF
        /// (produce + replicas received), out = (RF − 1) + F. Shared-storage: in = 1 + compaction reads,
        /// out = upload + F + compaction (the vendor comparison counts compaction as 0.5 of out).
        /// </summary>
        private double NetworkFactor(out List<CostInput> inputs, out string text)
        {
            var fanOut = new CostInput("fan-out F (consumer groups)", _w.FanOut, "groups", _w.Source);
            if (SharedStorage)
            {
                var upload = _p.ObjectUploadFactor!.Value;
                var compaction = _p.CompactionReadFactor!.Value;
                var inbound = 1 + compaction;
                var outbound = upload + _w.FanOut + compaction;
                inputs =
                [
                    fanOut,
                    new("object-store upload per byte written", upload, "bytes", _p.ObjectUploadFactor.Citation),
                    new("compaction traffic per byte written", compaction, "bytes", _p.CompactionReadFactor.Citation),
                ];
                text = $"max(in 1 + {N(compaction)}, out {N(upload)} + F {N(_w.FanOut)} + {N(compaction)}) = {N(Math.Max(inbound, outbound))}";
                return Math.Max(inbound, outbound);
            }

            var rf = _w.ReplicationFactor;
            var inboundSn = rf;
            var outboundSn = rf - 1 + _w.FanOut;
            inputs = [fanOut, new("replication factor RF", rf, "copies", _w.Source)];
            text = $"max(in RF {N(rf)}, out RF−1 {N(rf - 1)} + F {N(_w.FanOut)}) = {N(Math.Max(inboundSn, outboundSn))}";
            return Math.Max(inboundSn, outboundSn);
        }

        private void AddCompute(double brokerMonths, int baseBrokers, double networkFactor, List<CostInput> factorInputs, string factorText)
        {
            var price = _instancePrice.Value;
            var cost = brokerMonths * _hours * price;
            List<CostInput> inputs =
            [
                new("average ingress", _w.AverageIngressMiBps, "MiB/s", _w.Source),
                .. factorInputs,
                new("broker network baseline", _p.BrokerNetworkMiBps.Value, "MiB/s per direction", _p.BrokerNetworkMiBps.Citation),
                Headroom,
                new("minimum brokers", _p.MinBrokers.Value, "brokers", _p.MinBrokers.Citation),
                new($"{_p.InstanceType} on-demand", price, "USD/hour", _instancePrice.Citation),
                HoursInput,
            ];
            var sizing = $"brokers = max(min {N(_p.MinBrokers.Value)}, ceil(average {N(_w.AverageIngressMiBps)} MiB/s × network factor [{factorText}] × (1 + headroom {N(_headroom)}) / {N(_p.BrokerNetworkMiBps.Value)} MiB/s)) = {baseBrokers}";
            var formula = SharedStorage
                ? $"{sizing}; time-weighted brokers up to that count {N(brokerMonths, "#,##0.###")} × {N(_hours)} h × {_instancePrice.Value} USD/h = {Usd(cost)}"
                : $"{sizing}; {baseBrokers} × {N(_hours)} h × {_instancePrice.Value} USD/h = {Usd(cost)}";
            _lines.Add(new CostLine("compute", "Broker compute", cost, formula, inputs,
                SharedStorage
                    ? "Brokers are stateless, so the fleet scales in when the load drops below the average."
                    : "Sized for the average here; the extra brokers for the peak are the burst line."));
        }

        private void AddBurstSharedNothing(int baseBrokers, int peakBrokers)
        {
            var extra = peakBrokers - baseBrokers;
            var cost = extra * _hours * _instancePrice.Value;
            var burst = _w.Burst;
            _lines.Add(new CostLine("burst", "Burst provisioning", cost,
                $"(peak brokers {peakBrokers} − average brokers {baseBrokers}) × {N(_hours)} h × {_instancePrice.Value} USD/h = {Usd(cost)}",
                [
                    new("peak ingress", _w.PeakIngressMiBps, "MiB/s", _w.Source),
                    new("peak / average", burst.PeakToAverage, "ratio", _w.Source),
                    new("longest peak", burst.LongestPeak.TotalSeconds, "s", _w.Source),
                    new($"{_p.InstanceType} on-demand", _instancePrice.Value, "USD/hour", _instancePrice.Citation),
                    HoursInput,
                ],
                "Held for the peak all month: moving partitions copies their data, so shared-nothing clusters keep the peak capacity running."));
        }

        private void AddBurstSharedStorage(double brokerMonthsAboveBase, int baseBrokers, int peakBrokers)
        {
            var cost = brokerMonthsAboveBase * _hours * _instancePrice.Value;
            var burst = _w.Burst;
            _lines.Add(new CostLine("burst", "Burst provisioning", cost,
                $"time-weighted brokers above {baseBrokers} (up to {peakBrokers} at the peak) {N(brokerMonthsAboveBase, "#,##0.###")} × {N(_hours)} h × {_instancePrice.Value} USD/h = {Usd(cost)}",
                [
                    new("peak ingress", _w.PeakIngressMiBps, "MiB/s", _w.Source),
                    new("peak / average", burst.PeakToAverage, "ratio", _w.Source),
                    new("share of time near the peak", burst.ShareNearPeak, "fraction", _w.Source),
                    new($"{_p.InstanceType} on-demand", _instancePrice.Value, "USD/hour", _instancePrice.Citation),
                    HoursInput,
                ],
                "Scaled out only while the burst lasts (stateless brokers). Scaling reaction time is not modelled: the headroom absorbs a burst until brokers are added."));
        }

        /// <summary>Shared-nothing: RF copies of the retained data spread over the brokers, plus root volumes.</summary>
        private double AddReplicatedStorage(int brokers)
        {
            var rf = _w.ReplicationFactor;
            var diskHeadroom = _p.DiskHeadroom.Value;
            var dataPerBroker = RetainedGiB * rf * (1 + diskHeadroom) / brokers;
            var totalGb = brokers * (dataPerBroker + _p.SystemVolumeGiB.Value);
            var cost = totalGb * _prices.BlockStorageGbMonth.Value;
            _lines.Add(new CostLine("blockStorage", "Block storage", cost,
                $"data per broker = average {N(_w.AverageIngressMiBps)} MiB/s × retention {N(RetentionSeconds)} s / 1,024 × RF {N(rf)} × (1 + {N(diskHeadroom)}) / {brokers} brokers = {N(dataPerBroker)} GB; " +
                $"{brokers} × ({N(dataPerBroker)} + {N(_p.SystemVolumeGiB.Value)} root) GB × {_prices.BlockStorageGbMonth.Value} USD/GB-month = {Usd(cost)}",
                [
                    new("average ingress", _w.AverageIngressMiBps, "MiB/s", _w.Source),
                    new("retention", _w.Retention.TotalHours, "hours", "--retention"),
                    new("replication factor RF", rf, "copies", _w.Source),
                    new("disk headroom", diskHeadroom, "fraction", _p.DiskHeadroom.Citation),
                    new("root volume", _p.SystemVolumeGiB.Value, "GB", _p.SystemVolumeGiB.Citation),
                    new("block storage", _prices.BlockStorageGbMonth.Value, "USD/GB-month", _prices.BlockStorageGbMonth.Citation),
                ],
                "RF copies of the retained data on broker volumes, plus root volumes; sized for the retention up front."));

            // Every broker writes its share of all replicas at the peak.
            AddBlockPerformance(brokers, _w.PeakIngressMiBps * rf / brokers, $"peak {N(_w.PeakIngressMiBps)} MiB/s × RF {N(rf)} / {brokers} brokers");
            return dataPerBroker;
        }

        /// <summary>Shared-storage: a small WAL volume and a root volume per running broker.</summary>
        private double AddWalStorage(double meanBrokers, int peakBrokers)
        {
            var wal = _p.WalVolumeGiB!.Value;
            var totalGb = meanBrokers * (wal + _p.SystemVolumeGiB.Value);
            var cost = totalGb * _prices.BlockStorageGbMonth.Value;
            _lines.Add(new CostLine("blockStorage", "Block storage", cost,
                $"time-weighted brokers {N(meanBrokers, "#,##0.###")} × (WAL {N(wal)} + root {N(_p.SystemVolumeGiB.Value)}) GB × {_prices.BlockStorageGbMonth.Value} USD/GB-month = {Usd(cost)}",
                [
                    new("WAL volume", wal, "GB", _p.WalVolumeGiB.Citation),
                    new("root volume", _p.SystemVolumeGiB.Value, "GB", _p.SystemVolumeGiB.Citation),
                    new("block storage", _prices.BlockStorageGbMonth.Value, "USD/GB-month", _prices.BlockStorageGbMonth.Citation),
                ],
                "WAL and root volume per running broker; the WAL does not grow with retention because data lives in object storage."));
            AddBlockPerformance(meanBrokers, _w.PeakIngressMiBps / peakBrokers, $"peak {N(_w.PeakIngressMiBps)} MiB/s / {peakBrokers} brokers");
            return wal;
        }

        private void AddBlockPerformance(double volumes, double writeMiBpsPerVolume, string writeText)
        {
            var includedThroughput = _prices.BlockIncludedThroughputMiBps.Value;
            var includedIops = _prices.BlockIncludedIops.Value;
            var iops = writeMiBpsPerVolume * 1024 / _p.BlockIoSizeKiB.Value;
            var extraThroughput = Math.Max(0, writeMiBpsPerVolume - includedThroughput);
            var extraIops = Math.Max(0, iops - includedIops);
            var cost = volumes * ((extraThroughput * _prices.BlockThroughputMiBpsMonth.Value) + (extraIops * _prices.BlockIopsMonth.Value));
            _lines.Add(new CostLine("blockPerformance", "Block storage throughput / IOPS", cost,
                $"write per volume = {writeText} = {N(writeMiBpsPerVolume)} MiB/s ({N(iops, "#,##0")} IOPS at {N(_p.BlockIoSizeKiB.Value)} KiB); " +
                $"{N(volumes, "#,##0.###")} volumes × (max(0, {N(writeMiBpsPerVolume)} − {N(includedThroughput)} included) MiB/s × {_prices.BlockThroughputMiBpsMonth.Value} + max(0, {N(iops, "#,##0")} − {N(includedIops)} included) IOPS × {_prices.BlockIopsMonth.Value}) = {Usd(cost)}",
                [
                    new("I/O size", _p.BlockIoSizeKiB.Value, "KiB", _p.BlockIoSizeKiB.Citation),
                    new("included throughput", includedThroughput, "MiB/s", _prices.BlockIncludedThroughputMiBps.Citation),
                    new("included IOPS", includedIops, "IOPS", _prices.BlockIncludedIops.Citation),
                    new("throughput above included", _prices.BlockThroughputMiBpsMonth.Value, "USD/MiBps-month", _prices.BlockThroughputMiBpsMonth.Citation),
                    new("IOPS above included", _prices.BlockIopsMonth.Value, "USD/IOPS-month", _prices.BlockIopsMonth.Citation),
                ]));
        }

        private double AddObjectStorage()
        {
            if (!SharedStorage)
            {
                _lines.Add(new CostLine("objectStorage", "Object storage", 0, "not used: data lives on broker volumes (tiered storage is not modelled)", []));
                _lines.Add(new CostLine("objectRequests", "Object storage requests", 0, "not used: no object storage", []));
                return 0;
            }

            var gb = RetainedGiB;
            var storage = gb * _prices.ObjectStorageGbMonth.Value;
            _lines.Add(new CostLine("objectStorage", "Object storage", storage,
                $"average {N(_w.AverageIngressMiBps)} MiB/s × retention {N(RetentionSeconds)} s / 1,024 = {N(gb)} GB × {_prices.ObjectStorageGbMonth.Value} USD/GB-month = {Usd(storage)}",
                [
                    new("average ingress", _w.AverageIngressMiBps, "MiB/s", _w.Source),
                    new("retention", _w.Retention.TotalHours, "hours", "--retention"),
                    new("object storage", _prices.ObjectStorageGbMonth.Value, "USD/GB-month", _prices.ObjectStorageGbMonth.Citation),
                ],
                "Durability comes from the object store, so one copy is stored, not RF."));

            var writtenMiB = _w.AverageIngressMiBps * SecondsPerMonth;
            var puts = writtenMiB * _p.ObjectPutsPerMiB!.Value;
            var gets = writtenMiB * _p.ObjectGetsPerMiB!.Value;
            var requests = (puts / 1000 * _prices.ObjectPutPer1000.Value) + (gets / 1000 * _prices.ObjectGetPer1000.Value);
            _lines.Add(new CostLine("objectRequests", "Object storage requests", requests,
                $"written {N(writtenMiB, "#,##0")} MiB/month (average × {N(SecondsPerMonth, "#,##0")} s); PUT {N(puts, "#,##0")} / 1,000 × {_prices.ObjectPutPer1000.Value} + GET {N(gets, "#,##0")} / 1,000 × {_prices.ObjectGetPer1000.Value} = {Usd(requests)}",
                [
                    new("PUTs per MiB written", _p.ObjectPutsPerMiB.Value, "requests/MiB", _p.ObjectPutsPerMiB.Citation),
                    new("GETs per MiB written", _p.ObjectGetsPerMiB.Value, "requests/MiB", _p.ObjectGetsPerMiB.Citation),
                    new("PUT price", _prices.ObjectPutPer1000.Value, "USD/1000 requests", _prices.ObjectPutPer1000.Citation),
                    new("GET price", _prices.ObjectGetPer1000.Value, "USD/1000 requests", _prices.ObjectGetPer1000.Citation),
                    HoursInput,
                ]));
            return gb;
        }

        /// <summary>
        /// Cross-zone traffic with clients spread evenly over Z zones: producer → leader crosses (Z−1)/Z of the
        /// writes; replication sends every follower outside the leader's zone a copy; each consumer group fetches
        /// (Z−1)/Z from the leader, or nothing with fetch-from-follower when every zone holds a replica. Each
        /// byte is billed out and in. For RF 3 over 3 zones: W·(2/3 + 2 + F·2/3).
        /// </summary>
        private double AddCrossAz()
        {
            var perGbBothWays = 2 * _prices.CrossAzPerGbPerDirection.Value;
            var writtenGiB = _w.AverageIngressMiBps * SecondsPerMonth / MiBPerGiB;
            var crossFraction = (Zones - 1) / Zones;
            var zoneAware = _p.ZoneAwareClients.Value > 0;
            var rf = _w.ReplicationFactor;
            var zonesWithReplica = Math.Min(rf, Zones);
            var replicasInLeaderZone = Math.Ceiling(rf / Zones - CountTolerance);
            var supportsFollowerFetching = _p.FollowerFetching.Value > 0;
            if (_options.FetchFromFollower && !supportsFollowerFetching && !zoneAware)
            {
                _notes.Add($"{_p.DisplayName} does not support fetch-from-follower ({_p.FollowerFetching.Citation}); consumers read from leaders.");
            }

            var produceFactor = zoneAware ? 0 : crossFraction;
            var replicationFactor = SharedStorage ? 0 : Math.Max(0, rf - replicasInLeaderZone);
            var consumeFromLeader = zoneAware ? 0 : _w.FanOut * crossFraction;
            var consumeFromFollower = zoneAware ? 0 : _w.FanOut * Math.Max(0, Zones - zonesWithReplica) / Zones;
            var useFollower = _options.FetchFromFollower && supportsFollowerFetching;
            var consumeFactor = useFollower ? consumeFromFollower : consumeFromLeader;

            var written = new CostInput("written per month (average)", writtenGiB, "GB", _w.Source);
            var zonesInput = new CostInput("availability zones Z", Zones, "zones", _p.AvailabilityZones.Citation);
            var price = new CostInput("cross-AZ transfer, each direction", _prices.CrossAzPerGbPerDirection.Value, "USD/GB", _prices.CrossAzPerGbPerDirection.Citation);
            var zoneAwareNote = zoneAware ? $"Clients use a broker in their own zone ({_p.ZoneAwareClients.Citation})." : "";

            double Add(string item, string label, double factor, string factorText, IReadOnlyList<CostInput> extra, string note)
            {
                var gib = writtenGiB * factor;
                var cost = gib * perGbBothWays;
                _lines.Add(new CostLine(item, label, cost,
                    $"{N(writtenGiB, "#,##0")} GB × {factorText} = {N(gib, "#,##0")} GB × 2 directions × {_prices.CrossAzPerGbPerDirection.Value} USD/GB = {Usd(cost)}",
                    [written, zonesInput, .. extra, price], note));
                return gib;
            }

            var total = Add("crossAz.produce", "Cross-AZ: producer → leader", produceFactor,
                zoneAware ? "0 (zone-aware produce)" : $"(Z−1)/Z {N(crossFraction, "0.###")}", [], zoneAwareNote);
            total += Add("crossAz.replication", "Cross-AZ: replication", replicationFactor,
                SharedStorage ? "0 (no broker replication; EC2 ↔ S3 in-region transfer is free)" : $"followers outside the leader's zone (RF {N(rf)} − {N(replicasInLeaderZone)}) {N(replicationFactor)}",
                SharedStorage ? [] : [new("replication factor RF", rf, "copies", _w.Source)],
                SharedStorage ? "Durability comes from the WAL and the object store, not from broker replicas." : "");

            var alternative = writtenGiB * (useFollower ? consumeFromLeader : consumeFromFollower) * perGbBothWays;
            var consumeNote = zoneAware
                ? zoneAwareNote
                : supportsFollowerFetching
                    ? $"{(useFollower ? "With" : "Without")} fetch-from-follower; {(useFollower ? "without" : "with")} it this line would be {Usd(alternative)} USD ({_p.FollowerFetching.Citation})."
                    : "Fetch-from-follower is not available on this platform.";
            total += Add("crossAz.consume", "Cross-AZ: consumer fetches", consumeFactor,
                zoneAware ? "0 (zone-aware fetch)"
                    : useFollower ? $"F {N(_w.FanOut)} × zones without a replica (Z − min(RF, Z))/Z {N((Zones - zonesWithReplica) / Zones, "0.###")}"
                    : $"F {N(_w.FanOut)} × (Z−1)/Z {N(crossFraction, "0.###")}",
                [new("fan-out F (consumer groups)", _w.FanOut, "groups", _w.Source), new("fetch-from-follower", useFollower ? 1 : 0, "on/off", "--fetch-from-follower")],
                consumeNote);
            return total;
        }

        private void AddObservability(double meanBrokers)
        {
            var cost = meanBrokers * _prices.ObservabilityPerBrokerMonth.Value;
            _lines.Add(new CostLine("observability", "Observability", cost,
                $"brokers {N(meanBrokers, "#,##0.###")} × {_prices.ObservabilityPerBrokerMonth.Value} USD/broker-month = {Usd(cost)}",
                [new("monitoring", _prices.ObservabilityPerBrokerMonth.Value, "USD/broker-month", _prices.ObservabilityPerBrokerMonth.Citation)]));
        }

        /// <summary>
        /// Operator time = events per month × (hands-on hours + hours spent watching the data move) × hourly rate.
        /// The watching time is measured (a run's partition.reassign / broker.add faults) when available, otherwise
        /// estimated: shared-nothing copies a new broker's share of all replicas at the reassignment throttle;
        /// shared-storage moves only metadata.
        /// </summary>
        private void AddOperatorTime(int brokers)
        {
            var events = _options.OperatorEventsPerMonth ?? _p.OperatorEventsPerMonth.Value;
            var eventsSource = _options.OperatorEventsPerMonth is null ? _p.OperatorEventsPerMonth.Citation : "--operator-events";
            var attended = _p.AttendedHoursPerEvent.Value;
            // The published / configured estimate is always computed, so a measured value can be compared with it.
            double estimatedHours;
            string estimateText;
            CostInput estimateInput;
            if (SharedStorage)
            {
                var seconds = _p.ReassignmentSeconds!.Value;
                estimatedHours = seconds / SecondsPerHour;
                estimateText = $"metadata-only reassignment {N(seconds)} s";
                estimateInput = new("reassignment time", seconds, "s", _p.ReassignmentSeconds.Citation);
            }
            else
            {
                var movedGiB = RetainedGiB * _w.ReplicationFactor / (brokers + 1);
                var throttle = _p.ReassignmentMiBps!.Value;
                estimatedHours = movedGiB * MiBPerGiB / throttle / SecondsPerHour;
                estimateText = $"copy a new broker's share {N(movedGiB)} GB (retained × RF / (brokers + 1)) at {N(throttle)} MiB/s = {N(estimatedHours)} h";
                estimateInput = new("reassignment throttle", throttle, "MiB/s", _p.ReassignmentMiBps.Citation);
            }

            double watchHours;
            string watchText;
            CostInput watchInput;
            var note = "";
            if (_w.MeasuredOperations.Count > 0)
            {
                var seconds = _w.MeasuredOperations.Average(o => o.Seconds);
                watchHours = seconds / SecondsPerHour;
                watchText = $"measured mean {N(seconds)} s over {_w.MeasuredOperations.Count} {string.Join("/", _w.MeasuredOperations.Select(o => o.Action).Distinct())} fault(s)";
                watchInput = new("measured reassignment/scale duration", seconds, "s", _w.Source);
                note = $"Measured in the run; without a measurement the model would use {estimateText}."
                    + (_w.MeasuredOnMockCluster ? " The embedded mock cluster copies no partition data, so its durations understate a real cluster's." : "");
            }
            else
            {
                watchHours = estimatedHours;
                watchText = estimateText;
                watchInput = estimateInput;
            }

            var hoursPerEvent = attended + watchHours;
            var rate = _prices.OperatorHourly.Value;
            var cost = events * hoursPerEvent * rate;
            _lines.Add(new CostLine("operator", "Operator time", cost,
                $"{N(events)} events/month × (hands-on {N(attended)} h + {watchText}) × {rate} USD/h = {Usd(cost)}",
                [
                    new("events per month", events, "events", eventsSource),
                    new("hands-on hours per event", attended, "hours", _p.AttendedHoursPerEvent.Citation),
                    watchInput,
                    new("operator rate", rate, "USD/hour", _prices.OperatorHourly.Citation),
                ],
                note));
        }
    }
}
