using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Traffic;

internal static class TrafficStreams
{
    public static TrafficStream Create(PayloadSpec? payload = null, KeySpec? keys = null, string name = "inference", int producers = 1) => new()
    {
        Name = name,
        Topic = "inference-events",
        Rate = 1000,
        Producers = producers,
        Payload = payload ?? new PayloadSpec { Kind = PayloadKind.Prediction },
        Keys = keys ?? new KeySpec(),
    };
}
