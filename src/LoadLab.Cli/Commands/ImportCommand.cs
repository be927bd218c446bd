using System.CommandLine;
using LoadLab.Cli.Arguments;
using LoadLab.Cli.Terminal;
using LoadLab.Core.Omb;

namespace LoadLab.Cli.Commands;

/// <summary>
/// <c>loadlab import omb &lt;workload.yaml&gt; [-o scenario.yaml]</c>: an OpenMessaging Benchmark workload as a scenario,
/// with every OMB field listed beside what became of it and the ones LoadLab cannot honour named.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var workload = new Argument<string>("workload") { Description = "OMB workload file (YAML, OMB's camelCase keys), e.g. workloads/1-topic-16-partitions-1kb.yaml" };
        var output = new Option<string?>("--output", "-o") { Description = "Scenario file to write (default: standard output, the field list on standard error)" };
        var replication = TypedOptions.WholeNumber(
            "--replication-factor",
            "Replication factor of the topics (OMB takes it from its driver file, not the workload)",
            1,
            100,
            OmbImport.DefaultReplicationFactor,
            "3");
        var omb = new Command("omb", "Read an OpenMessaging Benchmark workload as a LoadLab scenario; fields LoadLab cannot honour are named.")
        {
            workload, output, replication,
        };
        omb.SetAction(parse => Run(
            parse.GetValue(workload)!,
            parse.GetValue(output),
            parse.GetValue(replication),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return new Command("import", "Import a workload written for another benchmark tool.") { omb };
    }

    internal static int Run(string workloadPath, string? outputPath, int replicationFactor, TextWriter output, TextWriter error)
    {
        if (replicationFactor < 1)
        {
            return Errors.BadInput(error, TypedOptions.Refusal("--replication-factor", replicationFactor.ToString(System.Globalization.CultureInfo.InvariantCulture), "a whole number from 1 to 100", "3"));
        }

        var loaded = OmbWorkloadReader.Load(workloadPath);
        if (!loaded.Succeeded)
        {
            return Errors.Problems(error, loaded.Problems, "nothing was imported");
        }

        var imported = OmbImport.ToScenario(loaded.Value!, workloadPath, replicationFactor);
        // The scenario goes to standard output when no file is named, so the field list must not mix with it.
        var report = outputPath is null ? error : output;
        if (outputPath is not null)
        {
            try
            {
                File.WriteAllText(outputPath, imported.Yaml);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Errors.BadInput(error, $"cannot write '{outputPath}': {e.Message}");
            }
        }
        else
        {
            output.Write(imported.Yaml);
        }

        report.WriteLine($"OMB workload \"{imported.WorkloadName}\" ({workloadPath}) as scenario '{imported.Scenario.Name}'{(outputPath is null ? "" : $" in {outputPath}")}:");
        var width = imported.Fields.Max(f => f.Field.Length);
        foreach (var field in imported.Fields)
        {
            var fit = field.Fit switch
            {
                OmbFieldFit.Exact => "exact       ",
                OmbFieldFit.Approximate => "approximate ",
                _ => "NOT HONOURED",
            };
            report.WriteLine($"  {fit}  {field.Field.PadRight(width)}  {field.Detail}");
        }

        var notHonoured = imported.NotHonoured.Select(f => f.Field).ToList();
        report.WriteLine(notHonoured.Count == 0
            ? "Every field is honoured."
            : $"Not honoured: {string.Join(", ", notHonoured)}.");
        report.WriteLine($"Chart a run beside OMB's results with: loadlab export omb <run-dir> --workload \"{imported.WorkloadName}\"");
        return ExitCodes.Success;
    }
}
