using System.Text.Json;
using LoadLab.Core.Faults;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Core.Segments;

namespace LoadLab.Core.Results;

/// <summary>
/// Where a segment of a split run keeps what merging needs, inside its run folder (see results/README.md):
/// <c>segment/segment.json</c> (<see cref="SegmentManifest"/>) and <c>segment/delivery/</c> (one delivery log per
/// producer and consumer instance); beside every run's measured histograms (<see cref="RunFiles.MeasuredHistogramsFolder"/>)
/// it also keeps the same-worker end-to-end one.
/// </summary>
public static class SegmentFiles
{
    public const string Folder = "segment";
    public const string Manifest = "segment/segment.json";
    public const string DeliveryFolder = "segment/delivery";

    /// <summary>Latency of messages consumed on the worker that produced them (no clock skew), beside the standard metrics.</summary>
    public const string SameWorkerEndToEndLog = "endToEndSameWorker";

    /// <summary>The delivery log of producer <paramref name="producerId"/>, relative to the run folder.</summary>
    public static string AckLog(int producerId) => $"{DeliveryFolder}/producer-{producerId}.log";

    /// <summary>The delivery log of member <paramref name="member"/> of consumer group number <paramref name="groupIndex"/>.</summary>
    public static string ReadLog(int groupIndex, int member) => $"{DeliveryFolder}/group-{groupIndex}-member-{member}.log";

    /// <summary>The folder of segment <paramref name="index"/> of run <paramref name="runId"/> under a results folder.</summary>
    public static string FolderName(string runId, int index) => $"{runId}-segment-{index}";
}

/// <summary>
/// What a segment of a split run tells <c>loadlab merge</c> beyond the standard run folder (<c>segment/segment.json</c>):
/// which run and scenario it belongs to, which producers and consumers it ran, its clock, and what the merged
/// analysis needs that the standard files do not keep (fault occurrences, errors per second, log start offsets, sends
/// per second). Written when the segment starts (<see cref="Complete"/> false) and again when it ends.
/// </summary>
public sealed record SegmentManifest
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required string RunId { get; init; }
    public required string Scenario { get; init; }
    /// <summary>SHA-256 of <c>scenario.yaml</c> as run, hex: every segment must have run the same file.</summary>
    public required string ScenarioSha256 { get; init; }
    /// <summary>Measured duration and seed as run (command-line overrides applied), so the merge reads the scenario the same way.</summary>
    public required double DurationSeconds { get; init; }
    public required int Seed { get; init; }
    public required int Index { get; init; }
    public required int Count { get; init; }
    /// <summary>The agreed instant the load started on every worker: second 0 of the run clock.</summary>
    public required DateTimeOffset StartAt { get; init; }
    /// <summary>True once the segment has ended and every file is closed; a segment still running or killed is not merged.</summary>
    public bool Complete { get; init; }
    /// <summary>Why the segment's files are incomplete (e.g. a write failed); null when they are whole.</summary>
    public string? Problem { get; init; }
    public required ClockReading Clock { get; init; }
    /// <summary>The producers this segment ran (ids of the whole run).</summary>
    public IReadOnlyList<SegmentProducer> Producers { get; init; } = [];
    /// <summary>The consumer instances this segment ran.</summary>
    public IReadOnlyList<SegmentMember> Members { get; init; } = [];
    /// <summary>When the load stopped, seconds on the run clock.</summary>
    public double LoadEndSeconds { get; init; }
    /// <summary>The faults as segment 0 executed them (empty in the other segments).</summary>
    public IReadOnlyList<FaultOccurrence> Faults { get; init; } = [];
    /// <summary>Producer errors per second and code.</summary>
    public IReadOnlyList<ErrorCount> Errors { get; init; } = [];
    /// <summary>Each partition's log start offset when the segment ended.</summary>
    public IReadOnlyList<LogStartOffset> LogStartOffsets { get; init; } = [];
    /// <summary>Messages handed to the client in each second of the run clock (by send time), from second 0.</summary>
    public IReadOnlyList<long> SentBySecond { get; init; } = [];
    /// <summary>CPU time (user + system) the worker process used from the start of the load to the end of the drain.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Reads a manifest; throws <see cref="RunResultsException"/> with the file when it cannot.</summary>
    public static SegmentManifest Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<SegmentManifest>(File.ReadAllText(path), ResultsJson.Indented)
                ?? throw new RunResultsException($"{path} holds 'null' instead of a segment manifest.");
        }
        catch (JsonException e)
        {
            throw new RunResultsException($"{path}: {e.Message} The segment manifest is corrupt or from another LoadLab.", e);
        }
    }

    /// <summary>Replaces the manifest atomically.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, ResultsJson.Indented) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A producer a segment ran and its delivery log (relative to the run folder).</summary>
public sealed record SegmentProducer(int Id, string Stream, string Topic, int Partitions, string Log);

/// <summary>A consumer instance a segment ran and its delivery log (relative to the run folder).</summary>
public sealed record SegmentMember(string Group, string Topic, int Instance, int Partitions, string Log);

/// <summary>A partition's log start offset: records below it were removed by retention.</summary>
public sealed record LogStartOffset(string Topic, int Partition, long Offset);
