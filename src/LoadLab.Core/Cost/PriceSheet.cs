namespace LoadLab.Core.Cost;

/// <summary>
/// Dated, sourced unit prices of one cloud region (<c>environments/pricing/*.yaml</c>). The model never holds a
/// price of its own: every multiplication by money goes through one of these values.
/// Convention: "GB" in a price is the billing gigabyte, 2^30 bytes (what AWS meters as GB); "MiB/s" is 2^20 bytes/s.
/// </summary>
public sealed record PriceSheet
{
    public required string Name { get; init; }
    public required string Currency { get; init; }
    /// <summary>The file the sheet was read from ("given" when built in code).</summary>
    public string File { get; init; } = "given";
    /// <summary>Hours in a billing month (720 = 30 days; 730 = 8,760 / 12). Every monthly figure uses it.</summary>
    public required SourcedValue HoursPerMonth { get; init; }
    /// <summary>On-demand price per instance-hour, by instance type (e.g. <c>r6i.large</c>).</summary>
    public required IReadOnlyDictionary<string, SourcedValue> InstanceHour { get; init; }
    public required SourcedValue BlockStorageGbMonth { get; init; }
    public required SourcedValue BlockIopsMonth { get; init; }
    public required SourcedValue BlockThroughputMiBpsMonth { get; init; }
    /// <summary>IOPS included in the volume price (gp3: 3,000).</summary>
    public required SourcedValue BlockIncludedIops { get; init; }
    /// <summary>Throughput included in the volume price (gp3: 125 MiB/s).</summary>
    public required SourcedValue BlockIncludedThroughputMiBps { get; init; }
    public required SourcedValue ObjectStorageGbMonth { get; init; }
    public required SourcedValue ObjectPutPer1000 { get; init; }
    public required SourcedValue ObjectGetPer1000 { get; init; }
    /// <summary>Price per GB crossing an availability-zone boundary, charged once on each side (out and in).</summary>
    public required SourcedValue CrossAzPerGbPerDirection { get; init; }
    public required SourcedValue ObservabilityPerBrokerMonth { get; init; }
    public required SourcedValue OperatorHourly { get; init; }

    /// <summary>The keys and units a price sheet must provide (the units are checked when the file is read).</summary>
    internal static readonly IReadOnlyList<(string Section, string Key, string Unit)> RequiredPrices =
    [
        ("blockStorage", "storage", "USD/GB-month"),
        ("blockStorage", "iops", "USD/IOPS-month"),
        ("blockStorage", "throughput", "USD/MiBps-month"),
        ("blockStorage", "includedIops", "IOPS"),
        ("blockStorage", "includedThroughput", "MiB/s"),
        ("objectStorage", "storage", "USD/GB-month"),
        ("objectStorage", "putRequests", "USD/1000 requests"),
        ("objectStorage", "getRequests", "USD/1000 requests"),
        ("network", "crossAzPerDirection", "USD/GB"),
        ("observability", "perBrokerMonth", "USD/broker-month"),
        ("operator", "hourlyRate", "USD/hour"),
    ];

    /// <summary>The hourly price of <paramref name="instanceType"/>, or a clear error naming the sheet and the fix.</summary>
    public SourcedValue InstancePrice(string instanceType) =>
        InstanceHour.TryGetValue(instanceType, out var price)
            ? price
            : throw new CostInputException(
            [
                new CostInputProblem(File, $"prices.compute.{instanceType}", 0,
                    $"has no price for instance type '{instanceType}' (known: {string.Join(", ", InstanceHour.Keys)}).",
                    $"add 'prices.compute.{instanceType}: {{ value: <USD per hour>, unit: USD/hour, source: <url>, date: <yyyy-mm-dd> }}' or choose a priced instance type in the platform profile."),
            ]);
}
