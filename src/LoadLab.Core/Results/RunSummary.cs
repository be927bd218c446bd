using LoadLab.Core.Environments;
using LoadLab.Core.Segments;

namespace LoadLab.Core.Results;

/// <summary>
/// The immutable result of a run, serialised as <c>summary.json</c> (camelCase; documented by
/// <c>schemas/summary.schema.json</c>). The listed names are a contract: extend, never rename.
/// </summary>
public sealed record RunSummary
{
    public int SchemaVersion { get; init; } = 1;
    public required string RunId { get; init; }
    public required string Scenario { get; init; }
    public string? ScenarioFile { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>Whether the load ran its whole duration (<c>completed</c>) or was stopped early (<c>interrupted</c>).</summary>
    public required RunOutcome Outcome { get; init; }
    public string? OutcomeMessage { get; init; }
    /// <summary>Length of the measured window that ran (warm-up excluded): shorter than planned when the run was interrupted.</summary>
    public required double DurationSeconds { get; init; }
    /// <summary>Length of the measured window the scenario planned.</summary>
    public double? PlannedDurationSeconds { get; init; }
    public double WarmupSeconds { get; init; }
    public int Seed { get; init; }
    public required EnvironmentSummary Environment { get; init; }
    public required ProduceSummary Produce { get; init; }
    public required ConsumeSummary Consume { get; init; }
    public required LatencySummary LatencyMs { get; init; }
    public required RateSummary Rate { get; init; }
    public PayloadSummary? Payload { get; init; }
    public IReadOnlyList<PartitionSummary> Partitions { get; init; } = [];
    public IReadOnlyList<FaultSummary> Faults { get; init; } = [];
    public AuditSummary? Audit { get; init; }
    public IReadOnlyList<SloResult> Slo { get; init; } = [];
    public ResourceSummary? Resources { get; init; }
    /// <summary>Per transactional stream and transforming group: its transactions by outcome and their latency; empty without transactions.</summary>
    public IReadOnlyList<TransactionSummary> Transactions { get; init; } = [];
    /// <summary>Every <c>group.replay</c> of the run and what it did; empty without replays.</summary>
    public IReadOnlyList<ReplaySummary> Replays { get; init; } = [];
    /// <summary>
    /// A run split over workers (<c>loadlab run --segment</c>): in a segment's own summary, that segment alone (its
    /// audit, recovery and SLOs are left to <c>loadlab merge</c>); in a merged run, every segment. Null for a run in one process.
    /// </summary>
    public WorkersSummary? Workers { get; init; }
}

/// <summary>The workers of a split run and what comparing their clocks allows.</summary>
public sealed record WorkersSummary
{
    /// <summary>Segments (workers) the run was split into.</summary>
    public required int Count { get; init; }
    /// <summary>True in the summary <c>loadlab merge</c> wrote; false in one segment's own.</summary>
    public required bool Merged { get; init; }
    /// <summary>The agreed instant every segment started its load (<c>--start-at</c>), second 0 of the run clock.</summary>
    public required DateTimeOffset StartAt { get; init; }
    /// <summary>Each segment this summary covers, by index.</summary>
    public required IReadOnlyList<WorkerSummary> Segments { get; init; }
    /// <summary>
    /// End-to-end latency of a message consumed on another worker than the one that produced it is off by at most this
    /// (the largest skew bound between two workers' clocks, <see cref="ClockReading.SkewBoundMs"/>); 0 when every worker
    /// shares one kernel clock; null when a clock's error is unknown.
    /// </summary>
    public double? EndToEndSkewBoundMs { get; init; }
    /// <summary>How <see cref="EndToEndSkewBoundMs"/> was found, or why it is unknown.</summary>
    public string? SkewBoundNote { get; init; }
    /// <summary>End-to-end latency (measured window) of the messages consumed on the worker that produced them: no clock skew at all.</summary>
    public Percentiles? EndToEndSameWorker { get; init; }
}

/// <summary>One worker (segment) of a split run.</summary>
public sealed record WorkerSummary
{
    public required int Index { get; init; }
    public required ClockReading Clock { get; init; }
    /// <summary>Producer instances the worker ran.</summary>
    public int Producers { get; init; }
    /// <summary>Consumer instances the worker ran.</summary>
    public int Members { get; init; }
    /// <summary>Messages sent in the measured window.</summary>
    public long Sent { get; init; }
    /// <summary>Messages acknowledged in the measured window.</summary>
    public long Acked { get; init; }
    /// <summary>Messages of the run its consumers read (whole run).</summary>
    public long Consumed { get; init; }
    /// <summary>CPU time (user + system) of the worker process from the start of the load to the end of the drain.</summary>
    public double CpuSeconds { get; init; }
    /// <summary>CPU seconds per million messages handled (sent + consumed): the cost of a message on this worker.</summary>
    public double? CpuSecondsPerMillionMessages { get; init; }
    public long PeakRssBytes { get; init; }
}

public sealed record EnvironmentSummary(string Kind, IReadOnlyDictionary<string, string> Details)
{
    /// <summary>
    /// What the environment could break, how, how LoadLab verified each effect, and where it differs from a production
    /// cluster; null in summaries written before LoadLab recorded it.
    /// </summary>
    public FaultCapabilities? Capabilities { get; init; }
}

/// <summary>
/// Counts of the messages intended in the measured window (<c>target</c>: what the schedule asked for in the part of it
/// that ran); <see cref="WholeRun"/> counts every message, warm-up and drain included, as the audit does.
/// </summary>
public sealed record ProduceSummary
{
    public required long Target { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Failed { get; init; }
    /// <summary>Times the client's local queue was full and a send had to wait (visible as schedule delay).</summary>
    public long QueueFull { get; init; }
    public long Bytes { get; init; }
    /// <summary>Failed deliveries and client errors by librdkafka error name (e.g. <c>Local_MsgTimedOut</c>).</summary>
    public IReadOnlyDictionary<string, long> ErrorsByCode { get; init; } = new Dictionary<string, long>();
    /// <summary>Bytes on the wire from librdkafka's statistics (whole run); null when statistics were off.</summary>
    public WireSummary? Wire { get; init; }
    /// <summary>Every message of the run, warm-up and drain included: the audit's <c>acked</c> equals <c>wholeRun.acked</c>.</summary>
    public MessageCounts? WholeRun { get; init; }
}

/// <summary>Messages handed to the client, acknowledged, and failed.</summary>
public sealed record MessageCounts(long Sent, long Acked, long Failed);

public sealed record ConsumeSummary(IReadOnlyList<GroupSummary> Groups);

public sealed record GroupSummary
{
    public required string Group { get; init; }
    public required string Topic { get; init; }
    /// <summary>Messages of this run consumed by the group (whole run, drain included).</summary>
    public required long Consumed { get; init; }
    /// <summary>Value bytes of this run's messages the group consumed (whole run, drain included).</summary>
    public long Bytes { get; init; }
    public int Instances { get; init; }
    public int Rebalances { get; init; }
    public long MaxLagMessages { get; init; }
    public double MaxLagSeconds { get; init; }
    public long FinalLagMessages { get; init; }
    /// <summary><c>read_committed</c> or <c>read_uncommitted</c> (librdkafka's <c>isolation.level</c>); null in summaries written before LoadLab recorded it.</summary>
    public string? Isolation { get; init; }
    /// <summary>End-to-end latency of the messages this group read (first reads of the measured messages; replayed re-reads left out); null in older summaries.</summary>
    public Percentiles? EndToEndMs { get; init; }
    /// <summary>The topic a transforming group writes each input to; null when it only reads.</summary>
    public string? TransformsTo { get; init; }
}

public sealed record LatencySummary(
    Percentiles Produce,
    Percentiles Service,
    Percentiles ScheduleDelay,
    Percentiles EndToEnd)
{
    /// <summary>
    /// Transaction latency of every committed transaction (streams' and transforming groups'): commit acknowledged −
    /// intended send time of its first message; null in summaries written before LoadLab recorded it.
    /// </summary>
    public Percentiles? Transaction { get; init; }
}

/// <summary>Milliseconds, from HdrHistogram with 3 significant digits.</summary>
public sealed record Percentiles(long Count, double P50, double P90, double P99, double P999, double P9999, double Max, double Mean);

public sealed record RateSummary
{
    /// <summary>Messages per second the schedule asked for over the measured window.</summary>
    public required double Target { get; init; }
    /// <summary>Acknowledged messages per second over the measured window.</summary>
    public required double Achieved { get; init; }
    /// <summary>Sent messages per second over the measured window (what the generator managed).</summary>
    public double Sent { get; init; }
    public RateAccuracy? Accuracy { get; init; }
}

/// <summary>How well the generator kept its schedule: when these are bad, the generator (not the cluster) fell behind.</summary>
/// <param name="OverallErrorPercent">Messages handed to the client during the measured whole seconds (by send time) against the schedule's target for those seconds, in percent.</param>
/// <param name="WorstSecondErrorPercent">Largest absolute error of one measured whole second (partial seconds at the end are left out), in percent.</param>
/// <param name="ScheduleDelayP99Ms">Schedule delay p99 (send time minus intended time) over the measured window.</param>
public sealed record RateAccuracy(double OverallErrorPercent, double WorstSecondErrorPercent, double ScheduleDelayP99Ms);

public sealed record PayloadSummary(double AverageBytes, long MinBytes, long MaxBytes);

public sealed record PartitionSummary(string Topic, int Partition, long Messages, long Bytes, long FinalLagMessages);

/// <summary>A fault as it happened, with its recovery metrics.</summary>
public sealed record FaultSummary
{
    public required string Action { get; init; }
    public required string Target { get; init; }
    public required double AtSeconds { get; init; }
    public double? DurationSeconds { get; init; }
    public bool Succeeded { get; init; }
    public string? Detail { get; init; }
    public double? RecoverySeconds { get; init; }
    public string? NotRecoveredReason { get; init; }
    public long PeakLagMessages { get; init; }
    public double PeakLagSeconds { get; init; }
    public double LagSecondsIntegral { get; init; }
    public double UnavailableSeconds { get; init; }
    public IReadOnlyDictionary<string, long> ErrorsByCode { get; init; } = new Dictionary<string, long>();
    public IReadOnlyList<GroupRecovery> Groups { get; init; } = [];
}

public sealed record GroupRecovery(string Group, double? RecoverySeconds, long PeakLagMessages, double PeakLagSeconds, double LagSecondsIntegral, int Rebalances);

public sealed record AuditSummary
{
    public required long Acked { get; init; }
    public required long Delivered { get; init; }
    public required long Lost { get; init; }
    /// <summary>
    /// Of <see cref="Lost"/>: acknowledged without an offset (librdkafka's -1001: a retry answered as a duplicate, or a
    /// batch acknowledged implicitly because a later one succeeded), so no broker ever said where it stored them.
    /// </summary>
    public long LostWithoutOffset { get; init; }
    public required long Duplicated { get; init; }
    /// <summary>Of <see cref="Duplicated"/>: read at two different places, so the log holds them twice (producer retries); the rest are consumer redeliveries.</summary>
    public long DuplicatedInLog { get; init; }
    public required long Reordered { get; init; }
    public required long Truncated { get; init; }
    public required long Indeterminate { get; init; }
    /// <summary>Acknowledged, never consumed, at or beyond the group's final position: the drain timed out before the group got there.</summary>
    public long Unreached { get; init; }
    /// <summary>The first few examples of each problem class.</summary>
    public IReadOnlyList<AuditExample> Examples { get; init; } = [];
    /// <summary>Each consumer group's counts; per topic the totals above take the worst group's (delivered: the smallest), summed over topics.</summary>
    public IReadOnlyList<GroupAudit> Groups { get; init; } = [];
    /// <summary>Messages of aborted transactions (on purpose, after an error, fenced): never promised, so neither delivered nor lost.</summary>
    public long Aborted { get; init; }
    /// <summary>Messages of aborted transactions that a read_committed group read: the platform broke read_committed.</summary>
    public long AbortedVisible { get; init; }
    /// <summary>Transactions a read_committed group saw only part of (some messages read, others lost or not shown).</summary>
    public long Torn { get; init; }
    /// <summary>Re-reads caused by <c>group.replay</c> (all groups), counted apart from duplicates.</summary>
    public long Replayed { get; init; }
    /// <summary>Each consume-transform-produce pipeline, its inputs followed to their outputs.</summary>
    public IReadOnlyList<PipelineAudit> Pipelines { get; init; } = [];
}

public sealed record GroupAudit(string Group, long Delivered, long Lost, long Duplicated, long Reordered, long Truncated, long Indeterminate, long Unreached, long DuplicatedInLog = 0)
{
    /// <summary><c>read_committed</c> or <c>read_uncommitted</c>; null in older summaries.</summary>
    public string? Isolation { get; init; }
    /// <summary>Of <see cref="Lost"/>: acknowledged without an offset (see <see cref="AuditSummary.LostWithoutOffset"/>).</summary>
    public long LostWithoutOffset { get; init; }
    /// <summary>Messages of aborted transactions the group did not read, or (read_uncommitted) read by design.</summary>
    public long Aborted { get; init; }
    /// <summary>Messages of aborted transactions this read_committed group read.</summary>
    public long AbortedVisible { get; init; }
    /// <summary>Transactions this read_committed group saw only part of.</summary>
    public long Torn { get; init; }
    /// <summary>Re-reads of this group caused by <c>group.replay</c>.</summary>
    public long Replayed { get; init; }
}

/// <summary>
/// A consume-transform-produce pipeline's inputs followed to their outputs, as the verifying read_committed group saw
/// them: exactly one output per input is the promise.
/// </summary>
public sealed record PipelineAudit
{
    /// <summary>The transforming group.</summary>
    public required string Group { get; init; }
    public required string InputTopic { get; init; }
    public required string OutputTopic { get; init; }
    /// <summary>The read_committed group reading the output topic whose reads count.</summary>
    public required string VerifiedBy { get; init; }
    /// <summary>Inputs with a promise (acknowledged, committed or outside transactions) the audit judged.</summary>
    public long Inputs { get; init; }
    /// <summary>Inputs with exactly one visible output.</summary>
    public long ExactlyOnce { get; init; }
    /// <summary>Inputs without a visible output although the transforming group got past them.</summary>
    public long LostOutputs { get; init; }
    /// <summary>Inputs with two or more visible outputs.</summary>
    public long DuplicatedOutputs { get; init; }
    /// <summary>Inputs the transforming group never reached before the drain timed out.</summary>
    public long Unreached { get; init; }
    /// <summary>Inputs removed by retention before the transforming group read them.</summary>
    public long Truncated { get; init; }
    /// <summary>Inputs of aborted transactions (no output expected).</summary>
    public long AbortedInputs { get; init; }
    /// <summary>Inputs of aborted transactions that got a visible output anyway.</summary>
    public long AbortedInputsForwarded { get; init; }
    /// <summary>Outputs made again while re-reading inputs after a <c>group.replay</c> of the transforming group.</summary>
    public long ReplayedOutputs { get; init; }
    public IReadOnlyList<AuditExample> Examples { get; init; } = [];
}

/// <summary>The transactions of one transactional stream or transforming group, over all its producer instances.</summary>
public sealed record TransactionSummary
{
    /// <summary>The stream's name or the transforming group's.</summary>
    public required string Owner { get; init; }
    /// <summary><c>stream</c> or <c>group</c>.</summary>
    public required string Kind { get; init; }
    /// <summary>The transactional id of each producer instance, in instance order.</summary>
    public IReadOnlyList<string> TransactionalIds { get; init; } = [];
    public long Committed { get; init; }
    /// <summary>Aborted on purpose (the scenario's abort-share).</summary>
    public long AbortedOnPurpose { get; init; }
    /// <summary>Aborted because the client reported an abortable error.</summary>
    public long AbortedAfterError { get; init; }
    /// <summary>Ended by a fatal error of the producer (fenced, or an epoch the coordinator no longer accepts); the instance was restarted.</summary>
    public long Fenced { get; init; }
    /// <summary>Open when the run ended, or committed without the producer learning the outcome.</summary>
    public long Undecided { get; init; }
    /// <summary>Producer instances restarted (same transactional id, which fences the old one) after a fatal error.</summary>
    public long Restarts { get; init; }
    /// <summary>Commit acknowledged − intended send time of the first message, of the committed transactions.</summary>
    public Percentiles? LatencyMs { get; init; }
}

/// <summary>One <c>group.replay</c>: how far the group was moved back and how long it took to catch up.</summary>
public sealed record ReplaySummary
{
    public required string Group { get; init; }
    /// <summary>When the rewind took effect (the group's new offsets were committed), seconds since the run start; null when it failed.</summary>
    public double? AtSeconds { get; init; }
    public bool Succeeded { get; init; }
    /// <summary>How the rewind was asked for, e.g. <c>10000 messages back per partition</c>.</summary>
    public required string Rewind { get; init; }
    /// <summary>
    /// Offsets between the new positions and where the group was, summed over its partitions: what it had to read again.
    /// Transaction markers occupy offsets too, so with transactions it is more than the messages read again; offsets
    /// retention removed meanwhile are skipped (the group resets to the log start), so then it is more as well.
    /// </summary>
    public long OffsetsRewound { get; init; }
    /// <summary>Re-reads the audit classified as replayed (this group).</summary>
    public long Replayed { get; init; }
    /// <summary>From the rewind until the group had read again up to where it was on every partition; null when it never did.</summary>
    public double? ReReadSeconds { get; init; }
    /// <summary>
    /// From the rewind until the group had read everything again and its lag was back within its pre-replay baseline:
    /// the later of <see cref="ReReadSeconds"/> and the fault's recovery for this group (lag is sampled once a second, so
    /// a replay shorter than that shows as its re-read time); null when it never caught up.
    /// </summary>
    public double? CatchUpSeconds { get; init; }
    /// <summary>End-to-end latency p99 of each group's live traffic, before the replay and while the replayed group caught up.</summary>
    public IReadOnlyList<ReplayImpact> Impact { get; init; } = [];
}

/// <summary>A group's end-to-end latency p99 (live messages: replayed re-reads left out) before a replay and during it.</summary>
/// <param name="Group">The group.</param>
/// <param name="Replayed">Whether this is the replayed group.</param>
/// <param name="BeforeP99Ms">p99 over as long a window before the replay as the replay took (at least 5 s); null without samples.</param>
/// <param name="DuringP99Ms">p99 from the rewind until the replayed group caught up (or the load ended); null without samples.</param>
public sealed record ReplayImpact(string Group, bool Replayed, double? BeforeP99Ms, double? DuringP99Ms);

public sealed record AuditExample(string Kind, string Topic, int Partition, long Offset, int ProducerId, long Sequence);

/// <summary>One SLO's verdict.</summary>
/// <param name="Name">The SLO's name (from the scenario, or made of its metric, phase and limit).</param>
/// <param name="Phase">The part of the run it covers: overall, steady, during or after a fault.</param>
/// <param name="Limit">The limit in the metric's unit.</param>
/// <param name="Observed">What the run measured; null when nothing was measured.</param>
/// <param name="Passed">True when judged and met.</param>
/// <param name="Comparison">How observed is compared with the limit, e.g. <c>lessOrEqual</c>.</param>
/// <param name="Judged">False when the run did not complete (interrupted, or the environment broke): the SLO is neither met nor missed, and <paramref name="Passed"/> is false.</param>
public sealed record SloResult(string Name, string Phase, double Limit, double? Observed, bool Passed, string Comparison, bool Judged = true)
{
    /// <summary>The consumer group whose promise it is; null for the run's.</summary>
    public string? Group { get; init; }
}


public sealed record ResourceSummary(long PeakRssBytes, long PeakGcHeapBytes, long FirstMinuteRssBytes, long LastMinuteRssBytes);
