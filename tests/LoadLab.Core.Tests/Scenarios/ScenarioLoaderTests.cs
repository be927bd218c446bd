using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Scenarios;

public sealed class ScenarioLoaderTests
{
    // Line numbers in the expected messages below refer to this text (line 1 is "version: 1").
    private const string Valid = """
        version: 1
        name: test
        duration: 50s
        warmup: 10s
        topics:
          - name: events
            partitions: 6
            replication-factor: 3
        traffic:
          - name: predictions
            topic: events
            rate: 2000
        consumers:
          - group: scorers
            topic: events
        """;

    private static string[] Problems(string yaml) => [.. ScenarioLoader.Parse(yaml, "s.yaml").Problems.Select(p => p.ToString())];

    private static string With(string replace, string by)
    {
        Assert.Contains(replace, Valid, StringComparison.Ordinal);
        return Valid.Replace(replace, by, StringComparison.Ordinal);
    }

    private static Scenario Scenario(string yaml)
    {
        var result = ScenarioLoader.Parse(yaml, "s.yaml");
        Assert.Empty(result.Problems.Select(p => p.ToString()));
        return result.Scenario!;
    }

    public static TheoryData<string> CommittedScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("scenarios"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommittedScenarios))]
    public void Load_CommittedScenario_HasNoProblems(string fileName)
    {
        var result = ScenarioLoader.Load(RepositoryFiles.PathOf(Path.Combine("scenarios", fileName)));

        Assert.Empty(result.Problems.Select(p => p.ToString()));
        Assert.NotNull(result.Scenario);
    }

    [Fact]
    public void Load_Quickstart_DescribesTheOneMinuteRun()
    {
        var path = RepositoryFiles.PathOf(Path.Combine("scenarios", "quickstart.yaml"));
        var scenario = ScenarioLoader.Load(path).Scenario!;

        Assert.Equal(TimeSpan.FromSeconds(60), scenario.TotalDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), scenario.Warmup);
        Assert.Equal(path, scenario.SourcePath);
        Assert.Equal(new TopicSpec("inference-events", 6, 3), Assert.Single(scenario.Topics));
        var stream = Assert.Single(scenario.Traffic);
        Assert.Equal(
            [new RampPhase(TimeSpan.Zero, TimeSpan.FromSeconds(15), 2000), new SpikePhase(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5), 3)],
            stream.Phases);
        Assert.Equal((PayloadKind.Prediction, 1024), (stream.Payload.Kind, stream.Payload.Size));
        Assert.Equal((KeyDistribution.Zipf, 1.1, KeyKind.Account), (stream.Keys.Distribution, stream.Keys.ZipfExponent, stream.Keys.Kind));
        Assert.Equal("all", stream.ProducerConfig["acks"]);
        Assert.Equal("true", stream.ProducerConfig["enable.idempotence"]);
        Assert.Equal(2, Assert.Single(scenario.Consumers).Instances);
        var move = Assert.Single(scenario.Faults);
        Assert.Equal((TimeSpan.FromSeconds(25), (TimeSpan?)null), (move.At, move.Duration));
        Assert.Equal(3, scenario.Slos.Count);
    }

    [Fact]
    public void Parse_MinimalScenario_AppliesDocumentedDefaults()
    {
        var scenario = Scenario(Valid);

        Assert.Equal((1, "", 1, TimeSpan.FromSeconds(15)), (scenario.Version, scenario.Description, scenario.Seed, scenario.DrainTimeout));
        var stream = Assert.Single(scenario.Traffic);
        Assert.Equal((ArrivalProcess.Uniform, 1), (stream.Arrivals, stream.Producers));
        Assert.Equal(new PayloadSpec(), stream.Payload with { Blocks = [] });
        Assert.Equal((KeyDistribution.Uniform, 10_000, KeyKind.User, 1.0), (stream.Keys.Distribution, stream.Keys.Space, stream.Keys.Kind, stream.Keys.ZipfExponent));
        var group = Assert.Single(scenario.Consumers);
        Assert.Equal((1, TimeSpan.Zero), (group.Instances, group.ProcessingTime));
        Assert.Empty(scenario.Faults);
        Assert.Empty(scenario.Slos);
    }

    [Fact]
    public void Parse_EveryFeature_MapsOntoTheModel()
    {
        var scenario = Scenario(Valid.Replace("duration: 50s", "duration: 2m", StringComparison.Ordinal) + """

            faults:
              - {at: 30s, action: broker.kill, target: {leader-of: events/0}, duration: 20s}
              - {at: 40s, action: errors.inject, errors: {api: Produce, code: NOT_LEADER_OR_FOLLOWER, count: 50}}
              - {at: 40s, action: errors.inject, target: {broker: 1}, errors: {api: Fetch, code: 7, count: 5}}
              - {at: 50s, action: partition.reassign, target: {partition: events/1}, replicas: [3, 1, 2]}
              - {at: 60s, action: broker.slow, target: {coordinator-of: scorers}, latency: 50ms, duration: 10s}
              - {at: 70s, action: broker.add}
              - {at: 80s, action: network.partition, target: random, duration: 5s}
              - {at: 90s, action: broker.pause, target: controller, duration: 1s}
            slos:
              - {metric: produce.p99, phase: steady, max: 50}
              - {name: quick recovery, metric: recovery, max: 30}
              - {metric: rate.achieved, min: 1990}
            regression: {rules: [{metric: produce.p99, max-change: +10%}]}
            """);

        Assert.Equal(
            [
                new FaultSpec { At = TimeSpan.FromSeconds(30), Action = FaultAction.BrokerKill, Target = new LeaderOfTarget("events", 0), Duration = TimeSpan.FromSeconds(20), Line = 17 },
                new FaultSpec { At = TimeSpan.FromSeconds(40), Action = FaultAction.ErrorsInject, Target = new ClusterTarget(), Errors = new ErrorInjection("Produce", 0, 6, 50), Line = 18 },
                new FaultSpec { At = TimeSpan.FromSeconds(40), Action = FaultAction.ErrorsInject, Target = new BrokerTarget(1), Errors = new ErrorInjection("Fetch", 1, 7, 5), Line = 19 },
                new FaultSpec { At = TimeSpan.FromSeconds(50), Action = FaultAction.PartitionReassign, Target = new PartitionTarget("events", 1), Replicas = [3, 1, 2], Line = 20 },
                new FaultSpec { At = TimeSpan.FromSeconds(60), Action = FaultAction.BrokerSlow, Target = new CoordinatorOfTarget("scorers"), Latency = TimeSpan.FromMilliseconds(50), Duration = TimeSpan.FromSeconds(10), Line = 21 },
                new FaultSpec { At = TimeSpan.FromSeconds(70), Action = FaultAction.BrokerAdd, Target = new ClusterTarget(), Line = 22 },
                new FaultSpec { At = TimeSpan.FromSeconds(80), Action = FaultAction.NetworkPartition, Target = new RandomBrokerTarget(), Duration = TimeSpan.FromSeconds(5), Line = 23 },
                new FaultSpec { At = TimeSpan.FromSeconds(90), Action = FaultAction.BrokerPause, Target = new ControllerTarget(), Duration = TimeSpan.FromSeconds(1), Line = 24 },
            ],
            scenario.Faults.Select(f => f with { Replicas = [.. f.Replicas] }),
            new FaultComparer());
        Assert.Equal(
            [
                new SloSpec("produce.p99 steady <= 50", "produce.p99", SloPhase.Steady, SloComparison.LessOrEqual, 50),
                new SloSpec("quick recovery", "recovery", SloPhase.Overall, SloComparison.LessOrEqual, 30),
                new SloSpec("rate.achieved overall >= 1990", "rate.achieved", SloPhase.Overall, SloComparison.GreaterOrEqual, 1990),
            ],
            scenario.Slos);
    }

    [Fact]
    public void Parse_TrafficFeatures_MapOntoTheModel()
    {
        var stream = Assert.Single(Scenario(With("    rate: 2000\n", """
                rate: 1000
                arrivals: poisson
                producers: 2
                phases:
                  - ramp: {at: 0s, duration: 20s, to: 2000}
                  - step: {at: 20s, rate: 3000}
                  - spike: {at: 30s, duration: 10s, multiplier: 4}
                  - sine: {at: 40s, period: 10s, amplitude: 0.5}
                payload: {kind: mixed, size: 2 KiB, chain-share: 0.2, features: values, blocks: [explanation, prompt], growth: {blocks: [{at: 30s, block: retrieval}, {at: 50s, block: tool-call}]}}
                keys: {distribution: zipf, space: 100, kind: tenant, zipf-exponent: 1.2, hot-keys: [{at: 30s, duration: 10s, share: 0.4, key: 17}, {at: 40s, duration: 10s, share: 0.5, top: 3}]}
                producer: {acks: 1, enable.idempotence: false, linger.ms: 5, compression.type: lz4}

            """)).Traffic);

        Assert.Equal((1000, ArrivalProcess.Poisson, 2), (stream.Rate, stream.Arrivals, stream.Producers));
        Assert.Equal<RatePhase>(
            [
                new RampPhase(TimeSpan.Zero, TimeSpan.FromSeconds(20), 2000),
                new StepPhase(TimeSpan.FromSeconds(20), 3000),
                new SpikePhase(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 4),
                new SinePhase(TimeSpan.FromSeconds(40), null, TimeSpan.FromSeconds(10), 0.5),
            ],
            stream.Phases);
        Assert.Equal((PayloadKind.Mixed, 2048, 0.2, FeatureMode.Values), (stream.Payload.Kind, stream.Payload.Size, stream.Payload.ChainShare, stream.Payload.Features));
        Assert.Equal([PayloadBlock.Explanation, PayloadBlock.Prompt], stream.Payload.Blocks);
        Assert.Equal([new BlockStep(TimeSpan.FromSeconds(30), PayloadBlock.Retrieval), new BlockStep(TimeSpan.FromSeconds(50), PayloadBlock.ToolCall)], stream.Payload.Growth!.Blocks);
        Assert.Equal((KeyDistribution.Zipf, 100, KeyKind.Tenant, 1.2), (stream.Keys.Distribution, stream.Keys.Space, stream.Keys.Kind, stream.Keys.ZipfExponent));
        Assert.Equal(
            [new HotKeyWindow(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 0.4, 17, null), new HotKeyWindow(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(10), 0.5, null, 3)],
            stream.Keys.HotKeys);
        Assert.Equal(
            new Dictionary<string, string> { ["acks"] = "1", ["enable.idempotence"] = "false", ["linger.ms"] = "5", ["compression.type"] = "lz4" },
            stream.ProducerConfig);
    }

    [Theory]
    [InlineData("linear-to: 8KiB", 8192, 0)]
    [InlineData("steps: [{at: 10s, size: 2KiB}, {at: 30s, size: 4KiB}]", null, 2)]
    public void Parse_SizeGrowth_MapsOntoTheModel(string growth, int? linearTo, int steps)
    {
        var payload = Assert.Single(Scenario(With("    rate: 2000\n", $"    rate: 2000\n    payload: {{kind: prediction, size: 512, growth: {{{growth}}}}}\n")).Traffic).Payload;

        Assert.Equal((linearTo, steps), (payload.Growth!.LinearTo, payload.Growth.Steps.Count));
    }

    [Fact]
    public void Parse_UnknownKey_SuggestsTheClosestAllowedKey()
    {
        Assert.Equal(
            ["s.yaml:13:5: traffic[0].rat: unknown key \"rat\" in traffic stream (allowed: name, topic, rate, arrivals, producers, phases, payload, keys, producer, transactions). Fix: rename \"rat\" to \"rate\""],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    rat: 2000\n")));
    }

    [Fact]
    public void Parse_WrongType_SaysWhatWasExpectedAndGiven()
    {
        Assert.Equal(
            ["s.yaml:12:11: traffic[0].rate: expected a positive number of messages per second, got \"fast\". Fix: e.g. rate: 2000"],
            Problems(With("rate: 2000", "rate: fast")));
    }

    [Fact]
    public void Parse_MissingRequiredKey_NamesItWithAnExample()
    {
        Assert.Equal(
            ["s.yaml:6:5: topics[0].partitions: missing required key \"partitions\" in topic. Fix: add partitions: 6"],
            Problems(With("    partitions: 6\n", "")));
    }

    [Theory]
    [InlineData("50", "got 50", "duration: 50s")]
    [InlineData("5 minutes", "got \"5 minutes\"", "duration: 5m")]
    [InlineData("0s", "got \"0s\"", "e.g. duration: 50s")]
    public void Parse_BadDuration_ListsTheAcceptedForms(string duration, string got, string fix)
    {
        Assert.Equal(
            [$"s.yaml:3:11: duration: expected a positive duration such as 500ms, 30s, 2m, 1h30m or 7d, {got}. Fix: {fix}"],
            Problems(With("duration: 50s", $"duration: {duration}")));
    }

    [Fact]
    public void Parse_UnknownTopicReference_ListsDeclaredTopicsAndSuggests()
    {
        Assert.Equal(
            ["s.yaml:11:12: traffic[0].topic: unknown topic \"event\"; declared topics: events. Fix: topic: events"],
            Problems(With("    topic: events\n    rate", "    topic: event\n    rate")));
    }

    [Fact]
    public void Parse_OutOfRange_GivesTheRange()
    {
        Assert.Equal(
            ["s.yaml:7:17: topics[0].partitions: expected a whole number of partitions, at least 1, got 0. Fix: e.g. partitions: 6"],
            Problems(With("partitions: 6", "partitions: 0")));
    }

    [Fact]
    public void Parse_YamlSyntaxError_ReportsItsLine()
    {
        Assert.Equal(
            ["s.yaml:8:4: YAML syntax error: While parsing a block collection, did not find expected '-' indicator. Fix: check indentation, colons and quotes on this line and the one before"],
            Problems(With("    replication-factor: 3", "   replication-factor: 3")));
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsAllOfThemInFileOrder()
    {
        var yaml = With("version: 1", "version: 2")
            .Replace("duration: 50s", "duraton: 50s", StringComparison.Ordinal)
            .Replace("rate: 2000", "rate: -5", StringComparison.Ordinal)
            .Replace("  - group: scorers\n    topic: events", "  - group: scorers\n    topic: evnts\n    instances: 0", StringComparison.Ordinal);

        Assert.Equal(
            [
                "s.yaml:1:10: version: expected the format version 1, got 2. Fix: e.g. version: 1",
                "s.yaml:3:1: duraton: unknown key \"duraton\" in scenario (allowed: version, name, description, duration, warmup, seed, drain-timeout, topics, traffic, consumers, faults, slos, regression). Fix: rename \"duraton\" to \"duration\"",
                "s.yaml:12:11: traffic[0].rate: expected a positive number of messages per second, got -5. Fix: e.g. rate: 2000",
                "s.yaml:15:12: consumers[0].topic: unknown topic \"evnts\"; declared topics: events. Fix: topic: events",
                "s.yaml:16:16: consumers[0].instances: expected a whole number of consumer instances, at least 1, got 0. Fix: e.g. instances: 2",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Parse_PhaseAfterTheRunEnds_SaysWhenTheRunEnds()
    {
        Assert.Equal(
            ["s.yaml:14:21: traffic[0].phases[0].spike.at: the spike ends at 1m5s (starts at 55s, lasts 10s), after the end of the run at 1m (warm-up 10s + duration 50s). Fix: make it last at most 5s or start it earlier"],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    phases:\n      - spike: {at: 55s, duration: 10s, multiplier: 3}\n")));
    }

    [Fact]
    public void Parse_SeedOverride_ReplacesTheFilesSeed()
    {
        var overridden = ScenarioLoader.Parse(Valid, "s.yaml", new ScenarioOverrides { Seed = 7 }).Scenario!;

        Assert.Equal(7, overridden.Seed);
    }

    [Fact]
    public void Parse_OverlappingRamps_AreRejected()
    {
        Assert.Equal(
            ["s.yaml:15:20: traffic[0].phases[1].ramp.at: this ramp starts at 10s, while the ramp at traffic[0].phases[0] still runs until 20s; steps and ramps set the base rate and cannot overlap. Fix: start it at 20s or later"],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    phases:\n      - ramp: {at: 0s, duration: 20s, to: 4000}\n      - ramp: {at: 10s, duration: 5s, to: 1000}\n")));
    }

    [Fact]
    public void Parse_SpikeDuringRamp_IsAllowed()
    {
        Assert.Equal(2, Scenario(With("    rate: 2000\n", "    rate: 2000\n    phases:\n      - ramp: {at: 0s, duration: 20s, to: 4000}\n      - spike: {at: 10s, duration: 5s, multiplier: 2}\n")).Traffic[0].Phases.Count);
    }

    [Fact]
    public void Parse_HotKeyOutsideKeySpace_GivesTheValidRange()
    {
        Assert.Equal(
            [
                "s.yaml:13:66: traffic[0].keys.hot-keys[0].share: expected a share of the stream's messages greater than 0 and at most 1, got 0. Fix: e.g. share: 0.4",
                "s.yaml:13:74: traffic[0].keys.hot-keys[0].key: expected a key index from 0 to 99 (below the key space 100), got 100. Fix: e.g. key: 17",
            ],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    keys: {space: 100, hot-keys: [{at: 10s, duration: 5s, share: 0, key: 100}]}\n")));
    }

    [Fact]
    public void Parse_LeaderOfMissingPartition_SaysHowManyPartitionsExist()
    {
        Assert.Equal(
            ["s.yaml:17:56: faults[0].target.leader-of: partition 6 does not exist: topic \"events\" has 6 partitions (0 to 5). Fix: leader-of: events/5"],
            Problems(Valid + "\nfaults:\n  - {at: 20s, action: broker.kill, target: {leader-of: events/6}}\n"));
    }

    [Fact]
    public void Parse_FaultAfterTheRun_IsRejected()
    {
        Assert.Equal(
            ["s.yaml:17:10: faults[0].at: the broker.kill fault starts at 1m, not before the end of the run at 1m (warm-up 10s + duration 50s). Fix: start it before 1m; offsets count from the start of the run, warm-up included"],
            Problems(Valid + "\nfaults:\n  - {at: 60s, action: broker.kill, target: random}\n"));
    }

    [Fact]
    public void Parse_FaultKeysOfOtherActions_AreRejected()
    {
        Assert.Equal(
            [
                "s.yaml:17:5: faults[0].latency: missing required key \"latency\" in fault. Fix: add latency: 50ms",
                "s.yaml:17:67: faults[0].replicas: replicas applies only to partition.reassign and leader.move, not to broker.slow. Fix: remove replicas",
            ],
            Problems(Valid + "\nfaults:\n  - {at: 20s, action: broker.slow, target: {broker: 1}, replicas: [1]}\n"));
    }

    [Fact]
    public void Parse_UnknownErrorName_ListsNamesAndSuggests()
    {
        var problem = Assert.Single(ScenarioLoader.Parse(Valid + "\nfaults:\n  - {at: 20s, action: errors.inject, errors: {api: Produce, code: NOT_LEADER, count: 5}}\n", "s.yaml").Problems);

        Assert.Equal("faults[0].errors.code", problem.Path);
        Assert.StartsWith("expected one of UNKNOWN_SERVER_ERROR, OFFSET_OUT_OF_RANGE, ", problem.Message, StringComparison.Ordinal);
        Assert.Equal("code: NOT_LEADER_OR_FOLLOWER", problem.Suggestion);
    }

    [Fact]
    public void Parse_ReservedProducerSetting_IsRejectedWithTheReason()
    {
        Assert.Equal(
            ["s.yaml:13:46: traffic[0].producer.bootstrap.servers: the producer setting \"bootstrap.servers\" is controlled by LoadLab: LoadLab connects clients to the environment's cluster; choose the cluster with --env. Fix: remove bootstrap.servers"],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    producer: {acks: all, bootstrap.servers: localhost:9092}\n")));
    }

    [Fact]
    public void Parse_ProducerSettings_AreConvertedToLibrdkafkaText()
    {
        var settings = Assert.Single(Scenario(With("    rate: 2000\n", "    rate: 2000\n    producer: {enable.idempotence: True, batch.size: 1_000_000, queue.buffering.max.messages: 1e6, linger.ms: 0.5, acks: \"1\", compression.type: lz4}\n")).Traffic).ProducerConfig;

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["enable.idempotence"] = "true",
                ["batch.size"] = "1000000",
                ["queue.buffering.max.messages"] = "1000000",
                ["linger.ms"] = "0.5",
                ["acks"] = "1",
                ["compression.type"] = "lz4",
            },
            settings);
    }

    [Fact]
    public void Parse_SloPhaseDuringWithoutFaults_IsRejected()
    {
        Assert.Equal(
            ["s.yaml:17:34: slos[0].phase: phase \"during\" is measured around faults, but the scenario has no faults. Fix: use phase: overall or add a fault"],
            Problems(Valid + "\nslos:\n  - {metric: produce.p99, phase: during, max: 50}\n"));
    }

    [Fact]
    public void Parse_SloWithBothBounds_AsksForOne()
    {
        Assert.Equal(
            ["s.yaml:17:37: slos[0]: SLO needs exactly one of \"max\", \"min\", got \"max\" and \"min\". Fix: keep only one of them"],
            Problems(Valid + "\nslos:\n  - {metric: e2e.p99, max: 50, min: 1}\n"));
    }

    [Fact]
    public void Parse_DuplicateNames_PointToTheFirst()
    {
        Assert.Equal(
            ["s.yaml:16:12: consumers[1].group: consumer group \"scorers\" is declared twice (first at line 14). Fix: give each consumer group its own name"],
            Problems(Valid + "\n  - group: scorers\n    topic: events\n"));
    }

    [Fact]
    public void Parse_MisspeltPhaseKind_IsReportedOnce()
    {
        Assert.Equal(
            ["s.yaml:14:9: traffic[0].phases[0].spiek: unknown key \"spiek\" in phase (allowed: step, ramp, spike, sine). Fix: rename \"spiek\" to \"spike\""],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    phases:\n      - spiek: {at: 10s, duration: 5s, multiplier: 2}\n")));
    }

    [Fact]
    public void Parse_FixedPayloadWithStructuredOptions_IsRejected()
    {
        Assert.Equal(
            ["s.yaml:13:36: traffic[0].payload.blocks: blocks applies to structured payloads (kind prediction, agent-chain or mixed); this payload is fixed bytes. Fix: set kind: prediction or remove blocks"],
            Problems(With("    rate: 2000\n", "    rate: 2000\n    payload: {kind: fixed, blocks: [prompt]}\n")));
    }

    [Fact]
    public void Parse_AnchorsAndAliases_ShareSettingsBetweenStreams()
    {
        var scenario = Scenario(With("    rate: 2000\n", "    rate: 2000\n    producer: &reliable {acks: all, enable.idempotence: true}\n  - name: audits\n    topic: events\n    rate: 10\n    producer: *reliable\n"));

        Assert.Equal(scenario.Traffic[0].ProducerConfig, scenario.Traffic[1].ProducerConfig);
    }

    [Fact]
    public void Parse_NoRegressionSection_UsesTheDefaultRules()
    {
        Assert.Same(RegressionSpec.Default, Scenario(Valid).Regression);
    }

    [Fact]
    public void Parse_RegressionSection_ReadsRelativeAbsoluteAndDirection()
    {
        var spec = Scenario(Valid + "\nregression:\n  confidence: 0.99\n  rules:\n    - {metric: produce.p99, max-change: +10%}\n    - {metric: rate.achieved, max-change: -2%}\n    - {metric: e2e.p999, max-change: 20}\n    - {metric: lost, max-change: +0}\n").Regression;

        Assert.Equal(0.99, spec.Confidence);
        Assert.Equal(
            [
                new RegressionRule("produce.p99", 0.10, true, WorseDirection.Higher),
                new RegressionRule("rate.achieved", 0.02, true, WorseDirection.Lower),
                new RegressionRule("e2e.p999", 20, false, WorseDirection.Higher),
                new RegressionRule("lost", 0, false, WorseDirection.Higher),
            ],
            spec.Rules);
    }

    [Fact]
    public void Parse_BadRegressionRule_NamesPathAndFix()
    {
        var problems = Problems(Valid + "\nregression:\n  rules:\n    - {metric: produce.p99, max-change: fifteen}\n    - {metric: produce.p98, max-change: +1%}\n");

        Assert.Equal(2, problems.Length);
        Assert.Equal(
            "s.yaml:18:41: regression.rules[0].max-change: \"fifteen\" is not an allowed change; write +15% (relative to the baseline, higher is worse), -2% (lower is worse) or +20 (absolute, in the metric's unit). Fix: e.g. max-change: +15%",
            problems[0]);
        Assert.StartsWith("s.yaml:19:16: regression.rules[1].metric: ", problems[1], StringComparison.Ordinal);
        Assert.Contains("produce.p99", problems[1], StringComparison.Ordinal);
    }

    private sealed class FaultComparer : IEqualityComparer<FaultSpec>
    {
        public bool Equals(FaultSpec? x, FaultSpec? y) =>
            x is not null && y is not null && x with { Replicas = [] } == y with { Replicas = [] } && x.Replicas.SequenceEqual(y.Replicas);

        public int GetHashCode(FaultSpec obj) => obj.At.GetHashCode();
    }
}
