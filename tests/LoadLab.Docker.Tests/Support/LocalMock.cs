using Confluent.Kafka;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;

namespace LoadLab.Docker.Tests.Support;

/// <summary>The test-only local-mock environment and a way to see what a client sees of it.</summary>
internal static class LocalMock
{
    public static EnvironmentDefinition Definition(string file = "local-mock.yaml") => EnvironmentDefinitionLoader.LoadFile(TestPaths.TestEnvironment(file));

    public static DockerProviderOptions Options(EnvironmentDefinition? definition = null, List<string>? progress = null) => new()
    {
        Definition = definition ?? Definition(),
        HostValues = DockerProviderOptions.DefaultHostValues(AppContext.BaseDirectory),
        // Tests run in parallel in one process: a signal handler per cluster is not what they exercise here.
        TeardownOnSignal = false,
        Progress = progress is null ? null : new SynchronousProgress(progress),
    };

    public static string RunId(string test) => $"t-{test}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// What a fresh client sees: the broker ids in metadata, or the error. A new client each time, so nothing cached
    /// from before a fault can answer.
    /// </summary>
    public static string Probe(string bootstrapServers, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig
        {
            BootstrapServers = bootstrapServers,
            SocketTimeoutMs = (int)timeout.TotalMilliseconds,
        }).SetLogHandler((_, _) => { }).Build();
        try
        {
            var metadata = admin.GetMetadata(timeout);
            return "brokers " + string.Join(",", metadata.Brokers.Select(broker => broker.BrokerId).Order());
        }
        catch (KafkaException e)
        {
            return "error " + e.Error.Code;
        }
    }

    private sealed class SynchronousProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
