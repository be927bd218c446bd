using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LoadLab.Core.Results;

namespace LoadLab.Kubernetes;

/// <summary>One worker pod of a split run as the launcher last saw it.</summary>
/// <param name="Index">Its segment (the Job's completion index); -1 until Kubernetes has set it.</param>
/// <param name="Pod">The pod's name.</param>
/// <param name="Phase">Pending, Running, Succeeded or Failed.</param>
/// <param name="LastLine">The last line the worker printed (its progress line), when there is one.</param>
public sealed record WorkerStatus(int Index, string Pod, string Phase, string? LastLine);

/// <summary>A split run on Kubernetes that could not be completed (a worker failed, the Job timed out, collecting failed).</summary>
public sealed class KubernetesRunException : Exception
{
    public KubernetesRunException(string message) : base(message) { }

    public KubernetesRunException(string message, Exception innerException) : base(message, innerException) { }

    public KubernetesRunException() { }
}

/// <summary>
/// Runs a split run on the cluster of the current kube context: submits <see cref="WorkerJob"/>'s objects, reports every
/// worker's pod phase and last printed line until the Job completes, collects the segment folders from the results volume
/// through a collector pod (<c>tar</c> streamed over the exec API, unpacked by <see cref="SegmentArchive"/>), and removes
/// every object it created by the run's label, also when it fails or is cancelled.
/// </summary>
public sealed class KubernetesLauncher : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CollectorStartTimeout = TimeSpan.FromMinutes(5);

    private readonly IKubernetes _client;

    private KubernetesLauncher(IKubernetes client) => _client = client;

    /// <summary>A launcher for the current context of the kubeconfig (<c>KUBECONFIG</c> or <c>~/.kube/config</c>), or in-cluster when run in a pod.</summary>
    /// <exception cref="KubernetesRunException">There is no usable kubeconfig.</exception>
    public static KubernetesLauncher FromKubeConfig()
    {
        try
        {
            var config = KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile();
            return new KubernetesLauncher(new k8s.Kubernetes(config));
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            throw new KubernetesRunException($"No Kubernetes cluster to talk to: {e.Message} Set KUBECONFIG or ~/.kube/config to the cluster's context (kubectl config current-context).", e);
        }
    }

    /// <summary>
    /// Submits the run, waits for every worker, and unpacks their segment folders into <paramref name="destination"/>;
    /// returns those folders. Whatever was created is deleted at the end unless <paramref name="keep"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> RunAsync(WorkerJobOptions options, string destination, IProgress<IReadOnlyList<WorkerStatus>> progress, bool keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        try
        {
            foreach (var item in WorkerJob.Build(options))
            {
                await CreateAsync(item, options.Namespace, cancellationToken).ConfigureAwait(false);
            }

            await WaitForWorkersAsync(options, progress, cancellationToken).ConfigureAwait(false);
            return await CollectAsync(options, destination, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!keep)
            {
                await CleanAsync(options.Namespace, options.RunId, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes every object LoadLab created in <paramref name="ns"/> (of one run when <paramref name="runId"/> is given); returns how many kinds had some.</summary>
    public async Task<int> CleanAsync(string ns, string? runId, CancellationToken cancellationToken)
    {
        try
        {
            return await DeleteAsync(ns, runId, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw new KubernetesRunException($"Deleting LoadLab's objects in namespace {ns} failed: {e.Response.StatusCode} {e.Response.Content}", e);
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<int> DeleteAsync(string ns, string? runId, CancellationToken cancellationToken)
    {
        var selector = $"{WorkerJob.ManagedByLabel}={WorkerJob.ManagedByValue}" + (runId is null ? "" : $",{WorkerJob.RunLabel}={WorkerJob.LabelValue(runId)}");
        var deleted = 0;
        var jobs = await _client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        deleted += jobs.Items.Count > 0 ? 1 : 0;
        await _client.BatchV1.DeleteCollectionNamespacedJobAsync(ns, labelSelector: selector, propagationPolicy: "Background", cancellationToken: cancellationToken).ConfigureAwait(false);
        var pods = await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        deleted += pods.Items.Count > 0 ? 1 : 0;
        await _client.CoreV1.DeleteCollectionNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        var maps = await _client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        deleted += maps.Items.Count > 0 ? 1 : 0;
        await _client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        var claims = await _client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        deleted += claims.Items.Count > 0 ? 1 : 0;
        await _client.CoreV1.DeleteCollectionNamespacedPersistentVolumeClaimAsync(ns, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private async Task CreateAsync(IKubernetesObject<V1ObjectMeta> item, string ns, CancellationToken cancellationToken)
    {
        try
        {
            switch (item)
            {
                case V1ConfigMap map:
                    await _client.CoreV1.CreateNamespacedConfigMapAsync(map, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                case V1PersistentVolumeClaim claim:
                    await _client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                case V1Job job:
                    await _client.BatchV1.CreateNamespacedJobAsync(job, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                case V1Pod pod:
                    await _client.CoreV1.CreateNamespacedPodAsync(pod, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new ArgumentException($"LoadLab does not create {item.Kind} objects.", nameof(item));
            }
        }
        catch (HttpOperationException e)
        {
            throw new KubernetesRunException($"Creating {item.Kind} {item.Metadata.Name} in namespace {ns} failed: {e.Response.StatusCode} {e.Response.Content}", e);
        }
    }

    private async Task WaitForWorkersAsync(WorkerJobOptions options, IProgress<IReadOnlyList<WorkerStatus>> progress, CancellationToken cancellationToken)
    {
        var name = WorkerJob.ObjectName(options.RunId);
        var selector = $"{WorkerJob.RunLabel}={WorkerJob.LabelValue(options.RunId)},{WorkerJob.ComponentLabel}={WorkerJob.WorkerComponent}";
        while (true)
        {
            var job = await _client.BatchV1.ReadNamespacedJobStatusAsync(name, options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            var pods = await _client.CoreV1.ListNamespacedPodAsync(options.Namespace, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
            var statuses = new List<WorkerStatus>();
            foreach (var pod in pods.Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
            {
                var index = pod.Metadata.Annotations?.TryGetValue("batch.kubernetes.io/job-completion-index", out var text) == true && int.TryParse(text, out var parsed) ? parsed : -1;
                statuses.Add(new WorkerStatus(index, pod.Metadata.Name, pod.Status?.Phase ?? "Unknown", await LastLineAsync(pod, options.Namespace, cancellationToken).ConfigureAwait(false)));
            }

            progress.Report(statuses);
            if ((job.Status?.Succeeded ?? 0) >= options.Workers)
            {
                return;
            }

            var failed = job.Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
            if (failed is not null || (job.Status?.Failed ?? 0) > 0)
            {
                var lines = statuses.Where(s => s.Phase == "Failed").Select(s => $"worker {s.Index} ({s.Pod}): {s.LastLine}");
                throw new KubernetesRunException($"Job {name} failed ({failed?.Reason ?? "a worker failed"}: {failed?.Message}). {string.Join("; ", lines)}");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> LastLineAsync(V1Pod pod, string ns, CancellationToken cancellationToken)
    {
        if (pod.Status?.Phase is not ("Running" or "Succeeded" or "Failed"))
        {
            return null;
        }

        try
        {
            using var log = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, ns, tailLines: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(log, Encoding.UTF8);
            return (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (HttpOperationException)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<string>> CollectAsync(WorkerJobOptions options, string destination, CancellationToken cancellationToken)
    {
        var collector = WorkerJob.Collector(options);
        await CreateAsync(collector, options.Namespace, cancellationToken).ConfigureAwait(false);
        var started = DateTime.UtcNow;
        while (true)
        {
            var pod = await _client.CoreV1.ReadNamespacedPodAsync(collector.Metadata.Name, options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (pod.Status?.Phase == "Running")
            {
                break;
            }

            if (DateTime.UtcNow - started > CollectorStartTimeout || pod.Status?.Phase is "Failed" or "Succeeded")
            {
                throw new KubernetesRunException($"The collector pod {collector.Metadata.Name} did not start ({pod.Status?.Phase}); the segment folders stay on volume claim {WorkerJob.ResultsClaimName(options.RunId)} (rerun with --keep to keep it).");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> folders = [];
        var command = new List<string> { "tar", "-C", WorkerJob.ResultsPath, "-cf", "-" };
        command.AddRange(Enumerable.Range(0, options.Workers).Select(i => SegmentFiles.FolderName(options.RunId, i)));
        var exit = await _client.NamespacedPodExecAsync(collector.Metadata.Name, options.Namespace, "collector", command, false, async (_, stdout, _) =>
        {
            folders = await SegmentArchive.ExtractAsync(stdout, options.RunId, destination, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new KubernetesRunException($"tar in the collector pod exited with {exit}: a segment folder is missing from the results volume.");
        }

        return folders;
    }
}
