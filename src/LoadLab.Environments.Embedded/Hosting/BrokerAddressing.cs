using System.Globalization;
using System.Net;

namespace LoadLab.Environments.Embedded.Hosting;

/// <summary>
/// Where the brokers of a served cluster accept connections and which address metadata gives clients for them,
/// for clients that cannot reach the mock's own listeners (random ports on 127.0.0.1), e.g. outside a container.
/// Broker <c>i</c> (1-based) listens on <see cref="Listen"/> port + i − 1 and is advertised as
/// <see cref="AdvertisedHost"/>:<see cref="AdvertisedPort"/> + i − 1.
/// </summary>
/// <param name="Listen">Address and first port the brokers accept connections on (0.0.0.0: every interface).</param>
/// <param name="AdvertisedHost">Host name or IP address clients are told to connect to.</param>
/// <param name="AdvertisedPort">First advertised port.</param>
public sealed record BrokerAddressing(IPEndPoint Listen, string AdvertisedHost, int AdvertisedPort)
{
    /// <summary>Where broker number <paramref name="index"/> (0-based) accepts connections.</summary>
    public IPEndPoint ListenEndpoint(int index) => new(Listen.Address, Listen.Port + index);

    /// <summary>The <c>host:port</c> metadata gives for broker number <paramref name="index"/> (0-based).</summary>
    public string AdvertisedAddress(int index) => FormatHostPort(AdvertisedHost, AdvertisedPort + index);

    /// <summary>
    /// Reads <c>--listen [address:]port</c> and <c>--advertise host:port</c> for <paramref name="brokers"/> brokers.
    /// Without <paramref name="advertise"/> the brokers advertise the listen address (127.0.0.1 when listening on
    /// every interface). Returns null with no problems when neither is given, null with every problem (each with its
    /// fix) when they are wrong.
    /// </summary>
    public static BrokerAddressing? TryParse(string? listen, string? advertise, int brokers, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        problems = found;
        if (listen is null)
        {
            if (advertise is not null)
            {
                found.Add($"--advertise '{advertise}' needs --listen: the brokers' own ports are random ports on 127.0.0.1, so an advertised address reaches them only through a listener, e.g. --listen 9092 --advertise {advertise}.");
            }

            return null;
        }

        var listenEndpoint = ParseListen(listen, brokers, found);
        var advertised = advertise is null ? DefaultAdvertised(listenEndpoint) : ParseAdvertise(advertise, brokers, found);
        return found.Count == 0 && listenEndpoint is not null && advertised is { } address
            ? new BrokerAddressing(listenEndpoint, address.Host, address.Port)
            : null;
    }

    private static IPEndPoint? ParseListen(string text, int brokers, List<string> problems)
    {
        // A bare number is a port: IPEndPoint would read "9092" as the IPv4 address 0.0.35.132. The port is checked
        // before an endpoint is made of it, since IPEndPoint throws on a port above 65535.
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return CheckPorts("--listen", text, port, brokers, problems) ? new IPEndPoint(IPAddress.Any, (int)port) : null;
        }

        if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':', StringComparison.Ordinal))
        {
            problems.Add($"--listen '{text}' is not a port or an address:port, e.g. --listen 9092 (every interface) or --listen 127.0.0.1:9092.");
            return null;
        }

        return CheckPorts("--listen", text, endpoint.Port, brokers, problems) ? endpoint : null;
    }

    private static (string Host, int Port)? ParseAdvertise(string text, int brokers, List<string> problems)
    {
        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon] : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (colon <= 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown ||
            !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            problems.Add($"--advertise '{text}' is not host:port, e.g. --advertise 127.0.0.1:19092 or --advertise broker-1:9092.");
            return null;
        }

        return CheckPorts("--advertise", text, port, brokers, problems) ? (host, (int)port) : null;
    }

    private static bool CheckPorts(string option, string text, long firstPort, int brokers, List<string> problems)
    {
        var lastPort = firstPort + Math.Max(brokers, 1) - 1;
        if (firstPort is >= 1 and <= IPEndPoint.MaxPort && lastPort <= IPEndPoint.MaxPort)
        {
            return true;
        }

        problems.Add(brokers > 1
            ? $"{option} '{text}': {brokers} brokers use ports {firstPort} to {lastPort}; use a first port from 1 to {IPEndPoint.MaxPort - brokers + 1}."
            : $"{option} '{text}': port {firstPort} is out of range; use 1 to {IPEndPoint.MaxPort}.");
        return false;
    }

    private static (string Host, int Port)? DefaultAdvertised(IPEndPoint? listen) => listen is null
        ? null
        : (listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback.ToString() : listen.Address.ToString(), listen.Port);

    private static string FormatHostPort(string host, int port) =>
        (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);
}
