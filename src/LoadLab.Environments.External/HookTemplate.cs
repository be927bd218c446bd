using System.Globalization;
using System.Text.RegularExpressions;
using LoadLab.Core.Environments;

namespace LoadLab.Environments.External;

/// <summary>Fills a hook command's placeholders (<c>{broker.id}</c>, <c>{topic}</c>, …) from a fault command.</summary>
public static partial class HookTemplate
{
    /// <summary>
    /// The command with every placeholder replaced; a value the fault does not have becomes empty.
    /// <c>${VAR}</c> is left alone: it is the shell's, which inherits LoadLab's environment.
    /// </summary>
    public static string Render(string template, FaultCommand command, BrokerInfo? broker, string runId, string bootstrapServers)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(command);
        return PlaceholderPattern().Replace(template, match => match.Groups["name"].Value switch
        {
            "broker.id" => Format(command.BrokerId),
            "broker.host" => broker?.Host ?? "",
            "broker.port" => Format(broker?.Port),
            "topic" => command.Topic ?? "",
            "partition" => Format(command.Partition),
            "replicas" => command.Replicas is { } replicas ? string.Join(',', replicas) : "",
            "leader" => command.Replicas is [var first, ..] ? Format<int>(first) : Format(command.BrokerId),
            "latency.ms" => command.Latency is { } latency ? Format<long>((long)latency.TotalMilliseconds) : "",
            "errors.api" => Format<short>(command.Errors?.ApiKey),
            "errors.code" => Format<int>(command.Errors?.ErrorCode),
            "errors.count" => Format(command.Errors?.Count),
            "run.id" => runId,
            "bootstrap.servers" => bootstrapServers,
            _ => match.Value,
        });
    }

    /// <summary><c>{name}</c> with a lower-case dotted name, not preceded by <c>$</c> (shell variables stay as written).</summary>
    [GeneratedRegex(@"(?<!\$)\{(?<name>[a-z][a-z0-9.]*)\}")]
    internal static partial Regex PlaceholderPattern();

    private static string Format<T>(T? value) where T : struct, IFormattable =>
        value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "";
}
