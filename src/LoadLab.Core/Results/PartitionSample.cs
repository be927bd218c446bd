namespace LoadLab.Core.Results;

/// <summary>One row of <c>partitions.csv</c>: what one partition did in one second.</summary>
/// <param name="Second">Whole seconds since the run started.</param>
/// <param name="Topic">Topic name.</param>
/// <param name="Partition">Partition number.</param>
/// <param name="Produced">Messages acknowledged on the partition in that second.</param>
/// <param name="Bytes">Bytes acknowledged on the partition in that second.</param>
/// <param name="LagMessages">Largest lag over the groups reading the topic, at the end of that second.</param>
public sealed record PartitionSample(int Second, string Topic, int Partition, long Produced, long Bytes, long LagMessages)
{
    internal static IReadOnlyList<PartitionSample> Read(string path)
    {
        const string DisplayName = RunFiles.Partitions;
        var (header, rows) = CsvFile.Read(path, DisplayName);
        string[] required = ["second", "topic", "partition", "produced", "bytes", "lagMessages"];
        var missing = required.Where(name => !header.Contains(name)).ToList();
        if (missing.Count > 0)
        {
            throw new RunResultsException(
                $"{DisplayName}: missing column(s) {string.Join(", ", missing)} in the header row. " +
                "Expected the columns listed in results/README.md.");
        }

        var index = required.ToDictionary(name => name, name => header.ToList().IndexOf(name), StringComparer.Ordinal);
        var samples = new List<PartitionSample>(rows.Count);
        foreach (var (line, fields) in rows)
        {
            long Number(string column)
            {
                var value = CsvFile.ParseDouble(fields[index[column]], DisplayName, line, column);
                return double.IsNaN(value) ? 0 : (long)value;
            }

            var topic = fields[index["topic"]].Trim();
            if (topic.Length == 0)
            {
                throw new RunResultsException($"{DisplayName} line {line}: the 'topic' cell is empty.");
            }

            samples.Add(new PartitionSample(
                (int)Number("second"),
                topic,
                (int)Number("partition"),
                Number("produced"),
                Number("bytes"),
                Number("lagMessages")));
        }

        return samples;
    }
}
