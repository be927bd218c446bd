using System.Globalization;
using LoadLab.Core.Results;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>
/// Turns a workload into a monthly TCO per platform. Brokers are sized by every limit (network in and out, EBS or
/// local-disk bandwidth, disk space, memory), each from the price sheet's instance specifications, with the same
/// burst and scaling simulation for every architecture (<see cref="FleetSimulation"/>); storage, object-store
/// requests, the WAL, cross-zone traffic, observability, licence and labour follow. Every line carries its inputs
/// with their sources and its formula with the numbers. Time at risk (data moving after an operation) is reported
/// beside the money, never billed as labour.
/// Conventions: rates in MiB/s; a billing GB is 2^30 bytes (1 GB = 1,024 MiB); a month is the sheet's
/// hours-per-month. Both published worked examples (cross-zone $23,625 / $13,500; the vendor comparison's 15 × 8,437.5 GB
/// and 42,187.5 GB) are reproduced exactly from their own inputs.
/// </summary>
public static class CostModel
{
    private const double MiBPerGiB = 1024;
    private const double SecondsPerHour = 3600;

    /// <summary>Every platform's estimate, with the sensitivity of each total to its inputs (±20 %).</summary>
    public static CostDocument Estimate(CostWorkload workload, IReadOnlyList<PlatformProfile> profiles, PriceSheet prices, CostOptions options, bool withSensitivity = true)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidInputException(problems);
        }

        var chosen = profiles.Select(p => Cheapest(workload, p, prices, options)).ToArray();
        var platforms = chosen.Select(c => c.Estimate).ToArray();
        var burst = workload.Burst;
        return new CostDocument
        {
            Source = workload.Source,
            Measured = workload.Measured,
            PriceSheet = prices.Name,
            PriceSheetFile = prices.File,
            Options = options.Describe(),
            Workload = new CostWorkloadSummary
            {
                AverageIngressMiBps = workload.AverageIngressMiBps,
                PeakIngressMiBps = workload.PeakIngressMiBps,
                AverageMessageBytes = workload.AverageMessageBytes,
                WireFactor = workload.WireFactor,
                StoredFactor = workload.StoredFactor,
                FactorSource = workload.FactorSource,
                FanOut = workload.FanOut,
                FanOutSource = workload.FanOutSource,
                Partitions = workload.Partitions,
                ReplicationFactor = workload.ReplicationFactor,
                ReplicationSource = workload.ReplicationSource,
                RetentionHours = workload.Retention.TotalHours,
                RetentionSource = workload.RetentionSource,
                ProfileSeconds = workload.IngressMiBpsPerSecond.Count,
                PeakToAverage = burst.PeakToAverage,
                LongestPeakSeconds = burst.LongestPeak.TotalSeconds,
                Excluded = [.. workload.Excluded.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.FromSeconds:0.#}–{w.ToSeconds:0.#} s: {w.Reason}"))],
                Notes = workload.Notes,
            },
            Platforms = platforms,
            Sensitivity = withSensitivity ? SensitivityAnalysis.Run(workload, [.. chosen.Select(c => c.Profile)], prices, options) : [],
        };
    }

    /// <summary>
    /// One platform's estimate on the cheapest of its instance sizes, with notes giving the totals of the other sizes
    /// and of the tiered-storage choice not made.
    /// </summary>
    public static PlatformCost Estimate(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options) =>
        Cheapest(workload, profile, prices, options).Estimate;

    /// <summary>
    /// Prices the profile on its instance type and each of its larger sizes and keeps the cheapest (the first on a
    /// tie): a family whose price grows with its size costs about the same per unit of capacity at any size, but a
    /// fleet of hundreds of small brokers pays hundreds of root volumes and monitoring hosts.
    /// </summary>
    private static (PlatformProfile Profile, PlatformCost Estimate) Cheapest(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        var priced = new[] { profile.InstanceType }.Concat(profile.LargerInstanceTypes).Distinct(StringComparer.Ordinal)
            .Select(type => profile with { InstanceType = type, LargerInstanceTypes = [] })
            .Select(candidate => (Profile: candidate, Estimate: Total(workload, candidate, prices, options)))
            .ToArray();
        var (best, estimate) = priced.MinBy(p => p.Estimate.TotalMonthlyUsd);
        if (priced.Length > 1)
        {
            var sizes = string.Join("; ", priced.Select(p =>
                $"{p.Profile.InstanceType} {Usd(p.Estimate.TotalMonthlyUsd)} USD ({p.Estimate.Sizing.FloorBrokers} brokers, binding: {p.Estimate.BindingLimit})"));
            estimate = estimate with { Notes = [.. estimate.Notes, $"Priced on {best.InstanceType}, the cheapest of the sizes in the profile: {sizes}."] };
        }

        return (best, WithTieredAlternative(workload, best, prices, options, estimate));
    }

    /// <summary>The estimate with a note giving the total under the tiered-storage choice not made.</summary>
    private static PlatformCost WithTieredAlternative(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options, PlatformCost estimate)
    {
        if (profile.SharedStorage || profile.TieredLocalRetention is null)
        {
            return estimate;
        }

        var other = Total(workload, profile, prices, options with { TieredStorage = !options.TieredStorage });
        var retention = Hours(profile.TieredLocalRetention.Value);
        var note = options.TieredStorage
            ? $"Without tiered storage (every replica of the whole retention on broker disks) the total would be {Usd(other.TotalMonthlyUsd)} USD ({other.Sizing.FloorBrokers} brokers, binding: {other.BindingLimit})."
            : $"With --tiered-storage (local retention {retention} h, one copy of the rest in object storage) the total would be {Usd(other.TotalMonthlyUsd)} USD ({other.Sizing.FloorBrokers} brokers, binding: {other.BindingLimit}).";
        return estimate with { Notes = [.. estimate.Notes, note] };
    }

    /// <summary>One platform's estimate alone (no alternatives): what the sensitivity analysis repeats.</summary>
    internal static PlatformCost Total(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options) =>
        new Calculation(workload, profile, prices, options).Run();

    internal static string N(double value, string format = "#,##0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    internal static string Usd(double value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);

    private static string Hours(double seconds) => N(seconds / SecondsPerHour);

    private sealed class Calculation
    {
        private readonly CostWorkload _w;
        private readonly PlatformProfile _p;
        private readonly PriceSheet _prices;
        private readonly CostOptions _options;
        private readonly InstanceType _instance;
        private readonly List<CostLine> _lines = [];
        private readonly List<string> _notes = [];
        private readonly double _hours;
        private readonly double _headroom;
        private readonly bool _tiered;
        private readonly WalKind _wal;

        public Calculation(CostWorkload workload, PlatformProfile profile, PriceSheet prices, CostOptions options)
        {
            _w = workload;
            _p = profile;
            _prices = prices;
            _options = options;
            _instance = prices.Instance(profile.InstanceType);
            _hours = prices.HoursPerMonth.Value;
            _headroom = options.Headroom ?? profile.Headroom.Value;
            _tiered = options.TieredStorage && !profile.SharedStorage && profile.TieredLocalRetention is not null;
            _wal = options.Wal ?? profile.Wal;
            if (options.TieredStorage && !profile.SharedStorage && profile.TieredLocalRetention is null)
            {
                _notes.Add($"{profile.DisplayName}'s profile has no tiered storage (no tiered-local-retention): priced without it.");
            }
        }

        private bool SharedStorage => _p.SharedStorage;

        private double Zones => _p.AvailabilityZones.Value;

        private double Rf => _w.ReplicationFactor;

        private double SecondsPerMonth => _hours * SecondsPerHour;

        /// <summary>How long data stays on broker disks (shared-nothing): the retention, or the local retention with tiered storage.</summary>
        private double LocalRetentionSeconds => _tiered ? Math.Min(_p.TieredLocalRetention!.Value, _w.Retention.TotalSeconds) : _w.Retention.TotalSeconds;

        /// <summary>One copy of the retained data as stored (GiB).</summary>
        private double RetainedGiB(double retentionSeconds) => _w.AverageIngressMiBps * _w.StoredFactor * retentionSeconds / MiBPerGiB;

        private CostInput HoursInput => Input("hours per month", _prices.HoursPerMonth);

        private CostInput HeadroomInput => _options.Headroom is null ? Input("headroom", _p.Headroom) : new("headroom", _headroom, "fraction", "--headroom");

        private SourcedValue Price => _instance.OnDemandHourly;

        public PlatformCost Run()
        {
            var limits = Limits();
            var elasticity = _p.Autoscaling.Value > 0
                ? new Elasticity(_p.ScaleOutTrigger!.Value, _p.ScaleOutDelay!.Value, _p.ScaleInTrigger!.Value)
                : null;
            var fleet = FleetSimulation.Size(
                _w.IngressMiBpsPerSecond, limits, _headroom, (int)_p.MinBrokers.Value, elasticity, _prices.BillingMinimum.Value,
                _options.AzLoss ? (int)Zones : 1);
            var launchesPerMonth = fleet.LaunchesPerPeriod * SecondsPerMonth / Math.Max(1, _w.IngressMiBpsPerSecond.Count);

            AddCompute(fleet, limits);
            AddScaleOut(fleet, elasticity, launchesPerMonth);
            var (dataPerBroker, volumes) = AddBlockStorage(fleet);
            AddBlockPerformance(fleet, volumes);
            var objectGiB = AddObjectStorage();
            AddObjectRequests(fleet);
            AddWalCopy(fleet);
            var crossAz = AddCrossAz();
            AddPerBroker(fleet);
            AddLabour();

            var commitments = new List<CommitmentTotal>();
            foreach (var (term, price) in new[] { ("1-year", _instance.OneYearHourly), ("3-year", _instance.ThreeYearHourly) })
            {
                var total = _lines.Sum(l => l.MonthlyUsd);
                commitments.Add(price is null
                    ? new CommitmentTotal(term, null, $"{_prices.File}: instances.{_p.InstanceType} has no {term} price (none confirmed on a public page); add one to price the floor committed")
                    : new CommitmentTotal(term, total - (fleet.Floor * _hours * (Price.Value - price.Value)), price.Citation));
            }

            return new PlatformCost
            {
                Platform = _p.Name,
                DisplayName = _p.DisplayName,
                Architecture = KebabCase.From(_p.Architecture.ToString()),
                InstanceType = _p.InstanceType,
                TotalMonthlyUsd = _lines.Sum(l => l.MonthlyUsd),
                BindingLimit = fleet.BindingLimit,
                Durability = Durability(),
                Sizing = new CostSizing(
                    fleet.Floor, fleet.MeanBrokers, fleet.PeakBrokers, fleet.AverageBrokers, fleet.PeakDemandBrokers, launchesPerMonth,
                    [.. limits.Select(l => new LimitSizing(
                        l.Name,
                        l.IsRate ? l.BrokersAtBaseline(_w.AverageIngressMiBps, _headroom) : l.StaticBrokers,
                        l.IsRate ? l.BrokersAtBaseline(_w.PeakIngressMiBps, _headroom) : l.StaticBrokers,
                        l.Explanation))],
                    dataPerBroker, volumes, objectGiB, crossAz),
                Lines = _lines,
                Commitments = commitments,
                Risk = Risk(fleet),
                Notes = _notes,
            };
        }

        /// <summary>Every resource a broker of this platform can run out of, with its per-broker capacity from the instance's specifications.</summary>
        private List<BrokerLimit> Limits()
        {
            var w = _w.WireFactor;
            var s = _w.StoredFactor;
            var f = _w.FanOut;
            var zoneShare = _options.AzLoss ? (Zones - 1) / Zones : 1;
            var azText = _options.AzLoss ? $" × {N(zoneShare, "0.###")} (one of {N(Zones)} zones down)" : "";
            var net = _instance.NetworkBaseline;
            var netBurst = _instance.NetworkBurst;
            var netDuration = _instance.NetworkBurstDuration;
            string NetText(string bytes, double factor) =>
                $"{bytes} = {N(factor, "0.###")} B per ingress byte against {net.Written} baseline ({N(net.Value)} MiB/s{azText}), bursting to {netBurst.Written} for {N(netDuration.Value / 60)} min of credits";
            var limits = new List<BrokerLimit>();
            double inFactor, outFactor;
            string inText, outText;
            if (SharedStorage)
            {
                var upload = _p.ObjectUploadFactor!.Value;
                var compaction = _p.CompactionReadFactor!.Value;
                inFactor = w + (compaction * s);
                outFactor = (upload + f + compaction) * s;
                inText = $"produce {N(w, "0.###")} + compaction reads {N(compaction)} × stored {N(s, "0.###")}";
                outText = $"(object upload {N(upload)} + fan-out {N(f)} + compaction {N(compaction)}) × stored {N(s, "0.###")}";
            }
            else
            {
                inFactor = w + ((Rf - 1) * s);
                outFactor = ((Rf - 1) + f + (_tiered ? 1 : 0)) * s;
                inText = $"produce {N(w, "0.###")} + replicas received (RF {N(Rf)} − 1) × stored {N(s, "0.###")}";
                outText = $"(replicas sent RF {N(Rf)} − 1 + fan-out {N(f)}{(_tiered ? " + tiered upload 1" : "")}) × stored {N(s, "0.###")}";
            }

            limits.Add(BrokerLimit.Rate("network in", inFactor, net.Value * zoneShare, netBurst.Value * zoneShare, netDuration.Value, NetText(inText, inFactor)));
            limits.Add(BrokerLimit.Rate("network out", outFactor, net.Value * zoneShare, netBurst.Value * zoneShare, netDuration.Value, NetText(outText, outFactor)));

            var writesEbs = SharedStorage ? _wal != WalKind.S3 : _p.DataStorage == DataStorage.Ebs;
            var writeFactor = SharedStorage ? s : Rf * s;
            var writeText = SharedStorage ? $"WAL writes {N(s, "0.###")} × stored" : $"every replica written: RF {N(Rf)} × stored {N(s, "0.###")}";
            if (writesEbs)
            {
                if (_instance.EbsBaseline is not { } ebs)
                {
                    throw new InvalidInputException([new(_prices.File, $"instances.{_p.InstanceType}.ebs-baseline", 0, 0,
                        $"expected EBS bandwidth for {_p.InstanceType}: {_p.DisplayName} writes {(SharedStorage ? "its WAL" : "its log")} to EBS",
                        "add ebs-baseline, ebs-burst and ebs-burst-duration from the instance's EBS-optimized specifications")]);
                }

                limits.Add(BrokerLimit.Rate("EBS bandwidth", writeFactor, ebs.Value * zoneShare, _instance.EbsBurst!.Value * zoneShare, _instance.EbsBurstDuration!.Value,
                    $"{writeText} = {N(writeFactor, "0.###")} B per ingress byte against {ebs.Written} EBS baseline ({N(ebs.Value)} MiB/s{azText}; consumers read the tail from memory), bursting to {_instance.EbsBurst.Written} for {N(_instance.EbsBurstDuration.Value / 60)} min"));
                var volume = _prices.Block.MaxThroughput;
                var volumeMiBps = volume.Value * zoneShare;
                limits.Add(BrokerLimit.Rate("volume throughput", writeFactor, volumeMiBps, volumeMiBps, 0,
                    $"{writeText} = {N(writeFactor, "0.###")} B per ingress byte against one gp3 volume's largest throughput {volume.Written}{azText} (volumes do not burst)"));
            }
            else if (!SharedStorage)
            {
                if (_instance.InstanceStore is null || _instance.InstanceStoreWrite is not { } local)
                {
                    throw new InvalidInputException([new(_prices.File, $"instances.{_p.InstanceType}.instance-store", 0, 0,
                        $"expected local NVMe storage for {_p.InstanceType}: {_p.DisplayName}'s profile says data-storage: instance-store",
                        "add instance-store and instance-store-write, or choose an instance type with local NVMe")]);
                }

                var localMiBps = local.Value * zoneShare;
                limits.Add(BrokerLimit.Rate("local disk write", writeFactor, localMiBps, localMiBps, 0,
                    $"{writeText} = {N(writeFactor, "0.###")} B per ingress byte against {local.Written} of local NVMe writes ({N(local.Value)} MiB/s{azText})"));
            }

            if (!SharedStorage)
            {
                var retained = RetainedGiB(LocalRetentionSeconds) * Rf * (1 + _p.DiskHeadroom.Value);
                var capacity = _p.DataStorage == DataStorage.Ebs
                    ? _prices.Block.MaxVolumeSize.Value * _prices.Block.MaxVolumesPerInstance.Value
                    : _instance.InstanceStore!.Value;
                var capacityText = _p.DataStorage == DataStorage.Ebs
                    ? $"{N(_prices.Block.MaxVolumesPerInstance.Value)} volumes × {_prices.Block.MaxVolumeSize.Written} per broker"
                    : $"{_instance.InstanceStore!.Written} of local NVMe ({N(capacity)} GiB) per broker";
                limits.Add(BrokerLimit.Static("disk space", retained / capacity,
                    $"retained {N(retained)} GiB (average {N(_w.AverageIngressMiBps)} MiB/s × stored {N(_w.StoredFactor, "0.###")} × {Hours(LocalRetentionSeconds)} h × RF {N(Rf)} × (1 + disk headroom {N(_p.DiskHeadroom.Value)})) / {capacityText}"));
            }

            if (_p.MemoryPerPartitionReplica is { } perReplica)
            {
                var perCore = _p.MemoryPerCore?.Value ?? 0;
                var free = _instance.Memory.Value - (perCore * _instance.Vcpus.Value);
                if (free <= 0)
                {
                    throw new InvalidInputException([new(_prices.File, $"instances.{_p.InstanceType}.memory", 0, 0,
                        $"expected more memory than {_p.DisplayName} needs for its cores ({N(_instance.Vcpus.Value)} × {N(perCore)} GiB), got {_instance.Memory.Written}",
                        "choose an instance type with more memory per core in the platform profile")]);
                }

                var replicas = _w.Partitions * Math.Max(1, SharedStorage ? 1 : Rf);
                limits.Add(BrokerLimit.Static("memory", replicas * perReplica.Value / free,
                    $"{N(replicas)} partition replicas × {N(perReplica.Value * MiBPerGiB)} MiB / ({_instance.Memory.Written} − {N(_instance.Vcpus.Value)} cores × {N(perCore)} GiB)"));
            }

            return limits;
        }

        private void AddCompute(FleetResult fleet, IReadOnlyList<BrokerLimit> limits)
        {
            var cost = fleet.Floor * _hours * Price.Value;
            var binding = limits.FirstOrDefault(l => l.Name == fleet.BindingLimit);
            var why = fleet.Floor > fleet.AverageBrokers
                ? $"the average load needs {fleet.AverageBrokers}; {fleet.Floor - fleet.AverageBrokers} more carry the peaks that outlast the credits{(_p.Autoscaling.Value > 0 ? " and the scale-out delay" : "")}"
                : fleet.PeakDemandBrokers > fleet.Floor
                    ? $"the busiest second would need {fleet.PeakDemandBrokers} at baseline; burst credits{(_p.Autoscaling.Value > 0 ? " and scale-outs" : "")} carry the rest"
                    : "the average load needs them";
            var formula = $"floor {fleet.Floor} brokers, bound by {fleet.BindingLimit}{(binding is null ? "" : $" ({binding.Explanation})")}; {why}; " +
                $"{fleet.Floor} × {N(_hours)} h × {Price.Value} USD/h = {Usd(cost)}";
            _lines.Add(new CostLine("compute", "Broker compute", cost, formula,
            [
                Input($"{_p.InstanceType} on-demand", Price),
                Input($"{_p.InstanceType} network baseline", _instance.NetworkBaseline),
                Input($"{_p.InstanceType} network burst", _instance.NetworkBurst),
                Input("network burst duration", _instance.NetworkBurstDuration),
                .. _instance.EbsBaseline is { } ebs ? [Input($"{_p.InstanceType} EBS baseline", ebs)] : Array.Empty<CostInput>(),
                new("average ingress", _w.AverageIngressMiBps, "MiB/s", _w.Source),
                new("peak ingress", _w.PeakIngressMiBps, "MiB/s", _w.Source),
                new("bytes sent per value byte", _w.WireFactor, "ratio", _w.FactorSource),
                new("bytes stored per value byte", _w.StoredFactor, "ratio", _w.FactorSource),
                new("fan-out (bytes read per byte written)", _w.FanOut, "ratio", _w.FanOutSource),
                .. SharedStorage ? Array.Empty<CostInput>() : [new CostInput("replication factor", Rf, "copies", _w.ReplicationSource)],
                HeadroomInput,
                Input("minimum brokers", _p.MinBrokers),
                HoursInput,
            ],
            $"Sized by every limit; {fleet.BindingLimit} binds. " + (fleet.Floor > fleet.AverageBrokers || fleet.PeakDemandBrokers > fleet.Floor
                ? "Peaks shorter than the instance's burst credits ride on them; longer ones need brokers."
                : "")));
        }

        private void AddScaleOut(FleetResult fleet, Elasticity? elasticity, double launchesPerMonth)
        {
            if (elasticity is null)
            {
                _lines.Add(new CostLine("burst", "Scale-out brokers", 0,
                    "not elastic: brokers hold their data, so the fleet is not scaled with the load; the floor carries the peaks (with burst credits) all month = 0.00",
                    [Input("autoscaling", _p.Autoscaling)]));
                return;
            }

            var above = Math.Max(0, fleet.MeanBrokers - fleet.Floor);
            var cost = above * _hours * Price.Value;
            _lines.Add(new CostLine("burst", "Scale-out brokers", cost,
                $"time-weighted brokers above the floor {N(above, "#,##0.###")} (up to {fleet.PeakBrokers} running; {N(launchesPerMonth, "#,##0")} launches/month, each billed at least {N(_prices.BillingMinimum.Value)} s) × {N(_hours)} h × {Price.Value} USD/h = {Usd(cost)}",
                [
                    Input("scale-out trigger", _p.ScaleOutTrigger!),
                    Input("scale-out delay", _p.ScaleOutDelay!),
                    Input("scale-in trigger (minimum lifetime)", _p.ScaleInTrigger!),
                    Input("billing minimum", _prices.BillingMinimum),
                    Input($"{_p.InstanceType} on-demand", Price),
                    HoursInput,
                ],
                $"Brokers are added once demand has exceeded capacity for {N(elasticity.TriggerSeconds)} s and serve {N(elasticity.DelaySeconds)} s later; burst credits carry the load until then. Peaks shorter than the trigger never launch a broker."));
        }

        private (double DataPerBroker, int Volumes) AddBlockStorage(FleetResult fleet)
        {
            var price = _prices.Block.StorageGbMonth;
            var root = _p.SystemVolume.Value;
            if (SharedStorage)
            {
                var wal = _wal == WalKind.S3 ? 0 : _p.WalVolume!.Value;
                var totalGb = fleet.MeanBrokers * (wal + root);
                var cost = totalGb * price.Value;
                _lines.Add(new CostLine("blockStorage", "Block storage", cost,
                    $"time-weighted brokers {N(fleet.MeanBrokers, "#,##0.###")} × ({(_wal == WalKind.S3 ? "no WAL volume (S3 WAL)" : $"WAL {N(wal)}")} + root {N(root)}) GB × {price.Value} USD/GB-month = {Usd(cost)}",
                    [
                        .. _wal == WalKind.S3 ? Array.Empty<CostInput>() : [Input("WAL volume", _p.WalVolume!)],
                        Input("root volume", _p.SystemVolume),
                        Input("block storage", price),
                    ],
                    "The WAL has a fixed size: data lives in object storage, so block storage does not grow with retention."));
                return (wal, _wal == WalKind.S3 ? 0 : 1);
            }

            if (_p.DataStorage == DataStorage.InstanceStore)
            {
                var retainedLocal = RetainedGiB(LocalRetentionSeconds) * Rf * (1 + _p.DiskHeadroom.Value) / fleet.Floor;
                var cost = fleet.Floor * root * price.Value;
                _lines.Add(new CostLine("blockStorage", "Block storage", cost,
                    $"{fleet.Floor} brokers × root {N(root)} GB × {price.Value} USD/GB-month = {Usd(cost)}",
                    [Input("root volume", _p.SystemVolume), Input("block storage", price), Input($"{_p.InstanceType} local NVMe", _instance.InstanceStore!)],
                    $"The log ({N(retainedLocal)} GiB per broker) lives on the instance's local NVMe, paid in the instance price."));
                return (retainedLocal, 0);
            }

            var dataTotal = RetainedGiB(LocalRetentionSeconds) * Rf * (1 + _p.DiskHeadroom.Value);
            var dataPerBroker = dataTotal / fleet.Floor;
            var volumes = Math.Max(1, (int)Math.Ceiling((dataPerBroker / _prices.Block.MaxVolumeSize.Value) - 1e-9));
            var total = fleet.Floor * (dataPerBroker + root);
            var storageCost = total * price.Value;
            _lines.Add(new CostLine("blockStorage", "Block storage", storageCost,
                $"data per broker = average {N(_w.AverageIngressMiBps)} MiB/s × stored {N(_w.StoredFactor, "0.###")} × {N(LocalRetentionSeconds)} s / 1,024 × RF {N(Rf)} × (1 + {N(_p.DiskHeadroom.Value)}) / {fleet.Floor} brokers = {N(dataPerBroker)} GB " +
                $"on {volumes} volume(s) of at most {_prices.Block.MaxVolumeSize.Written}; {fleet.Floor} × ({N(dataPerBroker)} + {N(root)} root) GB × {price.Value} USD/GB-month = {Usd(storageCost)}",
                [
                    new("average ingress", _w.AverageIngressMiBps, "MiB/s", _w.Source),
                    new(_tiered ? "local retention" : "retention", LocalRetentionSeconds / SecondsPerHour, "hours", _tiered ? _p.TieredLocalRetention!.Citation : _w.RetentionSource),
                    new("replication factor", Rf, "copies", _w.ReplicationSource),
                    Input("disk headroom", _p.DiskHeadroom),
                    Input("largest volume", _prices.Block.MaxVolumeSize),
                    Input("root volume", _p.SystemVolume),
                    Input("block storage", price),
                ],
                _tiered ? "Tiered storage: brokers keep only the local retention; the rest is one copy in object storage." : "RF copies of the whole retention on broker volumes."));
            return (dataPerBroker, volumes);
        }

        /// <summary>
        /// gp3 volumes do not burst: each is provisioned for its broker's share of the busiest second (with headroom),
        /// paying for throughput and IOPS above what every volume includes.
        /// </summary>
        private void AddBlockPerformance(FleetResult fleet, int volumesPerBroker)
        {
            var block = _prices.Block;
            var writesEbs = SharedStorage ? _wal != WalKind.S3 : _p.DataStorage == DataStorage.Ebs;
            if (!writesEbs || volumesPerBroker == 0)
            {
                _lines.Add(new CostLine("blockPerformance", "Block storage throughput / IOPS", 0,
                    SharedStorage ? "0: the WAL is in object storage" : "0: the log is on local NVMe", []));
                return;
            }

            var brokers = SharedStorage ? fleet.PeakBrokers : fleet.Floor;
            var writePerBroker = _w.PeakIngressMiBps * _w.StoredFactor * (SharedStorage ? 1 : Rf) * (1 + _headroom) / brokers;
            var perVolume = Math.Min(block.MaxThroughput.Value, writePerBroker / volumesPerBroker);
            var iops = Math.Min(block.MaxIops.Value, perVolume * 1024 / _p.BlockIoSize.Value);
            var extraThroughput = Math.Max(0, perVolume - block.IncludedThroughput.Value);
            var extraIops = Math.Max(0, iops - block.IncludedIops.Value);
            var volumes = (SharedStorage ? fleet.MeanBrokers : fleet.Floor) * volumesPerBroker;
            var cost = volumes * ((extraThroughput * block.ThroughputMiBpsMonth.Value) + (extraIops * block.IopsMonth.Value));
            _lines.Add(new CostLine("blockPerformance", "Block storage throughput / IOPS", cost,
                $"write per volume = peak {N(_w.PeakIngressMiBps)} MiB/s × stored {N(_w.StoredFactor, "0.###")}{(SharedStorage ? "" : $" × RF {N(Rf)}")} × (1 + headroom {N(_headroom)}) / {brokers} brokers / {volumesPerBroker} volume(s) = {N(perVolume)} MiB/s ({N(iops, "#,##0")} IOPS at {N(_p.BlockIoSize.Value)} KiB); " +
                $"{N(volumes, "#,##0.###")} volumes × (max(0, {N(perVolume)} − {N(block.IncludedThroughput.Value)} included) MiB/s × {block.ThroughputMiBpsMonth.Value} + max(0, {N(iops, "#,##0")} − {N(block.IncludedIops.Value)} included) IOPS × {block.IopsMonth.Value}) = {Usd(cost)}",
                [
                    Input("I/O size", _p.BlockIoSize),
                    Input("included throughput", block.IncludedThroughput),
                    Input("included IOPS", block.IncludedIops),
                    Input("largest throughput per volume", block.MaxThroughput),
                    Input("throughput above included", block.ThroughputMiBpsMonth),
                    Input("IOPS above included", block.IopsMonth),
                    HeadroomInput,
                ],
                SharedStorage ? "Every WAL volume is provisioned for its broker's share of the busiest second." : "gp3 does not burst: every volume is provisioned for its share of the busiest second."));
        }

        private double AddObjectStorage()
        {
            if (!SharedStorage && !_tiered)
            {
                _lines.Add(new CostLine("objectStorage", "Object storage", 0,
                    _p.TieredLocalRetention is null ? "0: data lives on broker disks" : "0: data lives on broker disks (tiered storage not chosen; --tiered-storage)", []));
                return 0;
            }

            var gb = RetainedGiB(_w.Retention.TotalSeconds);
            var price = _prices.Object.StorageGbMonth;
            var cost = gb * price.Value;
            _lines.Add(new CostLine("objectStorage", "Object storage", cost,
                $"average {N(_w.AverageIngressMiBps)} MiB/s × stored {N(_w.StoredFactor, "0.###")} × retention {N(_w.Retention.TotalSeconds)} s / 1,024 = {N(gb)} GB × {price.Value} USD/GB-month = {Usd(cost)}",
                [
                    new("average ingress", _w.AverageIngressMiBps, "MiB/s", _w.Source),
                    new("retention", _w.Retention.TotalHours, "hours", _w.RetentionSource),
                    Input("object storage", price),
                ],
                SharedStorage ? "Durability comes from the WAL and the object store, so one copy is stored, not RF." : "Tiered storage: the leader uploads one copy of every closed segment."));
            return gb;
        }

        private void AddObjectRequests(FleetResult fleet)
        {
            var put = _prices.Object.PutPer1000;
            var get = _prices.Object.GetPer1000;
            var writtenMiB = _w.AverageIngressMiBps * _w.StoredFactor * SecondsPerMonth;
            if (SharedStorage)
            {
                var puts = writtenMiB * _p.ObjectPutsPerMiB!.Value;
                var gets = writtenMiB * _p.ObjectGetsPerMiB!.Value;
                var walPuts = _wal == WalKind.S3 ? _p.WalCommitsPerSecond!.Value * fleet.MeanBrokers * SecondsPerMonth : 0;
                var router = _p.ZoneAwareClients.Value > 0 ? _p.ZoneRouterBatchesPerSecond : null;
                // A proxy flushes every interval, or sooner when the produce it forwards (the (Z−1)/Z sent to leaders in other zones) fills a batch.
                var forwardedPerBroker = _w.AverageIngressMiBps * _w.WireFactor * (Zones - 1) / Zones / fleet.MeanBrokers;
                var batchesPerSecond = router is null ? 0 : Math.Max(router.Value, forwardedPerBroker / _p.ZoneRouterBatchSize!.Value);
                var routerPuts = batchesPerSecond * fleet.MeanBrokers * SecondsPerMonth;
                var routerGets = routerPuts * (Zones - 1);
                var cost = ((puts + walPuts + routerPuts) / 1000 * put.Value) + ((gets + routerGets) / 1000 * get.Value);
                var routerPutText = router is null ? "" : $" + zone router {N(routerPuts, "#,##0")} (max({N(router.Value)}/s, forwarded {N(forwardedPerBroker)} MiB/s / {N(_p.ZoneRouterBatchSize!.Value)} MiB) = {N(batchesPerSecond)}/s × {N(fleet.MeanBrokers, "0.##")} brokers)";
                var routerGetText = router is null ? "" : $" + zone router {N(routerGets, "#,##0")} (each batch read in Z − 1 = {N(Zones - 1)} zones)";
                _lines.Add(new CostLine("objectRequests", "Object storage requests", cost,
                    $"written {N(writtenMiB, "#,##0")} MiB/month; PUT {N(puts, "#,##0")}{(walPuts > 0 ? $" + S3 WAL {N(walPuts, "#,##0")} ({N(_p.WalCommitsPerSecond!.Value)}/s × {N(fleet.MeanBrokers, "0.##")} brokers)" : "")}{routerPutText} / 1,000 × {put.Value} + GET {N(gets, "#,##0")}{routerGetText} / 1,000 × {get.Value} = {Usd(cost)}",
                    [
                        Input("PUTs per MiB written", _p.ObjectPutsPerMiB),
                        Input("GETs per MiB written", _p.ObjectGetsPerMiB),
                        .. _wal == WalKind.S3 ? [Input("WAL commits per broker-second", _p.WalCommitsPerSecond!)] : Array.Empty<CostInput>(),
                        .. router is null ? Array.Empty<CostInput>() : [Input("zone-router batches per broker-second", router), Input("zone-router batch size", _p.ZoneRouterBatchSize!)],
                        Input("PUT price", put),
                        Input("GET price", get),
                        HoursInput,
                    ],
                    router is null ? "" : "The zone router keeps clients in their own zone (no cross-AZ transfer): produce requests for leaders in other zones travel through object storage."));
                return;
            }

            if (!_tiered)
            {
                _lines.Add(new CostLine("objectRequests", "Object storage requests", 0, "0: no object storage", []));
                return;
            }

            var segments = writtenMiB / (_p.TieredSegmentSize!.Value * MiBPerGiB);
            var requests = segments * _p.TieredPutsPerSegment!.Value;
            var tieredCost = requests / 1000 * put.Value;
            _lines.Add(new CostLine("objectRequests", "Object storage requests", tieredCost,
                $"written {N(writtenMiB, "#,##0")} MiB/month / segments of {_p.TieredSegmentSize.Written} = {N(segments, "#,##0")} segments × {N(_p.TieredPutsPerSegment.Value)} PUTs / 1,000 × {put.Value} = {Usd(tieredCost)}",
                [Input("segment size", _p.TieredSegmentSize), Input("PUTs per segment", _p.TieredPutsPerSegment), Input("PUT price", put), HoursInput],
                "Consumers reading the tail are served from broker disks and memory: no GETs. Catch-up reads beyond the local retention would add GETs."));
        }

        private void AddWalCopy(FleetResult fleet)
        {
            if (!SharedStorage || _wal != WalKind.EbsS3Express)
            {
                _lines.Add(new CostLine("walCopy", "WAL second copy", 0,
                    !SharedStorage ? $"0: durability by RF {N(Rf)} broker replicas" : _wal == WalKind.S3 ? "0: the WAL is in regional object storage (its requests are priced with the object storage requests)" : "0: EBS WAL only (durable within one zone; --wal ebs-s3-express prices the AZ-durable double write)",
                    []));
                return;
            }

            var express = _prices.Express;
            var commits = _p.WalCommitsPerSecond!.Value * fleet.MeanBrokers * SecondsPerMonth;
            var uploadedGb = _w.AverageIngressMiBps * _w.StoredFactor * SecondsPerMonth / MiBPerGiB;
            var heldGb = fleet.MeanBrokers * _p.WalVolume!.Value;
            var cost = (commits / 1000 * express.PutPer1000.Value) + (uploadedGb * express.UploadPerGb.Value) + (heldGb * express.StorageGbMonth.Value);
            _lines.Add(new CostLine("walCopy", "WAL second copy", cost,
                $"S3 Express One Zone: PUT {N(commits, "#,##0")} ({N(_p.WalCommitsPerSecond.Value)}/s × {N(fleet.MeanBrokers, "0.##")} brokers) / 1,000 × {express.PutPer1000.Value} + upload {N(uploadedGb, "#,##0")} GB × {express.UploadPerGb.Value} + held {N(heldGb)} GB × {express.StorageGbMonth.Value} = {Usd(cost)}",
                [
                    Input("WAL commits per broker-second", _p.WalCommitsPerSecond),
                    Input("WAL volume (bounds the copy held)", _p.WalVolume),
                    Input("express PUT price", express.PutPer1000),
                    Input("express upload price", express.UploadPerGb),
                    Input("express storage price", express.StorageGbMonth),
                    HoursInput,
                ],
                "The AZ-durable double write: every WAL write also goes to S3 Express One Zone in another zone, so a zone loss loses nothing acknowledged. Transfer to the other zone's bucket is not priced (not confirmed as charged)."));
        }

        /// <summary>
        /// Cross-zone traffic with clients spread evenly over Z zones: producer → leader crosses (Z−1)/Z of the
        /// requests; replication sends every follower outside the leader's zone a copy of the batches; each consumer
        /// group fetches (Z−1)/Z from the leader, or nothing with fetch-from-follower when every zone holds a replica.
        /// Each byte is billed out and in. For RF 3 over 3 zones on value bytes: W·(2/3 + 2 + F·2/3).
        /// </summary>
        private double AddCrossAz()
        {
            var price = _prices.CrossAzPerGbPerDirection;
            var perGbBothWays = 2 * price.Value;
            var valueGiB = _w.AverageIngressMiBps * SecondsPerMonth / MiBPerGiB;
            var crossFraction = (Zones - 1) / Zones;
            var zoneAware = _p.ZoneAwareClients.Value > 0;
            var zonesWithReplica = Math.Min(Rf, Zones);
            var replicasInLeaderZone = BrokerLimit.Ceiling(Rf / Zones);
            var supportsFollowerFetching = _p.FollowerFetching.Value > 0;
            if (_options.FetchFromFollower && !supportsFollowerFetching && !zoneAware)
            {
                _notes.Add($"{_p.DisplayName} does not support fetch-from-follower ({_p.FollowerFetching.Citation}); consumers read from leaders.");
            }

            var produce = zoneAware ? 0 : crossFraction * _w.WireFactor;
            var replication = SharedStorage ? 0 : Math.Max(0, Rf - replicasInLeaderZone) * _w.StoredFactor;
            var fromLeader = zoneAware ? 0 : _w.FanOut * crossFraction * _w.StoredFactor;
            var fromFollower = zoneAware ? 0 : _w.FanOut * Math.Max(0, Zones - zonesWithReplica) / Zones * _w.StoredFactor;
            var useFollower = _options.FetchFromFollower && supportsFollowerFetching;
            var consume = useFollower ? fromFollower : fromLeader;

            var written = new CostInput("value bytes written per month (average)", valueGiB, "GB", _w.Source);
            var zones = Input("availability zones Z", _p.AvailabilityZones);
            var priceInput = Input("cross-AZ transfer, each direction", price);
            var zoneAwareNote = zoneAware ? $"Clients use a broker in their own zone ({_p.ZoneAwareClients.Citation})." : "";

            double Add(string item, string label, double factor, string factorText, IReadOnlyList<CostInput> extra, string note)
            {
                var gib = valueGiB * factor;
                var cost = gib * perGbBothWays;
                _lines.Add(new CostLine(item, label, cost,
                    $"{N(valueGiB, "#,##0")} GB × {factorText} = {N(gib, "#,##0")} GB × 2 directions × {price.Value} USD/GB = {Usd(cost)}",
                    [written, zones, .. extra, priceInput], note));
                return gib;
            }

            var total = Add("crossAz.produce", "Cross-AZ: producer → leader", produce,
                zoneAware ? "0 (zone-aware produce)" : $"(Z−1)/Z {N(crossFraction, "0.###")} × sent {N(_w.WireFactor, "0.###")}",
                [new("bytes sent per value byte", _w.WireFactor, "ratio", _w.FactorSource)], zoneAwareNote);
            total += Add("crossAz.replication", "Cross-AZ: replication", replication,
                SharedStorage ? "0 (no broker replication; EC2 ↔ S3 in-region transfer is free)" : $"followers outside the leader's zone (RF {N(Rf)} − {N(replicasInLeaderZone)}) × stored {N(_w.StoredFactor, "0.###")}",
                SharedStorage ? [] : [new("replication factor", Rf, "copies", _w.ReplicationSource)],
                SharedStorage ? "Durability comes from the WAL and the object store, not from broker replicas." : "");

            var alternative = valueGiB * (useFollower ? fromLeader : fromFollower) * perGbBothWays;
            var consumeNote = zoneAware
                ? zoneAwareNote
                : supportsFollowerFetching
                    ? $"{(useFollower ? "With" : "Without")} fetch-from-follower; {(useFollower ? "without" : "with")} it this line would be {Usd(alternative)} USD ({_p.FollowerFetching.Citation})."
                    : "Fetch-from-follower is not available on this platform.";
            total += Add("crossAz.consume", "Cross-AZ: consumer fetches", consume,
                zoneAware ? "0 (zone-aware fetch)"
                    : useFollower ? $"fan-out {N(_w.FanOut)} × zones without a replica (Z − min(RF, Z))/Z {N((Zones - zonesWithReplica) / Zones, "0.###")} × stored {N(_w.StoredFactor, "0.###")}"
                    : $"fan-out {N(_w.FanOut)} × (Z−1)/Z {N(crossFraction, "0.###")} × stored {N(_w.StoredFactor, "0.###")}",
                [new("fan-out (bytes read per byte written)", _w.FanOut, "ratio", _w.FanOutSource), new("fetch-from-follower", useFollower ? 1 : 0, "on/off", "--fetch-from-follower")],
                consumeNote);
            return total;
        }

        private void AddPerBroker(FleetResult fleet)
        {
            var monitoring = _prices.ObservabilityPerBrokerMonth;
            var cost = fleet.MeanBrokers * monitoring.Value;
            _lines.Add(new CostLine("observability", "Observability", cost,
                $"brokers {N(fleet.MeanBrokers, "#,##0.###")} × {monitoring.Value} USD/broker-month = {Usd(cost)}",
                [Input("monitoring", monitoring)]));

            var tieredLicence = _tiered ? _p.TieredLicence?.Value ?? 0 : 0;
            var perBroker = _p.Licence.Value + tieredLicence;
            var licence = fleet.MeanBrokers * perBroker;
            _lines.Add(new CostLine("licence", "Licence", licence,
                $"brokers {N(fleet.MeanBrokers, "#,##0.###")} × ({N(_p.Licence.Value)}{(_tiered ? $" + tiered storage {N(tieredLicence)}" : "")}) USD/broker-month = {Usd(licence)}",
                [Input("licence", _p.Licence), .. _tiered && _p.TieredLicence is { } t ? [Input("tiered-storage licence", t)] : Array.Empty<CostInput>()],
                _tiered && _p.TieredLicence is { Value: 0 } zero ? $"Tiered storage needs a licence whose price is not public ({zero.Citation}): enter your quote in the profile." : ""));
        }

        private void AddLabour()
        {
            var operations = _options.OperationsPerMonth ?? _p.OperationsPerMonth.Value;
            var handsOn = _p.HandsOnHoursPerOperation.Value;
            var rate = _prices.OperatorHourly.Value;
            var cost = operations * handsOn * rate;
            _lines.Add(new CostLine("labour", "Operator labour", cost,
                $"{N(operations)} operations/month × hands-on {N(handsOn)} h × {rate} USD/h = {Usd(cost)}",
                [
                    _options.OperationsPerMonth is null ? Input("operations per month", _p.OperationsPerMonth) : new("operations per month", operations, "operations", "--operations"),
                    Input("hands-on hours per operation", _p.HandsOnHoursPerOperation),
                    Input("operator rate", _prices.OperatorHourly),
                ],
                "Hands-on time only: hours the data spends moving are time at risk, reported beside the total, not billed."));
        }

        private TimeAtRisk Risk(FleetResult fleet)
        {
            var operations = _options.OperationsPerMonth ?? _p.OperationsPerMonth.Value;
            double hours;
            string explanation;
            if (_w.MeasuredOperations.Count > 0)
            {
                var seconds = _w.MeasuredOperations.Average(o => o.Seconds);
                hours = seconds / SecondsPerHour;
                explanation = $"measured mean {N(seconds)} s over {_w.MeasuredOperations.Count} {string.Join("/", _w.MeasuredOperations.Select(o => o.Action).Distinct())} fault(s)"
                    + (_w.MeasuredOnMockCluster ? "; the embedded mock cluster copies no partition data, so this understates a real cluster" : "");
            }
            else if (SharedStorage)
            {
                hours = _p.ReassignmentTime!.Value / SecondsPerHour;
                explanation = $"metadata-only reassignment {N(_p.ReassignmentTime.Value)} s ({_p.ReassignmentTime.Citation})";
            }
            else
            {
                var moved = RetainedGiB(LocalRetentionSeconds) * Rf / (fleet.Floor + 1);
                hours = moved * MiBPerGiB / _p.ReassignmentThrottle!.Value / SecondsPerHour;
                explanation = $"copy a new broker's share {N(moved)} GB (retained on brokers × RF / (brokers + 1)) at {_p.ReassignmentThrottle.Written} = {N(hours)} h";
            }

            return new TimeAtRisk(hours, operations, Math.Min(_hours, hours * operations), explanation);
        }

        private string Durability() => SharedStorage
            ? _wal switch
            {
                WalKind.Ebs => "EBS WAL in the broker's zone: acknowledged data not yet in object storage is unavailable (or lost) if that zone fails: less durable than RF 3 across zones",
                WalKind.S3 => "S3 WAL: every acknowledged write is in regional object storage and survives a zone loss (produce latency of object-store writes)",
                _ => "EBS WAL plus a copy in S3 Express One Zone in another zone: acknowledged data survives a zone loss",
            }
            : Rf >= Zones
                ? $"RF {N(Rf)} replicas across {N(Zones)} zones: acknowledged data (acks=all) survives a zone loss"
                : $"RF {N(Rf)} replicas over {N(Zones)} zones: a zone loss can take every replica of a partition";

        private static CostInput Input(string name, SourcedValue value) => new(name, value.Value, value.Unit, value.Citation);
    }
}
