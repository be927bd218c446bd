using System.Globalization;
using LoadLab.Core.Results;

namespace LoadLab.Reporting.Reports;

/// <summary>The tables of a run report, shared by <c>report.html</c> and <c>report.md</c>.</summary>
internal static class RunTables
{
    public static Table Headline(RunResults run)
    {
        var s = run.Summary;
        var table = new Table("Headline", "measure", "value") { TextColumns = new HashSet<int> { 0, 1 } };
        table.Add(new Cell("outcome"), new Cell(s.OutcomeMessage is null ? s.Outcome.Name() : $"{s.Outcome.Name()}: {s.OutcomeMessage}", s.Outcome == RunOutcome.Completed ? CellKind.Good : CellKind.Bad));
        table.Add("environment", EnvironmentLabel(s.Environment));
        table.Add("measured window", $"{Format.Seconds(s.DurationSeconds)} after {Format.Seconds(s.WarmupSeconds)} warm-up (seed {s.Seed.ToString(CultureInfo.InvariantCulture)})");
        table.Add("rate: target / achieved", $"{Format.Rate(s.Rate.Target)} / {Format.Rate(s.Rate.Achieved)}");
        table.Add("produce latency p99 / p99.9 / max", Triple(s.LatencyMs.Produce));
        table.Add("end-to-end latency p99 / p99.9 / max", Triple(s.LatencyMs.EndToEnd));
        var worstGroup = s.Consume.Groups.OrderByDescending(g => g.MaxLagSeconds).ThenBy(g => g.Group, StringComparer.Ordinal).FirstOrDefault();
        table.Add("max consumer lag", worstGroup is null
            ? Format.None
            : $"{Format.Count(s.Consume.Groups.Max(g => g.MaxLagMessages))} messages / {Format.Seconds(s.Consume.Groups.Max(g => g.MaxLagSeconds))} ({worstGroup.Group})");
        if (s.Faults.Count > 0)
        {
            table.Add(SlowestRecovery(s));
        }

        if (s.Audit is { } audit)
        {
            var problems = audit.Lost + audit.Duplicated + audit.Reordered + audit.Truncated + audit.Indeterminate;
            table.Add(new Cell("delivery audit"), new Cell(
                $"{Format.Count(audit.Lost)} lost · {Format.Count(audit.Duplicated)} duplicated · {Format.Count(audit.Reordered)} reordered · " +
                $"{Format.Count(audit.Truncated)} truncated · {Format.Count(audit.Indeterminate)} indeterminate",
                audit.Lost > 0 ? CellKind.Bad : problems == 0 ? CellKind.Good : CellKind.Plain));
        }

        if (s.Slo.Count > 0)
        {
            var passed = s.Slo.Count(slo => slo.Passed);
            table.Add(new Cell("SLOs"), new Cell($"{passed} of {s.Slo.Count} passed", passed == s.Slo.Count ? CellKind.Good : CellKind.Bad));
        }

        return table;
    }

    private static Cell[] SlowestRecovery(RunSummary s)
    {
        var notRecovered = s.Faults.FirstOrDefault(f => f.Succeeded && f.RecoverySeconds is null);
        if (notRecovered is not null)
        {
            return [new Cell("slowest recovery"), new Cell($"not recovered after {notRecovered.Action} {notRecovered.Target}", CellKind.Bad)];
        }

        var slowest = s.Faults.Where(f => f.RecoverySeconds is not null).OrderByDescending(f => f.RecoverySeconds).FirstOrDefault();
        return slowest is null
            ? [new Cell("slowest recovery"), new Cell(Format.None)]
            : [new Cell("slowest recovery"), new Cell($"{Format.Seconds(slowest.RecoverySeconds)} after {slowest.Action} {slowest.Target} at {Format.Seconds(slowest.AtSeconds)}")];
    }

    private static string Triple(Percentiles p) => $"{Format.Ms(p.P99)} / {Format.Ms(p.P999)} / {Format.Ms(p.Max)}";

    public static string EnvironmentLabel(EnvironmentSummary environment) =>
        environment.Details.TryGetValue("platform", out var platform) ? $"{environment.Kind} ({platform})" : environment.Kind;

    public static Table Latency(RunSummary s)
    {
        var table = new Table("Latency over the measured window (ms)", "metric", "count", "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean")
        {
            Note = "Produce and end-to-end latency count from the intended send time (corrected for coordinated omission); service latency from the actual send; schedule delay is how late the generator sent.",
        };
        foreach (var (name, p) in new[]
        {
            ("produce", s.LatencyMs.Produce), ("service", s.LatencyMs.Service),
            ("schedule delay", s.LatencyMs.ScheduleDelay), ("end-to-end", s.LatencyMs.EndToEnd),
        }.Concat(s.LatencyMs.Transaction is { } transaction ? [("transaction", transaction)] : []))
        {
            table.Add(name, Format.Count(p.Count), Format.Number(p.P50), Format.Number(p.P90), Format.Number(p.P99),
                Format.Number(p.P999), Format.Number(p.P9999), Format.Number(p.Max), Format.Number(p.Mean));
        }

        return table;
    }

    /// <summary>
    /// The SLOs; when any names a consumer group, by consumer boundary: each group's promises together (in the summary's
    /// group order), then the run's.
    /// </summary>
    public static Table Slo(RunSummary s)
    {
        var perGroup = s.Slo.Any(slo => slo.Group is not null);
        var table = perGroup
            ? new Table("SLOs per consumer group", "group", "SLO", "phase", "limit", "observed", "result")
            {
                TextColumns = new HashSet<int> { 0, 1, 2, 5 },
                Note = "An SLO with a group is measured on that group alone (its own end-to-end latency, lag, recovery, audit, transactions and replays); (run) SLOs on the whole run.",
            }
            : new Table("SLOs", "SLO", "phase", "limit", "observed", "result") { TextColumns = new HashSet<int> { 0, 1, 4 } };
        var order = s.Consume.Groups.Select(g => g.Group).ToList();
        // A stable sort: without groups every key is equal and the scenario order stays.
        foreach (var slo in s.Slo.OrderBy(slo => slo.Group is null ? int.MaxValue : order.IndexOf(slo.Group)))
        {
            Cell[] cells =
            [
                new(slo.Name),
                new(slo.Phase),
                new($"{ComparisonSymbol(slo.Comparison)} {Format.Number(slo.Limit)}"),
                new(slo.Observed is { } observed ? Format.Number(observed) : "not measured"),
                new(slo.Passed ? "pass" : "FAIL", slo.Passed ? CellKind.Good : CellKind.Bad),
            ];
            table.Add(perGroup ? [new Cell(slo.Group ?? "(run)"), .. cells] : cells);
        }

        return table;
    }

    /// <summary>Each transactional stream's and transforming group's transactions by outcome, and their latency.</summary>
    public static Table Transactions(RunSummary s)
    {
        var table = new Table("Transactions", "owner", "committed", "aborted on purpose", "aborted after error", "fenced", "undecided", "restarts", "p50 (ms)", "p99 (ms)", "max (ms)")
        {
            TextColumns = new HashSet<int> { 0 },
            Note = "Transaction latency: from the intended send time of a transaction's first message (or, in a pipeline, its begin) until the coordinator acknowledged its commit; committed transactions of the measured window only. Fenced: the producer lost its transactional id (its transaction aborts); undecided: the outcome never became known.",
        };
        foreach (var t in s.Transactions)
        {
            table.Add(
                new Cell($"{t.Kind} {t.Owner}"),
                new Cell(Format.Count(t.Committed)),
                new Cell(Format.Count(t.AbortedOnPurpose)),
                Cell.Anomalies(t.AbortedAfterError),
                Cell.Anomalies(t.Fenced),
                Cell.Anomalies(t.Undecided),
                new Cell(Format.Count(t.Restarts)),
                new Cell(Format.Number(t.LatencyMs?.P50)),
                new Cell(Format.Number(t.LatencyMs?.P99)),
                new Cell(Format.Number(t.LatencyMs?.Max)));
        }

        return table;
    }

    /// <summary>Each group's own audit: the classes that differ between groups (isolation, aborted-visible, torn, replayed).</summary>
    public static Table GroupAudits(AuditSummary audit)
    {
        var table = new Table("Delivery audit per consumer group", "group", "isolation", "delivered", "lost", "duplicated", "aborted", "aborted-visible", "torn", "replayed")
        {
            TextColumns = new HashSet<int> { 0, 1 },
            Note = "aborted-visible: messages of aborted transactions a read_committed group read; torn: transactions a read_committed group saw only part of; replayed: re-reads after group.replay (not duplicates).",
        };
        foreach (var g in audit.Groups)
        {
            table.Add(
                new Cell(g.Group),
                new Cell(g.Isolation ?? Format.None),
                new Cell(Format.Count(g.Delivered)),
                Cell.Anomalies(g.Lost),
                Cell.Anomalies(g.Duplicated),
                new Cell(Format.Count(g.Aborted)),
                Cell.Anomalies(g.AbortedVisible),
                Cell.Anomalies(g.Torn),
                new Cell(Format.Count(g.Replayed)));
        }

        return table;
    }

    /// <summary>Each consume-transform-produce pipeline's inputs followed to their outputs.</summary>
    public static Table Pipelines(AuditSummary audit)
    {
        var table = new Table("Exactly-once pipelines (input → output)", "pipeline", "inputs", "exactly one output", "lost outputs", "duplicated outputs", "unreached", "truncated", "replayed outputs")
        {
            TextColumns = new HashSet<int> { 0 },
            Note = "Every input the transforming group read, followed to the outputs its verifying read_committed group saw: exactly one per input is the promise.",
        };
        foreach (var p in audit.Pipelines)
        {
            table.Add(
                new Cell($"{p.Group}: {p.InputTopic} → {p.OutputTopic} (verified by {p.VerifiedBy})"),
                new Cell(Format.Count(p.Inputs)),
                new Cell(Format.Count(p.ExactlyOnce)),
                Cell.Anomalies(p.LostOutputs),
                Cell.Anomalies(p.DuplicatedOutputs),
                new Cell(Format.Count(p.Unreached)),
                new Cell(Format.Count(p.Truncated)),
                new Cell(Format.Count(p.ReplayedOutputs)));
        }

        return table;
    }

    /// <summary>Each replay drill: how far, how long to catch up, and what it did to every group's live end-to-end p99.</summary>
    public static Table Replays(RunSummary s)
    {
        var table = new Table("Replay drills", "replay", "at", "offsets rewound", "replayed", "re-read", "caught up", "group", "live e2e p99 before (ms)", "during (ms)")
        {
            TextColumns = new HashSet<int> { 0, 6 },
            Note = "Caught up: the group had read everything again and its lag was back within its pre-replay baseline. Live e2e p99 leaves the replayed re-reads out.",
        };
        foreach (var replay in s.Replays)
        {
            var first = true;
            foreach (var impact in replay.Impact.DefaultIfEmpty())
            {
                table.Add(
                    new Cell(first ? $"{replay.Group}: {replay.Rewind}" : ""),
                    new Cell(first ? Format.Seconds(replay.AtSeconds) : ""),
                    new Cell(first ? Format.Count(replay.OffsetsRewound) : ""),
                    new Cell(first ? Format.Count(replay.Replayed) : ""),
                    new Cell(first ? Format.Seconds(replay.ReReadSeconds) : ""),
                    first ? new Cell(replay.CatchUpSeconds is { } catchUp ? Format.Seconds(catchUp) : "not caught up", replay.CatchUpSeconds is null ? CellKind.Bad : CellKind.Plain) : new Cell(""),
                    new Cell(impact is null ? Format.None : impact.Replayed ? $"{impact.Group} (replayed)" : impact.Group),
                    new Cell(Format.Number(impact?.BeforeP99Ms)),
                    new Cell(Format.Number(impact?.DuringP99Ms)));
                first = false;
            }
        }

        return table;
    }

    private static string ComparisonSymbol(string comparison) => comparison.ToUpperInvariant() switch
    {
        "LESSTHAN" or "LESS_THAN" or "<" => "<",
        "LESSOREQUAL" or "LESS_OR_EQUAL" or "<=" => "≤",
        "GREATERTHAN" or "GREATER_THAN" or ">" => ">",
        "GREATEROREQUAL" or "GREATER_OR_EQUAL" or ">=" => "≥",
        _ => comparison,
    };

    public static Table Faults(RunSummary s, string title = "Faults and recovery")
    {
        var table = new Table(title, "fault", "at", "reverted after", "outcome", "recovery", "peak lag", "lag·s", "unavailable", "errors")
        {
            TextColumns = new HashSet<int> { 0, 3, 8 },
            Note = "Recovery: from injection until lag (messages and seconds) is back within the pre-fault baseline and stays there for the hold window. lag·s: integral of time lag over the impact.",
        };
        foreach (var fault in s.Faults.OrderBy(f => f.AtSeconds))
        {
            table.Add(
                new Cell($"{fault.Action} {fault.Target}"),
                new Cell(Format.Seconds(fault.AtSeconds)),
                new Cell(Format.Seconds(fault.DurationSeconds)),
                new Cell(fault.Succeeded ? "injected" : $"failed{(fault.Detail is null ? "" : ": " + fault.Detail)}", fault.Succeeded ? CellKind.Plain : CellKind.Bad),
                fault.RecoverySeconds is { } recovery
                    ? new Cell(Format.Seconds(recovery))
                    : new Cell(fault.Succeeded ? "not recovered" + (fault.NotRecoveredReason is null ? "" : ": " + fault.NotRecoveredReason) : Format.None, fault.Succeeded ? CellKind.Bad : CellKind.Plain),
                new Cell($"{Format.Count(fault.PeakLagMessages)} msg / {Format.Seconds(fault.PeakLagSeconds)}"),
                new Cell(Format.Number(fault.LagSecondsIntegral)),
                new Cell(Format.Seconds(fault.UnavailableSeconds)),
                new Cell(Errors(fault.ErrorsByCode)));
            foreach (var group in fault.Groups.OrderBy(g => g.Group, StringComparer.Ordinal))
            {
                table.Add(
                    new Cell($"  ↳ group {group.Group}"),
                    new Cell(""),
                    new Cell(""),
                    new Cell($"{group.Rebalances.ToString(CultureInfo.InvariantCulture)} rebalance(s)"),
                    group.RecoverySeconds is { } groupRecovery ? new Cell(Format.Seconds(groupRecovery)) : new Cell("not recovered", CellKind.Bad),
                    new Cell($"{Format.Count(group.PeakLagMessages)} msg / {Format.Seconds(group.PeakLagSeconds)}"),
                    new Cell(Format.Number(group.LagSecondsIntegral)),
                    new Cell(""),
                    new Cell(""));
            }
        }

        return table;
    }

    public static Table Audit(AuditSummary audit)
    {
        var table = new Table("Delivery audit", "class", "messages", "share of acknowledged")
        {
            Note = "Every acknowledged message classified after the drain: lost (acknowledged, retained, never consumed), of which acknowledged without an offset (librdkafka reported offset -1001: no broker said where it stored them), duplicated (consumed more than once), of which in the log (read at two places: written twice by a producer retry; the others were redelivered to the consumer), reordered (within a key), truncated (removed by retention first), indeterminate (consumed but never acknowledged).",
        };
        foreach (var (name, count, bad) in new[]
        {
            ("acknowledged", audit.Acked, false), ("delivered", audit.Delivered, false), ("lost", audit.Lost, true),
            ("of which acknowledged without an offset", audit.LostWithoutOffset, true),
            ("duplicated", audit.Duplicated, true), ("of which in the log", audit.DuplicatedInLog, true), ("reordered", audit.Reordered, true), ("truncated", audit.Truncated, true),
            ("indeterminate", audit.Indeterminate, true),
        })
        {
            table.Add(
                new Cell(name),
                new Cell(Format.Count(count), bad && count > 0 ? CellKind.Bad : CellKind.Plain),
                new Cell(audit.Acked > 0 ? Format.Percent(100.0 * count / audit.Acked) : Format.None));
        }

        return table;
    }

    public static Table AuditExamples(AuditSummary audit)
    {
        var table = new Table("Audit examples", "class", "topic", "partition", "offset", "producer", "sequence") { TextColumns = new HashSet<int> { 0, 1 } };
        foreach (var example in audit.Examples)
        {
            table.Add(example.Kind, example.Topic, example.Partition.ToString(CultureInfo.InvariantCulture),
                example.Offset.ToString(CultureInfo.InvariantCulture), example.ProducerId.ToString(CultureInfo.InvariantCulture),
                example.Sequence.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    public static Table Produce(RunSummary s)
    {
        var p = s.Produce;
        var table = new Table("Producers", "measure", "value") { TextColumns = new HashSet<int> { 0, 1 } };
        table.Add("target messages", Format.Count(p.Target));
        table.Add("sent", Format.Count(p.Sent));
        table.Add("acknowledged", Format.Count(p.Acked));
        table.Add(new Cell("failed"), Cell.Anomalies(p.Failed));
        table.Add("local queue full (waits)", Format.Count(p.QueueFull));
        table.Add("bytes", Format.Bytes(p.Bytes));
        if (s.Payload is { } payload)
        {
            table.Add("payload size avg (min–max)", $"{Format.Number(payload.AverageBytes)} B ({Format.Count(payload.MinBytes)}–{Format.Count(payload.MaxBytes)} B)");
        }

        table.Add("rate sent", Format.Rate(s.Rate.Sent));
        if (s.Rate.Accuracy is { } accuracy)
        {
            table.Add("schedule error overall / worst second", $"{Format.Percent(accuracy.OverallErrorPercent)} / {Format.Percent(accuracy.WorstSecondErrorPercent)}");
            table.Add("schedule delay p99", Format.Ms(accuracy.ScheduleDelayP99Ms));
        }

        table.Add("errors by code", Errors(p.ErrorsByCode));
        return table;
    }

    public static Table Groups(RunSummary s)
    {
        var table = new Table("Consumer groups", "group", "topic", "instances", "consumed", "rebalances", "max lag (msg)", "max lag (s)", "final lag (msg)")
        {
            TextColumns = new HashSet<int> { 0, 1 },
        };
        foreach (var g in s.Consume.Groups)
        {
            table.Add(g.TransformsTo is { } output ? $"{g.Group} (→ {output})" : g.Group, g.Topic, g.Instances.ToString(CultureInfo.InvariantCulture), Format.Count(g.Consumed),
                g.Rebalances.ToString(CultureInfo.InvariantCulture), Format.Count(g.MaxLagMessages), Format.Seconds(g.MaxLagSeconds),
                Format.Count(g.FinalLagMessages));
        }

        return table;
    }

    public static Table Partitions(RunSummary s)
    {
        var total = Math.Max(1, s.Partitions.Sum(p => p.Messages));
        var table = new Table("Partitions", "topic/partition", "messages", "share", "bytes", "final lag (msg)")
        {
            Note = "An even key spread gives each partition the same share; a hot key shows as one partition far above the rest.",
        };
        foreach (var p in s.Partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition))
        {
            table.Add($"{p.Topic}/{p.Partition.ToString(CultureInfo.InvariantCulture)}", Format.Count(p.Messages),
                Format.Percent(100.0 * p.Messages / total), Format.Bytes(p.Bytes), Format.Count(p.FinalLagMessages));
        }

        return table;
    }

    public static Table Environment(RunSummary s)
    {
        var table = new Table("Environment as run", "setting", "value") { TextColumns = new HashSet<int> { 0, 1 } };
        table.Add("run id", s.RunId);
        table.Add("scenario", s.ScenarioFile is null ? s.Scenario : $"{s.Scenario} ({s.ScenarioFile})");
        table.Add("started at (UTC)", s.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        table.Add("environment kind", s.Environment.Kind);
        foreach (var (key, value) in s.Environment.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            table.Add(key, value);
        }

        foreach (var caveat in s.Environment.Capabilities?.Caveats ?? [])
        {
            table.Add("caveat", caveat);
        }

        if (s.Resources is { } resources)
        {
            table.Add("harness peak RSS / GC heap", $"{Format.Bytes(resources.PeakRssBytes)} / {Format.Bytes(resources.PeakGcHeapBytes)}");
            table.Add("harness RSS first / last minute", $"{Format.Bytes(resources.FirstMinuteRssBytes)} / {Format.Bytes(resources.LastMinuteRssBytes)}");
        }

        return table;
    }

    /// <summary>What the environment could break, how, and what LoadLab observed before it recorded a fault; null for older results.</summary>
    public static Table? Capabilities(RunSummary s)
    {
        if (s.Environment.Capabilities is not { Faults.Count: > 0 } capabilities)
        {
            return null;
        }

        var table = new Table("Faults this environment can perform", "operation", "how", "recorded only when", "caveats")
        {
            TextColumns = new HashSet<int> { 0, 1, 2, 3 },
            Note = "A fault counts as applied only when its effect was observed through the Kafka protocol; a fault that was not is shown as failed above.",
        };
        foreach (var capability in capabilities.Faults)
        {
            table.Add(capability.Operation.ToString(), capability.Mechanism, capability.Verification, capability.Caveats.Count == 0 ? Format.None : string.Join("; ", capability.Caveats));
        }

        return table;
    }

    public static Table Cost(CostDocument cost)
    {
        var table = new Table("Estimated monthly cost", "platform", "line item", "USD per month") { TextColumns = new HashSet<int> { 0, 1 } };
        foreach (var platform in cost.Platforms)
        {
            foreach (var line in platform.Lines)
            {
                table.Add(platform.DisplayName, line.Label, Format.Usd(line.MonthlyUsd));
            }

            table.Add(new Cell(platform.DisplayName), new Cell($"total ({platform.Sizing.FloorBrokers} × {platform.InstanceType}, bound by {platform.BindingLimit})"), new Cell(Format.Usd(platform.TotalMonthlyUsd), CellKind.Good));
            table.Add(platform.DisplayName, "hours at risk per month (not billed)", platform.Risk.HoursPerMonth.ToString("0.#", CultureInfo.InvariantCulture));
        }

        return table;
    }

    /// <summary>The inputs that move the totals most (±20 % each).</summary>
    public static Table Sensitivity(CostDocument cost, int inputs = 8)
    {
        var table = new Table("What moves the total (each input −20 % / +20 %)", "input", "platform", "−20 %", "as estimated", "+20 %") { TextColumns = new HashSet<int> { 0, 1 } };
        foreach (var row in cost.Sensitivity.Where(r => cost.Sensitivity.Select(s => s.Input).Distinct().Take(inputs).Contains(r.Input)))
        {
            table.Add(row.Input, cost.Platforms.FirstOrDefault(p => p.Platform == row.Platform)?.DisplayName ?? row.Platform, Format.Usd(row.LowUsd), Format.Usd(row.BaseUsd), Format.Usd(row.HighUsd));
        }

        return table;
    }

    public static string Errors(IReadOnlyDictionary<string, long> errors) =>
        errors.Count == 0
            ? Format.None
            : string.Join(", ", errors.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} × {Format.Count(e.Value)}"));
}
