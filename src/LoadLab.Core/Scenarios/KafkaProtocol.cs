namespace LoadLab.Core.Scenarios;

/// <summary>
/// Kafka protocol names a scenario may use for injected errors: request API names (→ API keys) and error
/// names (→ error codes), as in the Kafka protocol guide. Only the APIs and errors that matter for producing
/// and consuming are listed; an error code not listed can still be given as a number.
/// </summary>
public static class KafkaProtocol
{
    /// <summary>API names in the protocol guide's spelling, with their API keys.</summary>
    public static IReadOnlyList<KeyValuePair<string, short>> Apis { get; } =
    [
        KeyValuePair.Create("Produce", (short)0),
        KeyValuePair.Create("Fetch", (short)1),
        KeyValuePair.Create("ListOffsets", (short)2),
        KeyValuePair.Create("Metadata", (short)3),
        KeyValuePair.Create("OffsetCommit", (short)8),
        KeyValuePair.Create("OffsetFetch", (short)9),
        KeyValuePair.Create("FindCoordinator", (short)10),
        KeyValuePair.Create("JoinGroup", (short)11),
        KeyValuePair.Create("Heartbeat", (short)12),
        KeyValuePair.Create("LeaveGroup", (short)13),
        KeyValuePair.Create("SyncGroup", (short)14),
        KeyValuePair.Create("ApiVersions", (short)18),
        KeyValuePair.Create("InitProducerId", (short)22),
        KeyValuePair.Create("AddPartitionsToTxn", (short)24),
        KeyValuePair.Create("EndTxn", (short)26),
    ];

    /// <summary>Error names in the protocol guide's spelling, with their codes.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> Errors { get; } =
    [
        KeyValuePair.Create("UNKNOWN_SERVER_ERROR", -1),
        KeyValuePair.Create("OFFSET_OUT_OF_RANGE", 1),
        KeyValuePair.Create("CORRUPT_MESSAGE", 2),
        KeyValuePair.Create("UNKNOWN_TOPIC_OR_PARTITION", 3),
        KeyValuePair.Create("LEADER_NOT_AVAILABLE", 5),
        KeyValuePair.Create("NOT_LEADER_OR_FOLLOWER", 6),
        KeyValuePair.Create("REQUEST_TIMED_OUT", 7),
        KeyValuePair.Create("BROKER_NOT_AVAILABLE", 8),
        KeyValuePair.Create("REPLICA_NOT_AVAILABLE", 9),
        KeyValuePair.Create("MESSAGE_TOO_LARGE", 10),
        KeyValuePair.Create("NETWORK_EXCEPTION", 13),
        KeyValuePair.Create("COORDINATOR_LOAD_IN_PROGRESS", 14),
        KeyValuePair.Create("COORDINATOR_NOT_AVAILABLE", 15),
        KeyValuePair.Create("NOT_COORDINATOR", 16),
        KeyValuePair.Create("RECORD_LIST_TOO_LARGE", 18),
        KeyValuePair.Create("NOT_ENOUGH_REPLICAS", 19),
        KeyValuePair.Create("NOT_ENOUGH_REPLICAS_AFTER_APPEND", 20),
        KeyValuePair.Create("ILLEGAL_GENERATION", 22),
        KeyValuePair.Create("UNKNOWN_MEMBER_ID", 25),
        KeyValuePair.Create("REBALANCE_IN_PROGRESS", 27),
        KeyValuePair.Create("TOPIC_AUTHORIZATION_FAILED", 29),
        KeyValuePair.Create("GROUP_AUTHORIZATION_FAILED", 30),
        KeyValuePair.Create("OUT_OF_ORDER_SEQUENCE_NUMBER", 45),
        KeyValuePair.Create("DUPLICATE_SEQUENCE_NUMBER", 46),
        KeyValuePair.Create("INVALID_PRODUCER_EPOCH", 47),
        KeyValuePair.Create("KAFKA_STORAGE_ERROR", 56),
        KeyValuePair.Create("UNKNOWN_PRODUCER_ID", 59),
        KeyValuePair.Create("FENCED_LEADER_EPOCH", 74),
        KeyValuePair.Create("UNKNOWN_LEADER_EPOCH", 75),
        KeyValuePair.Create("THROTTLING_QUOTA_EXCEEDED", 89),
    ];
}
