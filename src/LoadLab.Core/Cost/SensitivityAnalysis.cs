using LoadLab.Core.Results;

namespace LoadLab.Core.Cost;

/// <summary>
/// What moves the total: every input moved down and up by <see cref="Step"/> (one at a time, the rest as given),
/// each platform re-estimated at both ends. Rows are ordered by their largest swing, so the inputs worth checking
/// come first.
/// </summary>
public static class SensitivityAnalysis
{
    /// <summary>±20 %.</summary>
    public const double Step = 0.2;

    private sealed record Inputs(CostWorkload Workload, IReadOnlyList<PlatformProfile> Profiles, PriceSheet Prices, CostOptions Options);

    private static readonly IReadOnlyList<(string Name, Func<Inputs, double, Inputs> Scale)> Perturbations =
    [
        ("ingress (every second)", (x, f) => x with { Workload = x.Workload with { IngressMiBpsPerSecond = [.. x.Workload.IngressMiBpsPerSecond.Select(v => v * f)] } }),
        ("retention", (x, f) => x with { Workload = x.Workload with { Retention = x.Workload.Retention * f } }),
        ("fan-out", (x, f) => x with { Workload = x.Workload with { FanOut = x.Workload.FanOut * f } }),
        ("bytes on the wire per value byte", (x, f) => x with { Workload = x.Workload with { WireFactor = x.Workload.WireFactor * f, StoredFactor = x.Workload.StoredFactor * f } }),
        ("headroom", (x, f) => x with { Profiles = [.. x.Profiles.Select(p => p with { Headroom = p.Headroom.Scaled(f) })], Options = x.Options with { Headroom = x.Options.Headroom * f } }),
        ("instance price", (x, f) => x with { Prices = MapInstances(x.Prices, i => i with { OnDemandHourly = i.OnDemandHourly.Scaled(f) }) }),
        ("instance network baseline", (x, f) => x with { Prices = MapInstances(x.Prices, i => i with { NetworkBaseline = i.NetworkBaseline.Scaled(f), NetworkBurst = i.NetworkBurst.Scaled(f) }) }),
        ("instance EBS baseline", (x, f) => x with { Prices = MapInstances(x.Prices, i => i with { EbsBaseline = i.EbsBaseline?.Scaled(f), EbsBurst = i.EbsBurst?.Scaled(f) }) }),
        ("network burst duration", (x, f) => x with { Prices = MapInstances(x.Prices, i => i with { NetworkBurstDuration = i.NetworkBurstDuration.Scaled(f) }) }),
        ("block storage price", (x, f) => x with { Prices = x.Prices with { Block = x.Prices.Block with { StorageGbMonth = x.Prices.Block.StorageGbMonth.Scaled(f) } } }),
        ("object storage price", (x, f) => x with { Prices = x.Prices with { Object = x.Prices.Object with { StorageGbMonth = x.Prices.Object.StorageGbMonth.Scaled(f) } } }),
        ("object request prices", (x, f) => x with { Prices = x.Prices with { Object = x.Prices.Object with { PutPer1000 = x.Prices.Object.PutPer1000.Scaled(f), GetPer1000 = x.Prices.Object.GetPer1000.Scaled(f) } } }),
        ("cross-AZ price", (x, f) => x with { Prices = x.Prices with { CrossAzPerGbPerDirection = x.Prices.CrossAzPerGbPerDirection.Scaled(f) } }),
        ("operator rate", (x, f) => x with { Prices = x.Prices with { OperatorHourly = x.Prices.OperatorHourly.Scaled(f) } }),
        ("operations per month", (x, f) => x with { Profiles = [.. x.Profiles.Select(p => p with { OperationsPerMonth = p.OperationsPerMonth.Scaled(f) })], Options = x.Options with { OperationsPerMonth = x.Options.OperationsPerMonth * f } }),
        ("hands-on hours per operation", (x, f) => x with { Profiles = [.. x.Profiles.Select(p => p with { HandsOnHoursPerOperation = p.HandsOnHoursPerOperation.Scaled(f) })] }),
    ];

    /// <summary>Every perturbation for every platform, largest swing first.</summary>
    public static IReadOnlyList<SensitivityRow> Run(CostWorkload workload, IReadOnlyList<PlatformProfile> profiles, PriceSheet prices, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var given = new Inputs(workload, profiles, prices, options);
        var baseline = profiles.Select(p => CostModel.Total(workload, p, prices, options).TotalMonthlyUsd).ToArray();
        var rows = new List<SensitivityRow>();
        foreach (var (name, scale) in Perturbations)
        {
            var low = scale(given, 1 - Step);
            var high = scale(given, 1 + Step);
            for (var i = 0; i < profiles.Count; i++)
            {
                rows.Add(new SensitivityRow(
                    name,
                    profiles[i].Name,
                    CostModel.Total(low.Workload, low.Profiles[i], low.Prices, low.Options).TotalMonthlyUsd,
                    baseline[i],
                    CostModel.Total(high.Workload, high.Profiles[i], high.Prices, high.Options).TotalMonthlyUsd));
            }
        }

        // Inputs ordered by the largest swing any platform shows; within an input, platforms in the given order.
        var order = rows.GroupBy(r => r.Input).OrderByDescending(g => g.Max(r => r.Swing)).Select(g => g.Key).ToList();
        return [.. rows.OrderBy(r => order.IndexOf(r.Input))];
    }

    private static PriceSheet MapInstances(PriceSheet prices, Func<InstanceType, InstanceType> map) =>
        prices with { Instances = prices.Instances.ToDictionary(kv => kv.Key, kv => map(kv.Value), StringComparer.Ordinal) };
}
