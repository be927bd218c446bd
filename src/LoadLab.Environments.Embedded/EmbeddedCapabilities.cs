using System.Globalization;
using LoadLab.Core.Environments;

namespace LoadLab.Environments.Embedded;

/// <summary>What the embedded cluster can break, how, and where that differs from a real Kafka cluster.</summary>
internal static class EmbeddedCapabilities
{
    /// <summary>What the mock does not do like a real cluster, for every run on it.</summary>
    public static readonly IReadOnlyList<string> Limits =
    [
        "librdkafka's mock cluster: replication is cosmetic (one copy of the data, the ISR never shrinks, a reassignment copies nothing)",
        "each partition keeps only about 5 MiB or 100,000 batches: older data is dropped, and a consumer further behind sees it as truncated",
        "one thread serves every broker, so the brokers share one CPU core; fetches are answered after fetch.wait.max.ms",
        "no fail-over of its own: LoadLab plays the controller after the detection delay",
        "CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, DescribeConsumerGroups and ElectLeaders are unsupported; ListConsumerGroups crashes librdkafka's admin client",
        // librdkafka src/rdkafka_mock_handlers.c, Fetch: "Response: LastStableOffset" is the partition's end offset and
        // "Response: #Aborted" is always 0 — measured in ExactlyOnceRunTests (every message of an aborted transaction
        // reaches the read_committed group).
        "transactions: the mock writes commit and abort markers, but its Fetch ignores isolation.level (last stable offset = high watermark, no aborted transactions listed), so a read_committed consumer reads messages of open and aborted transactions; the audit reports those as aborted-visible",
        "transactions: offsets sent in a transaction (TxnOffsetCommit) are acknowledged but not stored, so a consume-transform-produce group that rebalances or restarts reads its inputs again from its last plain commit (duplicated outputs)",
        "transactions: InitProducerId does not fence an older producer with the same transactional id (it gets a new producer id); no transaction times out",
        "ListOffsets by timestamp is answered with -1: group.replay finds 'ago' targets in LoadLab's own acknowledgements on every environment",
    ];

    public static FaultCapabilities For(EmbeddedOptions options)
    {
        var detection = Seconds(options.DetectionDelay);
        var restore = Seconds(options.PreferredLeaderRestoreDelay);
        var failOver = $"after the detection delay ({detection}) LoadLab moves the broker's leaderships to live replicas and its group coordinators and the controller role to live brokers, as a KRaft controller would";
        return new FaultCapabilities
        {
            Caveats = Limits,
            Faults =
            [
                new(FaultOperation.BrokerKill, "rd_kafka_mock_broker_set_down: the broker closes every connection and leaves metadata; " + failOver,
                    "metadata no longer lists the broker; the fail-over's new leaders are seen in metadata"),
                new(FaultOperation.BrokerRestart, $"rd_kafka_mock_broker_set_up; it leads its leaderless partitions at once and takes its preferred leaderships and coordinators back after {restore}",
                    "metadata lists the broker again; its preferred leaders are seen in metadata")
                {
                    Caveats = ["the mock keeps its log in memory across a kill: a restarted broker has lost nothing, unlike a broker without fsync"],
                },
                new(FaultOperation.BrokerPause, $"a round-trip time on the broker (rd_kafka_mock_broker_set_rtt) renewed every 20 ms to stay {MockFaultOperations.PauseHoldAhead.TotalMilliseconds:0} ms ahead of the pause's age: connections stay open, requests are read and their responses held back, like a SIGSTOP'd broker; " + failOver,
                    "the held-back responses are not seen; a hung broker stays listed in metadata, so only the fail-over is observed in metadata"),
                new(FaultOperation.BrokerResume, "the round-trip time drops back, so the mock sends every held-back response at once over the connections it kept, like a SIGCONT'd broker",
                    "the mock accepted the change; preferred leaders are seen in metadata after the restore delay")
                {
                    Caveats = [$"the hold is renewed by LoadLab's process: if that process is held up for more than {MockFaultOperations.PauseHoldAhead.TotalMilliseconds:0} ms during a pause, responses leave before the resume, and the resume's detail says by how much at most"],
                },
                new(FaultOperation.BrokerSlow, "rd_kafka_mock_broker_set_rtt: every response of the broker leaves that much later",
                    "the mock accepted the round-trip time")
                {
                    Caveats = ["the delay applies to the broker's responses to every client; the mock has no inter-broker traffic to slow"],
                },
                new(FaultOperation.BrokerRestoreSpeed, "rd_kafka_mock_broker_set_rtt back to 0 (while paused: after the resume)", "the mock accepted the round-trip time"),
                new(FaultOperation.LeaderMove, "rd_kafka_mock_partition_set_leader", "metadata shows the new leader"),
                new(FaultOperation.PartitionReassign, "the new replica list is kept by LoadLab's controller; its first live replica becomes leader (rd_kafka_mock_partition_set_leader)",
                    "metadata shows the new leader")
                {
                    Caveats = ["the mock cannot change a partition's replica list or copy data: metadata keeps the old replicas and the reassignment takes no time"],
                },
                new(FaultOperation.BrokerAdd, "rd_kafka_mock_broker_add; the mock reassigns every partition over the brokers and LoadLab elects preferred leaders",
                    "metadata lists the new broker; the new leaders are seen in metadata")
                {
                    Caveats = ["the mock moves every partition at once and copies nothing, where a real cluster needs an explicit reassignment"],
                },
                new(FaultOperation.BrokerDecommission, "coordinators and the controller role move away, then rd_kafka_mock_broker_decommission",
                    "metadata no longer lists the broker; the new leaders are seen in metadata"),
                new(FaultOperation.InjectErrors, "rd_kafka_mock_push_request_errors: the next N requests of the API, on any broker, fail with the error",
                    "the mock accepted the errors (observing one would consume it)")
                {
                    Caveats = ["the mock checks the sequence numbers of transactional producers only: when an injected error fails one Produce of an idempotent producer and a later one in flight succeeds, the mock stores the later batch (a real broker refuses it with OUT_OF_ORDER_SEQUENCE_NUMBER) and librdkafka then acknowledges the failed batch implicitly with offset -1001, though it was never stored: the audit counts those messages lost and, of them, acknowledged without an offset (lostWithoutOffset; examples at offset -1001), a loss of the mock, not of a platform"],
                },
                FaultCapabilities.GroupRewind("the mock answers OffsetCommit and OffsetFetch of a group like a broker; DescribeConsumerGroups is unsupported, so the group's state is read through its members and OffsetFetch only"),
            ],
        };
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
