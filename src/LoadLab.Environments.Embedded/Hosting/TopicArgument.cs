using System.Globalization;
using LoadLab.Core.Scenarios;

namespace LoadLab.Environments.Embedded.Hosting;

/// <summary>Topics given on the command line as <c>name[:partitions[:replication-factor]]</c>.</summary>
public static class TopicArgument
{
    /// <summary>Partitions when only a name is given.</summary>
    public const int DefaultPartitions = 3;

    /// <summary>
    /// Parses <paramref name="text"/>; the replication factor defaults to min(3, <paramref name="brokers"/>).
    /// Returns null and sets <paramref name="problem"/> (what is wrong and the expected form) when it cannot.
    /// </summary>
    public static TopicSpec? TryParse(string text, int brokers, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = "";
        var parts = text.Split(':');
        if (parts.Length > 3 || string.IsNullOrWhiteSpace(parts[0]))
        {
            problem = $"--topic '{text}' is not name[:partitions[:replication-factor]], e.g. --topic events:6:3.";
            return null;
        }

        var partitions = DefaultPartitions;
        var replicationFactor = Math.Min(3, brokers);
        if (parts.Length > 1 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out partitions))
        {
            problem = $"--topic '{text}': partitions '{parts[1]}' is not a whole number, e.g. --topic {parts[0]}:6.";
            return null;
        }

        if (parts.Length > 2 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out replicationFactor))
        {
            problem = $"--topic '{text}': replication factor '{parts[2]}' is not a whole number, e.g. --topic {parts[0]}:{parts[1]}:3.";
            return null;
        }

        return new TopicSpec(parts[0], partitions, replicationFactor);
    }
}
