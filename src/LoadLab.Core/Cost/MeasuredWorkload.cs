using System.Globalization;
using System.Text.Json;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Cost;

/// <summary>
/// The measured workload of a run folder (<c>results/README.md</c>): acknowledged messages per second times the
/// average payload of that second, over the measured window; fan-out and partitions from <c>summary.json</c>;
/// reassignment and scale durations from its faults.
/// </summary>
public static class MeasuredWorkload
{
    private const double BytesPerMiB = 1024 * 1024;

    /// <summary>Actions whose measured duration feeds the operator-time line.</summary>
    public static readonly IReadOnlySet<string> OperatorActions = new HashSet<string>(StringComparer.Ordinal)
    {
        FaultActionNames.Name(FaultAction.PartitionReassign),
        FaultActionNames.Name(FaultAction.BrokerAdd),
    };

    /// <summary>Reads <c>summary.json</c> and <c>series.csv</c> from <paramref name="runDirectory"/>.</summary>
    /// <param name="runDirectory">The run folder.</param>
    /// <param name="options">Retention and replication factor (not recorded in a run).</param>
    /// <param name="scenario">The run's scenario when it could be loaded (gives topics' replication factors).</param>
    public static CostWorkload FromRunDirectory(string runDirectory, CostWorkloadOptions options, Scenario? scenario = null)
    {
        var summaryPath = Path.Combine(runDirectory, "summary.json");
        if (!File.Exists(summaryPath))
        {
            throw new CostInputException([new CostInputProblem(summaryPath, "", 0, "does not exist, so this is not a run folder.", "pass a results/<run-id> folder written by 'loadlab run', or a scenario file.")]);
        }

        RunSummary? summary;
        try
        {
            summary = JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(summaryPath), ResultsJson.Indented);
        }
        catch (JsonException e)
        {
            throw new CostInputException([new CostInputProblem(summaryPath, e.Path ?? "", (int)(e.LineNumber ?? -1) + 1, $"cannot be read: {e.Message}", "regenerate the run, or repair the JSON.")]);
        }

        if (summary is null)
        {
            throw new CostInputException([new CostInputProblem(summaryPath, "", 1, "is empty.", "regenerate the run.")]);
        }

        var seriesPath = Path.Combine(runDirectory, "series.csv");
        var series = File.Exists(seriesPath) ? File.ReadAllText(seriesPath) : null;
        return FromRun(summary, series, seriesPath, options, scenario);
    }

    /// <summary>Builds the workload from an already-read summary and the text of <c>series.csv</c> (null when missing).</summary>
    public static CostWorkload FromRun(RunSummary summary, string? seriesCsv, string seriesFile, CostWorkloadOptions options, Scenario? scenario = null)
    {
        var notes = new List<string>();
        var averagePayload = summary.Payload?.AverageBytes
            ?? (summary.Produce.Acked > 0 && summary.Produce.Bytes > 0 ? (double)summary.Produce.Bytes / summary.Produce.Acked : 0);
        IReadOnlyList<double> ingress;
        double messages, bytes;
        if (seriesCsv is null)
        {
            notes.Add("series.csv missing: the profile is flat at the summary's achieved rate, so no burst is visible.");
            var mibps = summary.Rate.Achieved * averagePayload / BytesPerMiB;
            ingress = Enumerable.Repeat(mibps, Math.Max(1, (int)Math.Round(summary.DurationSeconds))).ToArray();
            messages = summary.Rate.Achieved;
            bytes = summary.Rate.Achieved * averagePayload;
        }
        else
        {
            (ingress, messages, bytes) = ReadSeries(seriesCsv, seriesFile, summary, averagePayload);
        }

        var groups = summary.Consume.Groups.Select(g => g.Group).Distinct(StringComparer.Ordinal).Count();
        var partitions = summary.Partitions.Select(p => (p.Topic, p.Partition)).Distinct().Count();
        if (partitions == 0 && scenario is not null)
        {
            partitions = scenario.Topics.Sum(t => t.Partitions);
        }

        double replication;
        if (options.ReplicationFactor is { } rf)
        {
            replication = rf;
        }
        else if (scenario is { Topics.Count: > 0 })
        {
            replication = scenario.Topics.Average(t => t.ReplicationFactor);
        }
        else
        {
            replication = CostWorkloadOptions.AssumedReplicationFactor;
            notes.Add($"replication factor {replication} assumed: a run summary does not record it (pass --replication-factor).");
        }

        var operations = summary.Faults
            .Where(f => OperatorActions.Contains(f.Action) && (f.RecoverySeconds ?? f.DurationSeconds) is not null)
            .Select(f => new MeasuredOperation(f.Action, (f.RecoverySeconds ?? f.DurationSeconds)!.Value))
            .ToArray();

        return new CostWorkload
        {
            Source = $"run {summary.RunId} of scenario {summary.Scenario} (measured on {summary.Environment.Kind})",
            Measured = true,
            IngressMiBpsPerSecond = ingress,
            AverageMessageBytes = messages == 0 ? averagePayload : bytes / messages,
            FanOut = groups,
            Partitions = partitions,
            ReplicationFactor = replication,
            Retention = options.Retention,
            MeasuredOperations = operations,
            MeasuredOnMockCluster = summary.Environment.Kind.StartsWith("embedded", StringComparison.Ordinal),
            Notes = notes,
        };
    }

    private static (double[] Ingress, double Messages, double Bytes) ReadSeries(string csv, string file, RunSummary summary, double fallbackPayload)
    {
        var lines = csv.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            throw new CostInputException([new CostInputProblem(file, "", 1, "is empty.", "regenerate the run; series.csv needs a header and one row per second.")]);
        }

        var header = lines[0].Split(',');
        int Column(string name)
        {
            var index = Array.IndexOf(header, name);
            return index >= 0
                ? index
                : throw new CostInputException([new CostInputProblem(file, name, 1, $"has no '{name}' column.", "series.csv must follow results/README.md (second, targetRate, sent, acked, …, avgPayloadBytes).")]);
        }

        var secondColumn = Column("second");
        var ackedColumn = Column("acked");
        var payloadColumn = Column("avgPayloadBytes");
        var from = summary.WarmupSeconds;
        var to = summary.WarmupSeconds + summary.DurationSeconds;
        var ingress = new List<double>();
        double messages = 0, bytes = 0;
        for (var row = 1; row < lines.Length; row++)
        {
            var cells = lines[row].Split(',');
            double Number(int column, string name, double empty)
            {
                if (column >= cells.Length || cells[column].Length == 0)
                {
                    return empty;
                }

                return double.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw new CostInputException([new CostInputProblem(file, name, row + 1, $"is '{cells[column]}', not a number.", "regenerate the run or repair that row.")]);
            }

            var second = Number(secondColumn, "second", double.NaN);
            if (double.IsNaN(second) || second < from || second >= to)
            {
                continue;
            }

            var acked = Number(ackedColumn, "acked", 0);
            var payload = Number(payloadColumn, "avgPayloadBytes", fallbackPayload);
            ingress.Add(acked * payload / BytesPerMiB);
            messages += acked;
            bytes += acked * payload;
        }

        if (ingress.Count == 0)
        {
            throw new CostInputException([new CostInputProblem(file, "second", 0, $"has no rows inside the measured window ({from:0.#} s to {to:0.#} s).", "check that the run measured something (summary.durationSeconds > 0).")]);
        }

        return ([.. ingress], messages, bytes);
    }
}
