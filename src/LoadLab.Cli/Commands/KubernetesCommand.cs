using System.CommandLine;
using System.Globalization;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Results;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Yaml;
using LoadLab.Environments.External;
using LoadLab.Kubernetes;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab k8s manifest|run|clean</c>: a scenario split over N worker pods of an Indexed Job against an external
/// cluster, merged into one run (README, "Scaling out").
/// </summary>
internal static class KubernetesCommand
{
    public static Command Create()
    {
        var command = new Command("k8s", "Split a scenario over N worker pods on Kubernetes (an Indexed Job) against an external cluster, and merge them into one run.");
        command.Subcommands.Add(CreateManifest());
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateClean());
        return command;
    }

    private sealed class JobOptions
    {
        public Argument<FileInfo> Scenario { get; } = new("scenario") { Description = "Scenario file (YAML)" };
        public Option<int> Workers { get; } = TypedOptions.RequiredWholeNumber("--workers", "Worker pods (segments), each on its own node", 1, Core.Segments.Segment.MaxCount, "8");
        public Option<string> Image { get; } = new("--image") { Description = "Worker image built from environments/kubernetes/Dockerfile and pushed where the cluster pulls from", Required = true };
        public Option<string> Environment { get; } = new("--env") { Description = "external:<definition> (the cluster the workers load; secrets only as ${VAR})", Required = true };
        public Option<string> Namespace { get; } = new("--namespace") { Description = "Namespace of the Job (default: default)", DefaultValueFactory = _ => "default" };
        public Option<string?> Secret { get; } = new("--secret") { Description = "Kubernetes Secret whose keys hold the ${VAR}s the definition reads (by reference: its values never leave the cluster)" };
        public Option<string> Cpu { get; } = new("--cpu") { Description = "CPU per worker, request = limit (default 2)", DefaultValueFactory = _ => "2" };
        public Option<string> Memory { get; } = new("--memory") { Description = "Memory per worker, request = limit (default 4Gi)", DefaultValueFactory = _ => "4Gi" };
        public Option<string?> StorageClass { get; } = new("--storage-class") { Description = "Storage class of the results volume; must offer ReadWriteMany (default: the cluster's default)" };
        public Option<string> StartIn { get; } = new("--start-in") { Description = "Time from now to the agreed start of the load, for pods to be scheduled, pull the image and join (default 2m)", DefaultValueFactory = _ => "2m" };
        public Option<string?> RunId { get; } = new("--run-id") { Description = "The run's id (default: <UTC time>-<scenario>)" };
        public Option<string?> Duration { get; } = new("--duration") { Description = "Override the measured duration, e.g. 10m" };

        public void AddTo(Command command)
        {
            command.Arguments.Add(Scenario);
            foreach (var option in new Option[] { Workers, Image, Environment, Namespace, Secret, Cpu, Memory, StorageClass, StartIn, RunId, Duration })
            {
                command.Options.Add(option);
            }
        }

        /// <summary>The Job's options from the command line, or every problem with it.</summary>
        public (WorkerJobOptions? Options, IReadOnlyList<ValidationProblem> Problems) Read(ParseResult parse, DateTimeOffset now)
        {
            var problems = new List<ValidationProblem>();
            var workers = parse.GetValue(Workers);
            if (workers is < 1 or > Core.Segments.Segment.MaxCount)
            {
                problems.Add(new ValidationProblem("--workers", "", 0, 0, $"{workers} is not a number of workers from 1 to {Core.Segments.Segment.MaxCount}", "e.g. --workers 8"));
            }

            var startIn = OptionValues.Duration("--start-in", parse.GetValue(StartIn)!, "2m", problems, min: TimeSpan.FromSeconds(10), max: TimeSpan.FromHours(1));
            TimeSpan? duration = parse.GetValue(Duration) is { } durationText ? OptionValues.Duration("--duration", durationText, "10m", problems) : null;
            var file = parse.GetValue(Scenario)!;
            var loaded = ScenarioLoader.Load(file.ToString());
            problems.AddRange(loaded.Problems);
            var environment = parse.GetValue(Environment)!;
            ExternalDefinition? definition = null;
            string? definitionYaml = null;
            if (!environment.StartsWith(EnvironmentCatalog.ExternalPrefix, StringComparison.Ordinal))
            {
                problems.Add(new ValidationProblem("--env", "", 0, 0, $"'{environment}': workers on Kubernetes load an existing cluster", "--env external:<definition>, e.g. external:environments/external.example.yaml"));
            }
            else
            {
                try
                {
                    definition = ExternalDefinitionLoader.LoadByNameOrPath(environment[EnvironmentCatalog.ExternalPrefix.Length..], EnvCommand.DefinitionFolders());
                    definitionYaml = File.ReadAllText(definition.SourcePath);
                    if (definition.Topics == TopicPolicy.Prefix)
                    {
                        problems.Add(new ValidationProblem(definition.SourcePath, "topics.policy", 0, 0,
                            "per-run topics (policy: prefix) are created and deleted by each run, but the workers of a split run share their topics", "topics: {policy: create} (created once, kept) or {policy: existing}"));
                    }
                }
                catch (InvalidInputException e)
                {
                    problems.Add(new ValidationProblem("--env", "", 0, 0, e.Message, null));
                }
            }

            var secretVariables = definition is null ? [] : SecretResolver.ReferencedVariables(definition);
            var secret = parse.GetValue(Secret);
            if (secretVariables.Count > 0 && secret is null)
            {
                problems.Add(new ValidationProblem("--secret", "", 0, 0, $"the definition reads {string.Join(", ", secretVariables)}; the pods get them from a Kubernetes Secret by reference", $"e.g. kubectl create secret generic loadlab-kafka {string.Join(" ", secretVariables.Select(v => $"--from-literal={v}=…"))}; then --secret loadlab-kafka"));
            }

            if (problems.Count > 0 || loaded.Scenario is not { } whole || definitionYaml is null)
            {
                return (null, problems);
            }

            // Each worker clips the scenario to --duration itself (it gets the option); the Job's deadline follows the clipped length.
            var scenario = duration is { } shorter ? ScenarioClipping.Clip(whole, shorter).Scenario : whole;

            var startAt = now + startIn!.Value;
            var runId = parse.GetValue(RunId) ?? RunIds.Create(startAt, scenario.Name);
            var load = scenario.TotalDuration + scenario.DrainTimeout;
            return (new WorkerJobOptions
            {
                RunId = runId,
                Workers = workers,
                Image = parse.GetValue(Image)!,
                ScenarioYaml = File.ReadAllText(file.FullName),
                EnvironmentYaml = definitionYaml,
                StartAt = startAt,
                ActiveDeadline = startIn.Value + load + TimeSpan.FromMinutes(5),
                Namespace = parse.GetValue(Namespace)!,
                SecretName = secret,
                SecretVariables = secretVariables,
                Cpu = parse.GetValue(Cpu)!,
                Memory = parse.GetValue(Memory)!,
                StorageClass = parse.GetValue(StorageClass),
                RunArguments = duration is { } d ? ["--duration", Durations.Format(d)] : [],
            }, []);
        }
    }

    private static Command CreateManifest()
    {
        var job = new JobOptions();
        var output = new Option<FileInfo?>("--out") { Description = "Write the manifest here instead of standard output" };
        var command = new Command("manifest", "Write the run's Kubernetes objects (ConfigMap, results volume claim, Indexed Job) as YAML, for kubectl apply -f or review.");
        job.AddTo(command);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var (options, problems) = job.Read(parse, DateTimeOffset.UtcNow);
            if (options is null)
            {
                return Errors.Problems(Console.Error, problems);
            }

            var yaml = WorkerJob.Yaml(options);
            if (parse.GetValue(output) is { } file)
            {
                File.WriteAllText(file.FullName, yaml);
                Console.Error.WriteLine($"Wrote {file.FullName}: {options.Workers} workers of run {options.RunId}, load starts at {options.StartAt:O} — apply it before then.");
            }
            else
            {
                Console.Out.Write(yaml);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRun()
    {
        var job = new JobOptions();
        var results = new Option<DirectoryInfo>("--results") { Description = "Folder that receives the segment folders and the merged run (default: results)", DefaultValueFactory = _ => new DirectoryInfo("results") };
        var keep = new Option<bool>("--keep") { Description = "Leave the Job, its pods and the results volume in the cluster (delete them later with loadlab k8s clean)" };
        var command = new Command("run", "Run the split run on the current kube context: submit, show every worker, collect their folders, merge them, draw the report, clean up.");
        job.AddTo(command);
        command.Options.Add(results);
        command.Options.Add(keep);
        command.SetAction(async (parse, _) =>
        {
            var (options, problems) = job.Read(parse, DateTimeOffset.UtcNow);
            if (options is null)
            {
                return Errors.Problems(Console.Error, problems);
            }

            using var interrupt = CommandLine.CancelOnInterrupt();
            var destination = parse.GetValue(results)!.FullName;
            IReadOnlyList<string> folders;
            try
            {
                using var launcher = KubernetesLauncher.FromKubeConfig();
                Console.WriteLine($"Run {options.RunId}: {options.Workers} workers in namespace {options.Namespace}, load starts at {options.StartAt:O}.");
                folders = await launcher.RunAsync(options, destination, new Progress<IReadOnlyList<WorkerStatus>>(PrintWorkers), parse.GetValue(keep), interrupt.Token);
            }
            catch (Exception e) when (e is KubernetesRunException or HttpRequestException)
            {
                return Errors.EnvironmentFailure(Console.Error, $"k8s run: {e.Message}");
            }

            return MergeCommand.Run(folders, Path.Combine(destination, options.RunId), Console.Out, Console.Error);
        });
        return command;
    }

    private static Command CreateClean()
    {
        var ns = new Option<string>("--namespace") { Description = "Namespace to clean (default: default)", DefaultValueFactory = _ => "default" };
        var runId = new Option<string?>("--run-id") { Description = "Only this run's objects (default: every object LoadLab created in the namespace)" };
        var command = new Command("clean", "Delete the Jobs, pods, ConfigMaps and results volume claims LoadLab created (by their labels).") { ns, runId };
        command.SetAction(async (parse, _) =>
        {
            try
            {
                using var launcher = KubernetesLauncher.FromKubeConfig();
                var kinds = await launcher.CleanAsync(parse.GetValue(ns)!, parse.GetValue(runId), CancellationToken.None);
                Console.WriteLine(kinds == 0 ? "Nothing to delete." : $"Deleted LoadLab's objects ({kinds} kinds) in namespace {parse.GetValue(ns)}.");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is KubernetesRunException or HttpRequestException)
            {
                return Errors.EnvironmentFailure(Console.Error, $"k8s clean: {e.Message}");
            }
        });
        return command;
    }

    private static void PrintWorkers(IReadOnlyList<WorkerStatus> workers)
    {
        foreach (var worker in workers.OrderBy(w => w.Index))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  worker {worker.Index,3} {worker.Phase,-9} {worker.LastLine}"));
        }
    }
}
