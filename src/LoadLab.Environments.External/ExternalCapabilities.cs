using System.Globalization;
using LoadLab.Core.Environments;

namespace LoadLab.Environments.External;

/// <summary>What an external cluster can break: one operation per configured hook, verified as <see cref="HookFaultOperations"/> does.</summary>
internal static class ExternalCapabilities
{
    public static FaultCapabilities For(ExternalDefinition definition)
    {
        var verifyTimeout = definition.VerifyTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        return new FaultCapabilities
        {
            Caveats = ["an existing cluster: LoadLab neither started it nor knows its settings; faults are the definition's hook commands"],
            Faults = [.. definition.Hooks.OrderBy(h => h.Key).Select(hook =>
            {
                var name = ExternalDefinitionLoader.HookNames.First(n => n.Value == hook.Key).Key;
                var mechanism = $"hook {name}: `{hook.Value.Command}` (must exit 0 within {hook.Value.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s)";
                var verification = HookFaultOperations.Verification(hook.Key);
                return new FaultCapability(hook.Key, mechanism, verification is null ? "exit code 0 only" : $"{verification}, within {verifyTimeout}")
                {
                    Caveats = verification is null ? ["the effect is not visible in cluster metadata: the hook's exit code is taken as success"] : [],
                };
            })],
        };
    }
}
