using System.Globalization;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;

namespace LoadLab.Core.Cost;

/// <summary>
/// The workload of a run folder, read through <see cref="RunResults"/> and cleaned of what the faults did to it:
/// each second's rate is the schedule's <c>targetRate</c> (a backlog flushed after a fail-over is not new demand),
/// seconds inside fault windows and the flushes after them are left out and listed (the chaos is not assumed to
/// repeat all month), bytes per message come from the steady seconds, bytes on the wire from librdkafka's statistics
/// (<c>produce.wire</c>), fan-out from the bytes each group read, replication and retention from the scenario as run.
/// </summary>
public static class MeasuredWorkload
{
    private const double BytesPerMiB = 1 << 20;

    /// <summary>A second whose acknowledged rate exceeds the target by more than this is a backlog flush.</summary>
    private const double FlushTolerance = 1.1;

    /// <summary>Actions whose measured duration is time at risk.</summary>
    public static readonly IReadOnlySet<string> OperatorActions = new HashSet<string>(StringComparer.Ordinal)
    {
        FaultActionNames.Name(FaultAction.PartitionReassign),
        FaultActionNames.Name(FaultAction.BrokerAdd),
    };

    /// <summary>Reads the run folder; throws <see cref="InvalidInputException"/> naming the file and the fix.</summary>
    public static CostWorkload FromRunDirectory(string runDirectory, CostWorkloadOptions options)
    {
        RunResults run;
        try
        {
            run = RunResults.Load(runDirectory);
        }
        catch (RunResultsException e)
        {
            throw new InvalidInputException([ValidationProblem.ForFile(runDirectory, e.Message, "pass a results/<run-id> folder written by 'loadlab run', or a scenario file")]);
        }

        return FromRun(run, options);
    }

    /// <summary>The workload of an already-read run.</summary>
    public static CostWorkload FromRun(RunResults run, CostWorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        var summary = run.Summary;
        var scenario = ScenarioOf(run);
        var notes = new List<string>();

        var from = summary.WarmupSeconds;
        var to = summary.WarmupSeconds + summary.DurationSeconds;
        var excluded = ExcludedWindows(run, from, to);
        var seconds = run.Series.Seconds;
        var target = run.Series.Column("targetRate");
        var acked = run.Series.Column("acked");
        var payload = run.Series.Column("avgPayloadBytes");
        var fallbackPayload = summary.Payload?.AverageBytes ?? 0;
        var ingress = new List<double>();
        double steadyMessages = 0, steadyBytes = 0;
        for (var row = 0; row < seconds.Count; row++)
        {
            var second = seconds[row];
            if (second < from || second >= to || excluded.Any(w => second >= w.FromSeconds && second < w.ToSeconds))
            {
                continue;
            }

            var bytes = double.IsNaN(payload[row]) ? fallbackPayload : payload[row];
            ingress.Add(target[row] * bytes / BytesPerMiB);
            steadyMessages += acked[row];
            steadyBytes += acked[row] * bytes;
        }

        if (ingress.Count == 0)
        {
            throw new InvalidInputException([ValidationProblem.ForFile(Path.Combine(run.Directory, RunFiles.Series),
                $"expected seconds inside the measured window ({from:0.#} s to {to:0.#} s) outside fault windows, got none",
                "price a run with a steady stretch before or after its faults, or the scenario file itself")]);
        }

        var valueBytesWritten = summary.Partitions.Sum(p => p.Bytes);
        var groupBytes = summary.Consume.Groups.Sum(g => g.Bytes);
        double fanOut;
        string fanOutSource;
        if (groupBytes > 0 && valueBytesWritten > 0)
        {
            fanOut = (double)groupBytes / valueBytesWritten;
            fanOutSource = string.Create(CultureInfo.InvariantCulture,
                $"bytes read by {summary.Consume.Groups.Count} group(s) ({string.Join(", ", summary.Consume.Groups.Select(g => $"{g.Group} {g.Bytes:#,##0} B"))}) / {valueBytesWritten:#,##0} B written");
        }
        else
        {
            fanOut = summary.Consume.Groups.Select(g => g.Group).Distinct(StringComparer.Ordinal).Count();
            fanOutSource = "consumer groups (the run recorded no bytes per group: written before LoadLab measured them)";
        }

        var (wireFactor, storedFactor, factorSource) = Factors(summary, notes);
        var bytesByTopic = summary.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (double)g.Sum(p => p.Bytes), StringComparer.Ordinal);
        double replication;
        string replicationSource;
        TimeSpan retention;
        string retentionSource;
        if (scenario is not null)
        {
            var topics = PlannedWorkload.TopicShares(scenario, bytesByTopic, bytesByTopic.Values.Sum());
            (replication, replicationSource) = PlannedWorkload.Replication(topics, options, "scenario.yaml of the run");
            (retention, retentionSource) = PlannedWorkload.Retention(topics, options, "scenario.yaml of the run");
        }
        else if (options.ReplicationFactor is { } rf)
        {
            (replication, replicationSource) = (rf, "--replication-factor");
            (retention, retentionSource) = options.Retention is { } given ? (given, "--retention") : (CostWorkloadOptions.DefaultRetention, "default 24 h (the run has no scenario.yaml)");
        }
        else
        {
            throw new InvalidInputException([ValidationProblem.ForFile(Path.Combine(run.Directory, RunFiles.Scenario),
                "expected the scenario as run (it holds the topics' replication factors), got no readable scenario.yaml",
                "pass --replication-factor (and --retention) for this run")]);
        }

        var operations = summary.Faults
            .Where(f => OperatorActions.Contains(f.Action) && (f.RecoverySeconds ?? f.DurationSeconds) is not null)
            .Select(f => new MeasuredOperation(f.Action, (f.RecoverySeconds ?? f.DurationSeconds)!.Value))
            .ToArray();
        var partitions = summary.Partitions.Select(p => (p.Topic, p.Partition)).Distinct().Count();
        return new CostWorkload
        {
            Source = $"run {summary.RunId} of scenario {summary.Scenario} (measured on {summary.Environment.Kind})",
            Measured = true,
            IngressMiBpsPerSecond = ingress,
            AverageMessageBytes = steadyMessages > 0 ? steadyBytes / steadyMessages : fallbackPayload,
            WireFactor = wireFactor,
            StoredFactor = storedFactor,
            FactorSource = factorSource,
            FanOut = fanOut,
            FanOutSource = fanOutSource,
            Partitions = partitions > 0 ? partitions : scenario?.Topics.Sum(t => t.Partitions) ?? 0,
            ReplicationFactor = replication,
            ReplicationSource = replicationSource,
            Retention = retention,
            RetentionSource = retentionSource,
            Excluded = excluded,
            MeasuredOperations = operations,
            MeasuredOnMockCluster = summary.Environment.Kind.StartsWith("embedded", StringComparison.Ordinal),
            Notes = notes,
        };
    }

    /// <summary>
    /// Fault windows (injection until the revert, or until recovery when that is later) and the backlog flushes
    /// after them (seconds acknowledging more than <see cref="FlushTolerance"/> × the target), merged and clipped
    /// to the measured window.
    /// </summary>
    internal static IReadOnlyList<ExcludedWindow> ExcludedWindows(RunResults run, double from, double to)
    {
        var seconds = run.Series.Seconds;
        var target = run.Series.Column("targetRate");
        var acked = run.Series.Column("acked");
        var windows = new List<ExcludedWindow>();
        foreach (var fault in run.Faults)
        {
            var end = Math.Max(fault.End ?? fault.Start + 1, fault.Start + (fault.RecoverySeconds ?? 0));
            // The backlog of the fault lands after it: skip on while the acknowledged rate is above the target.
            var row = IndexOf(seconds, end);
            while (row >= 0 && row < seconds.Count && acked[row] > target[row] * FlushTolerance)
            {
                end = seconds[row] + 1;
                row++;
            }

            var recovered = fault.RecoverySeconds is { } recovery ? string.Create(CultureInfo.InvariantCulture, $", recovered after {recovery:0.#} s") : "";
            var reason = string.Create(CultureInfo.InvariantCulture, $"{fault.Label} at {fault.Start:0.#} s{recovered} and the flush after it");
            windows.Add(new ExcludedWindow(Math.Floor(fault.Start), Math.Ceiling(end), reason));
        }

        var merged = new List<ExcludedWindow>();
        foreach (var window in windows.OrderBy(w => w.FromSeconds))
        {
            if (merged.Count > 0 && window.FromSeconds <= merged[^1].ToSeconds)
            {
                var last = merged[^1];
                merged[^1] = last with { ToSeconds = Math.Max(last.ToSeconds, window.ToSeconds), Reason = $"{last.Reason}; {window.Reason}" };
            }
            else
            {
                merged.Add(window);
            }
        }

        return [.. merged
            .Select(w => w with { FromSeconds = Math.Max(from, w.FromSeconds), ToSeconds = Math.Min(to, w.ToSeconds) })
            .Where(w => w.ToSeconds > w.FromSeconds)];
    }

    private static (double Wire, double Stored, string Source) Factors(RunSummary summary, List<string> notes)
    {
        if (summary.Produce.Wire is { ValueBytes: > 0 } wire)
        {
            var stored = (double)wire.BatchBytes / wire.ValueBytes;
            var request = (double)wire.RequestBytes / wire.ValueBytes;
            var compression = wire.BatchBytes > 0 ? (double)wire.MessageBytes / wire.BatchBytes : 1;
            if (!wire.Complete)
            {
                notes.Add("librdkafka's last statistics report came before the end of the run; the byte factors are from the reports received.");
            }

            // A composite format rather than string.Create with an interpolated string: Stryker's variants of the latter do
            // not compile (its handler is passed by ref), which made it drop every mutant of this method.
            var source = string.Format(
                CultureInfo.InvariantCulture,
                "{0} ({1} compression): {2:#,##0} B of values went out as {3:#,##0} B of keys and values, " +
                "{4:#,##0} B in {5:#,##0} record batches (keys+values / batches = {6:0.###}) and {7:#,##0} B of requests " +
                "(protocol overhead {8:#,##0} B in {9:#,##0} produce requests): {10:0.###} B stored and {11:0.###} B sent per value byte",
                wire.Source, wire.Compression, wire.ValueBytes, wire.MessageBytes,
                wire.BatchBytes, wire.Batches, compression, wire.RequestBytes,
                wire.RequestBytes - wire.BatchBytes, wire.ProduceRequests, stored, request);
            return (request, stored, source);
        }

        notes.Add("The run has no produce.wire (written before LoadLab measured bytes on the wire): priced on value bytes only.");
        return (1, 1, "value bytes only (no librdkafka statistics in this run)");
    }

    private static int IndexOf(IReadOnlyList<double> seconds, double second)
    {
        for (var i = 0; i < seconds.Count; i++)
        {
            if (seconds[i] >= Math.Floor(second))
            {
                return i;
            }
        }

        return -1;
    }

    private static Scenario? ScenarioOf(RunResults run) =>
        run.ScenarioYaml is { } yaml ? ScenarioLoader.Parse(yaml, Path.Combine(run.Directory, RunFiles.Scenario)).Scenario : null;
}
