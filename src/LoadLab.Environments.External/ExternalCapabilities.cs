using System.Globalization;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Proxy;

namespace LoadLab.Environments.External;

/// <summary>
/// What an external cluster can break: one operation per configured hook, verified as <see cref="HookFaultOperations"/>
/// does, plus LoadLab's client-side faults where no hook performs them and the connection is not encrypted (the proxy
/// must read the brokers' addresses in responses).
/// </summary>
internal static class ExternalCapabilities
{
    public static FaultCapabilities For(ExternalDefinition definition)
    {
        var verifyTimeout = definition.VerifyTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        var canAddressBrokers = definition.Protocol == SecurityProtocol.Plaintext;
        var hooked = definition.Hooks.Select(hook =>
        {
            var name = ExternalDefinitionLoader.HookNames.First(n => n.Value == hook.Key).Key;
            var mechanism = $"hook {name}: `{hook.Value.Command}` (must exit 0 within {hook.Value.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s)";
            var verification = HookFaultOperations.Verification(hook.Key, canAddressBrokers);
            return new FaultCapability(hook.Key, mechanism, verification is null ? "exit code 0 only" : $"after exit code 0: {verification}, within {verifyTimeout} (faults.verify-timeout)")
            {
                Caveats = verification is null ? ["the effect is not observable through the Kafka protocol: the hook's exit code is taken as success"] : [],
            };
        });
        var proxied = ClientSideFaults.Operations.Where(operation => ViaClientProxy(operation, definition)).Select(ClientSideFaults.Capability);
        return new FaultCapabilities
        {
            Caveats = ["an existing cluster: LoadLab neither started it nor knows its settings; faults are the definition's hook commands and LoadLab's client-side proxy"],
            Faults = [.. hooked.Concat(proxied).Append(FaultCapabilities.GroupRewind()).OrderBy(capability => capability.Operation)],
        };
    }

    /// <summary>Whether LoadLab's proxy performs <paramref name="operation"/> (no hook does, and the proxy can read the traffic).</summary>
    public static bool ViaClientProxy(FaultOperation operation, ExternalDefinition definition) =>
        ClientSideFaults.Operations.Contains(operation) && !definition.Hooks.ContainsKey(operation)
        && definition.Protocol is SecurityProtocol.Plaintext or SecurityProtocol.SaslPlaintext;
}
