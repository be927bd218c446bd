using System.Globalization;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>Choices that change an estimate but belong to neither the workload nor the platform profile.</summary>
public sealed record CostOptions
{
    /// <summary>Consumers read from an in-zone follower where the platform supports it (KIP-392). Default off, as in Kafka.</summary>
    public bool FetchFromFollower { get; init; }
    /// <summary>Replaces every profile's headroom (0.2 = 20 %); null keeps the profiles' values.</summary>
    public double? Headroom { get; init; }
    /// <summary>Replaces every profile's operations per month; null keeps the profiles' values.</summary>
    public double? OperationsPerMonth { get; init; }
    /// <summary>Shared-nothing platforms that support it keep only their local retention on brokers, the rest in object storage.</summary>
    public bool TieredStorage { get; init; }
    /// <summary>Size every platform to carry the load with one availability zone down.</summary>
    public bool AzLoss { get; init; }
    /// <summary>The WAL shared-storage platforms are priced with; null keeps each profile's.</summary>
    public WalKind? Wal { get; init; }

    /// <summary>Every problem with these options, as command-line problems.</summary>
    public IReadOnlyList<ValidationProblem> Validate()
    {
        var problems = new List<ValidationProblem>();
        if (Headroom is { } headroom && (headroom < 0 || headroom > 10 || double.IsNaN(headroom)))
        {
            problems.Add(ValidationProblem.ForOption("--headroom", $"expected a fraction from 0 to 10, got {headroom.ToString(CultureInfo.InvariantCulture)}", "e.g. --headroom 0.2 for 20 %"));
        }

        if (OperationsPerMonth is { } operations && (operations < 0 || double.IsNaN(operations)))
        {
            problems.Add(ValidationProblem.ForOption("--operations", $"expected operations per month, 0 or more, got {operations.ToString(CultureInfo.InvariantCulture)}", "e.g. --operations 4"));
        }

        return problems;
    }

    /// <summary>The options as the report lists them.</summary>
    public IReadOnlyList<string> Describe() =>
    [
        FetchFromFollower ? "fetch from follower" : "consumers read from leaders",
        TieredStorage ? "tiered storage where supported" : "no tiered storage",
        AzLoss ? "sized to carry the load with one zone down" : "sized for all zones up",
        .. Headroom is { } h ? [$"headroom {h.ToString("0.##", CultureInfo.InvariantCulture)} for every platform"] : Array.Empty<string>(),
        .. OperationsPerMonth is { } o ? [$"{o.ToString("0.##", CultureInfo.InvariantCulture)} operations per month for every platform"] : Array.Empty<string>(),
        .. Wal is { } w ? [$"WAL: {KebabCase.From(w.ToString())}"] : Array.Empty<string>(),
    ];
}
