namespace LoadLab.Kafka.Protocol;

/// <summary>The Kafka API keys LoadLab reads or writes itself (Apache Kafka's <c>ApiKeys</c>).</summary>
internal static class ApiKeys
{
    public const short Metadata = 3;
    public const short FindCoordinator = 10;
    public const short ApiVersions = 18;
    public const short ListPartitionReassignments = 46;
    public const short DescribeCluster = 60;

    /// <summary>
    /// Whether a response of <paramref name="apiKey"/> at <paramref name="version"/> has the flexible layout (compact
    /// strings and arrays, tagged fields), per the <c>flexibleVersions</c> of Apache Kafka's message definitions.
    /// Known only for the APIs LoadLab reads; others are never parsed.
    /// </summary>
    public static bool IsFlexible(short apiKey, short version) => apiKey switch
    {
        Metadata => version >= 9,
        FindCoordinator => version >= 3,
        ApiVersions => version >= 3,
        ListPartitionReassignments or DescribeCluster => true,
        _ => false,
    };

    /// <summary>
    /// Whether the response header carries tagged fields (header v1): for every flexible version except ApiVersions,
    /// whose response header stays v0 so that a client can read it before it knows the broker's versions.
    /// </summary>
    public static bool HasFlexibleResponseHeader(short apiKey, short version) => apiKey != ApiVersions && IsFlexible(apiKey, version);
}
