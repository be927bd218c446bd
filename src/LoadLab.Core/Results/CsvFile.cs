using System.Globalization;
using System.Text;

namespace LoadLab.Core.Results;

/// <summary>RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks) with a header row.</summary>
internal static class CsvFile
{
    /// <summary>Reads the header and the rows; every row must have as many fields as the header.</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<(int Line, string[] Fields)> Rows) Read(string path, string displayName)
    {
        var text = File.ReadAllText(path);
        var records = Parse(text, displayName);
        if (records.Count == 0)
        {
            throw new RunResultsException($"{displayName} is empty: it needs a header row (see results/README.md).");
        }

        var header = records[0].Fields.Select(field => field.Trim()).ToArray();
        var rows = new List<(int, string[])>(records.Count - 1);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Length != header.Length)
            {
                throw new RunResultsException(
                    $"{displayName} line {line}: {fields.Length} fields, but the header has {header.Length}. " +
                    "The file is truncated or corrupt; re-run or restore it.");
            }

            rows.Add((line, fields));
        }

        return (header, rows);
    }

    public static double ParseDouble(string field, string displayName, int line, string column)
    {
        var trimmed = field.Trim();
        if (trimmed.Length == 0)
        {
            return double.NaN;
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new RunResultsException($"{displayName} line {line}, column '{column}': '{trimmed}' is not a number.");
        }

        return value;
    }

    private static List<(int Line, string[] Fields)> Parse(string text, string displayName)
    {
        var records = new List<(int, string[])>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }

                    inQuotes = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '"':
                    inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    AddRecord(records, fields, recordLine);
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }

            i++;
        }

        if (inQuotes)
        {
            throw new RunResultsException($"{displayName} line {recordLine}: a quoted field is never closed; the file is truncated or corrupt.");
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            AddRecord(records, fields, recordLine);
        }

        return records;
    }

    private static void AddRecord(List<(int, string[])> records, List<string> fields, int line)
    {
        // A blank line (such as the one after the final newline) is not a record.
        if (!(fields.Count == 1 && fields[0].Length == 0))
        {
            records.Add((line, fields.ToArray()));
        }

        fields.Clear();
    }
}
