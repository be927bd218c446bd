using System.CommandLine;
using System.Net;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Environments;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Environments.Embedded;
using LoadLab.Environments.Embedded.Hosting;

namespace LoadLab.Cli.Commands;

/// <summary><c>loadlab cluster serve</c>: the embedded cluster on its own, for any Kafka client, until Ctrl+C.</summary>
internal static class ClusterCommand
{
    // The embedded environment accepts delays up to an hour (EmbeddedOptions.Validate).
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    public static Command Create()
    {
        var cluster = new Command("cluster", "Run a Kafka-protocol cluster that any client can use.");
        cluster.Subcommands.Add(CreateServe());
        return cluster;
    }

    private static Command CreateServe()
    {
        var brokers = TypedOptions.WholeNumber("--brokers", "Number of brokers (ids 1..N), spread over 3 racks.", 1, 64, 3, "3");
        var topics = new Option<string[]>("--topic")
        {
            Description = $"A topic to create, as name[:partitions[:replication-factor]] (defaults {TopicArgument.DefaultPartitions} partitions, RF min(3, brokers)); repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var control = new Option<string?>("--control")
        {
            Description = "Serve the HTTP/JSON control endpoint on this loopback address, e.g. 127.0.0.1:8089 (GET /brokers, POST /brokers/{id}/kill|restart|pause|resume|slow?ms=N, POST /partitions/{topic}/{p}/leader?broker=N, POST /errors?api=0&code=N&count=N).",
        };
        var listen = new Option<string?>("--listen")
        {
            Description = "Also accept connections on [address:]port (default address 0.0.0.0, every interface; broker i on port + i - 1), " +
                "forwarded to the brokers' own 127.0.0.1 ports: for clients in other network namespaces, e.g. outside a container. No authentication.",
        };
        var advertise = new Option<string?>("--advertise")
        {
            Description = "With --listen: the host:port metadata gives clients for broker 1 (broker i: port + i - 1), e.g. the host-published " +
                "address of a container. Default: the --listen address (127.0.0.1 when it is 0.0.0.0). The control endpoint observes through it too.",
        };
        var detectionDelay = TypedOptions.Duration(
            "--detection-delay",
            "How long after a broker dies or hangs its leaderships and coordinators move (KRaft broker.session.timeout.ms), e.g. 9s or 500ms.",
            new EmbeddedOptions().DetectionDelay,
            "9s",
            allowZero: true,
            max: MaxDelay);
        var restoreDelay = TypedOptions.Duration(
            "--restore-delay",
            "How long after a broker comes back it takes its preferred leaderships back, e.g. 10s.",
            new EmbeddedOptions().PreferredLeaderRestoreDelay,
            "10s",
            allowZero: true,
            max: MaxDelay);

        var serve = new Command("serve", "Serve the embedded cluster (librdkafka's mock) on loopback (or on --listen), print its bootstrap servers, stay up until Ctrl+C.");
        serve.Options.Add(brokers);
        serve.Options.Add(topics);
        serve.Options.Add(control);
        serve.Options.Add(listen);
        serve.Options.Add(advertise);
        serve.Options.Add(detectionDelay);
        serve.Options.Add(restoreDelay);
        serve.SetAction((parseResult, cancellationToken) => ServeAsync(
            parseResult.GetValue(brokers),
            parseResult.GetValue(topics) ?? [],
            parseResult.GetValue(control),
            parseResult.GetValue(listen),
            parseResult.GetValue(advertise),
            parseResult.GetValue(detectionDelay),
            parseResult.GetValue(restoreDelay),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return serve;
    }

    private static async Task<int> ServeAsync(
        int brokerCount, string[] topicArguments, string? control, string? listen, string? advertise, TimeSpan detectionDelay, TimeSpan restoreDelay,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var topics = new List<TopicSpec>();
        foreach (var argument in topicArguments)
        {
            if (TopicArgument.TryParse(argument, brokerCount, out var problem) is { } topic)
            {
                topics.Add(topic);
            }
            else
            {
                problems.Add(problem);
            }
        }

        IPEndPoint? controlEndpoint = null;
        if (control is not null && (!IPEndPoint.TryParse(control, out controlEndpoint) || controlEndpoint.Port == 0 || !IPAddress.IsLoopback(controlEndpoint.Address)))
        {
            problems.Add($"--control '{control}' is not a loopback address with a port: the endpoint has no authentication, so use e.g. --control 127.0.0.1:8089.");
        }

        var addressing = BrokerAddressing.TryParse(listen, advertise, brokerCount, out var addressProblems);
        problems.AddRange(addressProblems);

        var options = new EmbeddedOptions
        {
            Brokers = brokerCount,
            DetectionDelay = detectionDelay,
            PreferredLeaderRestoreDelay = restoreDelay,
        };
        var optionProblems = options.Validate();
        problems.AddRange(optionProblems.Select(ToOptionNames));
        if (optionProblems.Count == 0)
        {
            problems.AddRange(new EmbeddedClusterProvider(options).FindTopicProblems(topics).Select(p => "--topic: " + p));
        }

        if (problems.Count > 0)
        {
            problems.ForEach(problem => Errors.BadInput(error, problem));
            return ExitCodes.BadInput;
        }

        EmbeddedClusterHost host;
        try
        {
            host = await EmbeddedClusterHost.StartAsync(options, topics, controlEndpoint, addressing, cancellationToken).ConfigureAwait(false);
        }
        catch (EnvironmentException exception)
        {
            return Errors.EnvironmentFailure(error, exception.Message);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }

        await using (host.ConfigureAwait(false))
        {
            host.Describe(output, topics);
            await output.WriteLineAsync("Serving; press Ctrl+C to stop.").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("Stopping the embedded cluster.").ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>Option problems name the <see cref="EmbeddedOptions"/> property; on the command line, name the flag.</summary>
    private static string ToOptionNames(string problem) => problem
        .Replace("brokers is", "--brokers is", StringComparison.Ordinal);
}
