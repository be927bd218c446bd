using System.Text.Json;

namespace LoadLab.Core.Results;

/// <summary>
/// <c>cost.json</c>: the monthly TCO of every platform for one workload, line by line with inputs and formulas,
/// the sizing and its binding limit, commitment prices, time at risk, and the sensitivity of each total to its
/// inputs. Written by <c>loadlab cost</c> (and <c>--json</c>), read by the report. camelCase like every results file.
/// </summary>
public sealed record CostDocument
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    /// <summary>What was priced, e.g. <c>run 20261206-… of scenario broker-kill-runbook (measured on embedded)</c>.</summary>
    public required string Source { get; init; }
    public required bool Measured { get; init; }
    public required string PriceSheet { get; init; }
    public required string PriceSheetFile { get; init; }
    /// <summary>The choices the estimate was made with (<c>--fetch-from-follower</c>, <c>--az-loss</c>, …), as text.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
    public required CostWorkloadSummary Workload { get; init; }
    public required IReadOnlyList<PlatformCost> Platforms { get; init; }
    /// <summary>Each input moved by ±20 %, with every platform's total then; largest swing first.</summary>
    public IReadOnlyList<SensitivityRow> Sensitivity { get; init; } = [];

    /// <summary>The document as written to <c>cost.json</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResultsJson.Indented) + "\n";

    /// <summary>Reads <c>cost.json</c>; throws <see cref="RunResultsException"/> naming the file, the line and the fix.</summary>
    public static CostDocument Read(string path)
    {
        const string DisplayName = RunFiles.Cost;
        CostDocument? document;
        try
        {
            var text = File.ReadAllText(path);
            // An older cost.json has other required fields: say so before failing on the first of them.
            using (var probe = JsonDocument.Parse(text))
            {
                var version = probe.RootElement.ValueKind == JsonValueKind.Object && probe.RootElement.TryGetProperty("schemaVersion", out var v) && v.TryGetInt32(out var n) ? n : 1;
                if (version != CurrentSchemaVersion)
                {
                    throw new RunResultsException(
                        $"{DisplayName}: expected schemaVersion {CurrentSchemaVersion}, got {version} (written by an older LoadLab). Run 'loadlab cost <run folder>' again to rewrite it.");
                }
            }

            document = JsonSerializer.Deserialize<CostDocument>(text, ResultsJson.Indented);
        }
        catch (JsonException e)
        {
            throw new RunResultsException(
                $"{DisplayName} line {(e.LineNumber ?? 0) + 1}, path {e.Path}: {e.Message} Run 'loadlab cost <run folder>' again to rewrite it.", e);
        }

        if (document?.Platforms is null)
        {
            throw new RunResultsException($"{DisplayName}: expected a 'platforms' list. Run 'loadlab cost <run folder>' again to rewrite it.");
        }

        foreach (var (platform, index) in document.Platforms.Select((p, i) => (p, i)))
        {
            if (string.IsNullOrWhiteSpace(platform.Platform) || platform.Lines is null
                || platform.Lines.Any(l => string.IsNullOrWhiteSpace(l.Label) || !double.IsFinite(l.MonthlyUsd) || l.MonthlyUsd < 0))
            {
                throw new RunResultsException(
                    $"{DisplayName}: platforms[{index}] needs a 'platform' and 'lines' with a 'label' and a finite, non-negative 'monthlyUsd' each. " +
                    "Run 'loadlab cost <run folder>' again to rewrite it.");
            }
        }

        return document;
    }
}

/// <summary>One input of a line item: a named number with its unit and where it came from.</summary>
public sealed record CostInput(string Name, double Value, string Unit, string Source);

/// <summary>
/// One monthly line item of a platform's estimate, explained: the inputs, the formula with the numbers, and
/// the result in USD per month. The one line-item type of LoadLab: the model writes it, the report draws it.
/// </summary>
/// <param name="Item">Stable id for charts and JSON (e.g. <c>compute</c>, <c>crossAz.consume</c>); the same items in the same order for every platform.</param>
/// <param name="Label">Human-readable name.</param>
/// <param name="MonthlyUsd">Result, USD per month.</param>
/// <param name="Formula">Formula with the numbers filled in, ending in <c>= result</c>.</param>
/// <param name="Inputs">Every number the formula uses.</param>
/// <param name="Note">Why the line is what it is (the binding limit, the alternative with another option).</param>
public sealed record CostLine(string Item, string Label, double MonthlyUsd, string Formula, IReadOnlyList<CostInput> Inputs, string Note = "");

/// <summary>One platform's estimate.</summary>
public sealed record PlatformCost
{
    public required string Platform { get; init; }
    public required string DisplayName { get; init; }
    /// <summary><c>shared-nothing</c> or <c>shared-storage</c>.</summary>
    public required string Architecture { get; init; }
    public required string InstanceType { get; init; }
    public required double TotalMonthlyUsd { get; init; }
    /// <summary>What one broker fewer would run out of, e.g. <c>EBS bandwidth</c>, <c>network out</c>, <c>disk space</c>.</summary>
    public required string BindingLimit { get; init; }
    /// <summary>How the platform keeps acknowledged data when a zone is lost (e.g. RF 3 across zones, EBS WAL in one zone).</summary>
    public required string Durability { get; init; }
    public required CostSizing Sizing { get; init; }
    public required IReadOnlyList<CostLine> Lines { get; init; }
    /// <summary>The total with the floor of brokers bought on 1- and 3-year commitments (scale-outs stay on demand).</summary>
    public IReadOnlyList<CommitmentTotal> Commitments { get; init; } = [];
    /// <summary>Time data is under-replicated or being moved while operations run: reported, never billed as labour.</summary>
    public required TimeAtRisk Risk { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The line with <paramref name="item"/>.</summary>
    public CostLine Line(string item) => Lines.Single(l => l.Item == item);
}

/// <summary>What the money buys.</summary>
/// <param name="FloorBrokers">Brokers running all month.</param>
/// <param name="MeanBrokers">Brokers billed on average (scale-outs included).</param>
/// <param name="PeakBrokers">Most brokers running at once.</param>
/// <param name="AverageLoadBrokers">Brokers the average load needs at every limit's baseline.</param>
/// <param name="PeakLoadBrokers">Brokers the busiest second needs at every limit's baseline.</param>
/// <param name="LaunchesPerMonth">Brokers launched by scale-outs per month.</param>
/// <param name="Limits">Every limit with the brokers it needs at the average and at the busiest second.</param>
/// <param name="DataGiBPerBroker">Retained data per broker on its volumes or local disk (shared-nothing) or its WAL (shared-storage).</param>
/// <param name="VolumesPerBroker">Data volumes per broker (0 for local disks and WAL-less brokers).</param>
/// <param name="ObjectStorageGiB">Data held in object storage.</param>
/// <param name="CrossAzGiBPerMonth">GiB crossing zone boundaries per month (each billed out and in).</param>
public sealed record CostSizing(
    int FloorBrokers,
    double MeanBrokers,
    int PeakBrokers,
    int AverageLoadBrokers,
    int PeakLoadBrokers,
    double LaunchesPerMonth,
    IReadOnlyList<LimitSizing> Limits,
    double DataGiBPerBroker,
    int VolumesPerBroker,
    double ObjectStorageGiB,
    double CrossAzGiBPerMonth);

/// <summary>A limit and the brokers it alone would need.</summary>
public sealed record LimitSizing(string Name, int BrokersAtAverage, int BrokersAtPeak, string Explanation);

/// <summary>The total when the floor is bought with a commitment; null <see cref="MonthlyUsd"/> when the sheet has no confirmed price.</summary>
public sealed record CommitmentTotal(string Term, double? MonthlyUsd, string Source);

/// <summary>Hours an operation leaves data moving or under-replicated, per operation and per month (capped at the month).</summary>
public sealed record TimeAtRisk(double HoursPerOperation, double OperationsPerMonth, double HoursPerMonth, string Explanation);

/// <summary>One input moved down and up by the same fraction, and a platform's total at each end.</summary>
public sealed record SensitivityRow(string Input, string Platform, double LowUsd, double BaseUsd, double HighUsd)
{
    public double Swing => Math.Abs(HighUsd - LowUsd);
}

/// <summary>The workload as priced.</summary>
public sealed record CostWorkloadSummary
{
    public required double AverageIngressMiBps { get; init; }
    public required double PeakIngressMiBps { get; init; }
    public required double AverageMessageBytes { get; init; }
    public required double WireFactor { get; init; }
    public required double StoredFactor { get; init; }
    public required string FactorSource { get; init; }
    public required double FanOut { get; init; }
    public required string FanOutSource { get; init; }
    public required int Partitions { get; init; }
    public required double ReplicationFactor { get; init; }
    public required string ReplicationSource { get; init; }
    public required double RetentionHours { get; init; }
    public required string RetentionSource { get; init; }
    public required int ProfileSeconds { get; init; }
    public required double PeakToAverage { get; init; }
    public required double LongestPeakSeconds { get; init; }
    public IReadOnlyList<string> Excluded { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
}
