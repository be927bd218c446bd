using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// Generates the keys and values of one producer instance of a traffic stream. Arrays are owned by the
/// source and reused: a message is valid only until the next call (the Kafka client copies it while producing).
/// </summary>
public sealed class MessageSource
{
    private readonly byte[][] _keys;
    private readonly byte[] _value;
    private readonly Random _random;

    public MessageSource(TrafficStream stream, int seed, int producerIndex, TimeSpan runDuration)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _ = runDuration;
        _random = new Random(HashCode.Combine(seed, stream.Name, producerIndex));
        _keys = stream.Keys.Distribution == KeyDistribution.None
            ? []
            : Enumerable.Range(0, stream.Keys.Space).Select(i => System.Text.Encoding.UTF8.GetBytes($"user-{i:D8}")).ToArray();
        _value = new byte[stream.Payload.Size];
        _random.NextBytes(_value);
    }

    /// <summary>The message due at <paramref name="elapsed"/> since the start of the run.</summary>
    public GeneratedMessage Next(TimeSpan elapsed)
    {
        _ = elapsed;
        var key = _keys.Length == 0 ? null : _keys[_random.Next(_keys.Length)];
        return new GeneratedMessage(key, _value);
    }
}

/// <summary>A generated message; the arrays belong to the <see cref="MessageSource"/>.</summary>
public readonly record struct GeneratedMessage(byte[]? Key, byte[] Value);
