using System.Globalization;

namespace LoadLab.Core.Cost;

/// <summary>
/// One resource a broker can run out of. A <see cref="BrokerLimit.Rate"/> limit scales with the load: every MiB/s
/// of ingress puts <see cref="BytesPerIngressByte"/> × its share on each broker, against the resource's baseline
/// (and, for network and EBS, a burst rate while credits last). A <see cref="BrokerLimit.Static"/> limit needs a
/// fixed number of brokers whatever the load (retained data against disk space, partitions against memory).
/// </summary>
public sealed record BrokerLimit
{
    private const double CountTolerance = 1e-9;

    private BrokerLimit(string name, double bytesPerIngressByte, double baselineMiBps, double burstMiBps, double creditMiB, int staticBrokers, string explanation)
    {
        Name = name;
        BytesPerIngressByte = bytesPerIngressByte;
        BaselineMiBps = baselineMiBps;
        BurstMiBps = burstMiBps;
        CreditMiB = creditMiB;
        StaticBrokers = staticBrokers;
        Explanation = explanation;
    }

    /// <summary>What runs out, e.g. <c>network out</c>, <c>EBS bandwidth</c>, <c>disk space</c>.</summary>
    public string Name { get; }

    /// <summary>Bytes this resource carries (summed over the fleet) per byte of ingress.</summary>
    public double BytesPerIngressByte { get; }

    /// <summary>Sustained capacity of one broker (MiB/s).</summary>
    public double BaselineMiBps { get; }

    /// <summary>Capacity of one broker while credits last (MiB/s); equal to the baseline when it cannot burst.</summary>
    public double BurstMiBps { get; }

    /// <summary>A full credit bucket of one broker: MiB it may use above the baseline (burst duration × (burst − baseline)).</summary>
    public double CreditMiB { get; }

    /// <summary>Brokers a static limit needs; 0 for a rate limit.</summary>
    public int StaticBrokers { get; }

    /// <summary>How the limit was derived, with the numbers (for the compute line's formula).</summary>
    public string Explanation { get; }

    public bool IsRate => StaticBrokers == 0;

    public bool CanBurst => CreditMiB > 0 && BurstMiBps > BaselineMiBps;

    public static BrokerLimit Rate(string name, double bytesPerIngressByte, double baselineMiBps, double burstMiBps, double burstSeconds, string explanation) =>
        new(name, bytesPerIngressByte, baselineMiBps, Math.Max(baselineMiBps, burstMiBps), Math.Max(0, burstSeconds * (burstMiBps - baselineMiBps)), 0, explanation);

    public static BrokerLimit Static(string name, double brokers, string explanation) =>
        new(name, 0, 0, 0, 0, Math.Max(1, Ceiling(brokers)), explanation);

    /// <summary>Brokers needed to carry <paramref name="ingressMiBps"/> at the baseline with <paramref name="headroom"/> spare.</summary>
    public int BrokersAtBaseline(double ingressMiBps, double headroom) =>
        IsRate ? Ceiling(ingressMiBps * BytesPerIngressByte * (1 + headroom) / BaselineMiBps) : StaticBrokers;

    /// <summary>A count like 15.000000000002 (floating-point noise) must not become 16.</summary>
    public static int Ceiling(double brokers) => (int)Math.Ceiling(brokers - CountTolerance);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Explanation}");
}
