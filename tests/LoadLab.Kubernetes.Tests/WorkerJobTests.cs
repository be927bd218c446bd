using System.Reflection;
using k8s;
using k8s.Models;
using LoadLab.Kubernetes;

namespace LoadLab.Kubernetes.Tests;

public sealed class WorkerJobTests
{
    private static readonly DateTimeOffset StartAt = new(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);

    /// <summary>The example: 8 workers against an external SASL_SSL cluster, secrets by reference.</summary>
    private static WorkerJobOptions EightWorkers => new()
    {
        RunId = "20261206-150000-inference-burst",
        Workers = 8,
        Image = "registry.example.com/loadlab-worker:1.0",
        ScenarioYaml = "version: 1\nname: inference-burst\nduration: 10m\n",
        EnvironmentYaml = """
            name: staging
            bootstrap-servers: kafka-0.staging.example:9093
            security:
              protocol: SASL_SSL
              sasl:
                mechanism: SCRAM-SHA-512
                username: ${KAFKA_USERNAME}
                password: ${KAFKA_PASSWORD}
            topics:
              policy: create

            """,
        StartAt = StartAt,
        ActiveDeadline = TimeSpan.FromMinutes(20),
        Namespace = "loadtest",
        SecretName = "loadlab-kafka",
        SecretVariables = ["KAFKA_USERNAME", "KAFKA_PASSWORD"],
        Cpu = "4",
        Memory = "8Gi",
        StorageClass = "nfs-client",
    };

    [Fact]
    public void Yaml_EightWorkersSaslSsl_MatchesTheSnapshot()
    {
        var yaml = WorkerJob.Yaml(EightWorkers);

        var snapshot = Path.Combine(SnapshotFolder(), "worker-job-8-sasl-ssl.yaml");
        if (Environment.GetEnvironmentVariable("LOADLAB_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(snapshot, yaml);
        }

        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n"), yaml.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Yaml_ReadBackByTheClientsDeserializer_SameObjects()
    {
        var yaml = WorkerJob.Yaml(EightWorkers);

        var objects = KubernetesYaml.LoadAllFromString(yaml);

        Assert.Equal(3, objects.Count);
        var map = Assert.IsType<V1ConfigMap>(objects[0]);
        var claim = Assert.IsType<V1PersistentVolumeClaim>(objects[1]);
        var job = Assert.IsType<V1Job>(objects[2]);
        Assert.Equal(EightWorkers.ScenarioYaml, map.Data[WorkerJob.ScenarioKey]);
        Assert.Equal(EightWorkers.EnvironmentYaml, map.Data[WorkerJob.EnvironmentKey]);
        Assert.Equal(["ReadWriteMany"], claim.Spec.AccessModes);
        Assert.Equal("Indexed", job.Spec.CompletionMode);
        Assert.Equal(8, job.Spec.Completions);
        Assert.Equal(8, job.Spec.Parallelism);
        Assert.Equal(0, job.Spec.BackoffLimit);
        var pod = job.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal(
            ["run", "/etc/loadlab/scenario.yaml", "--env", "external:/etc/loadlab/environment.yaml", "--segment", "job/8", "--start-at", "2026-12-06T15:00:00.000Z", "--run-id", EightWorkers.RunId, "--out", "/results"],
            container.Args);
        Assert.Equal(container.Resources.Requests["cpu"], container.Resources.Limits["cpu"]);
        Assert.Equal("8Gi", container.Resources.Limits["memory"].ToString());
        var term = Assert.Single(pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.Equal(job.Spec.Template.Metadata.Labels[WorkerJob.RunLabel], term.LabelSelector.MatchLabels[WorkerJob.RunLabel]);
        Assert.All(objects.Cast<IKubernetesObject<V1ObjectMeta>>(), o => Assert.Equal("loadlab", o.Metadata.Labels[WorkerJob.ManagedByLabel]));

        // Round trip: serialising what was read gives the same text.
        Assert.Equal(yaml, KubernetesYaml.SerializeAll(objects));
    }

    [Fact]
    public void Yaml_Secrets_OnlyByReference()
    {
        var options = EightWorkers;

        var yaml = WorkerJob.Yaml(options);
        var job = (V1Job)KubernetesYaml.LoadAllFromString(yaml)[2];

        var env = job.Spec.Template.Spec.Containers[0].Env;
        Assert.Equal(["KAFKA_USERNAME", "KAFKA_PASSWORD"], env.Select(e => e.Name));
        Assert.All(env, e =>
        {
            Assert.Null(e.Value);
            Assert.Equal("loadlab-kafka", e.ValueFrom.SecretKeyRef.Name);
            Assert.Equal(e.Name, e.ValueFrom.SecretKeyRef.Key);
        });
        Assert.DoesNotContain("kind: Secret", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_VariablesWithoutASecret_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerJob.Build(EightWorkers with { SecretName = null }));

        Assert.Contains("KAFKA_USERNAME", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20261206-150000-inference", "loadlab-20261206-150000-inference")]
    [InlineData("Run_With.Dots", "loadlab-run-with-dots")]
    [InlineData("20261206-150000-a-very-long-scenario-name-that-goes-on-and-on", "loadlab-20261206-150000-a-very-long-sc")]
    public void ObjectName_AnyRunId_IsAValidDnsLabelShortEnoughForIndexedPods(string runId, string expectedStart)
    {
        var name = WorkerJob.ObjectName(runId);

        Assert.StartsWith(expectedStart, name, StringComparison.Ordinal);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.True(name.Length + "-results".Length <= 63 && name.Length + "-1023-abcde".Length <= 63, name);
    }

    private static string SnapshotFolder() =>
        typeof(WorkerJobTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotFolder").Value!;
}
