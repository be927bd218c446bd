using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadLab.Core.Cost;

/// <summary>
/// Writes a <see cref="CostReport"/> as <c>cost.json</c> (camelCase): the workload, each platform's lines with
/// formula and inputs, and a flat <c>rows</c> list of (platform, lineItem, monthlyUsd) for charts.
/// </summary>
public static class CostReportJson
{
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Serialize(CostReport report)
    {
        var workload = report.Workload;
        var burst = workload.Burst;
        var document = new
        {
            SchemaVersion,
            Source = workload.Source,
            workload.Measured,
            PriceSheet = new { Name = report.PriceSheet, File = report.PriceSheetFile },
            report.Options,
            Workload = new
            {
                AverageIngressMiBps = workload.AverageIngressMiBps,
                PeakIngressMiBps = workload.PeakIngressMiBps,
                workload.AverageMessageBytes,
                workload.FanOut,
                workload.Partitions,
                workload.ReplicationFactor,
                RetentionHours = workload.Retention.TotalHours,
                ProfileSeconds = workload.IngressMiBpsPerSecond.Count,
                Burst = new { burst.PeakToAverage, LongestPeakSeconds = burst.LongestPeak.TotalSeconds, burst.ShareNearPeak },
                workload.MeasuredOperations,
                workload.Notes,
            },
            Platforms = report.Platforms.Select(p => new
            {
                p.Platform,
                p.DisplayName,
                p.Architecture,
                p.InstanceType,
                p.TotalMonthlyUsd,
                p.Sizing,
                p.Lines,
                p.Notes,
            }),
            Rows = report.Platforms.SelectMany(p => p.Lines.Select(l => new { p.Platform, LineItem = l.Item, l.Label, l.MonthlyUsd })),
        };
        return JsonSerializer.Serialize(document, Options);
    }
}
