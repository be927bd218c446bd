using System.Globalization;
using LoadLab.Core.Environments;
using LoadLab.Kafka.Observation;

namespace LoadLab.Kafka.Proxy;

/// <summary>
/// The faults LoadLab's <see cref="BrokerProxy"/> performs on any cluster it stands in front of — <c>broker.slow</c> and a
/// client-side <c>network.partition</c> — each verified by a request sent through the proxy, as a client would send it.
/// Docker and external environments use them where the platform offers nothing better (no NET_ADMIN needed).
/// </summary>
public static class ClientSideFaults
{
    /// <summary>Said of every client-side fault.</summary>
    public const string ClientSideOnly = "client-side only: LoadLab's proxy sits between this host's clients and the broker; traffic between brokers (replication, the controller quorum) does not pass it, so the broker stays in sync";

    private static readonly TimeSpan EffectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The operations the proxy performs.</summary>
    public static IReadOnlyList<FaultOperation> Operations { get; } =
        [FaultOperation.BrokerSlow, FaultOperation.BrokerRestoreSpeed, FaultOperation.NetworkDisconnect, FaultOperation.NetworkReconnect];

    /// <summary>How the proxy performs <paramref name="operation"/> and how it is verified, for capability tables.</summary>
    public static FaultCapability Capability(FaultOperation operation) => operation switch
    {
        FaultOperation.BrokerSlow => new(operation, "LoadLab's proxy delays every response of the broker to clients by the latency",
            "a request sent through the proxy to the broker takes at least the latency") { Caveats = [ClientSideOnly] },
        FaultOperation.BrokerRestoreSpeed => new(operation, "LoadLab's proxy stops delaying the broker's responses",
            "a request sent through the proxy is answered faster than the latency that was added") { Caveats = [ClientSideOnly] },
        FaultOperation.NetworkDisconnect => new(operation, "LoadLab's proxy stops moving bytes between clients and the broker; connections stay open, as when packets are dropped",
            "a request sent through the proxy to the broker is left unanswered") { Caveats = [ClientSideOnly] },
        FaultOperation.NetworkReconnect => new(operation, "LoadLab's proxy moves bytes again; what waited is delivered in order",
            "a request sent through the proxy to the broker is answered") { Caveats = [ClientSideOnly] },
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a client-side fault."),
    };

    /// <summary>
    /// Performs one client-side fault on <paramref name="proxy"/> and waits (through the proxy) for its effect; calls
    /// <paramref name="effectApplied"/> when the proxy changed (a cut's heal: when a request passes again).
    /// </summary>
    public static async Task<(bool Succeeded, string Detail)> ExecuteAsync(BrokerProxy proxy, ClusterObserver observer, FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(effectApplied);
        var brokerId = command.BrokerId ?? throw new ArgumentException($"{command.Operation} needs a broker id", nameof(command));
        var address = proxy.AddressOf(brokerId) ?? throw new ArgumentException($"broker {brokerId} is not behind LoadLab's proxy", nameof(command));
        switch (command.Operation)
        {
            case FaultOperation.BrokerSlow:
                var latency = command.Latency ?? throw new ArgumentException("broker.slow needs a latency", nameof(command));
                proxy.SetLatency(brokerId, latency);
                effectApplied();
                var slow = await observer.WaitForAsync(Until.RoundTripAtLeast(brokerId, address, latency), EffectTimeout, cancellationToken).ConfigureAwait(false);
                return (slow.Met, slow.Met
                    ? $"every response of broker {brokerId} to clients leaves LoadLab's proxy {Millis(latency)} later (traffic between brokers is not slowed); {slow.Seen}"
                    : $"the proxy delays broker {brokerId} by {Millis(latency)}, but a request through it was not that slow: {slow.Seen}");
            case FaultOperation.BrokerRestoreSpeed:
                var added = proxy.LatencyOf(brokerId);
                proxy.SetLatency(brokerId, TimeSpan.Zero);
                effectApplied();
                var fast = await observer.WaitForAsync(Until.RoundTripBelow(brokerId, address, added), EffectTimeout, cancellationToken).ConfigureAwait(false);
                return (fast.Met, fast.Met ? $"broker {brokerId} answers clients without the added {Millis(added)}; {fast.Seen}" : $"broker {brokerId} still answers slowly: {fast.Seen}");
            case FaultOperation.NetworkDisconnect:
                proxy.Cut(brokerId);
                effectApplied();
                var cut = await observer.WaitForAsync(Until.BrokerSilent(brokerId, address), EffectTimeout, cancellationToken).ConfigureAwait(false);
                return (cut.Met, cut.Met
                    ? $"clients are cut off from broker {brokerId} at LoadLab's proxy: connections stay open and nothing passes either way (the brokers still reach each other); {cut.Seen}"
                    : $"the proxy cut broker {brokerId} off, but it still answers through it: {cut.Seen}");
            case FaultOperation.NetworkReconnect:
                proxy.Heal(brokerId);
                var healed = await observer.WaitForAsync(Until.BrokerAnswers(brokerId, address), EffectTimeout, cancellationToken).ConfigureAwait(false);
                if (healed.Met)
                {
                    effectApplied();
                }

                return (healed.Met, healed.Met
                    ? $"clients reach broker {brokerId} through the proxy again; what waited was delivered in order; {healed.Seen}"
                    : $"broker {brokerId} does not answer through the proxy after the cut healed: {healed.Seen}");
            default:
                throw new ArgumentException($"{command.Operation} is not a client-side fault", nameof(command));
        }
    }

    private static string Millis(TimeSpan duration) => duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
