using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Docker.DotNet;
using Docker.DotNet.Models;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.Docker.Engine;
using LoadLab.Environments.Docker.Planning;
using LoadLab.Kafka.Admin;

namespace LoadLab.Environments.Docker;

/// <summary>
/// Starts a cluster from an environment definition with Docker.DotNet: the run's network and volumes, the supporting
/// services, the brokers; waits until the metadata lists every broker, creates the topics. Anything that fails on
/// the way tears down what was created.
/// </summary>
public sealed class DockerClusterProvider(DockerProviderOptions options) : IClusterProvider
{
    public string Kind => "docker";

    public FaultCapabilities FaultCapabilities => DockerCapabilities.For(options.Definition);

    async Task<ICluster> IClusterProvider.StartAsync(ClusterRequest request, CancellationToken cancellationToken) =>
        await StartAsync(request, cancellationToken);

    /// <summary>The plan this provider would execute, without touching an engine (host ports may be <c>auto</c>).</summary>
    public ClusterPlan Plan(string runId, IReadOnlyList<TopicSpec> topics) =>
        new ClusterPlanner(options.Definition, runId, topics, options.HostValues, allocateHostPort: null).Plan();

    public async Task<DockerCluster> StartAsync(ClusterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (runId, topics) = (request.RunId, request.Topics);
        if (!ClusterPlanner.IsValidRunId(runId))
        {
            throw new EnvironmentException($"run id '{runId}' cannot name Docker resources; use letters, digits, '.', '_' and '-'.");
        }

        var client = await DockerEngine.ConnectAsync(cancellationToken);
        var planner = new ClusterPlanner(options.Definition, runId, topics, options.HostValues, FreeLoopbackPorts);
        ClusterPlan plan;
        try
        {
            plan = planner.Plan();
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var cluster = new DockerCluster(client, plan, planner, options);
        try
        {
            var time = options.TimeProvider;
            await EnsureImagesAsync(client, plan, cancellationToken);
            var started = time.GetTimestamp();
            var network = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = plan.NetworkName,
                Driver = "bridge",
                Labels = new Dictionary<string, string>(plan.Labels),
            }, cancellationToken);
            cluster.NetworkId = network.ID;
            foreach (var service in plan.Services)
            {
                await StartServiceAsync(cluster, service, cancellationToken);
            }

            foreach (var broker in plan.Brokers)
            {
                await cluster.CreateAndStartBrokerAsync(broker, cancellationToken);
            }

            await cluster.WaitUntilReadyAsync(cancellationToken);
            await CreateTopicsAsync(cluster, topics, cancellationToken);
            if (DockerCapabilities.NeedsClientProxy(request.Faults, options.Definition))
            {
                cluster.StartProxy();
                Report($"clients reach the brokers through LoadLab's proxy at {cluster.BootstrapServers} (for {string.Join(", ", request.Faults.Where(f => DockerCapabilities.ViaClientProxy(f, options.Definition)).Order())})");
            }

            cluster.StartupTime = time.GetElapsedTime(started);
            Report($"cluster {plan.Definition.Name} ready in {cluster.StartupTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s: {cluster.BootstrapServers}");
            return cluster;
        }
        catch (Exception e)
        {
            await cluster.DisposeAsync();
            if (e is EnvironmentException or OperationCanceledException)
            {
                throw;
            }

            throw new EnvironmentException($"Starting {plan.Definition.Name} on Docker failed: {e.Message} (everything it created was removed).", e);
        }
    }

    private async Task EnsureImagesAsync(DockerClient client, ClusterPlan plan, CancellationToken cancellationToken)
    {
        foreach (var image in plan.Containers.Select(container => container.Image).Distinct(StringComparer.Ordinal))
        {
            if (await ImageExistsAsync(client, image, cancellationToken))
            {
                continue;
            }

            Report($"pulling {image} (not present on the engine)");
            var (name, tag) = SplitImage(image);
            var lastStatus = new Dictionary<string, string>(StringComparer.Ordinal);
            var progress = new Progress<JSONMessage>(message =>
            {
                // One line per layer state change, not per byte: pulls report thousands of progress events.
                if (message.ID is { } id && message.Status is { } status && (!lastStatus.TryGetValue(id, out var previous) || previous != status))
                {
                    lastStatus[id] = status;
                    Report($"  {image} {id}: {status}");
                }
            });
            try
            {
                await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = name, Tag = tag }, null, progress, cancellationToken);
            }
            catch (DockerApiException e)
            {
                throw new EnvironmentException($"Image {image} is not on the engine and pulling it failed: {e.ResponseBody.Trim()}. " +
                    "Check the tag and the network, or load the image (docker load / docker import) before the run.", e);
            }

            if (!await ImageExistsAsync(client, image, cancellationToken))
            {
                throw new EnvironmentException($"Image {image} is not on the engine and the pull did not provide it. " +
                    "Check the tag and the network, or load the image (docker load / docker import) before the run.");
            }
        }
    }

    private static async Task<bool> ImageExistsAsync(DockerClient client, string image, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task StartServiceAsync(DockerCluster cluster, ContainerPlan service, CancellationToken cancellationToken)
    {
        var id = await cluster.CreateContainerAsync(service, cancellationToken);
        await cluster.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        Report($"started {service.Name}");
        var timeout = options.Definition.Readiness.Timeout;
        if (service.RunToCompletion)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            ContainerWaitResponse exit;
            try
            {
                exit = await cluster.Client.Containers.WaitContainerAsync(id, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new EnvironmentException($"Set-up job {service.Name} did not finish within {timeout.TotalSeconds:0} s; its last output: {await cluster.LogTailAsync(id, cancellationToken)}");
            }

            if (exit.StatusCode != 0)
            {
                throw new EnvironmentException($"Set-up job {service.Name} exited with {exit.StatusCode}; its last output: {await cluster.LogTailAsync(id, cancellationToken)}");
            }

            Report($"{service.Name} finished");
        }
        else if (service.WaitForHostPort is { } port)
        {
            await WaitForPortAsync(cluster, service, id, port, timeout, options.TimeProvider, cancellationToken);
        }
    }

    private static async Task WaitForPortAsync(DockerCluster cluster, ContainerPlan service, string id, int port, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var lastSeen = "no attempt yet";
        while (time.GetElapsedTime(started) < timeout)
        {
            try
            {
                using var socket = new TcpClient();
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastSeen = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }

        throw new EnvironmentException($"{service.Name} did not accept connections on 127.0.0.1:{port} within {timeout.TotalSeconds:0} s " +
            $"(last attempt: {lastSeen}); its last output: {await cluster.LogTailAsync(id, cancellationToken)}");
    }

    private async Task CreateTopicsAsync(DockerCluster cluster, IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken)
    {
        // A definition whose broker command receives {topicArgs} creates its topics itself (the mock broker has no
        // CreateTopics API); every other platform gets them through the admin API.
        if (topics.Count == 0 || options.Definition.Brokers.Command.Contains("{topicArgs}"))
        {
            return;
        }

        using (var admin = KafkaClients.Admin(cluster.DirectBootstrapServers, options.Definition.ClientDefaults))
        {
            await TopicCreation.CreateAsync(admin, topics, $"Check the platform's limits (brokers, replication factor) against the scenario's topics and {options.Definition.SourcePath ?? options.Definition.Name}.", cancellationToken);
        }

        Report($"created topics {string.Join(", ", topics.Select(topic => $"{topic.Name} ({topic.Partitions.ToString(CultureInfo.InvariantCulture)} partitions, rf {topic.ReplicationFactor.ToString(CultureInfo.InvariantCulture)})"))}");
    }

    private void Report(string line) => options.Progress?.Report(line);

    private static (string Name, string Tag) SplitImage(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports free on 127.0.0.1 right now (the engine binds them moments
    /// later): a port the kernel chose, checked with the ones after it; tried again from another port when one is taken.
    /// </summary>
    private static int FreeLoopbackPorts(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var listeners = new List<TcpListener>();
            try
            {
                var first = new TcpListener(IPAddress.Loopback, 0);
                first.Start();
                listeners.Add(first);
                var port = ((IPEndPoint)first.LocalEndpoint).Port;
                if (port + count - 1 > IPEndPoint.MaxPort)
                {
                    continue;
                }

                for (var next = 1; next < count; next++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port + next);
                    listener.Start();
                    listeners.Add(listener);
                }

                return port;
            }
            catch (SocketException)
            {
                // One of the following ports is taken: start again from another.
            }
            finally
            {
                listeners.ForEach(listener => listener.Stop());
            }
        }

        throw new EnvironmentException($"No {count} consecutive free ports on 127.0.0.1 were found in 50 attempts; set listeners.host-port-base in the definition.");
    }
}
