using System.Text;
using System.Text.Json;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public class MessageSourceTests
{
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(60);

    private static readonly PayloadSpec Busy = new()
    {
        Kind = PayloadKind.Mixed,
        ChainShare = 0.3,
        Size = 2048,
        Growth = new PayloadGrowth
        {
            LinearTo = 6000,
            Blocks = [new BlockStep(TimeSpan.FromSeconds(20), PayloadBlock.Explanation), new BlockStep(TimeSpan.FromSeconds(40), PayloadBlock.Retrieval)],
        },
    };

    private const string RecordedDigest = "69D769D237349B70C1273F2A7EC63124A0AB35264BB709E5639A383790A8200C";

    private static readonly KeySpec ZipfWithHotKey = new()
    {
        Distribution = KeyDistribution.Zipf,
        Space = 5_000,
        HotKeys = [new HotKeyWindow(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), 0.4, Key: 17, TopN: null)],
    };

    [Fact]
    public void Next_SameSeed_ProducesByteIdenticalSequence()
    {
        var stream = TrafficStreams.Create(Busy, ZipfWithHotKey);
        var first = new MessageSource(stream, seed: 5, producerIndex: 0, Run);
        var second = new MessageSource(stream, seed: 5, producerIndex: 0, Run);

        for (var i = 0; i < 6_000; i++)
        {
            var at = TimeSpan.FromMilliseconds(i * 10);
            var a = first.Next(at);
            var b = second.Next(at);
            Assert.True(a.Key.AsSpan().SequenceEqual(b.Key), $"key of message {i} differs");
            Assert.True(a.Value.AsSpan().SequenceEqual(b.Value), $"value of message {i} differs");
        }
    }

    /// <summary>
    /// Runs on other days, machines and processes must send the same bytes, which a comparison inside one
    /// process cannot show (a per-process randomised hash would pass it). The digest changes only when the
    /// envelope, the pools or the random streams change — then update it deliberately.
    /// </summary>
    [Fact]
    public void Next_Seed1_MatchesTheRecordedDigest()
    {
        var source = new MessageSource(TrafficStreams.Create(Busy, ZipfWithHotKey), seed: 1, producerIndex: 0, Run);
        using var digest = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        for (var i = 0; i < 2_000; i++)
        {
            var message = source.Next(TimeSpan.FromMilliseconds(i * 30));
            digest.AppendData(message.Key!);
            digest.AppendData(message.Value);
        }

        Assert.Equal(RecordedDigest, Convert.ToHexString(digest.GetHashAndReset()));
    }

    [Theory]
    [InlineData(6, 0, "inference")]
    [InlineData(5, 1, "inference")]
    [InlineData(5, 0, "other-stream")]
    public void Next_DifferentSeedProducerOrStream_ProducesDifferentSequence(int seed, int producerIndex, string streamName)
    {
        var reference = new MessageSource(TrafficStreams.Create(Busy, ZipfWithHotKey, producers: 2), 5, 0, Run);
        var other = new MessageSource(TrafficStreams.Create(Busy, ZipfWithHotKey, streamName, producers: 2), seed, producerIndex, Run);

        var sameValues = 0;
        var sameKeys = 0;
        const int messages = 1_000;
        for (var i = 0; i < messages; i++)
        {
            var at = TimeSpan.FromMilliseconds(i);
            var a = reference.Next(at);
            var aKey = a.Key!.ToArray();
            var aValue = a.Value.ToArray();
            var b = other.Next(at);
            sameKeys += aKey.AsSpan().SequenceEqual(b.Key) ? 1 : 0;
            sameValues += aValue.AsSpan().SequenceEqual(b.Value) ? 1 : 0;
        }

        Assert.Equal(0, sameValues);
        // Zipf keys collide by chance (rank 0 alone has ~11 %), but far from always.
        Assert.InRange(sameKeys, 0, messages / 4);
    }

    [Theory]
    [InlineData(PayloadKind.Fixed, FeatureMode.References, 100)]
    [InlineData(PayloadKind.Fixed, FeatureMode.References, 1024)]
    [InlineData(PayloadKind.Prediction, FeatureMode.References, 1024)]
    [InlineData(PayloadKind.Prediction, FeatureMode.Values, 4096)]
    [InlineData(PayloadKind.AgentChain, FeatureMode.References, 2048)]
    [InlineData(PayloadKind.Mixed, FeatureMode.Values, 3000)]
    public void Next_TargetAboveEnvelope_ValueLengthEqualsTargetExactly(PayloadKind kind, FeatureMode features, int size)
    {
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = kind, Features = features, Size = size, ChainShare = 0.5 }), 1, 0, Run);

        for (var i = 0; i < 2_000; i++)
        {
            Assert.Equal(size, source.Next(TimeSpan.FromMilliseconds(i)).Value.Length);
        }

        Assert.Equal(size, source.CurrentTargetSize);
    }

    [Fact]
    public void Next_TargetBelowEveryEnvelope_SendsEnvelopesRoundedUpTo64Bytes()
    {
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.Prediction, Size = 200 }), 1, 0, Run);

        for (var i = 0; i < 500; i++)
        {
            var value = source.Next(TimeSpan.Zero).Value;
            Assert.Equal(0, value.Length % 64);
            Assert.True(value.Length >= source.MinimumEnvelopeSize);
            using var document = JsonDocument.Parse(value);
        }
    }

    [Theory]
    [InlineData(0.0, 1024)]
    [InlineData(15.0, 2560)]
    [InlineData(30.0, 4096)]
    [InlineData(59.999, 7104)]
    [InlineData(60.0, 7168)]
    public void Next_LinearGrowth_ValueLengthFollowsTheSchedule(double seconds, int expected)
    {
        var payload = new PayloadSpec { Kind = PayloadKind.Prediction, Size = 1024, Growth = new PayloadGrowth { LinearTo = 7168 } };
        var source = new MessageSource(TrafficStreams.Create(payload), 1, 0, Run);
        var at = TimeSpan.FromSeconds(seconds);

        var value = source.Next(at).Value;

        Assert.Equal(expected, value.Length);
        Assert.Equal(expected, source.CurrentTargetSize);
        Assert.Equal(expected, source.TargetSizeAt(at));
    }

    [Fact]
    public void Next_SizeStepsBackAndForth_MatchEachStepWithoutAllocating()
    {
        var steps = new[] { 1024, 4096, 1536, 4096, 1024 }.Select((size, i) => new SizeStep(TimeSpan.FromSeconds(10 * (i + 1)), size)).ToArray();
        var payload = new PayloadSpec { Kind = PayloadKind.Prediction, Size = 2048, Growth = new PayloadGrowth { Steps = steps } };
        var source = new MessageSource(TrafficStreams.Create(payload), 1, 0, Run);
        for (var second = 0; second < 60; second++)
        {
            source.Next(TimeSpan.FromSeconds(second));
        }

        var lengths = new int[60];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var second = 0; second < 60; second++)
        {
            lengths[second] = source.Next(TimeSpan.FromSeconds(second)).Value.Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(Enumerable.Range(0, 60).Select(second => second < 10 ? 2048 : steps[(second / 10) - 1].Size), lengths);
    }

    [Theory]
    [InlineData(PayloadKind.Fixed)]
    [InlineData(PayloadKind.Prediction)]
    [InlineData(PayloadKind.AgentChain)]
    [InlineData(PayloadKind.Mixed)]
    public void Next_AfterWarmUp_AllocatesNothing(PayloadKind kind)
    {
        var payload = new PayloadSpec { Kind = kind, Size = 4096, ChainShare = 0.25, Blocks = [PayloadBlock.Prompt] };
        var source = new MessageSource(TrafficStreams.Create(payload, ZipfWithHotKey), 1, 0, Run);
        for (var i = 0; i < 1_000; i++)
        {
            source.Next(TimeSpan.FromMilliseconds(i));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20_000; i++)
        {
            source.Next(TimeSpan.FromMilliseconds(i));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(FeatureMode.References, new PayloadBlock[0])]
    [InlineData(FeatureMode.Values, new[] { PayloadBlock.Explanation, PayloadBlock.Prompt, PayloadBlock.Retrieval, PayloadBlock.ToolCall })]
    [InlineData(FeatureMode.References, new[] { PayloadBlock.ToolCall })]
    public void Next_EveryEnvelope_IsValidJsonWithEveryRequiredFieldTyped(FeatureMode features, PayloadBlock[] blocks)
    {
        var payload = new PayloadSpec { Kind = PayloadKind.Mixed, ChainShare = 0.5, Size = 1536, Features = features, Blocks = blocks };
        var source = new MessageSource(TrafficStreams.Create(payload), 3, 0, Run);

        for (var i = 0; i < 1_500; i++)
        {
            EnvelopeSchema.AssertValid(source.Next(TimeSpan.FromMilliseconds(i)).Value, features, blocks);
        }
    }

    [Fact]
    public void Next_BlocksSwitchedOnAtTimes_AppearFromTheirOffsets()
    {
        var growth = new PayloadGrowth { Blocks = [new BlockStep(TimeSpan.FromSeconds(10), PayloadBlock.Explanation), new BlockStep(TimeSpan.FromSeconds(20), PayloadBlock.Retrieval)] };
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.Prediction, Size = 512, Growth = growth }), 1, 0, Run);

        double AverageLength(double seconds, PayloadBlock[] blocks)
        {
            var total = 0L;
            for (var i = 0; i < 200; i++)
            {
                var value = source.Next(TimeSpan.FromSeconds(seconds)).Value;
                EnvelopeSchema.AssertValid(value, FeatureMode.References, blocks);
                total += value.Length;
            }

            return total / 200.0;
        }

        var plain = AverageLength(9.99, []);
        var explained = AverageLength(10, [PayloadBlock.Explanation]);
        var retrieved = AverageLength(25, [PayloadBlock.Explanation, PayloadBlock.Retrieval]);

        Assert.True(plain < explained && explained < retrieved, $"average sizes {plain}, {explained}, {retrieved} do not grow");
    }

    [Fact]
    public void Next_Envelope_CarriesTheKeysIdentityIdsAndTimestamp()
    {
        var runStart = new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.Zero);
        var keys = new KeySpec { Kind = KeyKind.Account, Space = 2_000 };
        var source = new MessageSource(TrafficStreams.Create(keys: keys), 9, 0, Run, runStart);
        var eventIds = new HashSet<string>();

        for (var i = 0; i < 1_000; i++)
        {
            var at = TimeSpan.FromMilliseconds(37 * i);
            var message = source.Next(at);
            using var document = JsonDocument.Parse(message.Value);
            var root = document.RootElement;
            Assert.Equal(Encoding.ASCII.GetString(message.Key!), root.GetProperty("account_id").GetString());
            Assert.Equal(runStart.ToUnixTimeMilliseconds() + (37 * i), root.GetProperty("timestamp_ms").GetInt64());
            Assert.True(eventIds.Add(root.GetProperty("event_id").GetString()!), "event ids repeat");
            Assert.Equal(root.GetProperty("correlation_id").GetString(), root.GetProperty("causation_id").GetString());
        }

        Assert.Equal(1_000, source.MessageCount);
    }

    [Fact]
    public void StartRunAt_LaterStart_TimestampsCountFromIt()
    {
        var source = new MessageSource(TrafficStreams.Create(), 9, 0, Run, new DateTimeOffset(2026, 11, 26, 18, 0, 0, TimeSpan.Zero));
        var actualStart = new DateTimeOffset(2026, 11, 26, 18, 0, 4, 250, TimeSpan.Zero);

        source.StartRunAt(actualStart);
        using var document = JsonDocument.Parse(source.Next(TimeSpan.FromMilliseconds(1_500)).Value);

        Assert.Equal(actualStart.ToUnixTimeMilliseconds() + 1_500, document.RootElement.GetProperty("timestamp_ms").GetInt64());
    }

    [Fact]
    public void Next_SameKeyFromTwoProducers_HasTheSameTenantAndAccount()
    {
        var keys = new KeySpec { Kind = KeyKind.User, Space = 50, Distribution = KeyDistribution.Sequential };
        var first = new MessageSource(TrafficStreams.Create(keys: keys, producers: 2), 1, 0, Run);
        var second = new MessageSource(TrafficStreams.Create(keys: keys, producers: 2), 2, 1, Run);
        var identities = new Dictionary<string, string>();

        foreach (var source in new[] { first, second })
        {
            for (var i = 0; i < 100; i++)
            {
                var message = source.Next(TimeSpan.Zero);
                using var document = JsonDocument.Parse(message.Value);
                var root = document.RootElement;
                var identity = $"{root.GetProperty("tenant_id").GetString()}/{root.GetProperty("account_id").GetString()}/{root.GetProperty("user_id").GetString()}";
                var key = Encoding.ASCII.GetString(message.Key!);
                Assert.EndsWith(key, identity, StringComparison.Ordinal);
                Assert.Equal(identities.GetValueOrDefault(key, identity), identity);
                identities[key] = identity;
            }
        }
    }

    [Fact]
    public void Next_HotKeyWindow_ReachesItsShareOfMessages()
    {
        var keys = new KeySpec
        {
            Kind = KeyKind.Tenant,
            Space = 200,
            HotKeys = [new HotKeyWindow(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), 0.4, Key: 3, TopN: null)],
        };
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.Fixed, Size = 100 }, keys), 1, 0, Run);
        var hotKey = Encoding.ASCII.GetBytes("tenant-0003");
        const int messages = 20_000;

        int HotCount(TimeSpan at) => Enumerable.Range(0, messages).Count(_ => source.Next(at).Key.AsSpan().SequenceEqual(hotKey));

        var before = HotCount(TimeSpan.FromSeconds(29));
        var during = HotCount(TimeSpan.FromSeconds(45));
        var expected = 0.4 + (0.6 / 200);
        var tolerance = 4 * Math.Sqrt(expected * (1 - expected) / messages);
        Assert.InRange((double)during / messages, expected - tolerance, expected + tolerance);
        Assert.InRange((double)before / messages, 0, 0.01);
    }

    [Fact]
    public void Next_NoKeyDistribution_SendsNullKeys()
    {
        var source = new MessageSource(TrafficStreams.Create(keys: new KeySpec { Distribution = KeyDistribution.None }), 1, 0, Run);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(source.Next(TimeSpan.Zero).Key));
    }

    [Fact]
    public void Constructor_ProducerIndexOutsideTheStream_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageSource(TrafficStreams.Create(producers: 2), 1, 2, Run));
    }
}
