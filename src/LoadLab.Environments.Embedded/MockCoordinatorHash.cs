using System.Text;

namespace LoadLab.Environments.Embedded;

/// <summary>
/// Where the mock puts a group coordinator nobody has set: <c>crc32(group) mod broker count</c>, used as an index
/// into its broker list in creation order (librdkafka <c>rd_kafka_mock_cluster_get_coord</c>). Knowing it lets the
/// environment pin a group's coordinator where the mock already put it, instead of moving it by registering it.
/// </summary>
internal static class MockCoordinatorHash
{
    private static readonly uint[] Table = BuildTable();

    public static int CoordinatorIndex(string group, int brokerCount) => (int)(Crc32(Encoding.UTF8.GetBytes(group)) % (uint)brokerCount);

    /// <summary>The reflected CRC-32 of zlib and librdkafka's <c>rd_crc32</c> (polynomial 0xEDB88320).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
