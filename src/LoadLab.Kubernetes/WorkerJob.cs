using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using LoadLab.Core.Results;
using LoadLab.Core.Segments;

namespace LoadLab.Kubernetes;

/// <summary>What a split run on Kubernetes needs to know to build its objects.</summary>
public sealed record WorkerJobOptions
{
    /// <summary>The run's id, shared by every worker (<c>--run-id</c>) and the label that finds its objects.</summary>
    public required string RunId { get; init; }
    /// <summary>Workers (segments): the Job's completions and parallelism.</summary>
    public required int Workers { get; init; }
    /// <summary>The worker image (environments/kubernetes/Dockerfile), pushed where the cluster pulls from.</summary>
    public required string Image { get; init; }
    /// <summary>The scenario file's text, as run.</summary>
    public required string ScenarioYaml { get; init; }
    /// <summary>The external environment definition's text (secrets only as <c>${VAR}</c> references).</summary>
    public required string EnvironmentYaml { get; init; }
    /// <summary>The instant every worker starts its load (<c>--start-at</c>).</summary>
    public required DateTimeOffset StartAt { get; init; }
    /// <summary>Longest the Job may run: the pods' scheduling, the wait for the start, the load and the drain.</summary>
    public required TimeSpan ActiveDeadline { get; init; }
    public string Namespace { get; init; } = "default";
    /// <summary>The Kubernetes Secret whose keys hold <see cref="SecretVariables"/>; required when there are any.</summary>
    public string? SecretName { get; init; }
    /// <summary>Environment variables the definition references (<c>${VAR}</c>), each set from the secret's key of that name.</summary>
    public IReadOnlyList<string> SecretVariables { get; init; } = [];
    /// <summary>CPU each worker requests and is limited to (equal: the Guaranteed class, so a worker's CPU per message is its own).</summary>
    public string Cpu { get; init; } = "2";
    /// <summary>Memory each worker requests and is limited to.</summary>
    public string Memory { get; init; } = "4Gi";
    /// <summary>Size of the shared results volume.</summary>
    public string ResultsVolumeSize { get; init; } = "10Gi";
    /// <summary>Storage class of the results volume; it must offer ReadWriteMany (e.g. NFS, CephFS, EFS, Azure Files). Null: the cluster's default.</summary>
    public string? StorageClass { get; init; }
    /// <summary>Extra arguments of <c>loadlab run</c>, e.g. <c>--duration 10m</c>.</summary>
    public IReadOnlyList<string> RunArguments { get; init; } = [];
}

/// <summary>
/// The Kubernetes objects of a split run, built with the official client's model types: a ConfigMap with the scenario
/// and the environment definition; a ReadWriteMany volume claim that every worker writes its segment folder to (the
/// collection mechanism: <c>loadlab k8s run</c> reads it back through a collector pod); and an Indexed Job
/// (<c>completionMode: Indexed</c>, completions = parallelism = workers) whose pods run <c>loadlab run --segment job/N</c>,
/// so each reads its segment from <c>JOB_COMPLETION_INDEX</c>. Pods ask for equal CPU and memory requests and limits,
/// refuse to share a node with another worker of the run (required anti-affinity on <c>kubernetes.io/hostname</c>),
/// and get secrets by reference only (<c>secretKeyRef</c>). Every object carries <see cref="RunLabel"/> and
/// <see cref="ManagedByLabel"/>, which <c>loadlab k8s clean</c> deletes by.
/// </summary>
public static partial class WorkerJob
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "loadlab";
    public const string RunLabel = "loadlab.dev/run-id";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string WorkerComponent = "worker";
    public const string CollectorComponent = "collector";

    /// <summary>Where the ConfigMap is mounted in a worker.</summary>
    public const string ConfigPath = "/etc/loadlab";
    /// <summary>Where the results volume is mounted in a worker and in the collector.</summary>
    public const string ResultsPath = "/results";
    public const string ScenarioKey = "scenario.yaml";
    public const string EnvironmentKey = "environment.yaml";

    /// <summary>The objects of the run, in the order they are created.</summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Build(WorkerJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SecretVariables.Count > 0 && string.IsNullOrEmpty(options.SecretName))
        {
            throw new ArgumentException($"The definition references {string.Join(", ", options.SecretVariables)}: name the Kubernetes Secret that holds them.", nameof(options));
        }

        var name = ObjectName(options.RunId);
        var labels = Labels(options.RunId, WorkerComponent);
        var configMap = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata(name, options, labels),
            Data = new Dictionary<string, string>
            {
                [ScenarioKey] = options.ScenarioYaml,
                [EnvironmentKey] = options.EnvironmentYaml,
            },
        };
        var claim = new V1PersistentVolumeClaim
        {
            ApiVersion = "v1",
            Kind = "PersistentVolumeClaim",
            Metadata = Metadata(ResultsClaimName(options.RunId), options, labels),
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteMany"],
                StorageClassName = options.StorageClass,
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.ResultsVolumeSize) } },
            },
        };
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = Metadata(name, options, labels),
            Spec = new V1JobSpec
            {
                CompletionMode = "Indexed",
                Completions = options.Workers,
                Parallelism = options.Workers,
                // A worker that failed cannot rejoin: its share would start late. The launcher reports the failure.
                BackoffLimit = 0,
                ActiveDeadlineSeconds = (long)Math.Ceiling(options.ActiveDeadline.TotalSeconds),
                TtlSecondsAfterFinished = (int)TimeSpan.FromDays(1).TotalSeconds,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        // SIGTERM stops the load; the worker drains and writes its folder within this time.
                        TerminationGracePeriodSeconds = 90,
                        Affinity = new V1Affinity
                        {
                            PodAntiAffinity = new V1PodAntiAffinity
                            {
                                RequiredDuringSchedulingIgnoredDuringExecution =
                                [
                                    new V1PodAffinityTerm
                                    {
                                        TopologyKey = "kubernetes.io/hostname",
                                        LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [RunLabel] = LabelValue(options.RunId), [ComponentLabel] = WorkerComponent } },
                                    },
                                ],
                            },
                        },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "worker",
                                Image = options.Image,
                                Args = WorkerArguments(options),
                                Env = [.. options.SecretVariables.Select(variable => new V1EnvVar
                                {
                                    Name = variable,
                                    ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = options.SecretName, Key = variable } },
                                })],
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(options.Cpu), ["memory"] = new(options.Memory) },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(options.Cpu), ["memory"] = new(options.Memory) },
                                },
                                VolumeMounts =
                                [
                                    new V1VolumeMount { Name = "config", MountPath = ConfigPath, ReadOnlyProperty = true },
                                    new V1VolumeMount { Name = "results", MountPath = ResultsPath },
                                ],
                            },
                        ],
                        Volumes =
                        [
                            new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = name } },
                            new V1Volume { Name = "results", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ResultsClaimName(options.RunId) } },
                        ],
                    },
                },
            },
        };
        return [configMap, claim, job];
    }

    /// <summary>
    /// The pod that reads the workers' folders back from the results volume once the Job is done: the worker image,
    /// idle, with the volume mounted; the launcher streams <c>tar</c> of the segment folders out of it.
    /// </summary>
    public static V1Pod Collector(WorkerJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = Metadata(ObjectName(options.RunId) + "-collect", options, Labels(options.RunId, CollectorComponent)),
            Spec = new V1PodSpec
            {
                RestartPolicy = "Never",
                Containers =
                [
                    new V1Container
                    {
                        Name = "collector",
                        Image = options.Image,
                        Command = ["sleep", "3600"],
                        VolumeMounts = [new V1VolumeMount { Name = "results", MountPath = ResultsPath, ReadOnlyProperty = true }],
                    },
                ],
                Volumes = [new V1Volume { Name = "results", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ResultsClaimName(options.RunId), ReadOnlyProperty = true } }],
            },
        };
    }

    /// <summary>The run's objects as one YAML document stream (<c>kubectl apply -f</c>), serialised by the client's own serializer.</summary>
    public static string Yaml(WorkerJobOptions options) => KubernetesYaml.SerializeAll(Build(options));

    /// <summary>
    /// The Job's and ConfigMap's name: <c>loadlab-</c> and the run id in DNS-1123 form, shortened with a hash when
    /// too long (an Indexed Job's pod host names add <c>-&lt;index&gt;</c> and must stay within 63 characters).
    /// </summary>
    public static string ObjectName(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var cleaned = NotDns().Replace(runId.ToLowerInvariant(), "-").Trim('-');
        var name = "loadlab-" + cleaned;
        if (name.Length <= 48)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runId)))[..8];
        return name[..39].TrimEnd('-') + "-" + hash;
    }

    /// <summary>The results volume claim's name.</summary>
    public static string ResultsClaimName(string runId) => ObjectName(runId) + "-results";

    /// <summary>The run id as a label value (at most 63 of [A-Za-z0-9._-], alphanumeric at both ends).</summary>
    public static string LabelValue(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var cleaned = NotLabel().Replace(runId, "-");
        cleaned = cleaned.Length > 63 ? cleaned[..54] + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runId)))[..8] : cleaned;
        return cleaned.Trim('-', '.', '_');
    }

    /// <summary>The labels of every object of a run.</summary>
    public static Dictionary<string, string> Labels(string runId, string component) => new()
    {
        ["app.kubernetes.io/name"] = "loadlab",
        [ComponentLabel] = component,
        [ManagedByLabel] = ManagedByValue,
        [RunLabel] = LabelValue(runId),
    };

    private static List<string> WorkerArguments(WorkerJobOptions options) =>
    [
        "run", $"{ConfigPath}/{ScenarioKey}",
        "--env", $"external:{ConfigPath}/{EnvironmentKey}",
        "--segment", $"{Segment.JobIndexWord}/{options.Workers.ToString(CultureInfo.InvariantCulture)}",
        "--start-at", options.StartAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        "--run-id", options.RunId,
        "--out", ResultsPath,
        .. options.RunArguments,
    ];

    private static V1ObjectMeta Metadata(string name, WorkerJobOptions options, Dictionary<string, string> labels) => new()
    {
        Name = name,
        NamespaceProperty = options.Namespace,
        Labels = labels,
        Annotations = new Dictionary<string, string>
        {
            ["loadlab.dev/run-id"] = options.RunId,
            ["loadlab.dev/start-at"] = options.StartAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["loadlab.dev/segment-folders"] = $"{ResultsPath}/{SegmentFiles.FolderName(options.RunId, 0)} … {ResultsPath}/{SegmentFiles.FolderName(options.RunId, options.Workers - 1)}",
        },
    };

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDns();

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex NotLabel();
}
