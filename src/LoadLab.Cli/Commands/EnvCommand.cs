using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Environments;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Environments.Docker;
using LoadLab.Environments.Docker.Definitions;
using LoadLab.Environments.Docker.Engine;
using LoadLab.Environments.Docker.Planning;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab env up|down|ls|clean|export</c>: Docker environments kept up between runs, their removal (also of what a
/// crashed run left), dry-run plans and compose export.
/// </summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var command = new Command("env", "Docker environments: start one and keep it up, list, remove, clean up after crashed runs, export as compose");
        command.Subcommands.Add(CreateUp());
        command.Subcommands.Add(CreateDown());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateClean());
        command.Subcommands.Add(CreateExport());
        return command;
    }

    private static Argument<string> EnvironmentArgument() => new("environment")
    {
        Description = "Definition name in environments/ (e.g. kafka-kraft-3) or path of a YAML file",
    };

    private static Option<string?> EnvironmentsFolderOption() => new("--environments")
    {
        Description = "Folder of environment definitions (default: the nearest environments/ folder above the current directory)",
    };

    private static Command CreateUp()
    {
        var environment = EnvironmentArgument();
        var folder = EnvironmentsFolderOption();
        var runId = new Option<string?>("--run-id") { Description = "Run id that names and labels every resource (default: <time>-env)" };
        var topics = new Option<string[]>("--topic")
        {
            Description = "Topic to create, as name:partitions[:replication] (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (images, containers, ports, env, fault mapping) without a Docker engine" };
        var foreground = new Option<bool>("--foreground") { Description = "Stay attached: keep the cluster until Ctrl+C or SIGTERM, then remove it" };
        var command = new Command("up", "Start a Docker environment and keep it up (remove it with `loadlab env down <run-id>`)")
        {
            environment, folder, runId, topics, dryRun, foreground,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(runId) ?? RunIds.Create(DateTimeOffset.UtcNow, "env");
            var (output, error) = Writers(parse);
            return await GuardAsync(error, async () =>
            {
                var definition = Load(parse.GetValue(environment)!, parse.GetValue(folder));
                var topicSpecs = ParseTopics(parse.GetValue(topics) ?? []);
                var provider = new DockerClusterProvider(new DockerProviderOptions
                {
                    Definition = definition,
                    Progress = new Progress<string>(line => error.WriteLine(line)),
                });
                if (parse.GetValue(dryRun))
                {
                    output.Write(PlanPrinter.Render(provider.Plan(id, topicSpecs)));
                    return ExitCodes.Success;
                }

                var cluster = await provider.StartAsync(new ClusterRequest(id, topicSpecs), cancellationToken);
                output.WriteLine($"run id: {cluster.RunId}");
                output.WriteLine($"bootstrap servers: {cluster.BootstrapServers}");
                if (!parse.GetValue(foreground))
                {
                    cluster.Detach();
                    await cluster.DisposeAsync();
                    output.WriteLine($"kept up; remove it with: loadlab env down {id}");
                    return ExitCodes.Success;
                }

                output.WriteLine("ready; Ctrl+C removes it");
                await using (cluster)
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        // Ctrl+C or SIGTERM: the cluster is removed on dispose.
                    }
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Command CreateDown()
    {
        var runId = new Argument<string>("run-id") { Description = "Run id printed by `loadlab env up` (see `loadlab env ls`)" };
        var command = new Command("down", "Remove a kept-up environment (containers, network, volumes of one run id)") { runId };
        command.SetAction(async (parse, cancellationToken) => await GuardAsync(parse, async (output, error) =>
        {
            using var client = await DockerEngine.ConnectAsync(cancellationToken);
            var id = parse.GetValue(runId)!;
            var result = await ResourceReaper.RemoveAsync(client, id, cancellationToken);
            if (!result.RemovedAnything)
            {
                return Errors.BadInput(error, $"nothing is labelled with run id {id}. Fix: `loadlab env ls` lists what exists.");
            }

            output.WriteLine($"removed {result} of run {id}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("ls", "List LoadLab environments on the Docker engine");
        command.SetAction(async (parse, cancellationToken) => await GuardAsync(parse, async (output, error) =>
        {
            using var client = await DockerEngine.ConnectAsync(cancellationToken);
            var environments = await ResourceReaper.ListAsync(client, cancellationToken);
            if (environments.Count == 0)
            {
                output.WriteLine("no LoadLab environments");
                return ExitCodes.Success;
            }

            foreach (var environment in environments)
            {
                var states = string.Join(", ", environment.States.GroupBy(state => state, StringComparer.Ordinal).Select(group => $"{group.Count()} {group.Key}"));
                output.WriteLine($"{environment.RunId}  {environment.Environment}  {environment.Containers.Count} containers ({states})  bootstrap {environment.BootstrapServers ?? "-"}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateClean()
    {
        var runId = new Option<string?>("--run-id") { Description = "Only this run (default: everything labelled loadlab.managed=true)" };
        var command = new Command("clean", "Remove every container, network and volume LoadLab labelled (what crashed or killed runs left)") { runId };
        command.SetAction(async (parse, cancellationToken) => await GuardAsync(parse, async (output, error) =>
        {
            using var client = await DockerEngine.ConnectAsync(cancellationToken);
            var result = await ResourceReaper.RemoveAsync(client, parse.GetValue(runId), cancellationToken);
            output.WriteLine(result.RemovedAnything ? $"removed {result}" : "nothing to clean");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateExport()
    {
        var environment = EnvironmentArgument();
        var folder = EnvironmentsFolderOption();
        var compose = new Option<bool>("--compose") { Description = "Write a docker-compose file (the only export format)", Required = true };
        var file = new Option<string?>("--output", "-o") { Description = "File to write (default: standard output)" };
        var runId = new Option<string>("--run-id") { Description = "Run id used in names and labels", DefaultValueFactory = _ => "compose" };
        var command = new Command("export", "Export an environment as an equivalent docker-compose file") { environment, folder, compose, file, runId };
        command.SetAction(async (parse, _) => await GuardAsync(parse, async (output, error) =>
        {
            var definition = Load(parse.GetValue(environment)!, parse.GetValue(folder));
            var provider = new DockerClusterProvider(new DockerProviderOptions { Definition = definition });
            var text = ComposeExporter.Export(provider.Plan(parse.GetValue(runId)!, []));
            if (parse.GetValue(file) is { } path)
            {
                await File.WriteAllTextAsync(path, text);
                error.WriteLine($"wrote {path}");
            }
            else
            {
                output.Write(text);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static EnvironmentDefinition Load(string nameOrPath, string? folder) =>
        EnvironmentDefinitionLoader.LoadByNameOrPath(nameOrPath, folder is null ? DefinitionFolders() : [folder]);

    /// <summary>The nearest <c>environments/</c> folder above the current directory, then above the CLI itself.</summary>
    public static List<string> DefinitionFolders()
    {
        var folders = new List<string>();
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "environments");
                if (Directory.Exists(candidate))
                {
                    folders.Add(candidate);
                    break;
                }
            }
        }

        return folders.Count > 0 ? folders.Distinct(StringComparer.Ordinal).ToList() : [Path.Combine(Directory.GetCurrentDirectory(), "environments")];
    }

    private static List<TopicSpec> ParseTopics(IEnumerable<string> values)
    {
        var topics = new List<TopicSpec>();
        var problems = new List<ValidationProblem>();
        foreach (var value in values)
        {
            var parts = value.Split(':');
            if (parts.Length is 2 or 3 && parts[0].Length > 0
                && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var partitions) && partitions > 0)
            {
                var replication = 1;
                if (parts.Length == 3 && (!int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out replication) || replication < 1))
                {
                    problems.Add(new ValidationProblem("--topic", "", 0, 0, $"'{value}': replication must be a whole number of at least 1", "write name:partitions:replication, e.g. events:6:3"));
                    continue;
                }

                topics.Add(new TopicSpec(parts[0], partitions, replication));
            }
            else
            {
                problems.Add(new ValidationProblem("--topic", "", 0, 0, $"'{value}' is not name:partitions[:replication]", "e.g. --topic events:6:3"));
            }
        }

        return problems.Count > 0 ? throw new InvalidInputException(problems) : topics;
    }

    private static (TextWriter Output, TextWriter Error) Writers(ParseResult parse) =>
        (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);

    private static Task<int> GuardAsync(ParseResult parse, Func<TextWriter, TextWriter, Task<int>> action)
    {
        var (output, error) = Writers(parse);
        return GuardAsync(error, () => action(output, error));
    }

    /// <summary>Bad input → exit 2, environment failure → exit 3, each with its message and no stack trace.</summary>
    private static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (InvalidInputException e)
        {
            return Errors.InvalidInput(error, e, "nothing was started");
        }
        catch (EnvironmentException e)
        {
            return Errors.EnvironmentFailure(error, e.Message);
        }
    }
}
