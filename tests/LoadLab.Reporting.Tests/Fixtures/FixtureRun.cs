using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using LoadLab.Core.Environments;
using LoadLab.Core.Results;

namespace LoadLab.Reporting.Tests.Fixtures;

/// <summary>
/// Writes realistic results folders exactly as <c>results/README.md</c> describes them: a broker-kill runbook
/// rehearsal (65 s: 5 s warm-up, a broker killed at 20 s and restarted at 30 s, three partitions of which
/// partition 0 carries a hot key, two consumer groups). Latencies are drawn from a seeded model and recorded
/// into HdrHistograms, so the series, the hlog files and the summary agree with each other. The committed
/// folders under <c>Fixtures/</c> are this output; <c>FixtureTests</c> keeps them in step.
/// </summary>
internal static class FixtureRun
{
    public const string Topic = "inference-events";
    public static readonly string[] Groups = ["fraud-scorer", "audit-archiver"];

    /// <summary>The committed fixture folders by name, with the profile each was generated from.</summary>
    public static IReadOnlyList<FixtureProfile> Profiles { get; } =
    [
        new FixtureProfile(
            Name: "broker-kill-embedded",
            RunId: "20261126-120000-broker-kill-runbook",
            Environment: new EnvironmentSummary("embedded", new Dictionary<string, string>
            {
                ["brokers"] = "3",
                ["cluster"] = "librdkafka mock cluster 2.16.0",
                ["host"] = "2 cores, Debian 12",
            }),
            StartedAt: new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
            Seed: 7,
            BaseLatencyMs: 3.0,
            StallSeconds: 2.5,
            RecoveryFast: 8.0,
            RecoverySlow: 14.2,
            WithCost: true),
        new FixtureProfile(
            Name: "broker-kill-redpanda",
            RunId: "20261126-130000-broker-kill-runbook",
            Environment: new EnvironmentSummary("docker", new Dictionary<string, string>
            {
                ["brokers"] = "3",
                ["platform"] = "redpanda",
                ["host"] = "2 cores, Debian 12",
            })
            {
                Capabilities = new FaultCapabilities
                {
                    Caveats = ["--mode dev-container: no fsync (--unsafe-bypass-fsync) and write caching on for every topic"],
                    Faults =
                    [
                        new(FaultOperation.BrokerKill, "docker kill (SIGKILL) of the broker's container", "a request sent to the broker's published port is refused or dropped"),
                        new(FaultOperation.BrokerRestart, "docker start of the broker's container", "the broker answers a Metadata request sent to it, listing itself, and the cluster's metadata lists it"),
                        new(FaultOperation.BrokerSlow, "LoadLab's proxy delays every response of the broker to clients by the latency", "a request sent through the proxy to the broker takes at least the latency")
                        {
                            Caveats = ["client-side only: traffic between brokers does not pass LoadLab's proxy"],
                        },
                    ],
                },
            },
            StartedAt: new DateTimeOffset(2026, 11, 26, 13, 0, 0, TimeSpan.Zero),
            Seed: 11,
            BaseLatencyMs: 2.2,
            StallSeconds: 1.6,
            RecoveryFast: 5.5,
            RecoverySlow: 9.8,
            WithCost: false),
    ];

    public const int WarmupSeconds = 5;
    public const int TotalSeconds = 65;
    public const int FaultAt = 20;
    public const int FaultDuration = 10;
    public const double TargetRate = 2000;
    private const long TenMinutesInMicroseconds = 600_000_000;

    public static string CommittedDirectory(string name) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static void Write(FixtureProfile profile, string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, RunFiles.HistogramsFolder));
        var random = new Random(profile.Seed);
        var startedAt = profile.StartedAt;
        string[] metrics = ["produce", "service", "scheduleDelay", "endToEnd"];
        var perSecond = metrics.ToDictionary(m => m, _ => new List<LongHistogram>());
        var series = new StringBuilder();
        var partitions = new StringBuilder("second,topic,partition,produced,bytes,lagMessages\n");
        series.Append("second,targetRate,sent,acked,failed,consumed,queueFull,avgPayloadBytes");
        foreach (var prefix in new[] { "produce", "service", "scheduleDelay", "e2e" })
        {
            series.Append(CultureInfo.InvariantCulture, $",{prefix}P50Ms,{prefix}P90Ms,{prefix}P99Ms,{prefix}P999Ms,{prefix}MaxMs");
        }

        series.Append(",rssBytes,gcHeapBytes");
        foreach (var group in Groups)
        {
            series.Append(CultureInfo.InvariantCulture, $",lag:{group}:messages,lag:{group}:seconds");
        }

        series.Append('\n');
        long sentTotal = 0, bytesTotal = 0;
        var maxLag = new double[Groups.Length];
        var maxLagSeconds = new double[Groups.Length];
        var partitionTotals = new long[3];
        var partitionBytes = new long[3];
        var ackedBySecond = new long[TotalSeconds + 10];
        var ackedByPartition = new long[3, TotalSeconds + 10];
        for (var second = 0; second < TotalSeconds; second++)
        {
            var rate = TargetRate * (second is >= 40 and < 45 ? 1.5 : 1.0);
            var count = (int)rate;
            var payload = 1024 + (512.0 * second / TotalSeconds);
            var histograms = metrics.ToDictionary(m => m, _ => new LongHistogram(TenMinutesInMicroseconds, 3));
            for (var i = 0; i < count; i++)
            {
                var t = second + ((double)i / count);
                var partition = random.NextDouble() < 0.5 ? 0 : 1 + random.Next(2);
                var schedule = 0.04 * Math.Exp(0.6 * Gaussian(random));
                var service = profile.BaseLatencyMs * Math.Exp(0.45 * Gaussian(random));
                if (random.NextDouble() < 0.002)
                {
                    service += 15 + (25 * random.NextDouble());
                }

                // Partition 1 is led by the killed broker: its messages wait until leadership moves.
                if (partition == 1 && t >= FaultAt && t < FaultAt + profile.StallSeconds)
                {
                    service += (FaultAt + profile.StallSeconds - t) * 1000;
                }

                var produce = schedule + service;
                ackedBySecond[(int)(t + (produce / 1000))]++;
                ackedByPartition[partition, (int)(t + (produce / 1000))]++;
                var fetchDelay = 6 * Math.Exp(0.3 * Gaussian(random)) + (LagSeconds(profile, 0, t) * 1000);
                Record(histograms["scheduleDelay"], schedule);
                Record(histograms["service"], service);
                Record(histograms["produce"], produce);
                Record(histograms["endToEnd"], produce + fetchDelay);
            }

            foreach (var (metric, histogram) in histograms)
            {
                histogram.StartTimeStamp = startedAt.ToUnixTimeMilliseconds() + (second * 1000L);
                histogram.EndTimeStamp = histogram.StartTimeStamp + 1000;
                perSecond[metric].Add(histogram);
            }

            if (second >= WarmupSeconds)
            {
                sentTotal += count;
                bytesTotal += (long)(count * payload);
            }

            var lags = Groups.Select((_, g) => LagMessages(profile, g, second, random)).ToArray();
            var lagSeconds = Groups.Select((_, g) => LagSeconds(profile, g, second)).ToArray();
            for (var g = 0; g < Groups.Length; g++)
            {
                maxLag[g] = Math.Max(maxLag[g], lags[g]);
                maxLagSeconds[g] = Math.Max(maxLagSeconds[g], lagSeconds[g]);
            }

            // Three stalled messages time out instead of being acknowledged.
            var failed = second == FaultAt + 2 ? 3 : 0;
            var acked = ackedBySecond[second] - failed;
            series.Append(Invariant($"{second},{rate},{count},{acked},{failed},{acked - (second == 0 ? 40 : 0)},0,{payload:0.#}"));
            foreach (var metric in metrics)
            {
                var h = histograms[metric];
                series.Append(Invariant($",{Ms(h, 50):0.###},{Ms(h, 90):0.###},{Ms(h, 99):0.###},{Ms(h, 99.9):0.###},{h.GetMaxValue() / 1000.0:0.###}"));
            }

            series.Append(Invariant($",{180_000_000 + (second * 150_000)},{60_000_000 + (second % 7 * 2_000_000)}"));
            for (var g = 0; g < Groups.Length; g++)
            {
                series.Append(Invariant($",{lags[g]},{lagSeconds[g]:0.###}"));
            }

            series.Append('\n');
            for (var p = 0; p < 3; p++)
            {
                var partitionLag = (long)(Math.Max(lags[0], lags[1]) * (p == 0 ? 0.5 : 0.25));
                var bytes = (long)(ackedByPartition[p, second] * payload);
                partitions.Append(Invariant($"{second},{Topic},{p},{ackedByPartition[p, second]},{bytes},{partitionLag}\n"));
                if (second >= WarmupSeconds)
                {
                    partitionTotals[p] += ackedByPartition[p, second];
                    partitionBytes[p] += bytes;
                }
            }
        }

        foreach (var metric in metrics)
        {
            // As the engine's ResultsWriter does: HdrHistogram.NET writes UTF-16, the file is ASCII.
            using var utf16 = new MemoryStream();
            using (var writer = new HistogramLogWriter(utf16))
            {
                writer.Write(startedAt.UtcDateTime, [.. perSecond[metric]]);
            }

            var text = System.Text.Encoding.Unicode.GetString(utf16.ToArray().AsSpan(System.Text.Encoding.Unicode.GetPreamble().Length));
            File.WriteAllBytes(Path.Combine(directory, RunFiles.HistogramsFolder, $"{metric}.hlog"), System.Text.Encoding.ASCII.GetBytes(text));
        }

        File.WriteAllText(Path.Combine(directory, RunFiles.Series), series.ToString());
        File.WriteAllText(Path.Combine(directory, RunFiles.Partitions), partitions.ToString());
        File.WriteAllText(Path.Combine(directory, RunFiles.Events), Events(profile));
        File.WriteAllText(Path.Combine(directory, RunFiles.Scenario), ScenarioYaml);
        if (profile.WithCost)
        {
            File.WriteAllText(Path.Combine(directory, RunFiles.Cost), CostJson);
        }

        Percentiles Window(string metric)
        {
            var merged = perSecond[metric][WarmupSeconds].Copy();
            foreach (var histogram in perSecond[metric].Skip(WarmupSeconds + 1))
            {
                merged.Add(histogram);
            }

            return new Percentiles(
                merged.TotalCount,
                Round(Ms(merged, 50)), Round(Ms(merged, 90)), Round(Ms(merged, 99)), Round(Ms(merged, 99.9)), Round(Ms(merged, 99.99)),
                Round(merged.GetMaxValue() / 1000.0), Round(merged.GetMean() / 1000.0));
        }

        var produceWindow = Window("produce");
        var endToEndWindow = Window("endToEnd");
        var summary = new RunSummary
        {
            RunId = profile.RunId,
            Scenario = "broker-kill-runbook",
            ScenarioFile = "scenarios/broker-kill-runbook.yaml",
            StartedAt = startedAt,
            Outcome = RunOutcome.Completed,
            DurationSeconds = TotalSeconds - WarmupSeconds,
            WarmupSeconds = WarmupSeconds,
            Seed = profile.Seed,
            Environment = profile.Environment,
            Produce = new ProduceSummary
            {
                Target = sentTotal,
                Sent = sentTotal,
                Acked = sentTotal - 3,
                Failed = 3,
                Bytes = bytesTotal,
                ErrorsByCode = new Dictionary<string, long> { ["Local_MsgTimedOut"] = 3, ["Local_Transport"] = 41 },
            },
            Consume = new ConsumeSummary(Groups.Select((group, g) => new GroupSummary
            {
                Group = group,
                Topic = Topic,
                Consumed = sentTotal + 10_000 - (g * 2),
                Instances = g == 0 ? 3 : 1,
                Rebalances = 1,
                MaxLagMessages = (long)maxLag[g],
                MaxLagSeconds = Round(maxLagSeconds[g]),
                FinalLagMessages = 0,
            }).ToList()),
            LatencyMs = new LatencySummary(produceWindow, Window("service"), Window("scheduleDelay"), endToEndWindow),
            Rate = new RateSummary
            {
                Target = Round(sentTotal / (double)(TotalSeconds - WarmupSeconds)),
                Achieved = Round((sentTotal - 3) / (double)(TotalSeconds - WarmupSeconds)),
                Sent = Round(sentTotal / (double)(TotalSeconds - WarmupSeconds)),
                Accuracy = new RateAccuracy(0.01, 0.4, 0.2),
            },
            Payload = new PayloadSummary(Round(bytesTotal / (double)sentTotal), 1024, 1536),
            Partitions = Enumerable.Range(0, 3).Select(p => new PartitionSummary(Topic, p, partitionTotals[p], partitionBytes[p], 0)).ToList(),
            Faults =
            [
                new FaultSummary
                {
                    Action = "broker.kill",
                    Target = "broker 1",
                    AtSeconds = FaultAt,
                    DurationSeconds = FaultDuration,
                    Succeeded = true,
                    Detail = "leaders of 1 partition and the group coordinator moved to broker 2 after 0.5 s",
                    RecoverySeconds = profile.RecoverySlow,
                    PeakLagMessages = (long)maxLag.Max(),
                    PeakLagSeconds = Round(maxLagSeconds.Max()),
                    LagSecondsIntegral = Round(profile.RecoverySlow * maxLagSeconds.Max() / 2),
                    UnavailableSeconds = profile.StallSeconds,
                    ErrorsByCode = new Dictionary<string, long> { ["Local_Transport"] = 41, ["Local_MsgTimedOut"] = 3 },
                    Groups = Groups.Select((group, g) => new GroupRecovery(
                        group, g == 0 ? profile.RecoveryFast : profile.RecoverySlow, (long)maxLag[g], Round(maxLagSeconds[g]),
                        Round((g == 0 ? profile.RecoveryFast : profile.RecoverySlow) * maxLagSeconds[g] / 2), 1)).ToList(),
                },
            ],
            Audit = new AuditSummary
            {
                Acked = sentTotal - 3,
                Delivered = sentTotal - 3 - 12,
                Lost = 0,
                Duplicated = 12,
                DuplicatedInLog = 3,
                Reordered = 0,
                Truncated = 0,
                Indeterminate = 2,
                Examples = [new AuditExample("duplicated", Topic, 1, 41_200, 0, 41_873)],
            },
            Slo =
            [
                new SloResult("produce p99 steady < 50 ms", "steady", 50, produceWindow.P99, produceWindow.P99 < 50, "lessThan"),
                new SloResult("e2e p99.9 during fault < 500 ms", "during", 500, endToEndWindow.P999, endToEndWindow.P999 < 500, "lessThan"),
                new SloResult("recovery < 20 s", "after", 20, profile.RecoverySlow, profile.RecoverySlow < 20, "lessThan"),
                new SloResult("lost = 0", "overall", 0, 0, true, "lessOrEqual"),
            ],
            Resources = new ResourceSummary(189_750_000, 72_000_000, 181_000_000, 189_000_000),
        };
        File.WriteAllText(Path.Combine(directory, RunFiles.Summary), JsonSerializer.Serialize(summary, ResultsJson.Indented) + "\n");
    }

    private static long LagMessages(FixtureProfile profile, int group, int second, Random random)
    {
        var baseline = group == 0 ? 40 : 300;
        var noise = random.Next(baseline / 2);
        return (long)(baseline + noise + (LagSeconds(profile, group, second) * TargetRate));
    }

    /// <summary>Time lag of a group: a triangle that peaks at the end of the stall and is gone at recovery.</summary>
    private static double LagSeconds(FixtureProfile profile, int group, double t)
    {
        var recovery = group == 0 ? profile.RecoveryFast : profile.RecoverySlow;
        var peakAt = FaultAt + profile.StallSeconds + 0.5;
        var peak = profile.StallSeconds * (group == 0 ? 1.0 : 3.0);
        var end = FaultAt + recovery;
        if (t < FaultAt || t >= end)
        {
            return group == 0 ? 0.02 : 0.15;
        }

        return t < peakAt ? peak * (t - FaultAt) / (peakAt - FaultAt) : peak * (end - t) / (end - peakAt);
    }

    private static string Events(FixtureProfile profile) => string.Join("\n",
    [
        """{"t":0,"type":"run.started","runId":"RUN"}""".Replace("RUN", profile.RunId, StringComparison.Ordinal),
        """{"t":5,"type":"warmup.ended"}""",
        """{"t":20.003,"type":"fault.injected","action":"broker.kill","target":"broker 1","outcome":"ok","detail":"broker 1 set down","tookSeconds":0.003}""",
        """{"t":20.51,"type":"group.rebalanced","group":"fraud-scorer"}""",
        """{"t":30.004,"type":"fault.reverted","action":"broker.kill","target":"broker 1","outcome":"ok","detail":"broker 1 set up","tookSeconds":0.002}""",
        """{"t":65,"type":"run.stopping"}""",
        """{"t":67.2,"type":"run.ended","outcome":"completed"}""",
    ]) + "\n";

    private const string ScenarioYaml = """
        version: 1
        name: broker-kill-runbook
        description: Kill the broker that leads a partition mid-run; lag must recover within 20 s.
        duration: 60s
        warmup: 5s
        seed: 7
        topics:
          - name: inference-events
            partitions: 3
            replicationFactor: 3
        traffic:
          - name: predictions
            topic: inference-events
            rate: 2000
            phases:
              - spike: { at: 40s, duration: 5s, multiplier: 1.5 }
            payload: { kind: prediction, size: 1024, growth: { linearTo: 1536 } }
            keys: { distribution: zipf, space: 10000, hotKeys: [ { at: 0s, duration: 65s, share: 0.5, key: 42 } ] }
        consumers:
          - { group: fraud-scorer, topic: inference-events, instances: 3 }
          - { group: audit-archiver, topic: inference-events, instances: 1, processingTime: 100us }
        faults:
          - { at: 20s, action: broker.kill, target: { leader-of: inference-events/1 }, duration: 10s }
        slos:
          - { metric: produce.p99, phase: steady, lessThan: 50 }
          - { metric: e2e.p999, phase: during, lessThan: 500 }
          - { metric: recovery, lessThan: 20 }
          - { metric: lost, lessOrEqual: 0 }

        """;

    /// <summary>A <c>cost.json</c> (schema 2) as <c>loadlab cost</c> writes it, cut down to four line items.</summary>
    private const string CostJson = """
        {
          "schemaVersion": 2,
          "source": "run 20261126-120000-broker-kill-runbook of scenario broker-kill-runbook (measured on embedded)",
          "measured": true,
          "priceSheet": "aws-us-east-1",
          "priceSheetFile": "environments/pricing/aws-us-east-1.yaml",
          "options": [
            "consumers read from leaders"
          ],
          "workload": {
            "averageIngressMiBps": 2.1,
            "peakIngressMiBps": 3.2,
            "averageMessageBytes": 1100,
            "wireFactor": 1.2,
            "storedFactor": 1.15,
            "factorSource": "test",
            "fanOut": 2,
            "fanOutSource": "test",
            "partitions": 3,
            "replicationFactor": 3,
            "replicationSource": "test",
            "retentionHours": 24,
            "retentionSource": "test",
            "profileSeconds": 55,
            "peakToAverage": 1.5,
            "longestPeakSeconds": 5,
            "excluded": [
              "20–35 s: broker.kill 1 at 20 s and the flush after it"
            ],
            "notes": []
          },
          "platforms": [
            {
              "platform": "kafka",
              "displayName": "Apache Kafka",
              "architecture": "shared-nothing",
              "instanceType": "r6i.large",
              "totalMonthlyUsd": 4570.5,
              "bindingLimit": "EBS bandwidth",
              "durability": "test",
              "sizing": {
                "floorBrokers": 3,
                "meanBrokers": 3,
                "peakBrokers": 3,
                "averageLoadBrokers": 3,
                "peakLoadBrokers": 3,
                "launchesPerMonth": 0,
                "limits": [],
                "dataGiBPerBroker": 100,
                "volumesPerBroker": 1,
                "objectStorageGiB": 0,
                "crossAzGiBPerMonth": 0
              },
              "lines": [
                {
                  "item": "compute",
                  "label": "Broker compute",
                  "monthlyUsd": 1840.0,
                  "formula": "Broker compute = 1,840.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "blockStorage",
                  "label": "Block storage",
                  "monthlyUsd": 620.5,
                  "formula": "Block storage = 620.50",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "crossAz.replication",
                  "label": "Cross-AZ: replication",
                  "monthlyUsd": 1310.0,
                  "formula": "Cross-AZ: replication = 1,310.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "labour",
                  "label": "Operator labour",
                  "monthlyUsd": 800.0,
                  "formula": "Operator labour = 800.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                }
              ],
              "commitments": [],
              "risk": {
                "hoursPerOperation": 1,
                "operationsPerMonth": 4,
                "hoursPerMonth": 4,
                "explanation": "test"
              },
              "notes": []
            },
            {
              "platform": "redpanda",
              "displayName": "Redpanda",
              "architecture": "shared-nothing",
              "instanceType": "i4i.large",
              "totalMonthlyUsd": 3305.36,
              "bindingLimit": "disk space",
              "durability": "test",
              "sizing": {
                "floorBrokers": 3,
                "meanBrokers": 3,
                "peakBrokers": 3,
                "averageLoadBrokers": 3,
                "peakLoadBrokers": 3,
                "launchesPerMonth": 0,
                "limits": [],
                "dataGiBPerBroker": 100,
                "volumesPerBroker": 1,
                "objectStorageGiB": 0,
                "crossAzGiBPerMonth": 0
              },
              "lines": [
                {
                  "item": "compute",
                  "label": "Broker compute",
                  "monthlyUsd": 1380.0,
                  "formula": "Broker compute = 1,380.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "blockStorage",
                  "label": "Block storage",
                  "monthlyUsd": 15.36,
                  "formula": "Block storage = 15.36",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "crossAz.replication",
                  "label": "Cross-AZ: replication",
                  "monthlyUsd": 1310.0,
                  "formula": "Cross-AZ: replication = 1,310.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "labour",
                  "label": "Operator labour",
                  "monthlyUsd": 600.0,
                  "formula": "Operator labour = 600.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                }
              ],
              "commitments": [],
              "risk": {
                "hoursPerOperation": 1,
                "operationsPerMonth": 4,
                "hoursPerMonth": 4,
                "explanation": "test"
              },
              "notes": []
            },
            {
              "platform": "automq",
              "displayName": "AutoMQ",
              "architecture": "shared-storage",
              "instanceType": "r6i.large",
              "totalMonthlyUsd": 1037.76,
              "bindingLimit": "network out",
              "durability": "test",
              "sizing": {
                "floorBrokers": 3,
                "meanBrokers": 3,
                "peakBrokers": 3,
                "averageLoadBrokers": 3,
                "peakLoadBrokers": 3,
                "launchesPerMonth": 0,
                "limits": [],
                "dataGiBPerBroker": 100,
                "volumesPerBroker": 1,
                "objectStorageGiB": 0,
                "crossAzGiBPerMonth": 0
              },
              "lines": [
                {
                  "item": "compute",
                  "label": "Broker compute",
                  "monthlyUsd": 920.0,
                  "formula": "Broker compute = 920.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "blockStorage",
                  "label": "Block storage",
                  "monthlyUsd": 17.76,
                  "formula": "Block storage = 17.76",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "crossAz.replication",
                  "label": "Cross-AZ: replication",
                  "monthlyUsd": 0.0,
                  "formula": "Cross-AZ: replication = 0.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                },
                {
                  "item": "labour",
                  "label": "Operator labour",
                  "monthlyUsd": 100.0,
                  "formula": "Operator labour = 100.00",
                  "inputs": [
                    {
                      "name": "price",
                      "value": 1,
                      "unit": "USD",
                      "source": "test"
                    }
                  ],
                  "note": ""
                }
              ],
              "commitments": [],
              "risk": {
                "hoursPerOperation": 1,
                "operationsPerMonth": 4,
                "hoursPerMonth": 4,
                "explanation": "test"
              },
              "notes": []
            }
          ],
          "sensitivity": [
            {
              "input": "ingress (every second)",
              "platform": "kafka",
              "lowUsd": 3884.9249999999997,
              "baseUsd": 4570.5,
              "highUsd": 5484.599999999999
            },
            {
              "input": "ingress (every second)",
              "platform": "redpanda",
              "lowUsd": 2809.556,
              "baseUsd": 3305.36,
              "highUsd": 3966.432
            },
            {
              "input": "ingress (every second)",
              "platform": "automq",
              "lowUsd": 882.096,
              "baseUsd": 1037.76,
              "highUsd": 1245.312
            },
            {
              "input": "operator rate",
              "platform": "kafka",
              "lowUsd": 4410.5,
              "baseUsd": 4570.5,
              "highUsd": 4730.5
            },
            {
              "input": "operator rate",
              "platform": "redpanda",
              "lowUsd": 3185.36,
              "baseUsd": 3305.36,
              "highUsd": 3425.36
            },
            {
              "input": "operator rate",
              "platform": "automq",
              "lowUsd": 1017.76,
              "baseUsd": 1037.76,
              "highUsd": 1057.76
            }
          ]
        }

        """;

    private static void Record(LongHistogram histogram, double milliseconds) =>
        histogram.RecordValue(Math.Max(1, (long)(milliseconds * 1000)));

    private static double Ms(HistogramBase histogram, double percentile) =>
        histogram.GetValueAtPercentile(percentile) / 1000.0;

    private static double Round(double value) => Math.Round(value, 3);

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What distinguishes one fixture run from another (environment, latency level, recovery).</summary>
internal sealed record FixtureProfile(
    string Name,
    string RunId,
    EnvironmentSummary Environment,
    DateTimeOffset StartedAt,
    int Seed,
    double BaseLatencyMs,
    double StallSeconds,
    double RecoveryFast,
    double RecoverySlow,
    bool WithCost);
