using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>Reads and validates a price sheet (format: <c>environments/pricing/README.md</c>) through the one YAML layer.</summary>
public static class PriceSheetLoader
{
    private static readonly YamlShape Instance = YamlShape.Map("instance type",
    [
        "on-demand", "one-year", "three-year", "vcpus", "memory", "network-baseline", "network-burst", "network-burst-duration",
        "ebs-baseline", "ebs-burst", "ebs-burst-duration", "instance-store", "instance-store-write",
    ]);

    private static readonly YamlShape Block = YamlShape.Map("block storage prices",
        ["storage", "iops", "throughput", "included-iops", "included-throughput", "max-volume-size", "max-iops", "max-throughput", "max-volumes-per-instance"]);

    private static readonly YamlShape Object = YamlShape.Map("object storage prices", ["storage", "put-requests", "get-requests"]);

    private static readonly YamlShape Express = YamlShape.Map("express object storage prices", ["storage", "put-requests", "get-requests", "upload"]);

    private static readonly YamlShape Network = YamlShape.Map("network prices", ["cross-az-per-direction"]);

    private static readonly YamlShape Observability = YamlShape.Map("observability prices", ["per-broker-month"]);

    private static readonly YamlShape Operator = YamlShape.Map("operator prices", ["hourly-rate"]);

    private static readonly YamlShape Instances = YamlShape.FreeForm("instance types");

    private static readonly YamlShape Root = YamlShape.Map("price sheet",
        ["name", "currency", "hours-per-month", "billing-minimum"],
        ("instances", Instances),
        ("block-storage", Block),
        ("object-storage", Object),
        ("express-object-storage", Express),
        ("network", Network),
        ("observability", Observability),
        ("operator", Operator));

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidInputException"/> listing every problem.</summary>
    public static PriceSheet Load(string path) => Result(YamlDocumentReader.Load(path, Root, root => Read(root, path)));

    /// <summary>Parses price-sheet text; <paramref name="file"/> only names it in problems.</summary>
    public static PriceSheet Parse(string file, string text) => Result(YamlDocumentReader.Parse(text, file, Root, root => Read(root, file)));

    private static PriceSheet Result(LoadResult<PriceSheet> result) =>
        result.Succeeded ? result.Value! : throw new InvalidInputException(result.Problems);

    private static PriceSheet? Read(YamlMap root, string file)
    {
        static SourcedValue? Price(YamlMap? map, string key, string unit) =>
            map is null ? null : SourcedValues.Read(map, key, Quantity.Exactly(unit));

        var name = root.Require("name", "aws-us-east-1")?.AsString("aws-us-east-1");
        var currency = root.Require("currency", "USD")?.AsOneOf(["USD"]);
        var hours = SourcedValues.Read(root, "hours-per-month", Quantity.DurationIn("hours", 3600), min: 1, max: 744);
        var billingMinimum = SourcedValues.Read(root, "billing-minimum", Quantity.Duration);
        var instances = new Dictionary<string, InstanceType>(StringComparer.Ordinal);
        var instancesMap = root.Require("instances", "{ r6i.large: { on-demand: …, vcpus: …, … } }")?.AsMap(Instances, "{ r6i.large: { … } }");
        foreach (var (type, value) in instancesMap?.Entries ?? [])
        {
            if (value.AsMap(Instance, "{ on-demand: { value: 0.126, unit: USD/hour, source: <url>, date: <yyyy-mm-dd> }, … }") is { } map
                && ReadInstance(type, map) is { } instance)
            {
                instances[type] = instance;
            }
        }

        var block = root.Require("block-storage", "{ storage: …, iops: …, … }")?.AsMap(Block, "{ storage: … }");
        var objects = root.Require("object-storage", "{ storage: …, put-requests: …, get-requests: … }")?.AsMap(Object, "{ storage: … }");
        var express = root.Require("express-object-storage", "{ storage: …, put-requests: …, get-requests: …, upload: … }")?.AsMap(Express, "{ storage: … }");
        var network = root.Require("network", "{ cross-az-per-direction: … }")?.AsMap(Network, "{ cross-az-per-direction: … }");
        var observability = root.Require("observability", "{ per-broker-month: … }")?.AsMap(Observability, "{ per-broker-month: … }");
        var operatorMap = root.Require("operator", "{ hourly-rate: … }")?.AsMap(Operator, "{ hourly-rate: … }");

        var blockPrices = block is null ? null : new
        {
            Storage = Price(block, "storage", "USD/GB-month"),
            Iops = Price(block, "iops", "USD/IOPS-month"),
            Throughput = Price(block, "throughput", "USD/MiBps-month"),
            IncludedIops = SourcedValues.Read(block, "included-iops", Quantity.Number),
            IncludedThroughput = SourcedValues.Read(block, "included-throughput", Quantity.Bandwidth),
            MaxSize = SourcedValues.Read(block, "max-volume-size", Quantity.Size, exclusiveMin: true),
            MaxIops = SourcedValues.Read(block, "max-iops", Quantity.Number, exclusiveMin: true),
            MaxThroughput = SourcedValues.Read(block, "max-throughput", Quantity.Bandwidth, exclusiveMin: true),
            MaxVolumes = SourcedValues.Read(block, "max-volumes-per-instance", Quantity.Number, min: 1),
        };
        var objectPrices = new
        {
            Storage = Price(objects, "storage", "USD/GB-month"),
            Put = Price(objects, "put-requests", "USD/1000 requests"),
            Get = Price(objects, "get-requests", "USD/1000 requests"),
        };
        var expressPrices = new
        {
            Storage = Price(express, "storage", "USD/GB-month"),
            Put = Price(express, "put-requests", "USD/1000 requests"),
            Get = Price(express, "get-requests", "USD/1000 requests"),
            Upload = Price(express, "upload", "USD/GB"),
        };
        var crossAz = Price(network, "cross-az-per-direction", "USD/GB");
        var perBroker = Price(observability, "per-broker-month", "USD/broker-month");
        var hourly = Price(operatorMap, "hourly-rate", "USD/hour");

        if (root.Problems.Any || name is null || currency is null || hours is null || billingMinimum is null || blockPrices is null
            || crossAz is null || perBroker is null || hourly is null)
        {
            return null;
        }

        return new PriceSheet
        {
            Name = name,
            Currency = currency,
            File = file,
            HoursPerMonth = hours,
            BillingMinimum = billingMinimum,
            Instances = instances,
            Block = new BlockStoragePrices
            {
                StorageGbMonth = blockPrices.Storage!,
                IopsMonth = blockPrices.Iops!,
                ThroughputMiBpsMonth = blockPrices.Throughput!,
                IncludedIops = blockPrices.IncludedIops!,
                IncludedThroughput = blockPrices.IncludedThroughput!,
                MaxVolumeSize = blockPrices.MaxSize!,
                MaxIops = blockPrices.MaxIops!,
                MaxThroughput = blockPrices.MaxThroughput!,
                MaxVolumesPerInstance = blockPrices.MaxVolumes!,
            },
            Object = new ObjectStoragePrices { StorageGbMonth = objectPrices.Storage!, PutPer1000 = objectPrices.Put!, GetPer1000 = objectPrices.Get! },
            Express = new ExpressStoragePrices
            {
                StorageGbMonth = expressPrices.Storage!,
                PutPer1000 = expressPrices.Put!,
                GetPer1000 = expressPrices.Get!,
                UploadPerGb = expressPrices.Upload!,
            },
            CrossAzPerGbPerDirection = crossAz,
            ObservabilityPerBrokerMonth = perBroker,
            OperatorHourly = hourly,
        };
    }

    private static InstanceType? ReadInstance(string type, YamlMap map)
    {
        var onDemand = SourcedValues.Read(map, "on-demand", Quantity.Exactly("USD/hour"), exclusiveMin: true);
        var oneYear = SourcedValues.Read(map, "one-year", Quantity.Exactly("USD/hour"), required: false, exclusiveMin: true);
        var threeYear = SourcedValues.Read(map, "three-year", Quantity.Exactly("USD/hour"), required: false, exclusiveMin: true);
        var vcpus = SourcedValues.Read(map, "vcpus", Quantity.Number, min: 1);
        var memory = SourcedValues.Read(map, "memory", Quantity.Size, exclusiveMin: true);
        var baseline = SourcedValues.Read(map, "network-baseline", Quantity.Bandwidth, exclusiveMin: true);
        var burst = SourcedValues.Read(map, "network-burst", Quantity.Bandwidth, exclusiveMin: true);
        var burstDuration = SourcedValues.Read(map, "network-burst-duration", Quantity.Duration);
        var ebsBaseline = SourcedValues.Read(map, "ebs-baseline", Quantity.Bandwidth, required: false, exclusiveMin: true);
        var ebsBurst = SourcedValues.Read(map, "ebs-burst", Quantity.Bandwidth, required: ebsBaseline is not null, exclusiveMin: true);
        var ebsBurstDuration = SourcedValues.Read(map, "ebs-burst-duration", Quantity.Duration, required: ebsBaseline is not null);
        var store = SourcedValues.Read(map, "instance-store", Quantity.Size, required: false, exclusiveMin: true);
        var storeWrite = SourcedValues.Read(map, "instance-store-write", Quantity.Bandwidth, required: store is not null, exclusiveMin: true);
        if (baseline is not null && burst is not null && burst.Value < baseline.Value)
        {
            map.Get("network-burst")!.Problem(
                $"expected the burst bandwidth to be at least the baseline ({baseline.Written}), got {burst.Written}",
                "write the baseline again as network-burst for an instance that does not burst");
            return null;
        }

        return onDemand is null || vcpus is null || memory is null || baseline is null || burst is null || burstDuration is null
            ? null
            : new InstanceType
            {
                Name = type,
                OnDemandHourly = onDemand,
                OneYearHourly = oneYear,
                ThreeYearHourly = threeYear,
                Vcpus = vcpus,
                Memory = memory,
                NetworkBaseline = baseline,
                NetworkBurst = burst,
                NetworkBurstDuration = burstDuration,
                EbsBaseline = ebsBaseline,
                EbsBurst = ebsBurst,
                EbsBurstDuration = ebsBurstDuration,
                InstanceStore = store,
                InstanceStoreWrite = storeWrite,
            };
    }
}
