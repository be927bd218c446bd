using YamlDotNet.RepresentationModel;

namespace LoadLab.Core.Cost;

/// <summary>Reads and validates a price sheet (see <c>environments/pricing/README.md</c> for the format).</summary>
public static class PriceSheetLoader
{
    private static readonly string[] TopLevelKeys = ["name", "currency", "hoursPerMonth", "prices"];
    private static readonly string[] Sections = ["compute", "blockStorage", "objectStorage", "network", "observability", "operator"];

    /// <summary>Reads <paramref name="path"/>; throws <see cref="CostInputException"/> listing every problem.</summary>
    public static PriceSheet Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new CostInputException([new CostInputProblem(path, "", 0, "does not exist.", "pass an existing price sheet, e.g. environments/pricing/aws-us-east-1.yaml.")]);
        }

        return Parse(path, System.IO.File.ReadAllText(path));
    }

    /// <summary>Parses price-sheet text; <paramref name="file"/> only names it in messages.</summary>
    public static PriceSheet Parse(string file, string text)
    {
        var (reader, root) = CostYamlReader.Parse(file, text);
        if (root is null)
        {
            reader.ThrowIfProblems();
        }

        reader.RejectUnknown(root!, "", TopLevelKeys);
        var name = reader.Text(root!, "name", "", true, "name the sheet, e.g. 'name: aws-us-east-1'.");
        var currency = reader.Text(root!, "currency", "", true, "write 'currency: USD'.");
        if (currency is not null && currency != "USD")
        {
            reader.Add("currency", CostYamlReader.LineOf(reader.Child(root!, "currency", "", false, "")!), $"is '{currency}' but the sheet's units are written in USD.", "convert the prices to USD and write 'currency: USD'.");
        }

        var hours = reader.Sourced(root!, "hoursPerMonth", "", "hours/month", true, min: 1, max: 744);
        var prices = reader.Mapping(root!, "prices", "", true, $"add a 'prices:' mapping with the sections {string.Join(", ", Sections)}.");
        var values = new Dictionary<string, SourcedValue>();
        var instances = new Dictionary<string, SourcedValue>(StringComparer.Ordinal);
        if (prices is not null)
        {
            reader.RejectUnknown(prices, "prices", Sections);
            var compute = reader.Mapping(prices, "compute", "prices", true, "add 'compute:' with one entry per instance type, e.g. 'r6i.large: { value: 0.126, unit: USD/hour, … }'.");
            if (compute is not null)
            {
                foreach (var entry in compute.Children)
                {
                    var instanceType = ((YamlScalarNode)entry.Key).Value ?? "";
                    var price = reader.Sourced(compute, instanceType, "prices.compute", "USD/hour", true);
                    if (price is not null)
                    {
                        instances[instanceType] = price;
                    }
                }
            }

            foreach (var group in PriceSheet.RequiredPrices.GroupBy(p => p.Section))
            {
                var section = reader.Mapping(prices, group.Key, "prices", true, $"add 'prices.{group.Key}:' with {string.Join(", ", group.Select(p => p.Key))}.");
                if (section is null)
                {
                    continue;
                }

                reader.RejectUnknown(section, $"prices.{group.Key}", group.Select(p => p.Key).ToArray());
                foreach (var (sectionName, key, unit) in group)
                {
                    var value = reader.Sourced(section, key, $"prices.{sectionName}", unit, true);
                    if (value is not null)
                    {
                        values[$"{sectionName}.{key}"] = value;
                    }
                }
            }
        }

        reader.ThrowIfProblems();
        return new PriceSheet
        {
            Name = name!,
            Currency = currency!,
            File = file,
            HoursPerMonth = hours!,
            InstanceHour = instances,
            BlockStorageGbMonth = values["blockStorage.storage"],
            BlockIopsMonth = values["blockStorage.iops"],
            BlockThroughputMiBpsMonth = values["blockStorage.throughput"],
            BlockIncludedIops = values["blockStorage.includedIops"],
            BlockIncludedThroughputMiBps = values["blockStorage.includedThroughput"],
            ObjectStorageGbMonth = values["objectStorage.storage"],
            ObjectPutPer1000 = values["objectStorage.putRequests"],
            ObjectGetPer1000 = values["objectStorage.getRequests"],
            CrossAzPerGbPerDirection = values["network.crossAzPerDirection"],
            ObservabilityPerBrokerMonth = values["observability.perBrokerMonth"],
            OperatorHourly = values["operator.hourlyRate"],
        };
    }
}
